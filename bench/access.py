"""Benchmark: the national access metrics (`compute_access`) at the real directory's size and at 1M providers.

All of ../shared/data is imported into a throwaway database (DATABASE_URL, SQLite by default), measured,
then copied with jitter to 1,000,000 providers (as bench/search.py does) and measured again. For each size
it prints the time of the k-d tree work alone (every ZIP code against each medication's providers) and
of the whole computation, which also reads the providers and replaces the metrics in the database.
Target: the whole national computation within 30 s on the real directory. Prints a table and exits 0.

    .venv/bin/python bench/access.py [--target-size 1000000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from common import throwaway_database  # noqa: I001  (sets up Django first)
from django.conf import settings

TARGET = "target: the whole national computation within 30 s on the real directory"


def measure(label: str) -> tuple[str, int, int, float, float]:
    from locator import access, gazetteer
    from locator.geo import unit_vector
    from locator.vocabulary import AccessMedication

    points = np.array([unit_vector(place.latitude, place.longitude) for place in gazetteer.zip_places()])
    tree_seconds = 0.0
    for medication in AccessMedication:
        ids, units = access._provider_points(medication)
        started = time.perf_counter()
        access.nearest_providers(points, ids, units)
        tree_seconds += time.perf_counter() - started
    report = access.compute_access()
    return label, report.providers[AccessMedication.ANY], report.zip_codes, tree_seconds, report.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261204)
    arguments = parser.parse_args()
    data_dir = settings.LOCATOR_SHARED_DATA_DIR
    if not data_dir.is_dir():
        print(f"no data folder at {data_dir}: set LOCATOR_DATA_DIR")
        return
    from search import replicate_to

    from locator.importing.importer import import_files

    with throwaway_database() as vendor:
        print(f"database: {vendor}. {TARGET}")
        import_files([data_dir])
        rows = [measure("real directory")]
        replicate_to(arguments.target_size, arguments.seed)
        rows.append(measure(f"replicated to {arguments.target_size:,}"))
    print("\n| directory | MOUD providers | ZIP codes | k-d trees s | whole computation s |")
    print("|---|---|---|---|---|")
    for label, providers, zip_codes, tree_seconds, seconds in rows:
        print(f"| {label} | {providers:,} | {zip_codes:,} | {tree_seconds:.1f} | {seconds:.1f} |")


if __name__ == "__main__":
    main()

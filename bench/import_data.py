"""Benchmark: import all of ../shared/data into an empty database, then again (nothing changes).

Prints a table and exits 0. Uses a throwaway test database on whatever DATABASE_URL names
(SQLite by default), so it never touches the directory `make run` serves.

    .venv/bin/python bench/import_data.py [DATA_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402


def main() -> None:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else settings.LOCATOR_SHARED_DATA_DIR
    if not data_dir.is_dir():
        print(f"no data folder at {data_dir}: pass one, or set LOCATOR_DATA_DIR")
        return
    from locator.importing.importer import import_files
    from locator.models import Provider, SourceRecord

    original_name = connection.settings_dict["NAME"]
    with tempfile.TemporaryDirectory() as scratch:
        if connection.vendor == "sqlite":
            connection.settings_dict["TEST"]["NAME"] = str(Path(scratch) / "bench.sqlite3")
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            rows = []
            for label in ("first import (empty database)", "same files again"):
                started = time.perf_counter()
                report = import_files([data_dir])
                seconds = time.perf_counter() - started
                read = sum(source.read for source in report.sources.values())
                changed = sum(source.created + source.updated for source in report.sources.values())
                rows.append((label, read, changed, seconds, read / seconds))
            print(f"database: {connection.vendor}; data: {data_dir}")
            print(f"{'run':32} {'rows read':>10} {'created+updated':>16} {'seconds':>8} {'rows/s':>8}")
            for label, read, changed, seconds, rate in rows:
                print(f"{label:32} {read:>10,} {changed:>16,} {seconds:>8.1f} {rate:>8,.0f}")
            print(f"providers: {Provider.objects.count():,}; source records: {SourceRecord.objects.count():,}")
        finally:
            connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main()

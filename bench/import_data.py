"""Benchmark: import all of ../shared/data into an empty database, then again (nothing changes).

Prints a table and exits 0. Uses a throwaway database on whatever DATABASE_URL names (SQLite by
default), so it never touches the directory `make run` serves.

    .venv/bin/python bench/import_data.py [DATA_DIR]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from common import throwaway_database
from django.conf import settings


def main() -> None:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else settings.LOCATOR_SHARED_DATA_DIR
    if not data_dir.is_dir():
        print(f"no data folder at {data_dir}: pass one, or set LOCATOR_DATA_DIR")
        return
    from locator.importing.importer import import_files
    from locator.models import Provider, SourceRecord

    with throwaway_database() as vendor:
        rows = []
        for label in ("first import (empty database)", "same files again"):
            started = time.perf_counter()
            report = import_files([data_dir])
            seconds = time.perf_counter() - started
            read = sum(source.read for source in report.sources.values())
            changed = sum(source.created + source.updated for source in report.sources.values())
            rows.append((label, read, changed, seconds, read / seconds))
        print(f"database: {vendor}; data: {data_dir}")
        print(f"{'run':32} {'rows read':>10} {'created+updated':>16} {'seconds':>8} {'rows/s':>8}")
        for label, read, changed, seconds, rate in rows:
            print(f"{label:32} {read:>10,} {changed:>16,} {seconds:>8.1f} {rate:>8,.0f}")
        print(f"providers: {Provider.objects.count():,}; source records: {SourceRecord.objects.count():,}")


if __name__ == "__main__":
    main()

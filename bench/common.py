"""What the benchmarks share: Django set up on a throwaway database, and percentiles."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

# Measure what production runs: no SQL kept in memory for the debug page.
settings.DEBUG = False


@contextlib.contextmanager
def throwaway_database() -> Iterator[str]:
    """A fresh test database on whatever DATABASE_URL names (SQLite by default), dropped afterwards."""
    original_name = connection.settings_dict["NAME"]
    with tempfile.TemporaryDirectory() as scratch:
        if connection.vendor == "sqlite":
            connection.settings_dict["TEST"]["NAME"] = str(Path(scratch) / "bench.sqlite3")
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            yield connection.vendor
        finally:
            connection.creation.destroy_test_db(original_name, verbosity=0)


def percentiles_ms(seconds: list[float]) -> tuple[float, float, float]:
    ordered = sorted(seconds)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000

    return at(0.50), at(0.95), at(0.99)

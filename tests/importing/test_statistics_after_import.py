"""After `import_samhsa`, the query planner knows the new directory, and on PostgreSQL the pages are marked
all-visible, so that a search can read its covering index without the table. Run as the command runs,
outside any transaction, against a database of its own."""

import os
import sqlite3
import subprocess
import sys

import psycopg

from tests.conftest import PROJECT_DIR
from tests.test_hardening_live import POSTGRES_ADMIN_URL, postgres_database  # noqa: F401 (a fixture)

TABLES = ["locator_provider", "locator_sourcerecord", "locator_sourcefile"]


def _import_the_sample(database_url: str) -> None:
    # The imports' access metrics and export files are tested on their own (tests/test_access.py).
    env = {**os.environ, "DATABASE_URL": database_url, "LOCATOR_REFRESH_AFTER_IMPORT": "0"}
    for command in (["migrate", "-v0"], ["import_samhsa", "--sample", "fixtures"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=PROJECT_DIR, env=env, check=True, capture_output=True
        )


def test_import_samhsa_leaves_sqlite_the_statistics_of_every_table_a_search_reads(tmp_path):
    path = tmp_path / "db.sqlite3"
    _import_the_sample(f"sqlite:///{path}")
    with sqlite3.connect(path) as database:
        analyzed = {row[0] for row in database.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}
    assert set(TABLES) <= analyzed


def test_import_samhsa_vacuums_and_analyzes_every_table_a_search_reads_on_postgresql(postgres_database):  # noqa: F811
    admin = psycopg.conninfo.conninfo_to_dict(POSTGRES_ADMIN_URL)
    host, port = admin.get("host", "127.0.0.1"), admin.get("port", "5432")
    url = f"postgres://{admin.get('user', 'postgres')}@{host}:{port}/{postgres_database}"
    _import_the_sample(url)
    with psycopg.connect(url) as database:
        # Never analyzed: -1 tuples; never vacuumed: no page known all-visible.
        rows = database.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples > 0 AND relallvisible > 0", [TABLES]
        ).fetchall()
    assert {row[0] for row in rows} == set(TABLES)

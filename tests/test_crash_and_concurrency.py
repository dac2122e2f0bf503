"""An import killed with SIGKILL in the middle leaves exactly the previous directory, and searches that run
while an import writes see the old directory or the new one, never a half. Real processes on a real
database of the same kind as the test run's (a file for SQLite, a database of its own on PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import PROJECT_DIR

# 52 state files, 51,211 rows: long enough a write to kill it in the middle.
PRACTITIONERS = "bupe_practitioner_locator_20200704"
# The practitioners within 100 miles of Richmond, where the searches look: 6,000 rows, seconds of writing.
AROUND_RICHMOND = ("VA", "MD", "DC", "NC", "WV", "DE")

STATE_OF_THE_DIRECTORY = """
import hashlib, json, django
django.setup()
from django.db import connection
from locator.models import Provider, SourceFile, SourceRecord
digest = hashlib.sha256()
for row in Provider.objects.order_by("id").values_list("id", "name", "active", "latitude", "longitude", "is_otp"):
    digest.update(repr(row).encode())
for row in SourceRecord.objects.order_by("id").values_list("id", "source_key", "active", "content_hash"):
    digest.update(repr(row).encode())
state = {"providers": Provider.objects.count(), "files": SourceFile.objects.count(), "digest": digest.hexdigest()}
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        state["integrity"] = cursor.fetchone()[0]
print(json.dumps(state))
"""

# Searches in a loop until the stop file appears, writing one line per search: its count and first names,
# or the error.
SEARCH_IN_A_LOOP = """
import json, sys, time, django
from pathlib import Path
django.setup()
from locator.places import search_location
from locator.search import SearchFilters, provider_search
stop, answers = Path(sys.argv[1]), open(sys.argv[2], "w", buffering=1)
location = search_location(near="Richmond, VA", latitude=None, longitude=None)
while not stop.exists():
    try:
        result = provider_search(location=location, radius_miles=100, filters=SearchFilters())
        answer = {"count": result.count, "first": [match.provider.name for match in result.matches[:3]]}
    except Exception as error:
        answer = {"error": repr(error)}
    answers.write(json.dumps(answer) + "\\n")
    time.sleep(0.005)
"""


@pytest.fixture
def separate_database(tmp_path, shared_data_dir) -> Iterator[dict[str, str]]:
    """Environment for subprocesses using a database of their own, holding the sample directory."""
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'directory.sqlite3'}"
        cleanup = None
    else:
        import psycopg

        settings = connection.settings_dict
        name = f"locator_crash_{uuid.uuid4().hex[:8]}"
        server = {
            "host": settings["HOST"] or "127.0.0.1",
            "port": settings["PORT"] or 5432,
            "user": settings["USER"],
            "password": settings["PASSWORD"] or None,
        }
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        password = f":{server['password']}" if server["password"] else ""
        url = f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"

        def cleanup() -> None:
            with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # The imports' access metrics and export files are tested on their own (tests/test_access.py).
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONUNBUFFERED": "1",
        "DATABASE_CONN_MAX_AGE": "0",
        "LOCATOR_REFRESH_AFTER_IMPORT": "0",
    }
    run = {"cwd": PROJECT_DIR, "env": env, "check": True, "capture_output": True, "text": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    subprocess.run([sys.executable, "manage.py", "import_samhsa", "--sample", "fixtures"], **run)
    try:
        yield env
    finally:
        if cleanup:
            cleanup()


def directory_state(env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", STATE_OF_THE_DIRECTORY],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def start_import(env: dict[str, str], path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_samhsa", str(path)],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def read_until(process: subprocess.Popen, text: str) -> list[str]:
    lines = []
    for line in process.stdout:
        lines.append(line)
        if text in line:
            return lines
    pytest.fail(f"the import ended before {text!r}: {''.join(lines)[-2000:]}")


def test_an_import_killed_in_the_middle_of_writing_leaves_exactly_the_previous_directory(
    separate_database, shared_data_dir
):
    before = directory_state(separate_database)
    importing = start_import(separate_database, shared_data_dir / PRACTITIONERS)
    read_until(importing, "applied ")
    # Well inside the one transaction: the practitioners take seconds to write.
    time.sleep(1.0)
    importing.send_signal(signal.SIGKILL)
    assert importing.wait(timeout=30) == -signal.SIGKILL
    after = directory_state(separate_database)
    assert after == before
    assert after.get("integrity", "ok") == "ok"
    # And the database takes the next import as if nothing had happened.
    finished = start_import(separate_database, shared_data_dir / PRACTITIONERS / "Physician_Locator_07_04_2020_OK.csv")
    output = finished.communicate(timeout=600)[0]
    assert finished.returncode == 0, output[-2000:]
    assert directory_state(separate_database)["providers"] > before["providers"]


def test_searches_during_an_import_see_the_old_directory_or_the_new_one_never_a_half(
    separate_database, shared_data_dir, tmp_path
):
    stop, answers_path = tmp_path / "stop", tmp_path / "answers.jsonl"
    searching = subprocess.Popen(
        [sys.executable, "-c", SEARCH_IN_A_LOOP, str(stop), str(answers_path)], cwd=PROJECT_DIR, env=separate_database
    )
    try:
        deadline = time.monotonic() + 60
        while not (answers_path.exists() and answers_path.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        around_richmond = tmp_path / "practitioners"
        around_richmond.mkdir()
        for state in AROUND_RICHMOND:
            name = f"Physician_Locator_07_04_2020_{state}.csv"
            (around_richmond / name).symlink_to(shared_data_dir / PRACTITIONERS / name)
        importing = start_import(separate_database, around_richmond)
        output = importing.communicate(timeout=600)[0]
        assert importing.returncode == 0, output[-2000:]
        time.sleep(0.5)
    finally:
        stop.touch()
        searching.wait(timeout=60)
    answers = [json.loads(line) for line in answers_path.read_text().splitlines()]
    assert [answer for answer in answers if "error" in answer] == []
    seen = [(answer["count"], tuple(answer["first"])) for answer in answers]
    old, new = seen[0], seen[-1]
    assert old != new
    assert set(seen) == {old, new}
    # Once the new directory shows, the old one never comes back.
    first_new = seen.index(new)
    assert all(answer == new for answer in seen[first_new:])

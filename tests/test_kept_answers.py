"""Repeated searches answered from the process's own memory: expiring, started over by an import, and
keyed so that the key does not spell out the search."""

import itertools
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.cache.backends import base as cache_base
from django.core.cache.backends import locmem
from django.core.handlers.base import BaseHandler
from django.db import OperationalError, connection
from django.http import HttpRequest
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from locator.importing.importer import import_files
from locator.kept_answers import (
    answer_key,
    directory_version,
    forget_directory_version,
    keep_answer,
    kept_answer,
)
from locator.models import SourceFile
from tests.conftest import FIXTURES_DIR, PROJECT_DIR
from tests.factories import make_provider


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/providers/?near=74103", "/?near=74103"])
def test_a_repeated_search_skips_the_search_and_an_import_starts_over(client, empty_directory, url):
    make_provider(name="First Clinic", latitude=36.15, longitude=-95.99)
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.content == first.content and again.status_code == 200
    # At most the once-a-second look for a newer import; never the search.
    assert not [query for query in queries if "locator_provider" in query["sql"]] and len(queries) <= 1
    make_provider(name="Second Clinic", latitude=36.151, longitude=-95.99)
    import_files([FIXTURES_DIR], is_sample=True)
    # Each process looks for a newer import at most once a second.
    forget_directory_version()
    assert b"Second Clinic" in client.get(url).content


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/providers/?near=74103", "/?near=74103"])
def test_a_repeated_search_keeps_its_etag_and_is_not_hashed_again(client, empty_directory, url):
    make_provider(name="First Clinic", latitude=36.15, longitude=-95.99)
    first = client.get(url)
    with mock.patch("django.middleware.http.set_response_etag") as hashing:
        again = client.get(url)
        unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again["ETag"] == first["ETag"] and again.content == first.content
    assert unchanged.status_code == 304
    hashing.assert_not_called()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/providers/?near=74103", "/?near=74103"])
def test_a_repeat_is_answered_before_the_view_with_every_header_the_first_had(client, empty_directory, url):
    make_provider(name="First Clinic", latitude=36.15, longitude=-95.99)
    first = client.get(url)
    with mock.patch.object(BaseHandler, "resolve_request", side_effect=AssertionError("the view was reached")):
        again = client.get(url)
    assert again.status_code == first.status_code == 200
    assert dict(again.headers) == dict(first.headers)
    assert again["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in again


@pytest.mark.django_db
def test_a_repeated_api_search_counts_against_the_rate_limit_and_is_refused_past_it(client, empty_directory, settings):
    settings.LOCATOR_API_RATE_LIMIT = "3/minute"
    caches["default"].clear()
    make_provider(name="First Clinic", latitude=36.15, longitude=-95.99)
    statuses = [client.get("/api/v1/providers/?near=74103").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_a_repeated_search_keeps_its_format_and_headers(client, empty_directory):
    make_provider(name="First Clinic", latitude=36.15, longitude=-95.99)
    url = "/api/v1/providers/?near=74103"
    first_csv = client.get(url + "&format=csv")
    again_csv = client.get(url + "&format=csv")
    assert first_csv.status_code == again_csv.status_code == 200
    assert again_csv.content == first_csv.content
    assert again_csv["Content-Type"] == first_csv["Content-Type"]
    assert again_csv.get("Content-Disposition") == first_csv.get("Content-Disposition")
    assert again_csv["Cache-Control"] == "max-age=300, private"
    assert client.get(url, HTTP_ACCEPT="application/geo+json")["Content-Type"].startswith("application/geo+json")
    assert client.get(url)["Content-Type"] == "application/json"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


def test_a_kept_answer_lasts_as_long_as_its_max_age(monkeypatch):
    clock = Clock()
    # Django's cache reads the time through the `time` module of these two backends' modules.
    monkeypatch.setattr(cache_base, "time", clock)
    monkeypatch.setattr(locmem, "time", clock)
    # Not the cache's default of 300 seconds, so that the test tells them apart.
    keep_answer("key", b"page", max_age_seconds=60)
    clock.now += 59
    assert kept_answer("key") == b"page"
    clock.now += 2
    assert kept_answer("key") is None


def test_zero_keeps_nothing(tmp_path):
    # The setting shapes CACHES when the process starts: ask a fresh one.
    script = (
        "import django; django.setup()\n"
        "from locator.kept_answers import keep_answer, kept_answer\n"
        "keep_answer('a', b'answer', max_age_seconds=300)\n"
        "print(kept_answer('a'))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOCATOR_RECENT_ANSWERS": "0"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, env=env, check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "None"
    kept = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env={**env, "LOCATOR_RECENT_ANSWERS": "1"},
        check=True,
        capture_output=True,
        text=True,
    )
    assert kept.stdout.strip() == "b'answer'"


@pytest.mark.django_db
def test_keys_hold_no_search_text_and_differ_by_place_language_and_format(client, empty_directory):
    def search(near: str, **headers: str) -> HttpRequest:
        return RequestFactory().get("/api/v1/providers/", {"near": near, "lat": "36.15"}, **headers)

    key = answer_key(search("Tulsa, OK 74103"), "text/csv")
    assert len(key) == 64 and set(key) <= set("0123456789abcdef")
    for text in ("Tulsa", "74103", "36.15", "near", "csv"):
        assert text not in key
    assert key == answer_key(search("Tulsa, OK 74103"), "text/csv")
    with translation.override("es"):
        in_spanish = answer_key(search("Tulsa, OK 74103"), "text/csv")
    others = {
        answer_key(search("Tulsa, OK 74104"), "text/csv"),
        answer_key(search("Tulsa, OK 74103"), "application/json"),
        answer_key(search("Tulsa, OK 74103", HTTP_HOST="localhost"), "text/csv"),
        in_spanish,
    }
    assert key not in others and len(others) == 4
    client.get("/?near=Tulsa%2C+OK+74103")
    kept_keys = list(caches["answers"]._cache)
    assert kept_keys and not [kept for kept in kept_keys if "Tulsa" in kept or "74103" in kept]


@pytest.mark.django_db
def test_while_the_database_is_away_the_last_version_stands_so_kept_answers_are_served(monkeypatch):
    forget_directory_version()
    clock = itertools.count(step=10.0)
    known = directory_version(lambda: next(clock))
    unreachable = mock.Mock(side_effect=OperationalError("connection refused"))
    monkeypatch.setattr(SourceFile.objects, "aggregate", unreachable)
    assert directory_version(lambda: next(clock)) == known
    assert unreachable.call_count == 1
    forget_directory_version()
    with pytest.raises(OperationalError):
        directory_version(lambda: next(clock))

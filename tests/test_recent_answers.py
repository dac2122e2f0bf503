"""Repeated searches answered from the process's memory: bounded, expiring, and started over by an import."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from locator.importing.importer import import_files
from locator.recent_answers import RecentAnswers, forget_directory_version
from tests.conftest import FIXTURES_DIR
from tests.factories import make_provider


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


@override_settings(LOCATOR_RECENT_ANSWERS=2)
def test_answers_expire_and_the_least_recently_used_go_first():
    clock = Clock()
    answers = RecentAnswers(max_age_seconds=300, clock=clock)
    answers.put("a", 1)
    answers.put("b", 2)
    assert answers.get("a") == 1
    answers.put("c", 3)
    assert (answers.get("a"), answers.get("b"), answers.get("c")) == (1, None, 3)
    clock.now = 301
    assert answers.get("a") is None


@override_settings(LOCATOR_RECENT_ANSWERS=0)
def test_zero_keeps_nothing():
    answers = RecentAnswers(max_age_seconds=300)
    answers.put("a", 1)
    assert answers.get("a") is None


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

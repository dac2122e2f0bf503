"""The search page: a plain GET form over the one search core, on the real directory."""

import json
import re
import subprocess
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locator.geo import distance_miles
from locator.importing.importer import import_files
from locator.models import Provider
from locator.places import resolve_location
from tests.conftest import FIXTURES_DIR, PROJECT_DIR

pytestmark = pytest.mark.django_db

HELPLINE = 'href="tel:+18006624357"'


def result_ids(html: str, list_name: str = "programs") -> list[int]:
    """The providers one list shows: "programs" or "prescribers"."""
    if f'class="result-group {list_name}"' not in html:
        return []
    section = html.split(f'class="result-group {list_name}"', 1)[1].split("</section>", 1)[0]
    return [int(found) for found in re.findall(r'<h4><a href="/providers/(\d+)/', section)]


def all_result_ids(html: str) -> list[int]:
    return result_ids(html, "programs") + result_ids(html, "prescribers")


def test_home_page_is_the_form_with_the_crisis_lines_and_sets_no_cookie(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<form class="search-form" method="get" action="/"' in html
    assert '<label for="id_near">ZIP code, city or address</label>' in html
    for number in (HELPLINE, 'href="tel:988"', 'href="tel:911"'):
        assert number in html
    assert "call 911" in html.lower()
    assert not response.cookies
    assert "result-list" not in html


def test_search_by_zip_lists_real_providers_nearest_first(client, shared_directory):
    response = client.get("/", {"near": "74103"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "providers within 25 miles of Tulsa, OK 74103" in html
    tulsa = resolve_location("74103")
    for list_name in ("programs", "prescribers"):
        ids = result_ids(html, list_name)
        # Tulsa has four programs within 25 miles, and prescribers for many pages.
        assert len(ids) == (4 if list_name == "programs" else 10)
        providers = Provider.objects.in_bulk(ids)
        distances = [
            distance_miles(tulsa.latitude, tulsa.longitude, providers[i].latitude, providers[i].longitude) for i in ids
        ]
        assert distances == sorted(distances)
        assert distances[-1] <= 25
    assert 'href="tel:+1918' in html
    assert "https://www.google.com/maps/dir/?api=1&amp;destination=" in html
    assert "Source:" in html and "SAMHSA" in html
    assert not response.cookies
    assert response["Cache-Control"] == "private, max-age=300"


def test_each_result_shows_its_source_and_the_month_of_its_data(client, shared_directory):
    html = client.get("/", {"near": "Tulsa, OK", "medication": "methadone", "radius": "10"}).content.decode()
    # Tulsa's methadone programs come from the OTP Directory of July 2020, placed at their ZIP's centre.
    assert "SAMHSA Opioid Treatment Program Directory</span>, July 2020" in html
    spanish = client.get(
        "/", {"near": "Tulsa, OK", "medication": "methadone", "radius": "10", "lang": "es"}
    ).content.decode()
    assert "SAMHSA Opioid Treatment Program Directory</span>, julio de 2020" in spanish
    assert "Approximate location" in html
    assert "Certified opioid treatment program" in html


def test_methadone_filter_returns_only_methadone_providers(client, shared_directory):
    html = client.get("/", {"near": "Baltimore, MD", "medication": "methadone"}).content.decode()
    ids = result_ids(html)
    assert ids
    assert all(provider.offers_methadone for provider in Provider.objects.in_bulk(ids).values())
    assert 'value="methadone" id="id_medication_1" checked' in html


def test_search_from_coordinates_says_your_location(client, shared_directory):
    html = client.get("/", {"lat": "36.154", "lng": "-95.993", "radius": "5"}).content.decode()
    assert "within 5 miles of your location" in html
    assert all_result_ids(html)


def test_typed_place_wins_over_an_earlier_my_location_search(client, shared_directory):
    html = client.get("/", {"near": "74103", "lat": "40.7", "lng": "-74.0"}).content.decode()
    assert "of Tulsa, OK 74103" in html


def test_nothing_within_the_radius_says_so_and_shows_the_nearest(client, shared_directory):
    # Middle of Nevada's desert: nothing within 5 miles.
    response = client.get("/", {"lat": "39.5", "lng": "-116.5", "radius": "5"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No providers within 5 miles of your location" in html
    assert "The nearest ones we know of, farther away" in html
    assert len(result_ids(html)) == 10
    assert "farther than the distance you chose" in html


def test_unknown_place_gets_a_friendly_message_with_suggestions_that_work(client, shared_directory):
    response = client.get("/", {"near": "Tusla, OK"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "We could not find Tusla, OK." in html
    assert '<a href="?near=Tulsa%2C+OK">Tulsa, OK</a>' in html
    assert client.get("/", {"near": "Tulsa, OK"}).status_code == 200


def test_suggested_zip_codes_can_be_searched_as_shown(client, shared_directory):
    html = client.get("/", {"near": "74199"}).content.decode()
    suggestions = re.findall(r'<li><a href="\?near=([^"&]+)">', html)
    assert suggestions
    follow = client.get(
        "/",
        {
            "near": unescape(suggestions[0])
            .replace("+", " ")
            .replace("%28", "(")
            .replace("%29", ")")
            .replace("%2C", ",")
        },
    )
    assert follow.status_code == 200


def test_empty_search_asks_for_a_place(client):
    response = client.get("/", {"near": "  "})
    assert response.status_code == 400
    assert "Enter a ZIP code, a city and state, or an address, or use your location." in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"near": "74103", "medication": "heroin"},
        {"near": "74103", "radius": "7"},
        {"near": "74103", "page": "0"},
        {"lat": "999", "lng": "0"},
        {"near": "74103", "payment": "bitcoin"},
    ],
)
def test_bad_values_in_a_link_get_a_friendly_page_not_an_error(client, params):
    response = client.get("/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert HELPLINE in html
    assert 'class="form-error"' in html or 'class="field-error"' in html


def test_a_page_past_the_end_says_so(client, shared_directory):
    response = client.get("/", {"near": "74103", "page": "500"})
    assert response.status_code == 404
    assert "There are no more results." in response.content.decode()


def test_pagination_links_keep_the_search(client, shared_directory):
    html = client.get("/", {"near": "21201", "medication": "buprenorphine"}).content.decode()
    assert 'href="?near=21201&amp;medication=buprenorphine&amp;page=2" rel="next"' in html
    page_two = client.get("/", {"near": "21201", "medication": "buprenorphine", "page": "2"}).content.decode()
    assert '<ol class="result-list" start="11">' in page_two
    assert not set(result_ids(html)) & set(result_ids(page_two))


def test_map_data_matches_the_list_and_loads_nothing_by_itself(client, shared_directory):
    html = client.get("/", {"near": "74103"}).content.decode()
    data = json.loads(re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html).group(1))
    assert [(marker["list"], marker["number"]) for marker in data["markers"]] == [
        (list_name, number)
        for list_name in ("programs", "prescribers")
        for number in range(1, len(result_ids(html, list_name)) + 1)
    ]
    names = [unescape(name) for name in re.findall(r'<h4><a href="/providers/\d+/[^"]*">([^<]*)</a>', html)]
    assert [marker["name"] for marker in data["markers"]] == names
    # Everything the page loads by itself comes from this site; the tile server is only in the map's data.
    assert all(url.startswith("/static/") for url in re.findall(r'src="([^"]*)"', html))
    assert all(url.startswith("/static/") for url in re.findall(r'<link rel="stylesheet" href="([^"]*)"', html))
    assert data["leaflet_js"].startswith("/static/")


def test_sample_data_is_marked_on_every_result_and_on_the_page(client, empty_directory):
    import_files([FIXTURES_DIR], is_sample=True)
    html = client.get("/", {"near": "Tulsa, OK", "radius": "100"}).content.decode()
    assert "This site is showing fictitious sample listings" in html
    assert html.count("Sample data: not a real provider") == len(all_result_ids(html)) > 0


def test_the_frame_s_facts_about_the_directory_are_read_once_per_import_not_per_page(client, empty_directory):
    import_files([FIXTURES_DIR], is_sample=True)
    client.get("/", {"near": "Tulsa, OK"})
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/", {"near": "Tulsa, OK", "radius": "100"}).content.decode()
    assert "This site is showing fictitious sample listings" in html
    assert queries and not [query for query in queries if 'FROM "locator_sourcefile"' in query["sql"]]


def test_real_data_carries_no_sample_banner(client, shared_directory):
    assert "fictitious sample" not in client.get("/", {"near": "74103"}).content.decode()


def test_every_page_has_an_icon_of_its_own(client, db):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/locator/favicon.svg' in html


def test_make_run_serves_on_the_port_asked_for_and_installs_only_the_service():
    commands = subprocess.run(
        ["make", "-n", "run", "PORT=8080"], cwd=PROJECT_DIR, capture_output=True, text=True
    ).stdout
    assert "runserver 127.0.0.1:8080" in commands
    assert "requirements-dev.txt" not in commands


# A search, then the same search with one more choice each: any choice the kept form did not vary on would
# show another search's boxes.
FORM_CHOICES = [
    {"near": "74103"},
    *(
        {"near": "74103", **choice}
        for choice in (
            {"medication": "methadone"},
            {"otp": "on"},
            {"radius": "50"},
            {"payment": ["medicaid", "medicare"]},
            {"telehealth": "on"},
            {"setting": "outpatient"},
            {"group": "veterans"},
            {"age": "adults"},
            {"language": ["es", "ar"]},
            {"lang": "es"},
            {"radius": "7"},
            {"payment": ["medicaid", "cash"]},
        )
    ),
    {},
]


def test_the_forms_choices_written_once_are_what_each_search_would_write_afresh(client, settings, shared_directory):
    """Written once per language and set of choices: each search still shows its own choices checked, its
    own refusals, in its own language, as the page written without keeping them."""
    memory = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-fragments"}
    nothing_kept = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    settings.CACHES = {**settings.CACHES, "answers": nothing_kept, "template_fragments": nothing_kept}
    afresh = [client.get("/", choices).content for choices in FORM_CHOICES]
    settings.CACHES = {**settings.CACHES, "template_fragments": memory}
    for _ in range(2):
        assert [client.get("/", choices).content for choices in FORM_CHOICES] == afresh
    assert len(set(afresh)) == len(afresh)
    plain, methadone, several, refused = (afresh[number].decode() for number in (0, 1, 4, 12))
    assert 'value="methadone" id="id_medication_1" checked' in methadone
    assert 'value="methadone" id="id_medication_1" checked' not in plain
    assert 'value="medicaid" id="id_payment_0" checked' in several and "aria-invalid" not in several
    assert 'value="medicaid" id="id_payment_0" aria-invalid="true" checked' in refused

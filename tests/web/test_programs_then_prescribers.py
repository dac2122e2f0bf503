"""Treatment programs, then individual prescribers: two lists, each nearest first with its own count
and pages, so a clinic is never buried under prescribers listed in 2020 (and the API's one list
says how many of each kind it holds)."""

from html import unescape

import pytest

from locator.models import Provider
from locator.places import resolve_location
from locator.search import SearchFilters, provider_search
from locator.selectors import PROGRAM_KINDS
from tests.factories import make_provider
from tests.web.test_search_page import result_ids

pytestmark = pytest.mark.django_db

TULSA = {"latitude": 36.1540, "longitude": -95.9928}
# About 40 miles north-east of Tulsa, outside the default 25 miles.
FARTHER = {"latitude": 36.60, "longitude": -95.60}


def _count(near: str, kinds: frozenset[str], radius_miles: float = 25) -> int:
    result = provider_search(
        location=resolve_location(near), radius_miles=radius_miles, filters=SearchFilters(kinds=kinds)
    )
    return result.count if result.within_radius else 0


def test_programs_come_first_then_prescribers_each_nearest_first_with_its_own_count(client, shared_directory):
    html = client.get("/", {"near": "74103"}).content.decode()
    programs, prescribers = result_ids(html, "programs"), result_ids(html, "prescribers")
    assert programs and prescribers
    assert html.index('class="result-group programs"') < html.index('class="result-group prescribers"')
    kinds = {provider.id: provider.kind for provider in Provider.objects.filter(id__in=programs + prescribers)}
    assert {kinds[provider_id] for provider_id in programs} <= PROGRAM_KINDS
    assert {kinds[provider_id] for provider_id in prescribers} == {"practitioner"}
    program_count = _count("74103", PROGRAM_KINDS)
    prescriber_count = _count("74103", frozenset({"practitioner"}))
    assert f'<h3 id="programs-heading">{program_count} treatment programs</h3>' in html
    assert f'<h3 id="prescribers-heading">{prescriber_count} individual prescribers</h3>' in html
    assert f"{program_count + prescriber_count} providers within 25 miles of Tulsa, OK 74103" in html
    # The Tulsa OTPs are found without asking for methadone.
    assert any(kinds[provider_id] == "otp" for provider_id in programs)


def test_each_list_pages_on_its_own_and_keeps_the_other_lists_page(client, shared_directory):
    first = client.get("/", {"near": "74103"}).content.decode()
    assert 'href="?near=74103&amp;prescribers_page=2" rel="next"' in first
    second = client.get("/", {"near": "74103", "prescribers_page": "2"}).content.decode()
    assert result_ids(second, "programs") == result_ids(first, "programs")
    assert not set(result_ids(second, "prescribers")) & set(result_ids(first, "prescribers"))
    prescribers_section = second.split('class="result-group prescribers"', 1)[1]
    assert '<ol class="result-list" start="11">' in prescribers_section
    assert 'href="?near=74103" rel="prev"' in prescribers_section
    if _count("74103", PROGRAM_KINDS) > 10:
        assert 'href="?near=74103&amp;prescribers_page=2&amp;page=2" rel="next"' in second


def test_no_program_within_the_radius_says_so_and_shows_the_nearest_programs_and_the_prescribers(
    client, empty_directory
):
    make_provider(**TULSA, kind="practitioner", name="Near Prescriber", location_precision="zip_centroid")
    make_provider(**FARTHER, kind="otp", is_otp=True, offers_methadone=True, name="Far Program")
    response = client.get("/", {"near": "74103"})
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "<title>1 provider near Tulsa, OK 74103" in html
    assert "1 provider within 25 miles of Tulsa, OK 74103" in html
    programs = html.split('class="result-group programs"', 1)[1].split("</section>", 1)[0]
    assert "No treatment program within 25 miles" in programs
    assert "Far Program" in programs and "farther than the distance you chose" in programs
    prescribers = html.split('class="result-group prescribers"', 1)[1].split("</section>", 1)[0]
    assert "1 individual prescriber" in prescribers and "Near Prescriber" in prescribers


def test_methadone_or_otps_only_show_no_prescriber_list(client, empty_directory):
    make_provider(**TULSA, kind="practitioner", name="Near Prescriber")
    make_provider(**TULSA, kind="otp", is_otp=True, offers_methadone=True, name="Tulsa Program")
    for asked in ({"medication": "methadone"}, {"otp": "on"}):
        html = client.get("/", {"near": "74103", **asked}).content.decode()
        assert "Tulsa Program" in html
        assert 'class="result-group prescribers"' not in html and "Near Prescriber" not in html


@pytest.mark.parametrize("near", ["74103", "Baltimore, MD", "Bangor, ME"])
def test_the_api_counts_each_kind_within_the_radius(client, shared_directory, near):
    answer = client.get("/api/v1/providers/", {"near": near}).json()
    counts = answer["count_by_kind"]
    assert set(counts) == {"facility", "otp", "practitioner"}
    if answer["count_exact"]:
        assert sum(counts.values()) == answer["count"]
    else:
        # Baltimore has more than 1,000 prescribers within 25 miles: counted as "1,000 or more".
        assert answer["count"] == 1000 and counts["practitioner"] == 1000
    assert counts["practitioner"] and counts["facility"] + counts["otp"]
    for kind, count in counts.items():
        one_kind = client.get("/api/v1/providers/", {"near": near, "kind": kind}).json()
        assert (one_kind["count"] if one_kind["within_radius"] else 0) == count


def test_the_api_counts_no_kind_when_nothing_is_within_the_radius(client, shared_directory):
    answer = client.get("/api/v1/providers/", {"lat": "39.5", "lng": "-116.5", "radius": "5"}).json()
    assert answer["within_radius"] is False and answer["results"]
    assert answer["count_by_kind"] == {"facility": 0, "otp": 0, "practitioner": 0}
    geojson = client.get("/api/v1/providers/", {"near": "74103", "format": "geojson"}).json()
    assert sum(geojson["count_by_kind"].values()) == geojson["count"]

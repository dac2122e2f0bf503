"""The provider page leads back to the search it came from, says once what kind of listing it is, and
says of each source whether it is the newest file of that source and how old its data is."""

import re
from html import unescape

import pytest

from locator.importing.importer import import_files
from locator.models import Provider
from tests.conftest import FIXTURES_DIR


@pytest.fixture
def samples(empty_directory):
    import_files([FIXTURES_DIR], is_sample=True)


def test_a_result_leads_to_its_page_and_the_page_leads_back_to_the_results(client, samples):
    results = client.get("/", {"near": "22902", "medication": "buprenorphine", "radius": "50"}).content.decode()
    link = unescape(re.search(r'<h4><a href="([^"]+)"', results).group(1))
    assert "back=near%3D22902%26medication%3Dbuprenorphine%26radius%3D50" in link
    page = client.get(link).content.decode()
    back = unescape(re.search(r'<p class="back"><a href="([^"]+)">Back to the results</a>', page).group(1))
    assert back == "/?near=22902&medication=buprenorphine&radius=50"


@pytest.mark.parametrize(
    "back", ["javascript:alert(1)", "//evil.example/", "next=https%3A%2F%2Fevil.example", "lang=xx", ""]
)
def test_a_back_link_leads_only_to_our_own_search(client, samples, back):
    provider = Provider.objects.first()
    page = client.get(f"/providers/{provider.id}/", {"back": back}).content.decode()
    assert "Back to the results" not in page


def test_the_kind_of_listing_is_said_once_and_each_source_says_how_new_it_is(client, empty_directory):
    import_files([FIXTURES_DIR / "Physician_Locator_sample_20250601_VA.csv"])
    practitioner = Provider.objects.filter(kind="practitioner").first()
    page = client.get(f"/providers/{practitioner.id}/").content.decode()
    assert page.count(">Practitioner<") == 1
    assert "in the newest file of this source" in page
    assert re.search(r"data \d+\xa0years?(, \d+\xa0months?)? old", page)

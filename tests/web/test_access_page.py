"""The access page: a state's counties and critical providers, from the session's measured directory, in
tables that work without JavaScript."""

import re
from html import unescape

import pytest

from locator import access
from locator.models import AccessComputation
from locator.vocabulary import AccessMedication

pytestmark = pytest.mark.django_db


def table_rows(html: str, heading_id: str) -> list[list[str]]:
    section = html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_page_without_a_state_offers_the_picker_and_explains_straight_lines(client, shared_access):
    html = client.get("/access/").content.decode()
    assert '<select name="state"' in html and '<option value="OK">Oklahoma</option>' in html
    assert "straight-line miles" in html and 'href="tel:+18006624357"' in html
    assert "<table" not in html


def test_counties_are_listed_farthest_from_methadone_first(client, shared_access):
    html = client.get("/access/?state=OK").content.decode()
    rows = table_rows(html, "counties-heading")
    expected = access.state_report("OK", AccessMedication.METHADONE).counties
    assert [row[0] for row in rows] == [county.name or "County not known" for county in expected]
    beyond = [int(row[1].rstrip("%")) for row in rows]
    assert beyond == sorted(beyond, reverse=True) and beyond[0] > beyond[-1]
    tulsa = next(row for row in rows if row[0] == "Tulsa County")
    assert tulsa[1] == f"{round(next(c for c in expected if c.name == 'Tulsa County').beyond_25_miles * 100)}%"


def test_the_state_table_gives_every_medication_and_the_critical_providers_link_to_their_pages(client, shared_access):
    html = client.get("/access/?state=AK&medication=methadone").content.decode()
    state_rows = table_rows(html, "state-heading")
    assert [row[0] for row in state_rows] == [medication.label for medication in AccessMedication]
    critical = access.critical_providers(AccessMedication.METHADONE, state="AK", limit=10)
    links = re.findall(r'<li><a href="/providers/(\d+)/">', html.split('id="critical-heading"', 1)[1])
    assert [int(found) for found in links] == [each.provider.id for each in critical]
    assert client.get(f"/providers/{links[0]}/").status_code == 200


def test_the_medication_chosen_decides_the_counties_order(client, shared_access):
    html = client.get("/access/?state=OK&medication=buprenorphine").content.decode()
    rows = table_rows(html, "counties-heading")
    expected = access.state_report("OK", AccessMedication.BUPRENORPHINE).counties
    assert [row[0] for row in rows] == [county.name or "County not known" for county in expected]
    assert '<option value="buprenorphine" selected>' in html


def test_the_page_speaks_spanish(client, shared_access):
    html = client.get("/access/?state=OK&lang=es").content.decode()
    assert "Dónde el tratamiento queda lejos en Oklahoma" in html
    assert "Condados, primero los más lejos del tratamiento" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("state=ZZ", "Choose a state from the list."),
        ("state=", "Choose a state from the list."),
        ("state=OK&medication=heroin", "Choose a medication from the list."),
    ],
)
def test_a_bad_choice_gets_a_friendly_message_not_an_error_page(client, shared_access, query, message):
    response = client.get(f"/access/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html and "<table" not in html


def test_before_the_first_computation_the_page_says_so(client, shared_access):
    AccessComputation.objects.all().delete()
    html = client.get("/access/?state=OK").content.decode()
    assert "have not been computed yet" in html and "<table" not in html


def test_the_map_asks_this_sites_api_for_its_points_and_tiles_only_here(client, shared_access):
    response = client.get("/access/?state=OK")
    assert 'id="access-map-data"' in response.content.decode()
    assert '"points": "/api/v1/access/?state=OK\\u0026format=geojson"' in response.content.decode()
    assert "tile.openstreetmap.org" in response["Content-Security-Policy"]
    assert "tile.openstreetmap.org" not in client.get("/access/")["Content-Security-Policy"]

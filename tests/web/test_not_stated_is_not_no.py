"""A filter most sources do not state (payment, telehealth, language, programs): the confirmed matches,
then how many listings within the radius do not say, and a link that shows them marked as such."""

from html import unescape

import pytest

from tests.factories import make_provider

TULSA = {"latitude": 36.1540, "longitude": -95.9928}


@pytest.fixture
def listings(empty_directory):
    make_provider(**TULSA, name="Says Medicaid", services_stated=True, accepts_medicaid=True)
    make_provider(**TULSA, name="Says Cash Only", services_stated=True, accepts_cash=True)
    make_provider(**TULSA, name="Says Nothing One", services_stated=False)
    make_provider(**TULSA, name="Says Nothing Two", services_stated=False)


def test_the_page_shows_the_confirmed_then_how_many_do_not_say_and_shows_them_on_request(client, listings):
    html = client.get("/", {"near": "74103", "payment": "medicaid"}).content.decode()
    assert "Says Medicaid" in html and "Says Nothing" not in html and "Says Cash Only" not in html
    assert "2 more listings within 25 miles do not say whether they offer this." in html
    link = unescape(html.split("do not say whether they offer this.", 1)[1].split('href="', 1)[1].split('"', 1)[0])
    assert "unstated=1" in link
    unstated = client.get(link).content.decode()
    assert "Says Nothing One" in unstated and "Says Nothing Two" in unstated and "Says Medicaid" not in unstated
    assert unstated.count("Does not say: call to ask") == 2


def test_the_api_counts_the_listings_that_do_not_say(client, listings):
    answer = client.get("/api/v1/providers/", {"near": "74103", "payment": "medicaid"}).json()
    assert answer["unstated_within_radius"] == 2
    assert [result["name"] for result in answer["results"]] == ["Says Medicaid"]
    assert answer["results"][0]["services_stated"] is True
    plain = client.get("/api/v1/providers/", {"near": "74103"}).json()
    assert plain["unstated_within_radius"] is None
    assert {result["name"]: result["services_stated"] for result in plain["results"]}["Says Nothing One"] is False

"""Places as people type them: ambiguous names by size with the state spelled out, typos by closeness,
"City ST ZIP", New York's boroughs, and a street address found by its city when it cannot be placed."""

import pytest

from locator.places import LocationNotFound, resolve_location


def suggestions_for(text: str) -> list[str]:
    with pytest.raises(LocationNotFound) as raised:
        resolve_location(text)
    return raised.value.suggestions


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Springfield", {"Springfield, Illinois", "Springfield, Missouri", "Springfield, Massachusetts", "Springfield, Ohio"}),
        ("Portland", {"Portland, Oregon", "Portland, Maine"}),
        ("Columbus", {"Columbus, Ohio", "Columbus, Georgia"}),
        ("Brooklyn", {"Brooklyn, New York"}),
    ],
)  # fmt: skip
def test_a_name_many_cities_share_offers_the_largest_with_the_state_spelled_out(name, expected):
    offered = suggestions_for(name)
    assert expected <= set(offered[: len(expected) + 2])
    assert len(offered) == 10


def test_a_typo_offers_the_closest_spelling_first():
    assert suggestions_for("Tusla")[0] == "Tulsa, OK"


@pytest.mark.parametrize(
    ("text", "label", "note"),
    [
        ("Tulsa OK 74103", "Tulsa, OK 74103", ""),
        ("Queens, NY", "Queens, NY", ""),
        ("Brooklyn NY", "Brooklyn, NY", ""),
        ("123 Main St Springfield IL", "Springfield, IL", "We could not place the street address exactly."),
        ("123 Main St, Springfield, IL", "Springfield, IL", "We could not place the street address exactly."),
        ("500 S Denver Ave, Tulsa, OK 74103", "Tulsa, OK 74103", "We could not place the street address exactly."),
    ],
)
def test_places_typed_the_way_people_type_them_are_found(text, label, note):
    location = resolve_location(text)
    assert (location.label, location.note) == (label, note)


def test_the_page_says_when_a_street_address_was_found_only_by_its_city(client, db):
    html = client.get("/", {"near": "123 Main St Springfield IL"}).content.decode()
    assert "Showing providers near Springfield, IL. We could not place the street address exactly." in html
    answer = client.get("/api/v1/providers/", {"near": "123 Main St Springfield IL"}).json()
    assert answer["location"]["note"] == "We could not place the street address exactly."

"""What a person types -> where to search, offline."""

import pytest

from locator.places import LocationNotFound, resolve_location
from locator.vocabulary import LocationPrecision


@pytest.mark.parametrize(
    ("text", "label", "precision"),
    [
        ("74103", "Tulsa, OK 74103", LocationPrecision.ZIP_CENTROID),
        ("74103-2201", "Tulsa, OK 74103", LocationPrecision.ZIP_CENTROID),
        ("06401", "Ansonia, CT 06401", LocationPrecision.ZIP_CENTROID),
        ("Tulsa, OK", "Tulsa, OK", LocationPrecision.CITY_CENTROID),
        ("Tulsa OK", "Tulsa, OK", LocationPrecision.CITY_CENTROID),
        ("tulsa, oklahoma", "Tulsa, OK", LocationPrecision.CITY_CENTROID),
        ("St. Louis, MO", "Saint Louis, MO", LocationPrecision.CITY_CENTROID),
        ("Bayamón, PR", "Bayamon, PR", LocationPrecision.CITY_CENTROID),
        ("new york new york", "New York, NY", LocationPrecision.CITY_CENTROID),
        ("Hagatna, GU", "Hagatna, GU", LocationPrecision.CITY_CENTROID),
        ("38.03,-78.48", "38.03000, -78.48000", LocationPrecision.COORDINATES),
        ("  38.03  -78.48 ", "38.03000, -78.48000", LocationPrecision.COORDINATES),
        ("300 N Denver Ave, Tulsa, OK 74103", "Tulsa, OK 74103", LocationPrecision.ZIP_CENTROID),
        ("300 N Denver Ave, Tulsa, OK", "Tulsa, OK", LocationPrecision.CITY_CENTROID),
    ],
)
def test_resolve_location_reads_zips_cities_coordinates_and_addresses(text, label, precision):
    location = resolve_location(text)
    assert (location.label, location.precision) == (label, precision)
    assert -90 <= location.latitude <= 90 and -180 <= location.longitude <= 180


def test_a_misspelt_city_gets_a_suggestion_not_a_guess():
    with pytest.raises(LocationNotFound) as error:
        resolve_location("Tusla, OK")
    assert error.value.suggestions == ["Tulsa, OK"]


def test_a_city_in_several_states_asks_for_the_state():
    with pytest.raises(LocationNotFound) as error:
        resolve_location("Springfield")
    assert "Springfield, Illinois" in error.value.suggestions


def test_an_unknown_zip_suggests_nearby_ones():
    with pytest.raises(LocationNotFound) as error:
        resolve_location("74199")
    assert error.value.suggestions and all("OK" in suggestion for suggestion in error.value.suggestions)


@pytest.mark.parametrize(
    "text", ["", "   ", "Tulsa, XX", "999,0", "45,-999", "x" * 500, "nowhere-at-all", "\x00", "😀"]
)
def test_text_that_is_no_place_is_a_clear_error(text):
    with pytest.raises(LocationNotFound) as error:
        resolve_location(text)
    assert error.value.message

"""What a person types -> the place a search is about: a ZIP, a city, coordinates or a street address.

Offline: the ZIP gazetteer answers. A street address goes to an online geocoder only when the caller
passes one (`locate_address`), which the operator allows for searches. Search text is never logged,
stored or cached.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from locator import gazetteer
from locator.geo import normalize_state
from locator.vocabulary import LocationPrecision

# Looks up a street address online: (latitude, longitude), or None when not found.
AddressLocator = Callable[[str], "tuple[float, float] | None"]

MAX_QUERY_LENGTH = 200
MAX_SUGGESTIONS = 10
_COORDINATES_RE = re.compile(r"^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*[,\s]\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$", re.ASCII)
# A ZIP alone, or as suggested back to a person: "74103 (Tulsa, OK)".
_ZIP_RE = re.compile(r"^\s*(\d{5})(?:-\d{4})?(?:\s*\([^()]*\))?\s*$")
_TRAILING_ZIP_RE = re.compile(r"[\s,](\d{5})(?:-\d{4})?\s*$")
_STREET_RE = re.compile(r"^\s*\d+[a-z]?\s+\S+", re.IGNORECASE)


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    label: str
    precision: LocationPrecision
    # Said to the person with the results when the place is less exact than what they typed.
    note: str = ""


class LocationNotFound(Exception):
    """No place to search: text that is no place we know (`suggestions` are places the person may have
    meant), or no place given at all. `field` names where the place was asked for: near, lat or lng."""

    def __init__(self, message: str, suggestions: list[str] | None = None, *, field: str = "near"):
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions or []
        self.field = field


class LocationNotGiven(LocationNotFound):
    """No place asked for, or one asked for two ways at once: a mistake in the request, not a place we
    do not know."""


def location_from_coordinates(latitude: float, longitude: float) -> Location:
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        raise LocationNotFound(_("Latitude must be a number between -90 and 90."), field="lat")
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        raise LocationNotFound(_("Longitude must be a number between -180 and 180."), field="lng")
    return Location(latitude, longitude, f"{latitude:.5f}, {longitude:.5f}", LocationPrecision.COORDINATES)


def _zip_location(zip_code: str) -> Location:
    place = gazetteer.zip_place(zip_code)
    if place is None:
        suggestions = [f"{near.zip_code} ({near.city}, {near.state})" for near in gazetteer.zip_codes_near(zip_code)]
        raise LocationNotFound(_("We do not know the ZIP code %(zip)s.") % {"zip": zip_code}, suggestions)
    return Location(
        place.latitude, place.longitude, f"{place.city}, {place.state} {place.zip_code}", LocationPrecision.ZIP_CENTROID
    )


def _split_state(text: str) -> tuple[str, str | None]:
    """("Tulsa", "OK") from "Tulsa, OK", "Tulsa OK", "Tulsa, Oklahoma", "Saint Louis Missouri"."""
    head, comma, tail = text.rpartition(",")
    if comma:
        return head.strip(), normalize_state(tail.strip()) or ""
    words = text.split()
    for size in (3, 2, 1):
        if len(words) > size:
            state = normalize_state(" ".join(words[-size:]))
            if state:
                return " ".join(words[:-size]), state
    return text.strip(), None


def _city_location(text: str) -> Location:
    city_name, state = _split_state(text)
    if state == "":
        raise LocationNotFound(
            _("We do not know the state in “%(text)s”. Use a two-letter code, such as OK.") % {"text": text}
        )
    if state is not None:
        found = gazetteer.city(city_name, state)
        if found is None:
            close = difflib.get_close_matches(
                gazetteer.city_key(city_name), gazetteer.city_keys(state), n=3, cutoff=0.75
            )
            suggestions = [gazetteer.city(key, state).label for key in close]
            raise LocationNotFound(_("We could not find %(place)s.") % {"place": f"{city_name}, {state}"}, suggestions)
        return Location(found.latitude, found.longitude, found.label, LocationPrecision.CITY_CENTROID)
    same_name = gazetteer.cities_named(city_name)
    if len(same_name) == 1:
        found = same_name[0]
        return Location(found.latitude, found.longitude, found.label, LocationPrecision.CITY_CENTROID)
    if same_name:
        raise LocationNotFound(
            _("There is more than one %(city)s. Add the state.") % {"city": same_name[0].name},
            [found.long_label for found in same_name[:MAX_SUGGESTIONS]],
        )
    raise LocationNotFound(_("We could not find “%(text)s”.") % {"text": text}, _cities_like(city_name))


def _typing_distance(first: str, second: str) -> int:
    """Edits from one spelling to another, a swap of two neighbouring letters counting as one ("Tusla")."""
    previous2: list[int] = []
    previous = list(range(len(second) + 1))
    for i, first_char in enumerate(first, start=1):
        current = [i] + [0] * len(second)
        for j, second_char in enumerate(second, start=1):
            cost = first_char != second_char
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and first_char == second[j - 2] and first[i - 2] == second_char:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _cities_like(name: str) -> list[str]:
    """Cities a person may have meant by a misspelling: the fewest typing mistakes first, then the largest."""
    key = gazetteer.city_key(name)
    close = difflib.get_close_matches(key, gazetteer.city_keys(), n=30, cutoff=0.7)
    ranked = sorted(
        (found for other in close for found in gazetteer.cities_named(other)),
        key=lambda found: (_typing_distance(key, gazetteer.city_key(found.name)), -found.size, found.label),
    )
    return [found.label for found in ranked[:MAX_SUGGESTIONS]]


def _address_location(text: str, locate_address: AddressLocator | None) -> Location:
    """A street address: the online geocoder where searches may use one, else the ZIP or city in it."""
    if locate_address is not None:
        found = locate_address(text)
        if found is not None:
            return Location(found[0], found[1], text, LocationPrecision.ADDRESS)
    not_placed = _("We could not place the street address exactly.")
    zip_match = _TRAILING_ZIP_RE.search(text)
    if zip_match:
        return replace(_zip_location(zip_match.group(1)), note=not_placed)
    street, comma, place = text.partition(",")
    if comma:
        return replace(_city_location(place.strip()), note=not_placed)
    # "123 Main St Springfield IL": the city is the longest run of last words that names one in the state.
    words, state = _split_state(text)
    names = words.split()
    for start in range(1, len(names)):
        found = gazetteer.city(" ".join(names[start:]), state) if state else None
        if found is not None:
            return Location(found.latitude, found.longitude, found.label, LocationPrecision.CITY_CENTROID, not_placed)
    return _city_location(text)


def resolve_location(text: str, *, locate_address: AddressLocator | None = None) -> Location:
    """Where a person means: a ZIP (or ZIP+4), "City, ST", "City, State", "lat,lng" or a street address."""
    text = " ".join(text.split())
    if not text:
        raise LocationNotFound(_("Enter a ZIP code, a city and state, or an address."))
    if len(text) > MAX_QUERY_LENGTH or not text.isprintable():
        raise LocationNotFound(_("That is not a place we can look up. Enter a ZIP code or a city and state."))
    if coordinates := _COORDINATES_RE.match(text):
        return location_from_coordinates(float(coordinates.group(1)), float(coordinates.group(2)))
    if zip_match := _ZIP_RE.match(text):
        return _zip_location(zip_match.group(1))
    if _STREET_RE.match(text):
        return _address_location(text, locate_address)
    if zip_match := _TRAILING_ZIP_RE.search(text):
        # "Tulsa OK 74103": the ZIP says most exactly where.
        return _zip_location(zip_match.group(1))
    return _city_location(text)


def search_location(
    *,
    near: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    typed_text_wins: bool = False,
    locate_address: AddressLocator | None = None,
) -> Location:
    """The one rule for where a search is about: typed text, or a point given as latitude and longitude
    together (a phone's location), not both. With `typed_text_wins` the text is used and the point
    ignored: on the page, "Use my location" fills in a point that a place typed afterwards replaces."""
    has_text = bool(near.strip())
    has_point = latitude is not None or longitude is not None
    if has_text and (typed_text_wins or not has_point):
        return resolve_location(near, locate_address=locate_address)
    if has_text:
        raise LocationNotGiven(_("Give either a place or a latitude and longitude, not both."))
    if latitude is None or longitude is None:
        if has_point:
            field = "lat" if latitude is None else "lng"
            raise LocationNotGiven(_("Give both a latitude and a longitude."), field=field)
        raise LocationNotGiven(_("Enter a ZIP code, a city and state, or an address, or use your location."))
    return location_from_coordinates(latitude, longitude)

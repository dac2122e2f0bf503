"""Addresses to coordinates: offline gazetteer first; an online geopy geocoder only when configured.

Every online answer, found or not, is cached in the database, so an address is sent at most once.
"""

from __future__ import annotations

import difflib
import enum
import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from locator import gazetteer
from locator.geo import normalize_state
from locator.models import GeocodedAddress, SourceRecord

logger = logging.getLogger(__name__)
_QUERY_CHUNK = 500


def address_query(street: str, city: str, state: str, zip_code: str) -> str:
    """The one spelling of an address that is sent to a geocoder and cached."""
    parts = [" ".join(part.split()) for part in (street, city, f"{state} {zip_code}".strip()) if part.strip()]
    return ", ".join(parts)


def cached_locations(queries: Iterable[str]) -> dict[str, tuple[float, float]]:
    """Cached coordinates for those of `queries` an online geocoder has found (one query per chunk)."""
    wanted = sorted(set(queries))
    found: dict[str, tuple[float, float]] = {}
    for start in range(0, len(wanted), _QUERY_CHUNK):
        rows = GeocodedAddress.objects.filter(
            query__in=wanted[start : start + _QUERY_CHUNK], latitude__isnull=False
        ).values_list("query", "latitude", "longitude")
        found.update({query: (latitude, longitude) for query, latitude, longitude in rows})
    return found


@dataclass
class OnlineGeocoder:
    """A geopy geocoder behind a rate limiter, with the database as its cache."""

    service_name: str

    def __post_init__(self) -> None:
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import get_geocoder_for_service

        geocoder = get_geocoder_for_service(self.service_name)(
            timeout=settings.LOCATOR_GEOCODER_TIMEOUT_SECONDS, **settings.LOCATOR_GEOCODER_OPTIONS
        )
        self._geocode = RateLimiter(
            geocoder.geocode,
            min_delay_seconds=settings.LOCATOR_GEOCODER_MIN_DELAY_SECONDS,
            max_retries=2,
            swallow_exceptions=False,
        )

    def locate_uncached(self, query: str) -> tuple[float, float] | None:
        location = (
            self._geocode(query, country_codes="us") if self.service_name == "nominatim" else self._geocode(query)
        )
        return (location.latitude, location.longitude) if location else None

    def locate(self, query: str) -> tuple[float, float] | None:
        cached = GeocodedAddress.objects.filter(query=query).first()
        if cached is not None:
            return (cached.latitude, cached.longitude) if cached.latitude is not None else None
        location = self.locate_uncached(query)
        GeocodedAddress.objects.create(
            query=query,
            latitude=location[0] if location else None,
            longitude=location[1] if location else None,
            geocoder=self.service_name,
            geocoded_at=timezone.now(),
        )
        return location


def configured_geocoder() -> OnlineGeocoder | None:
    return OnlineGeocoder(settings.LOCATOR_GEOCODER) if settings.LOCATOR_GEOCODER else None


@dataclass
class UpgradeReport:
    looked_up: int = 0
    upgraded: int = 0
    not_found: int = 0
    providers_updated: int = 0


def upgrade_approximate_locations(geocoder: OnlineGeocoder, *, limit: int) -> UpgradeReport:
    """Geocode the street addresses of up to `limit` records that only have a ZIP or city centre.

    Each address is looked up once (the cache answers repeats); records and their providers are
    updated to address precision in one transaction per run.
    """
    from locator.importing.importer import remerge_providers

    report = UpgradeReport()
    approximate = SourceRecord.objects.filter(
        location_precision__in=["zip_centroid", "city_centroid"], payload__street__gt=""
    ).order_by("id")
    upgraded_ids: dict[str, list[int]] = {}
    for record_id, payload in approximate.values_list("id", "payload").iterator(chunk_size=1000):
        query = address_query(payload["street"], payload["city"], payload["state"], payload["zip_code"])
        if query not in upgraded_ids and len(upgraded_ids) >= limit:
            continue
        upgraded_ids.setdefault(query, []).append(record_id)
    found: dict[str, tuple[float, float]] = {}
    for query in upgraded_ids:
        report.looked_up += 1
        location = geocoder.locate(query)
        if location is None:
            report.not_found += 1
        else:
            found[query] = location
    with transaction.atomic():
        touched_providers: set[int] = set()
        for query, (latitude, longitude) in found.items():
            records = SourceRecord.objects.filter(id__in=upgraded_ids[query])
            touched_providers.update(records.values_list("provider_id", flat=True))
            report.upgraded += records.update(latitude=latitude, longitude=longitude, location_precision="address")
        report.providers_updated = remerge_providers(touched_providers)
    return report


# -- What a person types -> where to search ------------------------------------------------------
# Search text is never logged, stored or cached in the database, and is sent to an online geocoder
# only when LOCATOR_GEOCODE_SEARCHES is on (meant for a geocoder the operator runs).

MAX_QUERY_LENGTH = 200
_COORDINATES_RE = re.compile(r"^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*[,\s]\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$")
# A ZIP alone, or as suggested back to a person: "74103 (Tulsa, OK)".
_ZIP_RE = re.compile(r"^\s*(\d{5})(?:-\d{4})?(?:\s*\([^()]*\))?\s*$")
_TRAILING_ZIP_RE = re.compile(r"[\s,](\d{5})(?:-\d{4})?\s*$")
_STREET_RE = re.compile(r"^\s*\d+[a-z]?\s+\S+", re.IGNORECASE)


class QueryPrecision(enum.StrEnum):
    COORDINATES = "coordinates"
    ADDRESS = "address"
    ZIP_CENTROID = "zip_centroid"
    CITY_CENTROID = "city_centroid"


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    label: str
    precision: QueryPrecision


class LocationNotFound(Exception):
    """Text that is no place we know; `suggestions` are places the person may have meant."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions or []


def location_from_coordinates(latitude: float, longitude: float) -> Location:
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        raise LocationNotFound(_("Latitude must be a number between -90 and 90."))
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        raise LocationNotFound(_("Longitude must be a number between -180 and 180."))
    return Location(latitude, longitude, f"{latitude:.5f}, {longitude:.5f}", QueryPrecision.COORDINATES)


def _zip_location(zip_code: str) -> Location:
    place = gazetteer.zip_place(zip_code)
    if place is None:
        suggestions = [f"{near.zip_code} ({near.city}, {near.state})" for near in gazetteer.zip_codes_near(zip_code)]
        raise LocationNotFound(_("We do not know the ZIP code %(zip)s.") % {"zip": zip_code}, suggestions)
    return Location(
        place.latitude, place.longitude, f"{place.city}, {place.state} {place.zip_code}", QueryPrecision.ZIP_CENTROID
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
        return Location(found.latitude, found.longitude, found.label, QueryPrecision.CITY_CENTROID)
    same_name = gazetteer.cities_named(city_name)
    if len(same_name) == 1:
        found = same_name[0]
        return Location(found.latitude, found.longitude, found.label, QueryPrecision.CITY_CENTROID)
    if same_name:
        raise LocationNotFound(
            _("There is more than one %(city)s. Add the state.") % {"city": same_name[0].name},
            [found.label for found in same_name[:8]],
        )
    close = difflib.get_close_matches(gazetteer.city_key(city_name), gazetteer.city_keys(), n=3, cutoff=0.8)
    suggestions = [found.label for key in close for found in gazetteer.cities_named(key)][:5]
    raise LocationNotFound(_("We could not find “%(text)s”.") % {"text": text}, suggestions)


def _address_location(text: str) -> Location:
    """A street address: the online geocoder where searches may use one, else the ZIP or city in it."""
    geocoder = configured_geocoder() if settings.LOCATOR_GEOCODE_SEARCHES else None
    if geocoder is not None:
        found = geocoder.locate_uncached(text)
        if found is not None:
            return Location(found[0], found[1], text, QueryPrecision.ADDRESS)
    zip_match = _TRAILING_ZIP_RE.search(text)
    if zip_match:
        return _zip_location(zip_match.group(1))
    _, _, place = text.partition(",")
    return _city_location(place.strip())


def resolve_location(text: str) -> Location:
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
    if _STREET_RE.match(text) and ("," in text or _TRAILING_ZIP_RE.search(text)):
        return _address_location(text)
    return _city_location(text)


def search_location(*, near: str = "", latitude: float | None = None, longitude: float | None = None) -> Location:
    """Where a search is about: the typed text when there is some, else the coordinates (a phone's location)."""
    if near.strip() or latitude is None or longitude is None:
        return resolve_location(near)
    return location_from_coordinates(latitude, longitude)

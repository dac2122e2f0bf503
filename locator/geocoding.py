"""The online geocoder (geopy), used only when the operator configures one, and its cache.

Every answer about a provider's address, found or not, is cached in the database, so an address is sent
at most once. A street address typed into a search is sent only where LOCATOR_GEOCODE_SEARCHES allows,
and is never cached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service

from locator.models import GeocodedAddress
from locator.places import AddressLocator

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


def search_address_locator() -> AddressLocator | None:
    """The online lookup for street addresses typed into a search, where the operator allows one."""
    geocoder = configured_geocoder() if settings.LOCATOR_GEOCODE_SEARCHES else None
    return geocoder.locate_uncached if geocoder is not None else None

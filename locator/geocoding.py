"""Addresses to coordinates: offline gazetteer first; an online geopy geocoder only when configured.

Every online answer, found or not, is cached in the database, so an address is sent at most once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

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

    def locate(self, query: str) -> tuple[float, float] | None:
        cached = GeocodedAddress.objects.filter(query=query).first()
        if cached is not None:
            return (cached.latitude, cached.longitude) if cached.latitude is not None else None
        location = self._geocode(query, country_codes="us") if self.service_name == "nominatim" else self._geocode(query)
        GeocodedAddress.objects.create(
            query=query,
            latitude=location.latitude if location else None,
            longitude=location.longitude if location else None,
            geocoder=self.service_name,
            geocoded_at=timezone.now(),
        )
        return (location.latitude, location.longitude) if location else None


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

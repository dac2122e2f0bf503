"""Where each listing is: SAMHSA's coordinates, else a geocoded street address from the cache, else the
centre of its ZIP code or city; and upgrading those approximate centres with an online geocoder."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from locator import gazetteer
from locator.geocoding import OnlineGeocoder, address_query, cached_locations
from locator.importing.merge import remerge_providers
from locator.importing.records import ProviderRecord
from locator.importing.report import SourceReport
from locator.models import SourceRecord
from locator.vocabulary import APPROXIMATE_PRECISIONS, LocationPrecision


@dataclass(frozen=True)
class Placement:
    """A listing's coordinates and how sure they are; no coordinates (and no precision) when not located."""

    latitude: float | None
    longitude: float | None
    precision: str


NOT_LOCATED = Placement(None, None, "")


def place_records(records: list[ProviderRecord], report: SourceReport) -> list[Placement]:
    """A placement for every record, in order; counts the approximate and unlocated ones in `report`."""
    queries = {
        index: address_query(record.street, record.city, record.state, record.zip_code)
        for index, record in enumerate(records)
        if record.latitude is None and record.street
    }
    geocoded = cached_locations(queries.values())
    placements = []
    for index, record in enumerate(records):
        if record.latitude is not None:
            placements.append(Placement(record.latitude, record.longitude, record.location_precision.value))
        elif queries.get(index) in geocoded:
            latitude, longitude = geocoded[queries[index]]
            placements.append(Placement(latitude, longitude, LocationPrecision.ADDRESS.value))
        elif (place := gazetteer.zip_place(record.zip_code)) is not None and place.state == record.state:
            placements.append(Placement(place.latitude, place.longitude, LocationPrecision.ZIP_CENTROID.value))
            report.approximate += 1
        elif (centroid := gazetteer.city_centroid(record.city, record.state)) is not None:
            # Also where the ZIP lies in another state: a typo ("5032" in Iowa) must not move a pin there.
            latitude, longitude = centroid
            placements.append(Placement(latitude, longitude, LocationPrecision.CITY_CENTROID.value))
            report.approximate += 1
        else:
            placements.append(NOT_LOCATED)
            report.not_located += 1
    return placements


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
    report = UpgradeReport()
    approximate = SourceRecord.objects.filter(
        location_precision__in=sorted(APPROXIMATE_PRECISIONS), payload__street__gt=""
    ).order_by("id")
    record_ids_by_query: dict[str, list[int]] = {}
    for record_id, payload in approximate.values_list("id", "payload").iterator(chunk_size=1000):
        query = address_query(payload["street"], payload["city"], payload["state"], payload["zip_code"])
        if query not in record_ids_by_query and len(record_ids_by_query) >= limit:
            continue
        record_ids_by_query.setdefault(query, []).append(record_id)
    found: dict[str, tuple[float, float]] = {}
    for query in record_ids_by_query:
        report.looked_up += 1
        location = geocoder.locate(query)
        if location is None:
            report.not_found += 1
        else:
            found[query] = location
    with transaction.atomic():
        touched_providers: set[int] = set()
        for query, (latitude, longitude) in found.items():
            records = SourceRecord.objects.filter(id__in=record_ids_by_query[query])
            touched_providers.update(records.values_list("provider_id", flat=True))
            report.upgraded += records.update(
                latitude=latitude, longitude=longitude, location_precision=LocationPrecision.ADDRESS
            )
        report.providers_updated = remerge_providers(touched_providers)
    return report

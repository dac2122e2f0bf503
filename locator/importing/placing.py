"""Where each listing is: SAMHSA's coordinates, else a geocoded street address from the cache, else the
centre of its ZIP code or city; and upgrading those approximate centres with an online geocoder."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from locator import gazetteer
from locator.addresses import destination_street, is_po_box
from locator.geo import distance_miles
from locator.geocoding import OnlineGeocoder, address_query, cached_locations
from locator.importing.merge import remerge_providers
from locator.importing.records import ProviderRecord
from locator.importing.report import SourceReport
from locator.models import SourceRecord
from locator.vocabulary import APPROXIMATE_PRECISIONS, LocationPrecision


@dataclass(frozen=True)
class Placement:
    """A listing's coordinates and how sure they are; no coordinates (and no precision) when not located.
    `note` says why a listing was placed other than at its own coordinates or ZIP."""

    latitude: float | None
    longitude: float | None
    precision: str
    note: str = ""


NOT_LOCATED = Placement(None, None, "")
# A ZIP of another city whose centre lies this far from the centre of the city the listing names (in the
# same state) means the ZIP is wrong, not the city. Measured on the OTP Directory's programs that the
# locator places by its own coordinates and whose ZIP the gazetteer gives to another city (75 of 1,454):
# where the two centres are more than 10 miles apart, the city centre was the closer for 8 of 10 (median
# error 2.9 miles against 36.8 for the ZIP); between 5 and 10 miles apart, for about half. A ZIP of the
# named city is believed however far it lies from the centre: large cities span 30 miles.
ZIP_CITY_MILES = 10.0


def _city(record: ProviderRecord, note: str) -> Placement | None:
    centroid = gazetteer.city_centroid(record.city, record.state)
    if centroid is None:
        return None
    return Placement(centroid[0], centroid[1], LocationPrecision.CITY_CENTROID.value, note)


def _approximate(record: ProviderRecord, report: SourceReport) -> Placement:
    """The centre of the listing's ZIP, or of its city where the ZIP cannot be where the listing is."""
    place = gazetteer.zip_place(record.zip_code)
    if place is None or place.state != record.state:
        # Also where the ZIP lies in another state: a typo ("5032" in Iowa) must not move a pin there.
        return _city(record, "") or NOT_LOCATED
    if place.po_boxes_only:
        return _city(record, f"ZIP {record.zip_code} is for P.O. boxes only: placed at the city") or _at(place)
    city = gazetteer.city(record.city, record.state)
    # A ZIP of the named city agrees with it, however far from the centre of a large city it lies; a ZIP
    # of a suburb agrees when it lies near one of the city's own ZIPs.
    if city is not None and city.zip_points and not place.names_city(record.city):
        apart = min(distance_miles(place.latitude, place.longitude, *point) for point in city.zip_points)
        if apart > ZIP_CITY_MILES:
            report.placed_at_city += 1
            note = f"ZIP {record.zip_code} is {apart:.0f} miles from {record.city}: placed at the city"
            return Placement(city.latitude, city.longitude, LocationPrecision.CITY_CENTROID.value, note)
    return _at(place)


def _at(place: gazetteer.ZipPlace) -> Placement:
    return Placement(place.latitude, place.longitude, LocationPrecision.ZIP_CENTROID.value)


def place_records(records: list[ProviderRecord], report: SourceReport) -> list[Placement]:
    """A placement for every record, in order; counts the approximate and unlocated ones in `report`.

    A listing whose only address is a mailing box is never placed at it: SAMHSA's coordinates for it,
    or its ZIP's centre, are a post office. It goes to the centre of its city, marked approximate.
    """
    destinations = [destination_street(record.street, record.street2) for record in records]
    queries = {
        index: address_query(destination, record.city, record.state, record.zip_code)
        for index, (record, destination) in enumerate(zip(records, destinations))
        if record.latitude is None and destination
    }
    geocoded = cached_locations(queries.values())
    placements = []
    for index, (record, destination) in enumerate(zip(records, destinations)):
        if not destination and is_po_box(record.street):
            # Never SAMHSA's coordinates of a box: the city's centre, else the ZIP's, approximate.
            placement = _city(record, "a P.O. box is not a place: placed at the city") or _approximate(record, report)
        elif record.latitude is not None:
            placement = Placement(record.latitude, record.longitude, record.location_precision.value)
        elif queries.get(index) in geocoded:
            latitude, longitude = geocoded[queries[index]]
            placement = Placement(latitude, longitude, LocationPrecision.ADDRESS.value)
        else:
            placement = _approximate(record, report)
        if placement is NOT_LOCATED:
            report.not_located += 1
        elif placement.precision in APPROXIMATE_PRECISIONS:
            report.approximate += 1
        placements.append(placement)
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
        destination = destination_street(payload["street"], payload["street2"])
        if not destination:
            continue
        query = address_query(destination, payload["city"], payload["state"], payload["zip_code"])
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
                latitude=latitude, longitude=longitude, location_precision=LocationPrecision.ADDRESS, location_note=""
            )
        report.providers_updated = remerge_providers(touched_providers)
    return report

"""Where treatment is out of reach: for every ZIP code and each medication, the straight-line miles to the
nearest and second-nearest active provider, and how many lie within 10 and 25 miles.

Recomputed from the whole directory after each import that changes it (`compute_access`), so that the
answers are read, never computed, per request. The distances are great-circle miles on the same sphere
as the search's (locator.geo); a k-d tree over the providers' unit vectors finds them, because the
straight chord between two points on a sphere grows with the arc between them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, F, Max, QuerySet, Sum
from django.utils import timezone
from scipy.spatial import cKDTree

from locator import gazetteer
from locator.geo import EARTH_RADIUS_MILES, unit_vector
from locator.models import AccessComputation, Provider, SourceFile, ZipAccess
from locator.search_filters import searchable_providers
from locator.vocabulary import AccessMedication

COUNTED_WITHIN_MILES = (10, 25)
# The shares of a county's or a state's ZIP codes that lie within these miles of the nearest provider.
SHARE_WITHIN_MILES = (10, 25, 50)
# A provider is critical for a ZIP code when the next nearest one lies at least this much farther away.
CRITICAL_EXTRA_MILES = 10.0
RESIDENTIAL = "STANDARD"
_WRITE_BATCH = 5_000


def providers_of(medication: AccessMedication) -> QuerySet[Provider]:
    """The active providers that offer it, anywhere: for "any", every provider a search can return."""
    providers = searchable_providers()
    if medication == AccessMedication.METHADONE:
        return providers.filter(offers_methadone=True, is_otp=True)
    if medication == AccessMedication.ANY:
        return providers
    return providers.filter(**{f"offers_{medication.value}": True})


def _chord(miles: float) -> float:
    return 2 * math.sin(miles / (2 * EARTH_RADIUS_MILES))


def _miles(chords: np.ndarray) -> np.ndarray:
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(chords / 2, 1.0))


@dataclass(frozen=True)
class Nearest:
    """For each of a list of points: the two nearest providers (ids, -1 where there is none) and their
    miles (NaN where there is none), and how many providers lie within each of COUNTED_WITHIN_MILES."""

    ids: np.ndarray  # (points, 2)
    miles: np.ndarray  # (points, 2)
    within: dict[int, np.ndarray]


def nearest_providers(points: np.ndarray, provider_ids: np.ndarray, provider_units: np.ndarray) -> Nearest:
    """`points` and `provider_units` are unit vectors (n, 3)."""
    count = len(points)
    ids = np.full((count, 2), -1, dtype=np.int64)
    miles = np.full((count, 2), np.nan)
    within = {radius: np.zeros(count, dtype=np.int64) for radius in COUNTED_WITHIN_MILES}
    if len(provider_ids) == 0 or count == 0:
        return Nearest(ids, miles, within)
    tree = cKDTree(provider_units)
    chords, indexes = tree.query(points, k=2)
    # With a single provider the second neighbour is missing: an infinite distance and an index past the end.
    found = np.isfinite(chords)
    ids[found] = provider_ids[indexes[found]]
    miles[found] = _miles(chords[found])
    for radius in COUNTED_WITHIN_MILES:
        within[radius] = np.asarray(tree.query_ball_point(points, r=_chord(radius), return_length=True))
    return Nearest(ids, miles, within)


def _provider_points(medication: AccessMedication) -> tuple[np.ndarray, np.ndarray]:
    rows = (
        providers_of(medication)
        .filter(unit_x__isnull=False)
        .order_by("id")
        .values_list("id", "unit_x", "unit_y", "unit_z")
    )
    table = np.array(list(rows), dtype=np.float64).reshape(-1, 4)
    return table[:, 0].astype(np.int64), table[:, 1:]


_COLUMNS = (
    "zip_code",
    "medication",
    "state",
    "county",
    "zip_code_type",
    "latitude",
    "longitude",
    "nearest_id",
    "nearest_miles",
    "second_nearest_id",
    "second_nearest_miles",
    "within_10_miles",
    "within_25_miles",
)


def _insert(rows: list[tuple]) -> None:
    # 168,000 rows: model instances and bulk_create spent 16 of 25 s building them.
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(ZipAccess._meta.db_table)} ({', '.join(map(quote, _COLUMNS))}) "
        f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _WRITE_BATCH):
            cursor.executemany(sql, rows[start : start + _WRITE_BATCH])


def directory_version() -> str:
    """The time of the newest import: what the metrics were computed from."""
    newest = SourceFile.objects.aggregate(newest=Max("imported_at"))["newest"]
    return newest.isoformat() if newest else ""


@dataclass(frozen=True)
class AccessReport:
    zip_codes: int
    providers: dict[AccessMedication, int]
    seconds: float


def compute_access(log: Callable[[str], None] = lambda line: None) -> AccessReport:
    """Measure every ZIP code of the gazetteer against the directory as it is, and replace the metrics in
    one transaction: a request reads either the old ones or the new ones, never half of each."""
    started = time.monotonic()
    places = gazetteer.zip_places()
    points = np.array([unit_vector(place.latitude, place.longitude) for place in places])
    rows: list[tuple] = []
    providers: dict[AccessMedication, int] = {}
    for medication in AccessMedication:
        provider_ids, provider_units = _provider_points(medication)
        providers[medication] = len(provider_ids)
        nearest = nearest_providers(points, provider_ids, provider_units)
        log(f"{medication.value}: {len(provider_ids)} providers measured from {len(places)} ZIP codes")
        ids, miles = nearest.ids.tolist(), nearest.miles.tolist()
        within_10, within_25 = (nearest.within[radius].tolist() for radius in COUNTED_WITHIN_MILES)
        for index, place in enumerate(places):
            (first_id, second_id), (first_miles, second_miles) = ids[index], miles[index]
            rows.append(
                (
                    place.zip_code,
                    medication.value,
                    place.state,
                    place.county,
                    place.zip_code_type,
                    place.latitude,
                    place.longitude,
                    first_id if first_id >= 0 else None,
                    None if math.isnan(first_miles) else first_miles,
                    second_id if second_id >= 0 else None,
                    None if math.isnan(second_miles) else second_miles,
                    within_10[index],
                    within_25[index],
                )
            )
    version = directory_version()
    with transaction.atomic():
        ZipAccess.objects.all().delete()
        _insert(rows)
        AccessComputation.objects.all().delete()
        seconds = time.monotonic() - started
        AccessComputation.objects.create(
            computed_at=timezone.now(),
            directory_version=version,
            providers=providers[AccessMedication.ANY],
            zip_codes=len(places),
            seconds=seconds,
        )
    return AccessReport(zip_codes=len(places), providers=providers, seconds=time.monotonic() - started)


def access_is_missing() -> bool:
    return not AccessComputation.objects.exists()


def computation() -> AccessComputation | None:
    return AccessComputation.objects.order_by("-computed_at").first()


def zip_access(zip_code: str) -> list[ZipAccess]:
    """The metrics of one ZIP code, one per medication in AccessMedication's order; [] for an unknown ZIP."""
    rows = {
        row.medication: row
        for row in ZipAccess.objects.filter(zip_code=zip_code).select_related("nearest", "second_nearest")
    }
    return [rows[medication.value] for medication in AccessMedication if medication.value in rows]


def state_access(state: str) -> list[ZipAccess]:
    """Every ZIP code's metrics in a state, by ZIP code, then medication."""
    order = {medication.value: index for index, medication in enumerate(AccessMedication)}
    rows = list(ZipAccess.objects.filter(state=state))
    return sorted(rows, key=lambda row: (row.zip_code, order[row.medication]))


@dataclass(frozen=True)
class AreaShares:
    """The shares (0 to 1) of an area's residential ZIP codes within SHARE_WITHIN_MILES of the nearest
    provider of each medication; None where the area has no residential ZIP code."""

    name: str
    residential_zip_codes: int
    shares: dict[str, dict[int, float | None]]


def area_shares(name: str, rows: list[ZipAccess]) -> AreaShares:
    residential = [row for row in rows if row.zip_code_type == RESIDENTIAL]
    shares: dict[str, dict[int, float | None]] = {}
    for medication in AccessMedication:
        miles = [row.nearest_miles for row in residential if row.medication == medication.value]
        shares[medication.value] = {
            radius: (sum(1 for mile in miles if mile is not None and mile <= radius) / len(miles) if miles else None)
            for radius in SHARE_WITHIN_MILES
        }
    zip_codes = len({row.zip_code for row in residential})
    return AreaShares(name, zip_codes, shares)


def county_shares(rows: list[ZipAccess]) -> list[AreaShares]:
    """Per county of the rows, by county name."""
    by_county: dict[str, list[ZipAccess]] = {}
    for row in rows:
        by_county.setdefault(row.county, []).append(row)
    return [area_shares(county, by_county[county]) for county in sorted(by_county)]


@dataclass(frozen=True)
class CriticalProvider:
    provider: Provider
    # Residential ZIP codes for which it is the nearest, and the next one lies CRITICAL_EXTRA_MILES farther.
    zip_codes: int
    # Summed over those ZIP codes: how many more miles the next nearest provider lies away.
    miles_saved: float


def critical_providers(
    medication: AccessMedication, *, state: str | None = None, limit: int = 100
) -> list[CriticalProvider]:
    """The providers that alone keep treatment within reach of the most ZIP codes, ranked by the miles their
    closing would add, summed over those ZIP codes (each ZIP code counts once: no population is weighed)."""
    rows = ZipAccess.objects.filter(
        medication=medication.value,
        zip_code_type=RESIDENTIAL,
        nearest__isnull=False,
        second_nearest_miles__gte=F("nearest_miles") + CRITICAL_EXTRA_MILES,
    )
    if state:
        rows = rows.filter(state=state)
    ranked = list(
        rows.values("nearest")
        .annotate(zip_codes=Count("id"), miles_saved=Sum(F("second_nearest_miles") - F("nearest_miles")))
        .order_by("-miles_saved", "nearest")[:limit]
    )
    providers = Provider.objects.in_bulk([row["nearest"] for row in ranked])
    return [CriticalProvider(providers[row["nearest"]], row["zip_codes"], row["miles_saved"]) for row in ranked]


@dataclass(frozen=True)
class AreaRow:
    """One area's shares for one medication, as a table shows them."""

    name: str
    residential_zip_codes: int
    within: dict[int, float | None]

    @property
    def beyond_25_miles(self) -> float | None:
        share = self.within[25]
        return None if share is None else 1 - share


@dataclass(frozen=True)
class StateReport:
    state: str
    medication: AccessMedication
    # Every medication's shares for the state as a whole, in AccessMedication's order.
    state_rows: list[tuple[AccessMedication, AreaRow]]
    # Those farthest from the medication first: the largest share of ZIP codes beyond 25 miles, then the
    # smallest share within 50.
    counties: list[AreaRow]
    critical: list[CriticalProvider]


def state_report(state: str, medication: AccessMedication, *, critical_limit: int = 10) -> StateReport:
    rows = state_access(state)
    whole = area_shares(state, rows)
    counties = [
        AreaRow(area.name, area.residential_zip_codes, area.shares[medication.value])
        for area in county_shares(rows)
        if area.residential_zip_codes
    ]
    # Among counties as far beyond 25 miles, those with fewer ZIP codes within 50 miles come first.
    counties.sort(key=lambda row: (-(row.beyond_25_miles or 0.0), row.within[50] or 0.0, row.name))
    return StateReport(
        state=state,
        medication=medication,
        state_rows=[
            (each, AreaRow(state, whole.residential_zip_codes, whole.shares[each.value])) for each in AccessMedication
        ],
        counties=counties,
        critical=critical_providers(medication, state=state, limit=critical_limit),
    )

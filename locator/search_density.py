"""How many searchable providers lie in each grid cell, in all and with each of the columns most filters
ask for: read once per directory version in each process, so that a search can guess how wide a circle
holds its page.

Only how many queries a search runs depends on these guesses, never what it finds: a circle that falls
short is widened, and one that holds more than the page is ranked all the same.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from django.db import connection

from locator.geo import (
    EARTH_RADIUS_MILES,
    GRID_DEGREES,
    MILES_PER_DEGREE_LATITUDE,
    BoundingBox,
    bounding_box,
    grid_row_and_column,
    grid_row_spans,
)
from locator.kept_answers import directory_version
from locator.models import Provider
from locator.places import Location
from locator.search_filters import SearchFilters, filters_where_sql, provider_column
from locator.vocabulary import LANGUAGE_FIELDS, Kind, Language, Medication, Payment

# Counted per cell, after the number of providers: the columns of the filters a search narrows by most.
_COUNTED = (
    *(medication.field_name for medication in Medication),
    "is_otp",
    "offers_telehealth",
    *LANGUAGE_FIELDS.values(),
    *(payment.field_name for payment in Payment),
)
# Positions in a cell's counts: 0 is every provider.
_POSITION = {name: 1 + number for number, name in enumerate(_COUNTED)}
_KIND_POSITION = {kind: 1 + len(_COUNTED) + number for number, kind in enumerate(Kind.values)}
_CELL_AREA_AT_EQUATOR = (GRID_DEGREES * MILES_PER_DEGREE_LATITUDE) ** 2
# A page's first circle is at least this wide, and the smallest of these steps wider that its cells say
# holds this many pages: a circle that falls short costs a round trip, one that holds a page or two more
# costs a few rows.
FIRST_CIRCLE_MILES = 2.0
_FIRST_CIRCLE_STEP = 1.5
_FIRST_CIRCLE_PAGES = 2
# Where the whole radius is thought to hold at most this many matches, it is ranked at once and counted in
# the same scan: a count would read them all anyway.
_MOST_MATCHES_RANKED_AT_ONCE = 400
# Half the Earth's circumference: every point is within it.
WHOLE_EARTH_MILES = math.pi * EARTH_RADIUS_MILES
# Past this the nearest few are looked for everywhere at once: the box spans most of the country.
WIDEST_CIRCLE_MILES = 1000.0


@dataclass(frozen=True)
class _Row:
    """One row of grid cells: the columns that hold providers, west to east, and the counts summed from
    the row's west end up to and including each of them (after a first sum of nothing)."""

    columns: list[int]
    running: list[tuple[int, ...]]


_kept: tuple[str | None, dict[int, _Row]] = (None, {})


def _counting_sql() -> str:
    vendor = connection.vendor
    table = connection.ops.quote_name(Provider._meta.db_table)
    grid_cell, kind = provider_column(vendor, "grid_cell"), provider_column(vendor, "kind")
    sums = [f"SUM(CASE WHEN {provider_column(vendor, name)} THEN 1 ELSE 0 END)" for name in _COUNTED]
    sums += [f"SUM(CASE WHEN {kind} = %s THEN 1 ELSE 0 END)" for _ in Kind.values]
    where_sql, _ = filters_where_sql(SearchFilters(), vendor)
    return (
        f"SELECT {grid_cell}, COUNT(*), {', '.join(sums)} FROM {table}"
        f" WHERE {where_sql} AND {grid_cell} IS NOT NULL GROUP BY {grid_cell} ORDER BY {grid_cell}"
    )


def _rows() -> dict[int, _Row]:
    global _kept
    version = directory_version()
    if _kept[0] == version:
        return _kept[1]
    _, where_params = filters_where_sql(SearchFilters(), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(_counting_sql(), [*Kind.values, *where_params])
        cells = cursor.fetchall()
    rows: dict[int, _Row] = {}
    for cell, *counts in cells:
        number, column = grid_row_and_column(cell)
        row = rows.setdefault(number, _Row([], [(0,) * len(counts)]))
        row.columns.append(column)
        row.running.append(tuple(before + int(count) for before, count in zip(row.running[-1], counts)))
    _kept = (version, rows)
    return rows


def forget_cell_counts() -> None:
    """For a directory changed without an import (a benchmark's copies)."""
    global _kept
    _kept = (None, {})


def _narrowed_by(filters: SearchFilters) -> list[tuple[int, ...]]:
    """Per filter counted: the positions of the counts of providers that match it (any of them). The
    others (settings, groups, text...) are guessed to narrow nothing, which can only make a first circle
    too small, never too wide."""
    narrowed = []
    if filters.medications and len(filters.medications) < len(Medication.values):
        narrowed.append(tuple(_POSITION[Medication(name).field_name] for name in filters.medications))
    if filters.otp_only:
        narrowed.append((_POSITION["is_otp"],))
    if filters.kinds:
        narrowed.append(tuple(_KIND_POSITION[kind] for kind in filters.kinds))
    if filters.payments:
        narrowed.append(tuple(_POSITION[Payment(name).field_name] for name in filters.payments))
    if filters.telehealth:
        narrowed.append((_POSITION["offers_telehealth"],))
    if filters.languages and all(code in LANGUAGE_FIELDS for code in filters.languages):
        narrowed.append(tuple(_POSITION[LANGUAGE_FIELDS[Language(code)]] for code in filters.languages))
    return narrowed


def matches_in_box(box: BoundingBox, filters: SearchFilters) -> tuple[float, int]:
    """At most how many match in the grid cells that cover the box (as many as match the filter that the
    fewest match there: exactly as many where one filter or none is counted), and how many cells those are.
    Filters go together too often to be guessed independent: nearly every OTP offers methadone."""
    rows = _rows()
    narrowed = _narrowed_by(filters)
    wanted = sorted({0, *(position for positions in narrowed for position in positions)})
    totals = dict.fromkeys(wanted, 0)
    cells = 0
    for number, west, east in grid_row_spans(box):
        cells += east - west + 1
        row = rows.get(number)
        if row is None:
            continue
        after, before = row.running[bisect_right(row.columns, east)], row.running[bisect_left(row.columns, west)]
        for position in wanted:
            totals[position] += after[position] - before[position]
    matches = min([totals[0], *(sum(totals[position] for position in positions) for positions in narrowed)])
    return float(matches), cells


def estimated_matches(location: Location, radius_miles: float, filters: SearchFilters) -> float:
    """About how many match within the radius: those in the cells of its bounding box, in the share of the
    cells' area the circle covers."""
    matches, cells = matches_in_box(bounding_box(location.latitude, location.longitude, radius_miles), filters)
    cells_area = cells * _CELL_AREA_AT_EQUATOR * max(0.01, math.cos(math.radians(location.latitude)))
    return matches * min(1.0, math.pi * radius_miles**2 / cells_area)


def first_circle_miles(location: Location, radius_miles: float, filters: SearchFilters, wanted: int) -> float:
    """The first circle to rank a page of `wanted` matches in: the whole radius where it holds few (ranked and
    counted at once), else the smallest circle thought to hold a few pages."""
    if estimated_matches(location, radius_miles, filters) <= _MOST_MATCHES_RANKED_AT_ONCE:
        return radius_miles
    circle = min(FIRST_CIRCLE_MILES, radius_miles)
    while circle < radius_miles and estimated_matches(location, circle, filters) < _FIRST_CIRCLE_PAGES * wanted:
        circle = min(circle * _FIRST_CIRCLE_STEP, radius_miles)
    return circle


def nearest_circle_miles(location: Location, radius_miles: float, filters: SearchFilters, wanted: int) -> float:
    """The first circle to look for the `wanted` nearest in when none is within the radius: the smallest of
    the radius doubled, and doubled again, thought to hold them twice over."""
    circle = 2 * radius_miles
    while circle <= WIDEST_CIRCLE_MILES and estimated_matches(location, circle, filters) < 2 * wanted:
        circle *= 2
    return everywhere_past_widest(circle)


def everywhere_past_widest(circle_miles: float) -> float:
    return circle_miles if circle_miles <= WIDEST_CIRCLE_MILES else WHOLE_EARTH_MILES

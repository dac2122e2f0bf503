"""The one search core: a location, a radius and filters -> active MAT providers, nearest first.

Each query has three steps: a bounding box, as indexed grid cells (ranges of them, joined to the rows on
SQLite, or on PostgreSQL an array of up to a few hundred); the exact great-circle test as a dot product
of unit vectors (`unit_x`, `unit_y`, `unit_z`), which is plain arithmetic on SQLite and PostgreSQL
alike; and ranking by that dot product, then name, then id. A page is ranked in widening circles, the
first sized by how many providers the place's grid cells hold, and counted up to 1,000, so that its cost
follows the page, not the matches; where the whole radius holds few, one query ranks and counts them all.
The ranking that finds a first page reads its providers with their sources too: one round trip a page.
Web pages and the API both call `provider_search`; neither knows any of this.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from django.db import connection

from locator.geo import (
    bounding_box,
    distance_from_dot_miles,
    grid_cell_ranges,
    min_dot_for_radius,
    unit_vector,
)
from locator.models import Provider
from locator.places import Location
from locator.result_rows import page_columns, providers_from_rows, providers_with_sources
from locator.search_density import (
    WHOLE_EARTH_MILES,
    everywhere_past_widest,
    first_circle_miles,
    nearest_circle_miles,
)
from locator.search_filters import InvalidSearch, SearchFilters, filters_where_sql, provider_column
from locator.vocabulary import (
    APPROXIMATE_PRECISIONS,
    Kind,
)

MAX_RADIUS_MILES = 500.0
NEAREST_WHEN_NONE_WITHIN = 10
# Counted exactly up to this many; past it a search says "1,000 or more", so that counting costs what a
# page costs, not what every match in a city's 100 miles costs.
MAX_EXACT_COUNT = 1000
# The page is ranked in widening circles (the first sized by `locator.search_density`), each next one at
# most this many times wider, up to the radius; the first circle that holds the page is the last read.
CIRCLE_GROWTH = 4
# How a box's grid cells are asked for. Past the most ranges, one range from the first cell to the last
# reads a band of latitude around the world. SQLite joins each range to its rows (`_joined_ranges_sql`),
# cheaply up to a box 1,100 miles tall (a "nearest anywhere" Medicaid search that read a band took 23 ms at a
# million providers); PostgreSQL plans each range of an OR against every index, which past two dozen cost
# more than the band.
_MOST_CELL_RANGES = {"sqlite": 128}
_MOST_CELL_RANGES_ELSEWHERE = 24
# PostgreSQL reads a box of up to this many cells (a circle of about 100 miles) as one array of cells,
# through the search index alone; ranges joined by OR made it fetch each row of the cells from the table
# (Manhattan's 20,000 at a million providers: 28 ms). A longer array costs more to plan than to read.
_MOST_CELLS_IN_ONE_ARRAY = 400


@dataclass(frozen=True)
class ProviderMatch:
    provider: Provider
    distance_miles: float
    within_radius: bool


@dataclass
class SearchResult:
    """One page of matches. When nothing lies within the radius, `matches` are the nearest anyway,
    `within_radius` is False, and `count` counts those nearest ones. `count` is exact up to
    MAX_EXACT_COUNT; past it, it is MAX_EXACT_COUNT with `count_exact` False ("1,000 or more")."""

    location: Location
    radius_miles: float
    count: int
    within_radius: bool
    matches: list[ProviderMatch] = field(default_factory=list)
    count_exact: bool = True
    # Of the matches within the radius, how many of each kind (each up to MAX_EXACT_COUNT), when asked for.
    count_by_kind: dict[str, int] | None = None


@lru_cache(maxsize=4)
def _dot_sql(vendor: str) -> str:
    """The dot product of each row's unit vector with the location's: larger is nearer."""
    x, y, z = (provider_column(vendor, name) for name in ("unit_x", "unit_y", "unit_z"))
    return f"((({x} * %s) + ({y} * %s)) + ({z} * %s))"


@lru_cache(maxsize=256)
def _joined_ranges_sql(vendor: str, ranges: int) -> str:
    """FROM and the start of WHERE: the box's cell ranges as a table of constant rows, each joined to the
    providers in it. SQLite then reads each range through an index, a rare filter's partial one when
    asked for. Given the same ranges joined by OR, past about 40 of them it read the whole search index
    instead, testing each row against every range: 48 ms for the prescribers nearest Alaska's North Slope
    at 65k providers, 0.1 ms joined."""
    table = connection.ops.quote_name(Provider._meta.db_table)
    return (
        f" FROM (VALUES {', '.join(['(%s, %s)'] * ranges)}) AS cell_range CROSS JOIN {table}"
        f" WHERE {provider_column(vendor, 'grid_cell')} BETWEEN cell_range.column1 AND cell_range.column2"
    )


def _within_circle_sql(location: Location, radius_miles: float, filters: SearchFilters) -> tuple[str, list[Any]]:
    """FROM and WHERE of the matches within the radius.

    Grid cells of the bounding box narrow the rows through the index, then the dot product keeps the
    exact circle. Written as SQL, its pieces quoted and compiled once per database, because building
    and compiling this query through the ORM cost ten times what the database spends answering it; the
    filters still come from the ORM (`locator.search_filters`).
    """
    vendor = connection.vendor
    box = bounding_box(location.latitude, location.longitude, radius_miles)
    cell_ranges = grid_cell_ranges(box, most=_MOST_CELL_RANGES.get(vendor, _MOST_CELL_RANGES_ELSEWHERE))
    filter_sql, filter_params = filters_where_sql(filters, vendor)
    cells = sum(last - first + 1 for first, last in cell_ranges)
    table = connection.ops.quote_name(Provider._meta.db_table)
    if vendor == "sqlite":
        from_where_sql = _joined_ranges_sql(vendor, len(cell_ranges))
        cells_params: list[Any] = [bound for cell_range in cell_ranges for bound in cell_range]
    elif vendor == "postgresql" and cells <= _MOST_CELLS_IN_ONE_ARRAY:
        from_where_sql = f" FROM {table} WHERE {provider_column(vendor, 'grid_cell')} = ANY(%s)"
        cells_params = [[cell for first, last in cell_ranges for cell in range(first, last + 1)]]
    else:
        # Written into the statement, not passed: prepared with a wide box's cells as parameters, PostgreSQL's
        # generic plan took any range of cells for a few rows and read the search index over a band of the
        # country where a rare filter's own index held the few hundred rows (OTPs within 640 miles of
        # Montana: 6 ms, 0.7 ms when planned for the cells).
        grid_cell = provider_column(vendor, "grid_cell")
        cells_sql = " OR ".join(f"({grid_cell} BETWEEN {first:d} AND {last:d})" for first, last in cell_ranges)
        from_where_sql = f" FROM {table} WHERE ({cells_sql})"
        cells_params = []
    sql = f"{from_where_sql} AND {filter_sql} AND {_dot_sql(vendor)} >= %s"
    return sql, [
        *cells_params,
        *filter_params,
        *unit_vector(location.latitude, location.longitude),
        min_dot_for_radius(radius_miles),
    ]


# How a ranking orders its matches, by the names `_ranking_sql` gives its columns.
_RANKING_ORDER = "dot DESC, approximate ASC, name ASC, id ASC"


@lru_cache(maxsize=4)
def _ranking_sql(vendor: str) -> tuple[str, str]:
    """A ranking's SELECT, to go before its FROM and WHERE, and its ORDER BY, to go after them."""
    # At exactly the same distance, a listing at its own address before one at a ZIP or city center.
    approximate = f"CASE WHEN {provider_column(vendor, 'location_precision')} IN (%s, %s) THEN 1 ELSE 0 END"
    return (
        f"SELECT {provider_column(vendor, 'id')} AS id, {_dot_sql(vendor)} AS dot, {approximate} AS approximate,"
        f" {provider_column(vendor, 'name')} AS name",
        f" ORDER BY {_RANKING_ORDER} LIMIT %s",
    )


@lru_cache(maxsize=8)
def _counting_sql(vendor: str, by_kind: bool) -> str:
    """To follow a ranking's SELECT: how many rows the ranking ranks, and if asked how many of each kind."""
    kind = provider_column(vendor, "kind")
    of_kinds = "".join(
        f", SUM(CASE WHEN {kind} = %s THEN 1 ELSE 0 END) OVER () AS of_kind_{number}"
        for number in range(len(Kind.values))
    )
    return ", COUNT(*) OVER () AS matches" + (of_kinds if by_kind else "")


@lru_cache(maxsize=4)
def _with_page_columns_sql(vendor: str) -> tuple[str, str]:
    """To go before and after a ranking: each ranked provider's shown columns and sources, so that a first
    page is ranked and read in one round trip."""
    columns = page_columns(vendor)
    table = connection.ops.quote_name(Provider._meta.db_table)
    ranked_order = ", ".join(f"ranked.{term}" for term in _RANKING_ORDER.split(", "))
    return (
        f"SELECT ranked.*, {columns.select_sql} FROM (",
        f") AS ranked LEFT OUTER JOIN {table} ON ({provider_column(vendor, 'id')} = ranked.id)"
        f" {columns.source_joins_sql} ORDER BY {ranked_order}, {columns.source_order_sql}",
    )


@dataclass(frozen=True)
class _Ranking:
    ranked: list[tuple[int, float]]
    # Every match within the circle, and of each kind if asked, when the ranking counted them.
    count: int | None = None
    count_by_kind: dict[str, int] | None = None
    # The providers ranked, by id, when asked for.
    shown: dict[int, Provider] | None = None


def _payment_arms(filters: SearchFilters) -> list[SearchFilters]:
    """The search as one search per payment asked, whose matches together are its matches.

    Each payment then reads its own small index, where SQLite cannot use two of them for "this or that"
    and read the search index over most of the country instead (85 ms for sliding fee or free care at a
    million providers)."""
    if len(filters.payments) < 2:
        return [filters]
    return [replace(filters, payments=frozenset({payment})) for payment in sorted(filters.payments)]


def _ranking(
    location: Location,
    radius_miles: float,
    filters: SearchFilters,
    most: int,
    *,
    counted: bool = False,
    by_kind: bool = False,
    shown: bool = False,
) -> _Ranking:
    """The first `most` matches within the radius; `counted`, with how many match in all (and of each kind
    `by_kind`), where one ranking reads every match (one payment or none); with the providers ranked, if
    `shown`, read in the same query."""
    vendor = connection.vendor
    select_sql, order_sql = _ranking_sql(vendor)
    before_within = [*unit_vector(location.latitude, location.longitude), *sorted(APPROXIMATE_PRECISIONS)]
    arms = _payment_arms(filters)
    counted = counted and len(arms) == 1
    if len(arms) == 1:
        within_sql, within_params = _within_circle_sql(location, radius_miles, filters)
        counting_sql = _counting_sql(vendor, by_kind) if counted else ""
        kind_params = Kind.values if counted and by_kind else []
        sql = select_sql + counting_sql + within_sql + order_sql
        params = [*before_within, *kind_params, *within_params, most]
    else:
        arm_sqls, params = [], []
        for number, arm in enumerate(arms):
            within_sql, within_params = _within_circle_sql(location, radius_miles, arm)
            arm_sqls.append(f"SELECT * FROM ({select_sql}{within_sql}{order_sql}) AS arm{number}")
            params += [*before_within, *within_params, most]
        sql = f"SELECT * FROM ({' UNION '.join(arm_sqls)}) AS arms ORDER BY {_RANKING_ORDER} LIMIT %s"
        params.append(most)
    if shown:
        before_sql, after_sql = _with_page_columns_sql(vendor)
        sql = before_sql + sql + after_sql
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    ranked_columns = 4 + (1 + len(Kind.values) * by_kind if counted else 0)
    providers = None
    if shown:
        providers = providers_from_rows(rows, first_column=ranked_columns)
        # A provider with several sources comes in as many rows, one after the other.
        rows = [row for number, row in enumerate(rows) if not number or row[0] != rows[number - 1][0]]
    ranked = [(row[0], row[1]) for row in rows]
    if not counted:
        return _Ranking(ranked, shown=providers)
    if not rows:
        return _Ranking(ranked, 0, dict.fromkeys(Kind.values, 0) if by_kind else None, providers)
    kinds = dict(zip(Kind.values, (int(count) for count in rows[0][5:ranked_columns]))) if by_kind else None
    return _Ranking(ranked, int(rows[0][4]), kinds, providers)


def _match_ids_sql(
    location: Location, radius_miles: float, filters: SearchFilters, *, most: int, kind: str = ""
) -> tuple[str, list[Any]]:
    """A subquery of the ids of matches within the radius (of one kind if given): at least `most` of them
    when there are that many, all of them when there are fewer."""
    id_sql = provider_column(connection.vendor, "id")
    kind_sql = f" AND {provider_column(connection.vendor, 'kind')} = %s" if kind else ""
    arms, params = [], []
    for number, arm in enumerate(_payment_arms(filters)):
        within_sql, within_params = _within_circle_sql(location, radius_miles, arm)
        arms.append(f"SELECT * FROM (SELECT {id_sql} AS id{within_sql}{kind_sql} LIMIT %s) AS arm{number}")
        params += [*within_params, *([kind] if kind else []), most]
    return " UNION ".join(arms), params


def _ranked_page(
    location: Location, radius_miles: float, filters: SearchFilters, offset: int, limit: int, *, by_kind: bool
) -> _Ranking:
    """The same page as ranking every match within the radius, read from the smallest circle that holds
    it: everything outside a circle is farther than everything inside, so a circle holding `offset +
    limit` matches holds the page. In a city a 100-mile search reads a few miles, not 100k rows. A ranking
    of the whole radius counts its matches too (of each kind `by_kind`)."""
    wanted = offset + limit
    circle = first_circle_miles(location, radius_miles, filters, wanted)
    while True:
        whole = circle >= radius_miles
        ranking = _ranking(location, circle, filters, wanted, counted=whole, by_kind=by_kind, shown=not offset)
        if len(ranking.ranked) == wanted or whole:
            return replace(ranking, ranked=ranking.ranked[offset:])
        circle = min(_wider_circle(circle, len(ranking.ranked), wanted), radius_miles)


def _wider_circle(circle_miles: float, found: int, wanted: int) -> float:
    """The next circle: one that would hold `wanted` were the matches as dense as within this one, and a
    little more. Four times wider at once could reach from a town into a city, whose thousands of rows
    the next query would all read (33 ms at a million providers)."""
    if not found:
        return circle_miles * CIRCLE_GROWTH
    return circle_miles * min(CIRCLE_GROWTH, max(1.25, 1.2 * math.sqrt(wanted / found)))


def _count_within(location: Location, radius_miles: float, filters: SearchFilters) -> int:
    """How many match within the radius, counted up to one past MAX_EXACT_COUNT."""
    return _counts_within(location, radius_miles, filters, by_kind=False)[0]


def _counts_within(
    location: Location, radius_miles: float, filters: SearchFilters, *, by_kind: bool
) -> tuple[int, dict[str, int]]:
    """How many match within the radius (up to one past MAX_EXACT_COUNT) and, if asked, how many of each
    kind (each up to MAX_EXACT_COUNT, every kind named): one round trip for all of them.

    Each kind is counted up to one past MAX_EXACT_COUNT too, so that their sum is the total: exact while
    it is at most MAX_EXACT_COUNT, and past it only where more do match, without reading the matches a
    fourth time to count them all."""
    counted = list(Kind.values) if by_kind else [""]
    count_sqls, params = [], []
    for kind in counted:
        ids_sql, ids_params = _match_ids_sql(location, radius_miles, filters, most=MAX_EXACT_COUNT + 1, kind=kind)
        count_sqls.append(f"SELECT CAST(%s AS VARCHAR(20)), COUNT(*) FROM ({ids_sql}) AS counted")
        params += [kind, *ids_params]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(count_sqls), params)
        counts = {kind: min(count, MAX_EXACT_COUNT + 1) for kind, count in cursor.fetchall()}
    total = min(sum(counts.values()), MAX_EXACT_COUNT + 1)
    return total, {kind: min(counts[kind], MAX_EXACT_COUNT) for kind in Kind.values if by_kind}


def count_matches(*, location: Location, radius_miles: float, filters: SearchFilters) -> int:
    """How many match within the radius, up to MAX_EXACT_COUNT (which then means that many or more)."""
    return min(_count_within(location, radius_miles, filters), MAX_EXACT_COUNT)


def _matches(ranked: list[tuple[int, float]], within: bool, shown: dict[int, Provider] | None) -> list[ProviderMatch]:
    """The ranked providers as matches: those the ranking read, or, past the first page, read by id."""
    by_id = providers_with_sources([provider_id for provider_id, _ in ranked]) if shown is None else shown
    return [
        ProviderMatch(by_id[provider_id], round(distance_from_dot_miles(dot), 2), within) for provider_id, dot in ranked
    ]


def provider_search(
    *,
    location: Location,
    radius_miles: float,
    filters: SearchFilters,
    offset: int = 0,
    limit: int = 20,
    count_kinds: bool = False,
) -> SearchResult:
    """Active providers matching `filters` within `radius_miles` of `location`, nearest first; with
    `count_kinds`, also how many of each kind match within the radius.

    A person in withdrawal never gets an empty page: when nothing matches within the radius, the
    nearest matching providers anywhere come back, marked as outside it.
    """
    if not 0 < radius_miles <= MAX_RADIUS_MILES:
        raise InvalidSearch("radius", f"radius must be more than 0 and at most {MAX_RADIUS_MILES:g} miles")
    ranking = _ranked_page(location, radius_miles, filters, offset, limit, by_kind=count_kinds)
    page, kinds = ranking.ranked, None
    if ranking.count is not None:
        count = ranking.count
        if ranking.count_by_kind is not None:
            kinds = {kind: min(of_kind, MAX_EXACT_COUNT) for kind, of_kind in ranking.count_by_kind.items()}
    # A page that is not full is the last: it tells the count without asking.
    elif len(page) < limit and (page or not offset):
        count = offset + len(page) if page else 0
    else:
        count, kinds = _counts_within(location, radius_miles, filters, by_kind=count_kinds)
    if count:
        matches = _matches(page, True, ranking.shown)
        if count_kinds and kinds is None and not offset:
            # A first page that is not full holds every match: it tells their kinds too.
            of_kind = Counter(match.provider.kind for match in matches)
            kinds = {kind: of_kind[kind] for kind in Kind.values}
        elif count_kinds and kinds is None:
            kinds = _counts_within(location, radius_miles, filters, by_kind=True)[1]
        exact = count <= MAX_EXACT_COUNT
        return SearchResult(location, radius_miles, min(count, MAX_EXACT_COUNT), True, matches, exact, kinds)
    # Nothing within the radius: the nearest few anywhere. Whatever lies outside a circle is farther
    # than everything inside it: from the first circle the grid cells say holds them, widen until one does.
    wider = nearest_circle_miles(location, radius_miles, filters, NEAREST_WHEN_NONE_WITHIN)
    while True:
        ranking = _ranking(location, wider, filters, NEAREST_WHEN_NONE_WITHIN, shown=not offset)
        nearest = ranking.ranked
        if len(nearest) == NEAREST_WHEN_NONE_WITHIN or (nearest and wider == WHOLE_EARTH_MILES):
            page = nearest[offset : offset + limit]
            return SearchResult(location, radius_miles, len(nearest), False, _matches(page, False, ranking.shown))
        if wider == WHOLE_EARTH_MILES:
            return SearchResult(location, radius_miles, 0, False, [])
        wider = everywhere_past_widest(_wider_circle(wider, len(nearest), NEAREST_WHEN_NONE_WITHIN))

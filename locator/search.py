"""The one search core: a location, a radius and filters -> active MAT providers, nearest first.

Each query has three steps: a bounding box, as ranges of indexed grid cells; the exact great-circle
test as a dot product of unit vectors (`unit_x`, `unit_y`, `unit_z`), which is plain arithmetic on
SQLite and PostgreSQL alike; and ranking by that dot product, then name, then id. A page is ranked in
widening circles and counted up to 1,000, so that its cost follows the page, not the matches.
Web pages and the API both call `provider_search`; neither knows any of this.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from locator.geo import (
    EARTH_RADIUS_MILES,
    bounding_box,
    distance_from_dot_miles,
    grid_cell_ranges,
    min_dot_for_radius,
    normalize_state,
    unit_vector,
)
from locator.models import Provider
from locator.places import Location
from locator.result_rows import providers_with_sources
from locator.vocabulary import (
    APPROXIMATE_PRECISIONS,
    FACETS,
    LANGUAGE_FIELDS,
    Kind,
    Language,
    Medication,
    Payment,
    search_code,
)

# Each filter's codes, listed once: a TextChoices class builds its list of values anew on every access.
_KNOWN_CODES = {
    "medication": tuple(Medication.values),
    "kind": tuple(Kind.values),
    "payment": tuple(Payment.values),
    **{facet: tuple(vocabulary.values) for facet, vocabulary in FACETS.items()},
}
MAX_RADIUS_MILES = 500.0
NEAREST_WHEN_NONE_WITHIN = 10
# Counted exactly up to this many; past it a search says "1,000 or more", so that counting costs what a
# page costs, not what every match in a city's 100 miles costs.
MAX_EXACT_COUNT = 1000
# The page is ranked in widening circles: the first this wide, each next one this many times wider, up to
# the radius; the first circle that holds the page is the last read.
FIRST_CIRCLE_MILES = 2.0
CIRCLE_GROWTH = 4
# Half the Earth's circumference: every point is within it.
_WHOLE_EARTH_MILES = math.pi * EARTH_RADIUS_MILES


class InvalidSearch(ValueError):
    """A filter value the search does not know; `field` names the parameter."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SearchFilters:
    """What a person or a partner asks for. Several values of one filter mean any of them."""

    medications: frozenset[str] = frozenset()
    otp_only: bool = False
    kinds: frozenset[str] = frozenset()
    payments: frozenset[str] = frozenset()
    telehealth: bool = False
    settings: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    ages: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    state: str = ""
    text: str = ""
    # Instead of the service filters: the listings whose sources say nothing about services.
    services_unstated: bool = False

    @property
    def asks_about_services(self) -> bool:
        """Whether a filter asks for something most sources do not state (payment, programs...)."""
        return bool(self.payments or self.telehealth or self.settings or self.groups or self.ages or self.languages)

    def unstated(self) -> SearchFilters:
        """The same search, for the listings that do not say whether they offer what was asked."""
        return replace(
            self,
            payments=frozenset(),
            telehealth=False,
            settings=frozenset(),
            groups=frozenset(),
            ages=frozenset(),
            languages=frozenset(),
            services_unstated=True,
        )

    def __post_init__(self) -> None:
        checks = (
            ("medication", self.medications),
            ("kind", self.kinds),
            ("payment", self.payments),
            ("setting", self.settings),
            ("group", self.groups),
            ("age", self.ages),
            ("language", self.languages),
        )
        for name, values in checks:
            known = _KNOWN_CODES[name]
            unknown = sorted(set(values) - set(known))
            if unknown:
                raise InvalidSearch(name, f"unknown {name} {', '.join(unknown)}; use one of: {', '.join(known)}")
        if self.state and normalize_state(self.state) != self.state:
            raise InvalidSearch("state", f"unknown state {self.state}; use a two-letter code such as OK")


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


def _facet_q(facet: str, codes: frozenset[str]) -> Q:
    """Any of these codes of one facet; a code with a column of its own is read from the index."""
    q = Q()
    for code in sorted(codes):
        if facet == "language" and code in LANGUAGE_FIELDS:
            q |= Q(**{LANGUAGE_FIELDS[Language(code)]: True})
        else:
            q |= Q(search_codes__contains=f" {search_code(facet, code)} ")
    return q


def _filter_q(filters: SearchFilters) -> Q:
    # Only providers known to offer a medication for opioid use disorder are search results; the
    # directory also holds facilities whose services SAMHSA's file did not say. A listing that offers
    # one without naming it is found when no particular medication is asked for (none, or all three).
    if filters.medications and len(filters.medications) < len(_KNOWN_CODES["medication"]):
        q = _any(Medication(name).field_name for name in sorted(filters.medications))
    else:
        q = _any([*(medication.field_name for medication in Medication), "moud_medication_not_named"])
    q &= Q(active=True)
    if filters.otp_only:
        q &= Q(is_otp=True)
    if filters.kinds:
        q &= Q(kind__in=sorted(filters.kinds))
    if filters.payments:
        q &= _any(Payment(name).field_name for name in sorted(filters.payments))
    if filters.telehealth:
        q &= Q(offers_telehealth=True)
    for facet, codes in (
        ("setting", filters.settings),
        ("group", filters.groups),
        ("age", filters.ages),
        ("language", filters.languages),
    ):
        if codes:
            q &= _facet_q(facet, codes)
    if filters.services_unstated:
        q &= Q(services_stated=False)
    if filters.state:
        q &= Q(state=filters.state)
    if filters.text:
        q &= Q(name__icontains=filters.text) | Q(name2__icontains=filters.text)
    return q


def searchable_providers() -> QuerySet[Provider]:
    """Every provider a search can return, anywhere."""
    return Provider.objects.filter(_filter_q(SearchFilters()))


def _any(field_names) -> Q:
    q = Q()
    for name in field_names:
        q |= Q(**{name: True})
    return q


@lru_cache(maxsize=256)
def _filter_sql(filters: SearchFilters, vendor: str) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause of `_filter_q`, compiled by Django once per filter set and database."""
    query = Provider.objects.filter(_filter_q(filters)).query
    sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    return sql, tuple(params)


@lru_cache(maxsize=4)
def _column(vendor: str, name: str) -> str:
    table = connection.ops.quote_name(Provider._meta.db_table)
    return f"{table}.{connection.ops.quote_name(Provider._meta.get_field(name).column)}"


@lru_cache(maxsize=4)
def _dot_sql(vendor: str) -> str:
    """The dot product of each row's unit vector with the location's: larger is nearer."""
    x, y, z = (_column(vendor, name) for name in ("unit_x", "unit_y", "unit_z"))
    return f"((({x} * %s) + ({y} * %s)) + ({z} * %s))"


@lru_cache(maxsize=64)
def _cells_sql(vendor: str, ranges: int) -> str:
    grid_cell = _column(vendor, "grid_cell")
    return " OR ".join([f"({grid_cell} >= %s AND {grid_cell} <= %s)"] * ranges)


def _within_circle_sql(location: Location, radius_miles: float, filters: SearchFilters) -> tuple[str, list[Any]]:
    """FROM and WHERE of the matches within the radius.

    Grid cells of the bounding box narrow the rows through the index, then the dot product keeps the
    exact circle. Written as SQL, its pieces quoted and compiled once per database, because building
    and compiling this query through the ORM cost ten times what the database spends answering it; the
    filters still come from `_filter_q`.
    """
    vendor = connection.vendor
    cell_ranges = grid_cell_ranges(bounding_box(location.latitude, location.longitude, radius_miles))
    filter_sql, filter_params = _filter_sql(filters, vendor)
    sql = (
        f" FROM {connection.ops.quote_name(Provider._meta.db_table)}"
        f" WHERE ({_cells_sql(vendor, len(cell_ranges))}) AND {filter_sql} AND {_dot_sql(vendor)} >= %s"
    )
    return sql, [
        *(bound for cell_range in cell_ranges for bound in cell_range),
        *filter_params,
        *unit_vector(location.latitude, location.longitude),
        min_dot_for_radius(radius_miles),
    ]


@lru_cache(maxsize=4)
def _ranking_sql(vendor: str) -> tuple[str, str]:
    """SELECT id, dot, to go before the FROM and WHERE, and the ORDER BY to go after them."""
    # At exactly the same distance, a listing at its own address before one at a ZIP or city center.
    approximate = f"CASE WHEN {_column(vendor, 'location_precision')} IN (%s, %s) THEN 1 ELSE 0 END"
    return (
        f"SELECT {_column(vendor, 'id')}, {_dot_sql(vendor)}",
        f" ORDER BY 2 DESC, {approximate} ASC, {_column(vendor, 'name')} ASC, 1 ASC LIMIT %s OFFSET %s",
    )


def _ranked_ids(
    location: Location, radius_miles: float, filters: SearchFilters, offset: int, limit: int
) -> list[tuple[int, float]]:
    """(id, dot) of one page of matches within the radius, nearest first."""
    within_sql, within_params = _within_circle_sql(location, radius_miles, filters)
    select_sql, order_sql = _ranking_sql(connection.vendor)
    params = [
        *unit_vector(location.latitude, location.longitude),
        *within_params,
        *sorted(APPROXIMATE_PRECISIONS),
        limit,
        offset,
    ]
    with connection.cursor() as cursor:
        cursor.execute(select_sql + within_sql + order_sql, params)
        return cursor.fetchall()


def _ranked_page(
    location: Location, radius_miles: float, filters: SearchFilters, offset: int, limit: int
) -> list[tuple[int, float]]:
    """The same page as ranking every match within the radius, read from the smallest circle that holds
    it: everything outside a circle is farther than everything inside, so a circle holding `offset +
    limit` matches holds the page. In a city a 100-mile search reads a few miles, not 100k rows."""
    wanted = offset + limit
    circle = min(FIRST_CIRCLE_MILES, radius_miles)
    while True:
        ranked = _ranked_ids(location, circle, filters, 0, wanted)
        if len(ranked) == wanted or circle >= radius_miles:
            return ranked[offset:]
        circle = min(circle * CIRCLE_GROWTH, radius_miles)


def _count_within(location: Location, radius_miles: float, filters: SearchFilters) -> int:
    """How many match within the radius, counted up to one past MAX_EXACT_COUNT."""
    within_sql, within_params = _within_circle_sql(location, radius_miles, filters)
    sql = f"SELECT COUNT(*) FROM (SELECT 1 AS found{within_sql} LIMIT %s) AS matches"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*within_params, MAX_EXACT_COUNT + 1])
        return cursor.fetchone()[0]


def count_matches(*, location: Location, radius_miles: float, filters: SearchFilters) -> int:
    """How many match within the radius, up to MAX_EXACT_COUNT (which then means that many or more)."""
    return min(_count_within(location, radius_miles, filters), MAX_EXACT_COUNT)


def count_by_kind(*, location: Location, radius_miles: float, filters: SearchFilters) -> dict[str, int]:
    """How many matches within the radius are of each kind of provider, every kind named, each counted
    up to MAX_EXACT_COUNT (a kind with more says MAX_EXACT_COUNT)."""
    within_sql, within_params = _within_circle_sql(location, radius_miles, filters)
    kinds = Kind.values
    one_kind_sql = (
        f"SELECT CAST(%s AS VARCHAR(20)), COUNT(*) FROM"
        f" (SELECT 1 AS found{within_sql} AND {_column(connection.vendor, 'kind')} = %s LIMIT %s) AS of_kind"
    )
    params = [value for kind in kinds for value in (kind, *within_params, kind, MAX_EXACT_COUNT)]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([one_kind_sql] * len(kinds)), params)
        counts = dict(cursor.fetchall())
    return {kind: counts.get(kind, 0) for kind in kinds}


def _matches(ranked: list[tuple[int, float]], within: bool) -> list[ProviderMatch]:
    by_id = providers_with_sources([provider_id for provider_id, _ in ranked])
    return [
        ProviderMatch(by_id[provider_id], round(distance_from_dot_miles(dot), 2), within) for provider_id, dot in ranked
    ]


def provider_search(
    *, location: Location, radius_miles: float, filters: SearchFilters, offset: int = 0, limit: int = 20
) -> SearchResult:
    """Active providers matching `filters` within `radius_miles` of `location`, nearest first.

    A person in withdrawal never gets an empty page: when nothing matches within the radius, the
    nearest matching providers anywhere come back, marked as outside it.
    """
    if not 0 < radius_miles <= MAX_RADIUS_MILES:
        raise InvalidSearch("radius", f"radius must be more than 0 and at most {MAX_RADIUS_MILES:g} miles")
    page = _ranked_page(location, radius_miles, filters, offset, limit)
    # A page that is not full is the last: it tells the count without asking.
    if len(page) < limit and (page or not offset):
        count = offset + len(page) if page else 0
    else:
        count = _count_within(location, radius_miles, filters)
    if count:
        exact = count <= MAX_EXACT_COUNT
        matches = _matches(page, True) if page else []
        return SearchResult(location, radius_miles, min(count, MAX_EXACT_COUNT), True, matches, exact)
    # Nothing within the radius: the nearest few anywhere. Whatever lies outside a circle is farther
    # than everything inside it, so widen until a circle holds them; each step costs a fraction of
    # the next, since the ranking reads only the search index.
    wider = radius_miles
    while wider < _WHOLE_EARTH_MILES:
        # Past a thousand miles the box spans most of the country: search everywhere at once.
        wider = wider * 4 if wider * 4 <= 1000 else _WHOLE_EARTH_MILES
        nearest = _ranked_ids(location, wider, filters, 0, NEAREST_WHEN_NONE_WITHIN)
        if len(nearest) == NEAREST_WHEN_NONE_WITHIN or (nearest and wider == _WHOLE_EARTH_MILES):
            return SearchResult(
                location, radius_miles, len(nearest), False, _matches(nearest[offset : offset + limit], False)
            )
    return SearchResult(location, radius_miles, 0, False, [])

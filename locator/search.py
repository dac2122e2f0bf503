"""The one search core: a location, a radius and filters -> active MAT providers, nearest first.

Three steps, all in one database query: a bounding box, as ranges of indexed grid cells; the exact
great-circle test as a dot product of unit vectors (`unit_x`, `unit_y`, `unit_z`), which is plain
arithmetic on SQLite and PostgreSQL alike; and ranking by that dot product, then name, then id.
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
from locator.provenance import attach_source_listings
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

LIST_DEFERRED_FIELDS = (
    "services",
    "age_groups",
    "special_groups",
    "search_codes",
    "address_key",
    "phone_key",
    "name_key",
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
    `within_radius` is False, and `count` counts those nearest ones."""

    location: Location
    radius_miles: float
    count: int
    within_radius: bool
    matches: list[ProviderMatch] = field(default_factory=list)


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


def _column(name: str) -> str:
    table = connection.ops.quote_name(Provider._meta.db_table)
    return f"{table}.{connection.ops.quote_name(Provider._meta.get_field(name).column)}"


def _dot_sql(location: Location) -> tuple[str, list[float]]:
    """The dot product of each row's unit vector with the location's: larger is nearer."""
    sql = f"((({_column('unit_x')} * %s) + ({_column('unit_y')} * %s)) + ({_column('unit_z')} * %s))"
    return sql, list(unit_vector(location.latitude, location.longitude))


def _within_circle_sql(location: Location, radius_miles: float, filters: SearchFilters) -> tuple[str, list[Any]]:
    """FROM and WHERE of the matches within the radius.

    Grid cells of the bounding box narrow the rows through the index, then the dot product keeps the
    exact circle. Written as SQL because building and compiling this query through the ORM cost ten
    times what the database spends answering it; the filters still come from `_filter_q`.
    """
    cell_ranges = grid_cell_ranges(bounding_box(location.latitude, location.longitude, radius_miles))
    cells_sql = " OR ".join(f"({_column('grid_cell')} >= %s AND {_column('grid_cell')} <= %s)" for _ in cell_ranges)
    cells_params = [bound for cell_range in cell_ranges for bound in cell_range]
    filter_sql, filter_params = _filter_sql(filters, connection.vendor)
    dot_sql, dot_params = _dot_sql(location)
    sql = (
        f" FROM {connection.ops.quote_name(Provider._meta.db_table)}"
        f" WHERE ({cells_sql}) AND {filter_sql} AND {dot_sql} >= %s"
    )
    return sql, [*cells_params, *filter_params, *dot_params, min_dot_for_radius(radius_miles)]


def _ranked_ids(
    location: Location, radius_miles: float, filters: SearchFilters, offset: int, limit: int
) -> list[tuple[int, float, int]]:
    """(id, dot, total matches) of one page of matches within the radius, nearest first."""
    within_sql, within_params = _within_circle_sql(location, radius_miles, filters)
    dot_sql, dot_params = _dot_sql(location)
    # At exactly the same distance, a listing at its own address before one at a ZIP or city center.
    approximate_sql = f"CASE WHEN {_column('location_precision')} IN (%s, %s) THEN 1 ELSE 0 END"
    sql = (
        f"SELECT {_column('id')}, {dot_sql}, COUNT(*) OVER (){within_sql}"
        f" ORDER BY 2 DESC, {approximate_sql} ASC, {_column('name')} ASC, 1 ASC LIMIT %s OFFSET %s"
    )
    params = [*dot_params, *within_params, *sorted(APPROXIMATE_PRECISIONS), limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(provider_id, dot, total) for provider_id, dot, total in cursor.fetchall()]


def count_by_kind(*, location: Location, radius_miles: float, filters: SearchFilters) -> dict[str, int]:
    """How many matches within the radius are of each kind of provider, every kind named."""
    within_sql, within_params = _within_circle_sql(location, radius_miles, filters)
    kinds = Kind.values
    # One sum per kind rather than GROUP BY, which leads the planner to the index on `kind` alone and
    # a scan of the whole directory instead of the search index's grid cells.
    sums_sql = ", ".join(f"COALESCE(SUM(CASE WHEN {_column('kind')} = %s THEN 1 ELSE 0 END), 0)" for _ in kinds)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sums_sql}{within_sql}", [*kinds, *within_params])
        counts = cursor.fetchone()
    return dict(zip(kinds, (int(count) for count in counts)))


def _matches(ranked: list[tuple[int, float, int]], within: bool) -> list[ProviderMatch]:
    # A results list shows sources and their dates, not SAMHSA's full service list.
    by_id = Provider.objects.defer(*LIST_DEFERRED_FIELDS).in_bulk([provider_id for provider_id, _, _ in ranked])
    providers = [by_id[provider_id] for provider_id, _, _ in ranked]
    attach_source_listings(providers)
    return [
        ProviderMatch(provider, round(distance_from_dot_miles(dot), 2), within)
        for provider, (_, dot, _) in zip(providers, ranked)
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
    # The count rides along with the page (a window over all matches), saving a second scan.
    page = _ranked_ids(location, radius_miles, filters, offset, limit)
    if page:
        return SearchResult(location, radius_miles, page[0][2], True, _matches(page, True))
    if offset and (first := _ranked_ids(location, radius_miles, filters, 0, 1)):
        return SearchResult(location, radius_miles, first[0][2], True, [])
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

"""What a search asks for, checked, and the same as a WHERE clause: one home for the filters' meaning."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from locator.geo import normalize_state
from locator.models import Provider
from locator.vocabulary import FACETS, LANGUAGE_FIELDS, Kind, Language, Medication, Payment, search_code

# Each filter's codes, listed once: a TextChoices class builds its list of values anew on every access.
_KNOWN_CODES = {
    "medication": tuple(Medication.values),
    "kind": tuple(Kind.values),
    "payment": tuple(Payment.values),
    **{facet: tuple(vocabulary.values) for facet, vocabulary in FACETS.items()},
}


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


def matching_providers(filters: SearchFilters) -> QuerySet[Provider]:
    """Every provider a search with these filters can return, anywhere."""
    return Provider.objects.filter(_filter_q(filters))


def searchable_providers() -> QuerySet[Provider]:
    """Every provider a search can return, anywhere."""
    return matching_providers(SearchFilters())


def _any(field_names) -> Q:
    q = Q()
    for name in field_names:
        q |= Q(**{name: True})
    return q


@lru_cache(maxsize=256)
def filters_where_sql(filters: SearchFilters, vendor: str) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause of `_filter_q`, compiled by Django once per filter set and database."""
    query = Provider.objects.filter(_filter_q(filters)).query
    sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    return sql, tuple(params)


@lru_cache(maxsize=64)
def provider_column(vendor: str, name: str) -> str:
    """A provider field's column as the search's own SQL names it, quoted for this database."""
    table = connection.ops.quote_name(Provider._meta.db_table)
    return f"{table}.{connection.ops.quote_name(Provider._meta.get_field(name).column)}"

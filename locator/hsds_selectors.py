"""Which providers an HSDS answer holds: the directory's own search behind the standard's parameters, so
that there stays one search core (locator.search), and the standard's paging around it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date

from django.db.models import Exists, OuterRef

from locator.hsds import TERMS, Term
from locator.kept_answers import kept_count
from locator.models import Provider, SourceRecord
from locator.places import Location
from locator.result_rows import providers_with_sources
from locator.search_filters import SearchFilters, matching_providers, searchable_providers
from locator.selectors import result_page

# Which search filter each category of the taxonomy is.
_FACET_FILTERS = {
    "medication": "medications",
    "payment": "payments",
    "setting": "settings",
    "group": "groups",
    "age": "ages",
    "language": "languages",
}
_PROGRAM_FILTERS = {"program:otp": "otp_only", "program:telehealth": "telehealth"}


def with_term(filters: SearchFilters, term: Term) -> SearchFilters:
    """The filters, also asking for what a taxonomy term says; a category term asks for any of its terms."""
    if term.code in _PROGRAM_FILTERS:
        return replace(filters, **{_PROGRAM_FILTERS[term.code]: True})
    if term.code == "program":
        return filters
    category, _, value = term.code.partition(":")
    name = _FACET_FILTERS[category]
    values = {value} if value else {code.partition(":")[2] for code in TERMS if code.startswith(f"{category}:")}
    return replace(filters, **{name: getattr(filters, name) | frozenset(values)})


@dataclass(frozen=True)
class Selection:
    """What an HSDS list asks for: the directory's filters, and either a place or the standard's own limits."""

    filters: SearchFilters = field(default_factory=SearchFilters)
    location: Location | None = None
    radius_miles: float = 25
    provider_id: int | None = None
    modified_after: date | None = None
    # A taxonomy other than this directory's: no service has its terms.
    nothing: bool = False


@dataclass(frozen=True)
class Page:
    providers: list[Provider]
    total_items: int
    number: int
    per_page: int

    def as_record(self) -> dict[str, int | bool]:
        return page_fields(self.total_items, self.number, self.per_page, len(self.providers))


def page_fields(total_items: int, number: int, per_page: int, size: int) -> dict[str, int | bool]:
    """The standard's page fields, of page `number` holding `size` of `total_items`."""
    total_pages = math.ceil(total_items / per_page)
    return {
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": number,
        "size": size,
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": not size,
    }


def select_page(selection: Selection, number: int, per_page: int) -> Page:
    """One page of the providers asked for: nearest first around a place (the search's count, exact up to
    1,000), else in the order of their ids."""
    if selection.nothing:
        return Page([], 0, number, per_page)
    if selection.location is not None:
        found = result_page(
            location=selection.location,
            radius_miles=selection.radius_miles,
            filters=selection.filters,
            number=number,
            size=per_page,
        ).result
        # The search's "nearest anywhere" when none is within the radius has no place in the standard's answer.
        if not found.within_radius:
            return Page([], 0, number, per_page)
        return Page([match.provider for match in found.matches], found.count, number, per_page)
    providers = matching_providers(selection.filters)
    if selection.provider_id is not None:
        providers = providers.filter(id=selection.provider_id)
    if selection.modified_after is not None:
        newer = SourceRecord.objects.filter(
            provider=OuterRef("pk"), source_file__data_date__gte=selection.modified_after
        )
        providers = providers.filter(Exists(newer))
    total = kept_count(("hsds", selection), providers.count)
    start = (number - 1) * per_page
    ids = list(providers.order_by("id").values_list("id", flat=True)[start : start + per_page])
    by_id = providers_with_sources(ids)
    return Page([by_id[provider_id] for provider_id in ids], total, number, per_page)


def hsds_provider(provider_id: int | None) -> Provider | None:
    """One provider a search can return, with its sources; None for any other id."""
    if provider_id is None or not searchable_providers().filter(id=provider_id).exists():
        return None
    return providers_with_sources([provider_id])[provider_id]

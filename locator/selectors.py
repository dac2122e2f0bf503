"""What the API and the web pages both ask of the directory: where a search is about, one page of a
search, and one provider with its sources. Each skin validates its own input, calls these, and shapes
the answer its own way; neither does any of this itself."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from django.shortcuts import get_object_or_404

from locator.geocoding import search_address_locator
from locator.models import Provider
from locator.places import Location, search_location
from locator.provenance import attach_source_listings
from locator.search import SearchFilters, SearchResult, count_matches, provider_search
from locator.vocabulary import Kind, Medication

# The largest page number either skin accepts: deeper than anyone reads, small enough to refuse early.
MAX_PAGE = 10_000


def location_to_search(
    *, near: str = "", latitude: float | None = None, longitude: float | None = None, typed_text_wins: bool = False
) -> Location:
    """Where a search is about, by the one rule of locator.places.search_location, with the online
    geocoder for street addresses where the operator allows it. LocationNotFound otherwise."""
    return search_location(
        near=near,
        latitude=latitude,
        longitude=longitude,
        typed_text_wins=typed_text_wins,
        locate_address=search_address_locator(),
    )


@dataclass(frozen=True)
class ResultPage:
    """Page `number` (from 1) of a search, `size` results a page."""

    result: SearchResult
    number: int
    size: int
    # With a filter most sources do not state: how many listings within the radius say nothing about it.
    unstated_within_radius: int | None = None
    # Of the matches within the radius, how many are of each kind (the API's one list says so).
    count_by_kind: dict[str, int] | None = None

    @property
    def is_past_the_end(self) -> bool:
        """A page after the last: "not found", while page 1 of nothing is an answer."""
        return self.number > 1 and not self.result.matches

    @property
    def has_next(self) -> bool:
        if not self.result.count_exact:
            return len(self.result.matches) == self.size
        return self.number * self.size < self.result.count

    @property
    def page_count(self) -> int:
        """Pages of the counted matches; with more than can be counted exactly, at least this many."""
        return max(1, math.ceil(self.result.count / self.size), self.number)

    @property
    def first_number(self) -> int:
        """The position of the page's first result in the whole list, from 1."""
        return (self.number - 1) * self.size + 1


def result_page(
    *, location: Location, radius_miles: float, filters: SearchFilters, number: int, size: int
) -> ResultPage:
    """One list of every kind asked for, nearest first, with its counts: the API's answer."""
    result = provider_search(
        location=location,
        radius_miles=radius_miles,
        filters=filters,
        offset=(number - 1) * size,
        limit=size,
        count_kinds=True,
    )
    kinds = result.count_by_kind if result.within_radius else dict.fromkeys(Kind.values, 0)
    return ResultPage(result, number, size, _unstated_within_radius(location, radius_miles, filters), kinds)


def _unstated_within_radius(location: Location, radius_miles: float, filters: SearchFilters) -> int | None:
    if not filters.asks_about_services:
        return None
    return count_matches(location=location, radius_miles=radius_miles, filters=filters.unstated())


PROGRAM_KINDS = frozenset({Kind.FACILITY.value, Kind.OTP.value})


@dataclass(frozen=True)
class ResultLists:
    """Treatment programs, then individual prescribers, each nearest first with its own count and
    pages. Two lists because a program (a clinic, an OTP) and a prescriber listed in 2020 are
    different answers: a person should not have to page through one to find the other."""

    programs: ResultPage
    # None when no prescriber can offer what was asked (methadone, OTPs only).
    prescribers: ResultPage | None
    unstated_within_radius: int | None

    @property
    def pages(self) -> list[ResultPage]:
        return [page for page in (self.programs, self.prescribers) if page is not None]

    @property
    def count_within_radius(self) -> int:
        return sum(page.result.count for page in self.pages if page.result.within_radius)

    @property
    def count_is_exact(self) -> bool:
        """False when a list holds more than can be counted exactly: the count then means "or more"."""
        return all(page.result.count_exact for page in self.pages if page.result.within_radius)

    @property
    def is_past_the_end(self) -> bool:
        return any(page.is_past_the_end for page in self.pages)


def prescribers_can_offer(filters: SearchFilters) -> bool:
    """Whether an individual prescriber can match: methadone for opioid use disorder is dispensed
    only by certified opioid treatment programs (42 CFR 8), never from a prescription."""
    return not filters.otp_only and filters.medications != {Medication.METHADONE.value}


def result_lists(
    *,
    location: Location,
    radius_miles: float,
    filters: SearchFilters,
    programs_page: int,
    prescribers_page: int,
    size: int,
) -> ResultLists:
    """The web page's answer: programs and prescribers as two lists, each paged on its own; the
    lists decide the kind, so `filters.kinds` is not read."""

    def one_list(kinds: frozenset[str], number: int) -> ResultPage:
        result = provider_search(
            location=location,
            radius_miles=radius_miles,
            filters=replace(filters, kinds=kinds),
            offset=(number - 1) * size,
            limit=size,
        )
        return ResultPage(result, number, size)

    programs = one_list(PROGRAM_KINDS, programs_page)
    prescribers = None
    if prescribers_can_offer(filters):
        prescribers = one_list(frozenset({Kind.PRACTITIONER.value}), prescribers_page)
    return ResultLists(programs, prescribers, _unstated_within_radius(location, radius_miles, filters))


def active_provider(provider_id: int) -> Provider:
    """The active provider with every source record behind it and its current sources; 404 otherwise."""
    provider = get_object_or_404(Provider.objects.prefetch_related("records__source_file"), id=provider_id, active=True)
    attach_source_listings([provider])
    return provider

"""What the API and the web pages both ask of the directory: where a search is about, one page of a
search, and one provider with its sources. Each skin validates its own input, calls these, and shapes
the answer its own way; neither does any of this itself."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from locator.geocoding import search_address_locator
from locator.models import Provider
from locator.places import Location, search_location
from locator.provenance import attach_source_listings
from locator.search import SearchFilters, SearchResult, provider_search

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

    @property
    def is_past_the_end(self) -> bool:
        """A page after the last: "not found", while page 1 of nothing is an answer."""
        return self.number > 1 and not self.result.matches

    @property
    def has_next(self) -> bool:
        return self.number * self.size < self.result.count

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.result.count / self.size))

    @property
    def first_number(self) -> int:
        """The position of the page's first result in the whole list, from 1."""
        return (self.number - 1) * self.size + 1


def result_page(
    *, location: Location, radius_miles: float, filters: SearchFilters, number: int, size: int
) -> ResultPage:
    result = provider_search(
        location=location, radius_miles=radius_miles, filters=filters, offset=(number - 1) * size, limit=size
    )
    unstated = None
    if filters.asks_about_services:
        silent = provider_search(location=location, radius_miles=radius_miles, filters=filters.unstated(), limit=1)
        unstated = silent.count if silent.within_radius else 0
    return ResultPage(result, number, size, unstated)


def active_provider(provider_id: int) -> Provider:
    """The active provider with every source record behind it and its current sources; 404 otherwise."""
    provider = get_object_or_404(Provider.objects.prefetch_related("records__source_file"), id=provider_id, active=True)
    attach_source_listings([provider])
    return provider

"""Which SAMHSA sources stand behind a provider, and the date of each one's data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from locator.importing.records import SOURCE_LABELS, DatePrecision, Source
from locator.models import Provider, SourceRecord


def data_date_text(data_date: date | None, precision: str) -> str | None:
    """ "2020-07-04", or "2017" where only the year is known; None when the date is unknown."""
    if data_date is None:
        return None
    return str(data_date.year) if precision == DatePrecision.YEAR else data_date.isoformat()


@dataclass(frozen=True)
class SourceListing:
    source: str
    name: str
    data_date: date | None
    data_date_precision: str
    is_sample: bool

    @property
    def data_date_text(self) -> str | None:
        return data_date_text(self.data_date, self.data_date_precision)


def attach_source_listings(providers: Iterable[Provider]) -> None:
    """Set `source_listings` on each provider: its current sources (all of them if none is current),
    one per source and data date, in one query for all the providers."""
    by_id = {provider.id: provider for provider in providers}
    rows = (
        SourceRecord.objects.filter(provider_id__in=by_id)
        .values_list(
            "provider_id",
            "source",
            "active",
            "source_file__data_date",
            "source_file__data_date_precision",
            "source_file__is_sample",
        )
        .order_by("provider_id", "source", "source_file__data_date")
    )
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for provider_id, *values in rows:
        grouped[provider_id].append(values)
    for provider_id, provider in by_id.items():
        records = grouped.get(provider_id, [])
        current = [values for values in records if values[1]] or records
        listings = {
            (source, data_date): SourceListing(source, SOURCE_LABELS[Source(source)], data_date, precision, is_sample)
            for source, _, data_date, precision, is_sample in current
        }
        provider.source_listings = list(listings.values())

"""Which SAMHSA sources stand behind a provider, and the date of each one's data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Max

from locator.models import Provider, SourceFile, SourceRecord
from locator.vocabulary import Coverage, DatePrecision, Source

# Read for every result: each source's name listed once, not looked up through the enum each time.
_SOURCE_NAMES = {source.value: source.label for source in Source}


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


def records_in_newest_files(records: Iterable[SourceRecord]) -> set[int]:
    """The records whose file is the newest of its source for their place: no later file of the source
    covers the whole country or their state."""
    newest = set()
    for record in records:
        data_date = record.source_file.data_date
        later = SourceFile.objects.filter(source=record.source, data_date__gt=data_date) if data_date else None
        state = record.payload.get("state", "")
        if later is None or not any(
            coverage == Coverage.NATIONAL or state in states
            for coverage, states in later.values_list("coverage", "states")
        ):
            newest.add(record.id)
    return newest


# What a source listing is read from: a record's source, whether it is current, and its file's data date,
# date precision and sample mark, ordered by source and data date.
SourceRecordFacts = tuple[str, bool, date | None, str, bool]


def source_listings(records: Iterable[SourceRecordFacts]) -> list[SourceListing]:
    """A provider's current sources (all of them if none is current), one per source and data date."""
    records = list(records)
    current = [facts for facts in records if facts[1]] or records
    listings = {
        (source, data_date): SourceListing(source, _SOURCE_NAMES[source], data_date, precision, is_sample)
        for source, _, data_date, precision, is_sample in current
    }
    return list(listings.values())


def attach_source_listings(providers: Iterable[Provider]) -> None:
    """Set `source_listings` on each provider, in one query for all the providers."""
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
    grouped: dict[int, list[SourceRecordFacts]] = defaultdict(list)
    for provider_id, *facts in rows:
        grouped[provider_id].append(tuple(facts))
    for provider_id, provider in by_id.items():
        provider.source_listings = source_listings(grouped.get(provider_id, []))


@dataclass(frozen=True)
class SourceSummary:
    """One SAMHSA source as loaded: its newest data date, how many files, when last imported."""

    source: str
    name: str
    newest_data_date: date | None
    newest_data_date_precision: str
    files: int
    last_imported_at: datetime
    is_sample: bool

    @property
    def newest_data_date_text(self) -> str | None:
        return data_date_text(self.newest_data_date, self.newest_data_date_precision)


def source_summaries() -> list[SourceSummary]:
    """Every source in the directory, its newest file first by data date (unknown dates last)."""
    files = SourceFile.objects.order_by("source", F("data_date").desc(nulls_last=True), "-imported_at")
    newest: dict[str, SourceFile] = {}
    for source_file in files:
        newest.setdefault(source_file.source, source_file)
    totals = {
        row["source"]: row
        for row in SourceFile.objects.values("source").annotate(files=Count("id"), last=Max("imported_at")).order_by()
    }
    sample_sources = set(SourceFile.objects.filter(is_sample=True).values_list("source", flat=True))
    return [
        SourceSummary(
            source=source,
            name=source_file.get_source_display(),
            newest_data_date=source_file.data_date,
            newest_data_date_precision=source_file.data_date_precision,
            files=totals[source]["files"],
            last_imported_at=totals[source]["last"],
            is_sample=source in sample_sources,
        )
        for source, source_file in newest.items()
    ]

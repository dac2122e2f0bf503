"""The import history: what each snapshot added, changed and removed of each source's listings.

Kept while a run applies its files, and written at its end, when every new listing has its id. Each change
carries its snapshot's data date, so that the changes feed (locator.changes) answers "since a date of the
data" however late or in whatever order the files were imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from locator.models import ListingChange, SourceFile, SourceRecord

_CHUNK = 500
# A listing placed elsewhere changed, though SAMHSA's words did not (a better address, a ZIP's centre).
LOCATION = "location"


class Listing(Protocol):
    """The importer's view of a listing: stored (`id`), or a row still to be stored (`row`)."""

    id: int | None
    row: SourceRecord | None


@dataclass
class Update:
    """A listing a snapshot lists again differently: what it was, and what the snapshot says."""

    listing: Listing
    was_active: bool
    placement_changed: bool
    # What a listing not yet stored said; a stored listing's payload is read from the database.
    old_payload: dict[str, Any] | None
    new_payload: dict[str, Any]


@dataclass
class _Change:
    listing: Listing
    source_file: SourceFile
    change: str
    fields: list[str]


def changed_fields(old_payload: dict[str, Any], new_payload: dict[str, Any], *, placement_changed: bool) -> list[str]:
    """The names of what a listing's new snapshot says differently, in the records' own words."""
    names = sorted(
        name for name in old_payload.keys() | new_payload.keys() if old_payload.get(name) != new_payload.get(name)
    )
    return names + [LOCATION] if placement_changed else names


def _stored_payloads(record_ids: list[int]) -> dict[int, dict[str, Any]]:
    payloads: dict[int, dict[str, Any]] = {}
    for start in range(0, len(record_ids), _CHUNK):
        chunk = record_ids[start : start + _CHUNK]
        payloads.update(SourceRecord.objects.filter(id__in=chunk).values_list("id", "payload"))
    return payloads


class History:
    """The changes of one import run, written with it (inside its transaction)."""

    def __init__(self) -> None:
        self.changes: list[_Change] = []

    def add(self, listing: Listing, source_file: SourceFile, change: str, fields: list[str] | None = None) -> None:
        self.changes.append(_Change(listing, source_file, change, fields or []))

    def add_updates(self, source_file: SourceFile, updates: list[Update]) -> None:
        """Listings listed again (added) or listed differently (changed); before the new payloads are stored."""
        stored = _stored_payloads([update.listing.id for update in updates if update.old_payload is None])
        for update in updates:
            if not update.was_active:
                self.add(update.listing, source_file, ListingChange.Change.ADDED)
                continue
            old_payload = stored[update.listing.id] if update.old_payload is None else update.old_payload
            fields = changed_fields(old_payload, update.new_payload, placement_changed=update.placement_changed)
            self.add(update.listing, source_file, ListingChange.Change.CHANGED, fields)

    def write(self) -> None:
        rows = [
            ListingChange(
                record_id=item.listing.id if item.listing.id is not None else item.listing.row.id,
                source_file=item.source_file,
                data_date=item.source_file.data_date,
                change=item.change,
                fields=item.fields,
            )
            for item in self.changes
        ]
        ListingChange.objects.bulk_create(rows, batch_size=_CHUNK)

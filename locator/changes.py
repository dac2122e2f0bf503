"""What changed in the directory since a date of the data: the import history, read for partners who keep
a copy of the directory in sync without downloading all of it (the changes feed, /api/v1/changes/).

The history is per listing, as SAMHSA's snapshots show it (locator.importing.history): a snapshot lists a
program first or again (added), lists it differently (changed, with the names of what changed), or no longer
lists it (removed). A provider stays in the directory while any source still lists it, so each change also
says whether its provider still does.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Max, QuerySet

from locator.models import ListingChange, SourceFile


def newest_snapshot_date() -> date | None:
    """The newest date of the data the history holds: where a partner's next `since` starts."""
    return SourceFile.objects.aggregate(newest=Max("data_date"))["newest"]


def changes_since(
    since: date, *, change: str | None = None, source: str | None = None, state: str | None = None
) -> QuerySet[ListingChange]:
    """The listings' changes whose snapshot is dated on or after `since`, oldest snapshot first.

    A file whose data date is unknown cannot be placed after any date, so its changes are not listed.
    """
    # Joined to their listings: a change whose listing was deleted without the ORM (tests empty the directory
    # so) has none to show.
    changes = ListingChange.objects.filter(record__provider__isnull=False, data_date__gte=since)
    if change:
        changes = changes.filter(change=change)
    if source:
        changes = changes.filter(record__source=source)
    if state:
        changes = changes.filter(record__provider__state=state)
    # Only what an entry shows: a provider's row holds its whole service list, costly to read a thousand times.
    shown = ("change", "data_date", "fields", "record__source", "record__payload", "source_file__file_name")
    shown += ("record__provider__name", "record__provider__active")
    return changes.select_related("record__provider", "source_file").only(*shown).order_by("data_date", "id")

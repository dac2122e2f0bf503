"""Is the service able to answer, and how old is what it would answer with?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone

from locator.models import SourceFile
from locator.provenance import data_date_text
from locator.vocabulary import Coverage


@dataclass(frozen=True)
class NewestData:
    """The date of the directory's newest data, a day or only a year."""

    value: date
    precision: str

    @property
    def text(self) -> str:
        """ "2020-07-04", or "2021" for a year: never a day SAMHSA did not give."""
        return data_date_text(self.value, self.precision) or ""

    @property
    def stale(self) -> bool:
        """Older than LOCATOR_STALE_AFTER_DAYS: listings may have closed or moved, and a person must hear
        so before trusting one."""
        return (timezone.now().date() - self.value).days > settings.LOCATOR_STALE_AFTER_DAYS


def newest_data() -> NewestData | None:
    """The newest data of the directory: of its complete snapshots (one query's answer is not the
    directory, however new), else of any file."""
    dated = SourceFile.objects.filter(data_date__isnull=False).order_by("-data_date")
    row = (
        dated.exclude(coverage=Coverage.PARTIAL).values_list("data_date", "data_date_precision").first()
        or dated.values_list("data_date", "data_date_precision").first()
    )
    return NewestData(*row) if row else None


@dataclass(frozen=True)
class Health:
    database_reachable: bool
    newest: NewestData | None = None
    last_import_at: datetime | None = None

    @property
    def data_age_days(self) -> int | None:
        if self.newest is None:
            return None
        return (timezone.now().date() - self.newest.value).days


def check_health() -> Health:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        newest = newest_data()
        last_import_at = SourceFile.objects.aggregate(imported_at=Max("imported_at"))["imported_at"]
    except DatabaseError:
        return Health(database_reachable=False)
    return Health(True, newest, last_import_at)

"""Is the service able to answer, and how old is what it would answer with?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone

from locator.models import SourceFile


def newest_data_date() -> date | None:
    """The date of the newest data in the directory, from any source."""
    return SourceFile.objects.aggregate(newest=Max("data_date"))["newest"]


def is_stale(newest: date | None) -> bool:
    """Whether the directory's newest data is older than LOCATOR_STALE_AFTER_DAYS: then listings may have
    closed or moved, and a person must hear so before trusting one."""
    return newest is not None and (timezone.now().date() - newest).days > settings.LOCATOR_STALE_AFTER_DAYS


@dataclass(frozen=True)
class Health:
    database_reachable: bool
    newest_data_date: date | None = None
    last_import_at: datetime | None = None

    @property
    def data_age_days(self) -> int | None:
        if self.newest_data_date is None:
            return None
        return (timezone.now().date() - self.newest_data_date).days

    @property
    def stale(self) -> bool:
        return is_stale(self.newest_data_date)


def check_health() -> Health:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        newest = SourceFile.objects.aggregate(data_date=Max("data_date"), imported_at=Max("imported_at"))
    except DatabaseError:
        return Health(database_reachable=False)
    return Health(True, newest["data_date"], newest["imported_at"])

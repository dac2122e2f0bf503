"""Is the service able to answer, and how old is what it would answer with?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone

from locator.models import SourceFile


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


def check_health() -> Health:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        newest = SourceFile.objects.aggregate(data_date=Max("data_date"), imported_at=Max("imported_at"))
    except DatabaseError:
        return Health(database_reachable=False)
    return Health(True, newest["data_date"], newest["imported_at"])

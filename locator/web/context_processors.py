from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from locator.health import newest_data
from locator.kept_answers import directory_version
from locator.models import SourceFile
from locator.vocabulary import Certification, DatePrecision, Kind


def _stale_since() -> str:
    """The date of the directory's newest data as a person reads it, when it is too old; else ""."""
    newest = newest_data()
    if newest is None or not newest.stale:
        return ""
    return (
        str(newest.value.year) if newest.precision == DatePrecision.YEAR else date_format(newest.value, "DATE_FORMAT")
    )


@lru_cache(maxsize=8)
def _directory_facts(version: str, language: str, today: date) -> tuple[bool, str]:
    """Whether the directory holds sample data, and the date it is stale since: the same on every page until the
    next import (the directory's version), language or day. Asked on every page, they took two of a new results
    page's queries (0.5 ms on PostgreSQL)."""
    return SourceFile.objects.filter(is_sample=True).exists(), _stale_since()


def _current_directory_facts() -> tuple[bool, str]:
    return _directory_facts(directory_version(), get_language(), timezone.localdate())


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page's frame needs: the language switch, whether the directory holds sample data, and the
    vocabularies that templates compare codes with."""
    current = get_language()
    other = next((code, name) for code, name in settings.LANGUAGES if code != current)
    return {
        "chosen_language": getattr(request, "chosen_language", ""),
        "other_language_code": other[0],
        "other_language_name": other[1],
        "showing_sample_data": SimpleLazyObject(lambda: _current_directory_facts()[0]),
        # The date of the newest data when it is too old to trust without a call; "" otherwise.
        "stale_since": SimpleLazyObject(lambda: _current_directory_facts()[1]),
        "Certification": Certification,
        "DatePrecision": DatePrecision,
        "Kind": Kind,
    }

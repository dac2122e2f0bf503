from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from locator.health import newest_data
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


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page's frame needs: the language switch, whether the directory holds sample data, and the
    vocabularies that templates compare codes with."""
    current = get_language()
    other = next((code, name) for code, name in settings.LANGUAGES if code != current)
    return {
        "chosen_language": getattr(request, "chosen_language", ""),
        "other_language_code": other[0],
        "other_language_name": other[1],
        "showing_sample_data": SimpleLazyObject(lambda: SourceFile.objects.filter(is_sample=True).exists()),
        # The date of the newest data when it is too old to trust without a call; None otherwise.
        "stale_since": SimpleLazyObject(_stale_since),
        "Certification": Certification,
        "DatePrecision": DatePrecision,
        "Kind": Kind,
    }

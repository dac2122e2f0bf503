"""Answers to searches asked again within minutes, kept in this process's memory and nowhere else.

Many people near one place ask the same question (a helpline's city, a clinic's ZIP code). A repeated
search costs the search core nothing while its answer is younger than the response's own Cache-Control
lets a browser keep it. An import starts over: each key carries the time of the newest import, looked up
at most once a second.

The answers live in Django's cache "answers", a per-process memory cache (config/settings.py): an answer
shows where someone searched, and no search location may reach a file, the database or a third party.
Counts over the whole directory (the HSDS lists', the changes feed's) are kept there too, until the next import.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db import DatabaseError
from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import get_language

from locator.models import SourceFile

_VERSION_CHECK_SECONDS = 1.0
# A kept count goes with the next import anyway; this only bounds how long an unused one stays.
_COUNT_SECONDS = 3600
_version: tuple[float, str] = (float("-inf"), "")


def directory_version(clock: Callable[[], float] = time.monotonic) -> str:
    """Changes whenever an import finishes; read from the database at most once a second per process.

    While the database cannot be reached, the last version read stands, so that answers kept from
    before the outage are still served; it is asked again a second later."""
    global _version
    checked_at, version = _version
    if clock() - checked_at < _VERSION_CHECK_SECONDS:
        return version
    try:
        newest = newest_import()
    except DatabaseError:
        if checked_at == float("-inf"):
            raise
        _version = (clock(), version)
        return version
    _version = (clock(), newest)
    return _version[1]


def newest_import() -> str:
    newest = SourceFile.objects.aggregate(newest=Max("imported_at"))["newest"]
    return newest.isoformat() if newest else ""


def forget_directory_version() -> None:
    global _version
    _version = (float("-inf"), "")


def answer_key(request: HttpRequest, *extra: str) -> str:
    """What an answer depends on (the directory, the address asked, the language), hashed: a key of fixed
    length that does not spell out the search."""
    parts = [directory_version(), request.get_host(), request.get_full_path(), get_language(), *extra]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def kept_answer(key: str) -> Any | None:
    return caches["answers"].get(key)


def keep_answer(key: str, value: Any, *, max_age_seconds: int) -> None:
    caches["answers"].set(key, value, timeout=max_age_seconds)


def kept_count(parts: tuple[Any, ...], count: Callable[[], int]) -> int:
    """A count over the whole directory, kept until the next import: a partner paging through a list asks the
    same count on every page (on PostgreSQL 40-100 ms each). Keyed by the newest import, read for each count,
    not once a second, so that a count never outlives the directory it counted."""
    key = "count:" + hashlib.sha256(json.dumps([newest_import(), *parts], default=str).encode()).hexdigest()
    kept = caches["answers"].get(key)
    if kept is None:
        kept = count()
        caches["answers"].set(key, kept, timeout=_COUNT_SECONDS)
    return kept

"""Answers to searches asked again within minutes, kept in this process's memory and nowhere else.

Many people near one place ask the same question (a helpline's city, a clinic's ZIP code). A repeated
search costs the search core nothing while its answer is younger than `max_age_seconds`, which is no
older than what the response's own Cache-Control already lets a browser keep. An import starts over:
each key carries the time of the newest import, looked up at most once a second.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import get_language

from locator.models import SourceFile


class RecentAnswers:
    """A bounded least-recently-used map whose entries expire."""

    def __init__(self, *, max_age_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.max_age_seconds = max_age_seconds
        self.clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        # Threaded servers (runserver, gthread workers) share one map between requests.
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_at, value = entry
            if self.clock() - stored_at > self.max_age_seconds:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        max_entries = settings.LOCATOR_RECENT_ANSWERS
        if max_entries <= 0:
            return
        with self._lock:
            self._entries[key] = (self.clock(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_VERSION_CHECK_SECONDS = 1.0
_version: tuple[float, str] = (float("-inf"), "")


def directory_version(clock: Callable[[], float] = time.monotonic) -> str:
    """Changes whenever an import finishes; read from the database at most once a second per process."""
    global _version
    checked_at, version = _version
    if clock() - checked_at < _VERSION_CHECK_SECONDS:
        return version
    newest = SourceFile.objects.aggregate(newest=Max("imported_at"))["newest"]
    _version = (clock(), newest.isoformat() if newest else "")
    return _version[1]


def answer_key(request: HttpRequest, *extra: Hashable) -> tuple[Hashable, ...]:
    """What an answer depends on: the directory, the address asked (host, path and query), the language."""
    return (directory_version(), request.get_host(), request.get_full_path(), get_language(), *extra)


def forget_directory_version() -> None:
    global _version
    _version = (float("-inf"), "")

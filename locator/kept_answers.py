"""Answers to searches asked again within minutes, kept in this process's memory and nowhere else.

Many people near one place ask the same question (a helpline's city, a clinic's ZIP code). A repeated
search costs the search core nothing while its answer is younger than the response's own Cache-Control
lets a browser keep it. An import starts over: each key carries the time of the newest import, looked up
at most once a second.

`KeptAnswersMiddleware` keeps what a view marks as keepable and answers the same request again before the
URL resolver, the view and the middleware after it run: through them a repeated search took 0.35-0.6 ms
of a worker's time, 0.2 ms without them, and four requests in five under load are repeats.

The answers live in Django's cache "answers", a per-process memory cache (config/settings.py): an answer
shows where someone searched, and no search location may reach a file, the database or a third party.
Counts over the whole directory (the HSDS lists', the changes feed's) are kept there too, until the next import.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.db import DatabaseError
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils.cache import set_response_etag
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


@dataclass(frozen=True)
class KeptResponse:
    status: int
    content: bytes
    # As the view and the middleware after KeptAnswersMiddleware left them; the middleware before it add
    # theirs to every response, kept or not.
    headers: dict[str, str]
    # Read by SecurityHeadersMiddleware, before this one: whether the page shows the map.
    allows_map_tiles: bool
    # The view's rate limits (DRF throttle classes), which a repeat must pass too.
    throttle_classes: tuple[type, ...]

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status, headers=self.headers)
        response.allows_map_tiles = self.allows_map_tiles
        return response


class KeptAnswersMiddleware:
    """Keeps a GET's answer when its view says for how long (`response.kept_for_seconds`), and answers the
    same request again from it. Goes after LanguageMiddleware: the key holds the page's language.

    A repeat counts against the client's rate limit as the view would count it; past the limit it goes on
    to the view, which refuses it. While the database is away the last directory version read stands, so
    kept answers are still served; before any was read, requests go on to the views, which answer 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        # The paths whose views have kept an answer: only their requests are looked up, so that other pages
        # (and the schema, which never touches the database) cost nothing here.
        self.keeping_paths: set[str] = set()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET":
            return self.get_response(request)
        key = self._key(request) if request.path_info in self.keeping_paths else None
        kept = kept_answer(key) if key else None
        if kept is not None and all(throttle().allow_request(request, None) for throttle in kept.throttle_classes):
            return kept.response()
        response = self.get_response(request)
        kept_for_seconds = getattr(response, "kept_for_seconds", None)
        if kept_for_seconds and not response.streaming and not response.cookies:
            self.keeping_paths.add(request.path_info)
            key = key or self._key(request)
            if key:
                # With its ETag: a repeat is not hashed again.
                set_response_etag(response)
                kept = KeptResponse(
                    response.status_code,
                    response.content,
                    dict(response.headers),
                    getattr(response, "allows_map_tiles", False),
                    tuple(getattr(response, "kept_answer_throttles", ())),
                )
                keep_answer(key, kept, max_age_seconds=kept_for_seconds)
        return response

    @staticmethod
    def _key(request: HttpRequest) -> str | None:
        try:
            return answer_key(request, request.headers.get("Accept", ""))
        except DatabaseError:
            return None

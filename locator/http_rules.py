"""What every request meets before a view: the methods a URL takes, the size of what may be sent, HEAD
answered with GET's headers, and a database that cannot be reached answered with 503, never 500.

Pages and the API answer these refusals each in their own way: a calm page with the helplines, or the
API's error shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.template.loader import render_to_string
from django.utils.cache import set_response_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from locator.api.errors import error_body

logger = logging.getLogger(__name__)

# How long a client should wait before asking again while the database is away: it usually returns
# within seconds (a restart), and a minute keeps retries from piling onto it as it comes back.
RETRY_AFTER_SECONDS = 30


def allow_methods(*methods: str) -> Callable:
    """`require_http_methods`, told to the middleware as well: a method the view does not take is a
    405 before the CSRF check, which would otherwise answer a PUT with "report not sent"."""

    def decorator(view: Callable) -> Callable:
        checked = require_http_methods(list(methods))(view)

        @wraps(checked)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return checked(request, *args, **kwargs)

        wrapped.allowed_methods = tuple(methods)
        return wrapped

    return decorator


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body(code, message), status=status)
    page = render_to_string("refused.html", {"heading": message})
    return HttpResponse(page, status=status)


class RequestRulesMiddleware:
    """Methods and body sizes, checked before any view reads the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isascii() or not length.isdigit() or int(length) > settings.LOCATOR_MAX_REQUEST_BODY_BYTES:
            return _refusal(request, 413, "too_large", _("What was sent is too large."))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable, args: Any, kwargs: Any) -> HttpResponse | None:
        allowed = getattr(view, "allowed_methods", None)
        if allowed is not None and request.method not in allowed:
            return HttpResponseNotAllowed(allowed)
        return None


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached is an outage to wait out (503, Retry-After), not a bug (500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unreachable: %s", type(exception).__name__)
        message = _("The directory cannot be reached right now. Please try again in a minute.")
        response = _refusal(request, 503, "unavailable", message)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        # Logged once above as a warning: Django would log every one of these as a server error (and
        # mail it to the operator), thousands a minute during an outage.
        response._has_been_logged = True
        return response


class HeadLikeGetMiddleware(ConditionalGetMiddleware):
    """Django's conditional GET, and the same ETag on a HEAD answer, whose headers must be GET's."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if (
            request.method == "HEAD"
            and not response.streaming
            and not response.has_header("ETag")
            and self.needs_etag(response)
        ):
            set_response_etag(response)
        return super().process_response(request, response)

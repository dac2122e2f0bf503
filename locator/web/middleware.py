"""The page's language without a cookie or a URL prefix, and the security headers of every response."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """`?lang=es` when the person chose a language with the switch, else the browser's Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.GET.get("lang", "")
        if chosen not in dict(settings.LANGUAGES):
            chosen = ""
        translation.activate(chosen or translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        request.chosen_language = chosen
        response = self.get_response(request)
        if not chosen:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (Django sets the others).

    Everything comes from this site; the map's tile host is allowed only on responses that show the
    map (the view sets `allows_map_tiles`). The API documentation (Redoc) needs inline styles and a worker.
    """

    PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.tile_origin = _origin(settings.LOCATOR_MAP_TILE_URL)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        image_sources = ["'self'", "data:"]
        if getattr(response, "allows_map_tiles", False):
            image_sources.append(self.tile_origin)
        style_sources = ["'self'"]
        extra = []
        if request.path.startswith("/api/v1/docs/"):
            style_sources.append("'unsafe-inline'")
            extra.append("worker-src 'self' blob:")
        policy = [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {' '.join(style_sources)}",
            f"img-src {' '.join(image_sources)}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            *extra,
        ]
        if settings.CSRF_COOKIE_NAME in response.cookies:
            # The page hands out a CSRF token, so it has a form that posts here (the report form, the
            # admin): with no-referrer, browsers post "Origin: null", which the CSRF check refuses.
            # Other sites still get nothing.
            response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", "; ".join(policy))
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        return response


def _origin(url_template: str) -> str:
    """ "https://{s}.tile.example.org/{z}/{x}/{y}.png" -> "https://*.tile.example.org"."""
    parts = urlsplit(url_template.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"

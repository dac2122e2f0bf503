"""Rate limits per client, counted in the cache that every worker shares (CACHES["default"]).

A count must hold across workers and worker restarts, so it lives in the shared cache: files on one
machine, or Redis. Neither may learn who asked: the cache key holds a keyed hash of the client's address,
never the address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


def client_address(request: HttpRequest) -> str:
    """The client's address as every limit here counts it: the connection's, or the one our own
    proxies (LOCATOR_TRUSTED_PROXIES of them) put in X-Forwarded-For."""
    return BaseThrottle().get_ident(request)


class HashedClientThrottle(SimpleRateThrottle):
    """Counts per client address (DRF's, so LOCATOR_TRUSTED_PROXIES applies) under an HMAC of it, at the
    rate that the setting named `rate_setting` gives ("5/hour"; "off" for no limit)."""

    rate_setting: str

    def get_rate(self) -> str | None:
        # Read per request rather than once at start-up, so that tests and settings overrides apply.
        rate = getattr(settings, self.rate_setting)
        return None if rate == "off" else rate

    def get_cache_key(self, request: HttpRequest, view: object) -> str:
        # Keyed with SECRET_KEY: a plain hash of an address is undone by hashing all 2^32 IPv4 addresses.
        ident = salted_hmac("locator.limits.client", self.get_ident(request), algorithm="sha256").hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ApiRateThrottle(HashedClientThrottle):
    scope = "api"
    rate_setting = "LOCATOR_API_RATE_LIMIT"


class ReportRateThrottle(HashedClientThrottle):
    scope = "report"
    rate_setting = "LOCATOR_REPORT_RATE_LIMIT"

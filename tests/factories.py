"""Tiny builders of test data."""

from itertools import count

from django.utils import timezone

from locator.models import Provider

_numbers = count(1)


def make_provider(*, latitude: float, longitude: float, **fields) -> Provider:
    number = next(_numbers)
    now = timezone.now()
    defaults = {
        "kind": "facility",
        "name": f"Test Provider {number:04d}",
        "state": "OK",
        "zip_code": "74103",
        "offers_buprenorphine": True,
        "location_precision": "source",
        "first_seen": now,
        "last_seen": now,
    }
    values = defaults | fields
    provider = Provider(**{name: value for name, value in values.items() if name != "location_precision"})
    provider.set_location(latitude=latitude, longitude=longitude, location_precision=values["location_precision"])
    provider.save()
    return provider

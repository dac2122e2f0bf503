"""Tiny builders of test data."""

from itertools import count

from django.utils import timezone

from locator.geo import grid_cell, unit_vector
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
    x, y, z = unit_vector(latitude, longitude)
    return Provider.objects.create(
        latitude=latitude,
        longitude=longitude,
        unit_x=x,
        unit_y=y,
        unit_z=z,
        grid_cell=grid_cell(latitude, longitude),
        **(defaults | fields),
    )

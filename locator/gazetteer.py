"""Offline ZIP and city centroids from the `zipcodes` package (no network, no database)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import zipcodes


@dataclass(frozen=True)
class ZipPlace:
    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float


@functools.cache
def _zip_places() -> dict[str, ZipPlace]:
    places = {}
    for entry in zipcodes.list_all():
        try:
            latitude, longitude = float(entry["lat"]), float(entry["long"])
        except (TypeError, ValueError):
            continue
        places[entry["zip_code"]] = ZipPlace(entry["zip_code"], entry["city"], entry["state"], latitude, longitude)
    return places


@functools.cache
def _city_centroids() -> dict[tuple[str, str], tuple[float, float]]:
    """(city folded, state) -> mean of its ZIP centroids, counting the other names a ZIP answers to."""
    sums: dict[tuple[str, str], list[float]] = {}
    for entry in zipcodes.list_all():
        place = _zip_places().get(entry["zip_code"])
        if place is None:
            continue
        for city in {entry["city"], *entry.get("acceptable_cities", [])}:
            total = sums.setdefault((city.casefold(), place.state), [0.0, 0.0, 0])
            total[0] += place.latitude
            total[1] += place.longitude
            total[2] += 1
    return {key: (lat_sum / count, lng_sum / count) for key, (lat_sum, lng_sum, count) in sums.items()}


def zip_place(zip_code: str) -> ZipPlace | None:
    return _zip_places().get(zip_code)


def city_centroid(city: str, state: str) -> tuple[float, float] | None:
    return _city_centroids().get((" ".join(city.split()).casefold(), state))

"""Offline ZIP and city centroids from the `zipcodes` package (no network, no database)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import zipcodes

from locator.geo import STATE_NAMES, is_in_us


@dataclass(frozen=True)
class ZipPlace:
    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float
    # Other names the Postal Service accepts for places in the ZIP ("Breckenridge Hills" in 63114).
    other_cities: tuple[str, ...] = ()
    county: str = ""
    # The Postal Service's kind of ZIP: STANDARD (streets where people live and work), PO BOX, UNIQUE (one
    # organization's mail) or MILITARY.
    zip_code_type: str = "STANDARD"

    @property
    def po_boxes_only(self) -> bool:
        """Its centre is a post office, not where anyone lives or works."""
        return self.zip_code_type == "PO BOX"

    @property
    def is_residential(self) -> bool:
        return self.zip_code_type == "STANDARD"

    def names_city(self, name: str) -> bool:
        """Whether the ZIP is in the city of that name, by its own name or another the Postal Service
        accepts ("Breckenridge" for "Breckenridge Hills")."""
        wanted = city_key(name)
        return any(
            known == wanted or known.startswith(f"{wanted} ")
            for known in map(city_key, (self.city, *self.other_cities))
        )


@functools.cache
def _zip_places() -> dict[str, ZipPlace]:
    places = {}
    for entry in zipcodes.list_all():
        try:
            latitude, longitude = float(entry["lat"]), float(entry["long"])
        except (TypeError, ValueError):
            continue
        if not is_in_us(latitude, longitude):
            # Some PO-box and military ZIPs carry 0,0 in the gazetteer: no centroid is better than that.
            continue
        places[entry["zip_code"]] = ZipPlace(
            entry["zip_code"],
            entry["city"],
            entry["state"],
            latitude,
            longitude,
            other_cities=tuple(entry.get("acceptable_cities") or ()),
            county=entry.get("county") or "",
            zip_code_type=entry.get("zip_code_type") or "STANDARD",
        )
    return places


_CITY_PREFIXES = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}


def city_key(name: str) -> str:
    """One spelling of a city name: "St. Louis" ~ "Saint Louis", "Bayamón" ~ "Bayamon"."""
    folded = "".join(char for char in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(char))
    words = re.sub(r"[^a-z0-9]+", " ", folded).split()
    if words and words[0] in _CITY_PREFIXES:
        words[0] = _CITY_PREFIXES[words[0]]
    return " ".join(words)


@dataclass(frozen=True)
class City:
    name: str
    state: str
    latitude: float
    longitude: float
    # The centres of the city's ZIP codes.
    zip_points: tuple[tuple[float, float], ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name}, {self.state}"

    @property
    def long_label(self) -> str:
        """ "Springfield, Missouri": the state spelled out, for telling same-named cities apart."""
        return f"{self.name}, {STATE_NAMES.get(self.state, self.state)}"

    @property
    def size(self) -> int:
        """How many ZIP codes the city has: a measure of how many people may mean it."""
        return len(self.zip_points)


# New York City's boroughs, which people name as places but the Postal Service does not (it says
# "Jamaica" or "Flushing" for Queens): by their counties in the gazetteer.
_NEW_YORK_BOROUGHS = {
    "Queens County": "Queens",
    "Kings County": "Brooklyn",
    "New York County": "Manhattan",
    "Bronx County": "Bronx",
    "Richmond County": "Staten Island",
}


@functools.cache
def _cities() -> dict[tuple[str, str], City]:
    """(city key, state) -> the city at the mean of its ZIP centroids, with the other names ZIPs answer to."""
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for entry in zipcodes.list_all():
        place = _zip_places().get(entry["zip_code"])
        if place is None:
            continue
        borough = _NEW_YORK_BOROUGHS.get(entry.get("county", "")) if entry["state"] == "NY" else None
        for city in {entry["city"], *entry.get("acceptable_cities", []), *([borough] if borough else [])}:
            key = (city_key(city), place.state)
            points[key].append((place.latitude, place.longitude))
            names.setdefault(key, city)
    return {
        key: City(
            names[key],
            key[1],
            sum(lat for lat, _ in spots) / len(spots),
            sum(lng for _, lng in spots) / len(spots),
            tuple(spots),
        )
        for key, spots in points.items()
    }


@functools.cache
def _cities_by_key() -> dict[str, list[City]]:
    by_key: dict[str, list[City]] = defaultdict(list)
    for (key, _), city in _cities().items():
        by_key[key].append(city)
    return by_key


def city(name: str, state: str) -> City | None:
    return _cities().get((city_key(name), state))


def cities_named(name: str) -> list[City]:
    """Every state's city of that name, the largest (most ZIP codes) first."""
    return sorted(_cities_by_key().get(city_key(name), []), key=lambda found: (-found.size, found.label))


def city_keys(state: str | None = None) -> list[str]:
    if state is None:
        return list(_cities_by_key())
    return [key for key, city_state in _cities() if city_state == state]


def zip_place(zip_code: str) -> ZipPlace | None:
    return _zip_places().get(zip_code)


def zip_places() -> list[ZipPlace]:
    """Every ZIP code with a centre in the United States, in ZIP order."""
    return sorted(_zip_places().values(), key=lambda place: place.zip_code)


def city_centroid(name: str, state: str) -> tuple[float, float] | None:
    found = city(name, state)
    return (found.latitude, found.longitude) if found else None


def zip_codes_near(zip_code: str, count: int = 3) -> list[ZipPlace]:
    """Known ZIPs numerically closest to one that is not known, within its 3-digit area."""
    same_area = [place for code, place in _zip_places().items() if code[:3] == zip_code[:3]]
    return sorted(same_area, key=lambda place: abs(int(place.zip_code) - int(zip_code)))[:count]


@functools.cache
def state_centroid(state: str) -> tuple[float, float]:
    """The mean of a state's or territory's ZIP centroids: a point inside it, to search around."""
    places = [place for place in _zip_places().values() if place.state == state]
    if not places:
        raise ValueError(f"no ZIP codes for {state}")
    return sum(p.latitude for p in places) / len(places), sum(p.longitude for p in places) / len(places)


def load() -> None:
    """Read the gazetteer now rather than on the first search (a server's master process calls this
    before forking, so its workers share one copy)."""
    _zip_places()
    _cities_by_key()

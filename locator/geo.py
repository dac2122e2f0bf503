"""Pure geographic helpers: US states and territories, ZIP normalisation, coordinate sanity.

Latitude comes before longitude everywhere in this project.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

STATE_NAMES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
    "GU": "Guam",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}

_STATE_BY_NAME = {name.casefold(): code for code, name in STATE_NAMES.items()} | {
    "virgin islands": "VI",
    "us virgin islands": "VI",
    "washington dc": "DC",
    "washington d.c.": "DC",
    "commonwealth of the northern mariana islands": "MP",
}

# Boxes (south, north, west, east) around the US states and territories. Generous on purpose: they
# catch swapped or zeroed coordinates, not a facility a mile offshore. Alaska's Aleutians cross the
# antimeridian, hence the box east of 172°E.
US_BOXES = (
    (17.5, 72.0, -180.0, -64.0),  # the states, Puerto Rico and the U.S. Virgin Islands
    (51.0, 56.0, 172.0, 180.0),  # the western Aleutians
    (12.5, 21.0, 144.0, 147.0),  # Guam and the Northern Mariana Islands
    (-15.0, -10.5, -172.0, -168.0),  # American Samoa
)


def normalize_state(value: str) -> str | None:
    """A 2-letter code from a code or a full name ("Alaska", "ak", "Puerto Rico"), or None."""
    cleaned = " ".join(value.split())
    if cleaned.upper() in STATE_NAMES:
        return cleaned.upper()
    return _STATE_BY_NAME.get(cleaned.casefold())


# Five digits, then optionally a ZIP+4 that may be cut short or padded ("99835-", "33756-____").
_ZIP_PLUS_RE = re.compile(r"^(\d{5})(?:[- ][\d_]{0,4})?$")
# Three or four digits: a ZIP whose leading zeros a spreadsheet dropped ("6401" is 06401, "960" is 00960).
_SHORT_ZIP_RE = re.compile(r"^\d{3,4}$")


def normalize_zip(value: str | int | float) -> str | None:
    """A 5-digit ZIP, or None when the text cannot be read as one without guessing.

    Nine digits without a dash are ZIP+4; six, seven or ten digits are typing errors whose true
    ZIP is ambiguous, so they are not read.
    """
    text = str(value).strip().strip(".,`'\"")
    if text.endswith(".0"):
        text = text[:-2]
    if _SHORT_ZIP_RE.match(text):
        return text.zfill(5)
    if len(text) == 9 and text.isdigit():
        return text[:5]
    match = _ZIP_PLUS_RE.match(text)
    return match.group(1) if match else None


def is_in_us(latitude: float, longitude: float) -> bool:
    return any(south <= latitude <= north and west <= longitude <= east for south, north, west, east in US_BOXES)


EARTH_RADIUS_MILES = 3958.7613
MILES_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_MILES / 180


def unit_vector(latitude: float, longitude: float) -> tuple[float, float, float]:
    """The point on the unit sphere: the dot product of two of these is the cosine of their angle."""
    lat, lng = math.radians(latitude), math.radians(longitude)
    return (math.cos(lat) * math.cos(lng), math.cos(lat) * math.sin(lng), math.sin(lat))


def distance_miles(from_latitude: float, from_longitude: float, to_latitude: float, to_longitude: float) -> float:
    """Great-circle distance (haversine, stable for short distances)."""
    lat1, lat2 = math.radians(from_latitude), math.radians(to_latitude)
    half_dlat = (lat2 - lat1) / 2
    half_dlng = math.radians(to_longitude - from_longitude) / 2
    a = math.sin(half_dlat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlng) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def distance_from_dot_miles(dot: float) -> float:
    return EARTH_RADIUS_MILES * math.acos(max(-1.0, min(1.0, dot)))


def min_dot_for_radius(radius_miles: float) -> float:
    """The smallest dot product of unit vectors within `radius_miles` of each other."""
    return math.cos(min(math.pi, radius_miles / EARTH_RADIUS_MILES))


@dataclass(frozen=True)
class BoundingBox:
    """Latitude and longitude ranges that contain every point within a radius.

    `longitude_ranges` holds two ranges where the box crosses the antimeridian (Guam, the Aleutians).
    """

    south: float
    north: float
    longitude_ranges: tuple[tuple[float, float], ...]


def bounding_box(latitude: float, longitude: float, radius_miles: float) -> BoundingBox:
    angular = radius_miles / EARTH_RADIUS_MILES
    south = latitude - math.degrees(angular)
    north = latitude + math.degrees(angular)
    if angular >= math.pi or south <= -90 or north >= 90:
        # The circle reaches a pole: every longitude is in it.
        return BoundingBox(max(south, -90.0), min(north, 90.0), ((-180.0, 180.0),))
    # The widest longitude span of a circle on the sphere, at the latitude where it is tangent.
    half_span = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(latitude)))))
    west, east = longitude - half_span, longitude + half_span
    if west < -180:
        return BoundingBox(south, north, ((west + 360, 180.0), (-180.0, east)))
    if east > 180:
        return BoundingBox(south, north, ((west, 180.0), (-180.0, east - 360)))
    return BoundingBox(south, north, ((west, east),))


# A grid of 0.25° cells numbered row by row from the south-west: the rows of cells a bounding box
# covers are contiguous ranges of cell numbers, so an ordinary index finds the rows near a point
# without scanning a whole band of latitude across the country.
GRID_DEGREES = 0.25
_GRID_COLUMNS = int(360 / GRID_DEGREES)
_GRID_ROWS = int(180 / GRID_DEGREES)


def _grid_row(latitude: float) -> int:
    return min(_GRID_ROWS - 1, max(0, math.floor((latitude + 90) / GRID_DEGREES)))


def _grid_column(longitude: float) -> int:
    return min(_GRID_COLUMNS - 1, max(0, math.floor((longitude + 180) / GRID_DEGREES)))


def grid_cell(latitude: float, longitude: float) -> int:
    return _grid_row(latitude) * _GRID_COLUMNS + _grid_column(longitude)


def grid_row_spans(box: BoundingBox) -> list[tuple[int, int, int]]:
    """(row, first column, last column) of the cells that cover the box, row by row."""
    columns = [(_grid_column(west), _grid_column(east)) for west, east in box.longitude_ranges]
    return [
        (row, west, east) for row in range(_grid_row(box.south), _grid_row(box.north) + 1) for west, east in columns
    ]


def grid_row_and_column(cell: int) -> tuple[int, int]:
    """(row, column) of a cell number."""
    return divmod(cell, _GRID_COLUMNS)


def grid_cell_ranges(box: BoundingBox, *, most: int = 24) -> list[tuple[int, int]]:
    """Inclusive ranges of cell numbers that cover the box, adjacent ranges merged; past `most`
    ranges (a box hundreds of miles tall), the one range from the first cell to the last."""
    pieces = sorted((row * _GRID_COLUMNS + west, row * _GRID_COLUMNS + east) for row, west, east in grid_row_spans(box))
    ranges: list[tuple[int, int]] = []
    for start, end in pieces:
        if ranges and ranges[-1][1] + 1 >= start:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], end))
        else:
            ranges.append((start, end))
    return ranges if len(ranges) <= most else [(ranges[0][0], ranges[-1][1])]

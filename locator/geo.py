"""Pure geographic helpers: US states and territories, ZIP normalisation, coordinate sanity.

Latitude comes before longitude everywhere in this project.
"""

from __future__ import annotations

import re

STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana",
    "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri",
    "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio",
    "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "VI": "U.S. Virgin Islands", "GU": "Guam", "AS": "American Samoa",
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
    return any(
        south <= latitude <= north and west <= longitude <= east for south, north, west, east in US_BOXES
    )

"""The normalized record: the only thing parsers produce, and the only thing the importer consumes.

Nothing here touches the database; the codes come from the one vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from locator.vocabulary import Coverage, Kind, LocationPrecision, Source


@dataclass(frozen=True)
class ServiceGroup:
    """One category of SAMHSA's service list, kept as SAMHSA worded it (`f1`, `f2`, `f3` in the locator)."""

    code: str
    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ProviderRecord:
    """One provider as one source describes it, normalized: 2-letter state, 5-digit ZIP, our own flags."""

    source: Source
    source_key: str
    row_number: int
    kind: Kind
    name: str
    name2: str = ""
    street: str = ""
    street2: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    phone: str = ""
    intake_phone: str = ""
    website: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_precision: LocationPrecision | None = None
    offers_buprenorphine: bool = False
    offers_methadone: bool = False
    offers_naltrexone: bool = False
    is_otp: bool = False
    otp_certification: str = ""
    otp_certification_date: date | None = None
    payment: frozenset[str] = frozenset()
    offers_telehealth: bool = False
    languages: tuple[str, ...] = ()
    age_groups: tuple[str, ...] = ()
    special_groups: tuple[str, ...] = ()
    services: tuple[ServiceGroup, ...] = ()
    unmapped_labels: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Rejection:
    row_number: int
    reason: str


@dataclass
class ParsedFile:
    """What a parser made of one file. `items` yields records and rejections in row order."""

    source: Source
    format_name: str
    coverage: Coverage
    items: Iterator[ProviderRecord | Rejection]


class FileFormatError(Exception):
    """The file as a whole cannot be read in its format (truncated, wrong encoding, missing columns)."""


class ImportFailed(Exception):
    """Nothing was imported; the message says which file and why."""

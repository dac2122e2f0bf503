"""The normalized record: the only thing parsers produce, and the only thing the importer consumes.

Nothing here knows about Django or the database.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date


class Source(enum.StrEnum):
    FINDTREATMENT = "findtreatment"
    LOCATOR_FACILITY_LIST = "locator_facility_list"
    OTP_DIRECTORY = "otp_directory"
    PRACTITIONER_LOCATOR = "practitioner_locator"
    NATIONAL_DIRECTORY = "national_directory"

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self]


SOURCE_LABELS = {
    Source.FINDTREATMENT: "FindTreatment.gov locator",
    Source.LOCATOR_FACILITY_LIST: "SAMHSA treatment locator facility list",
    Source.OTP_DIRECTORY: "SAMHSA Opioid Treatment Program Directory",
    Source.PRACTITIONER_LOCATOR: "SAMHSA Buprenorphine Practitioner Locator",
    Source.NATIONAL_DIRECTORY: "SAMHSA National Directory of Drug and Alcohol Abuse Treatment Facilities",
}


class Kind(enum.StrEnum):
    FACILITY = "facility"
    OTP = "otp"
    PRACTITIONER = "practitioner"


class Precision(enum.StrEnum):
    """How sure the coordinates are, best first."""

    SOURCE = "source"
    ADDRESS = "address"
    ZIP_CENTROID = "zip_centroid"
    CITY_CENTROID = "city_centroid"


PRECISION_RANK = {precision: rank for rank, precision in enumerate(Precision)}


class DatePrecision(enum.StrEnum):
    DAY = "day"
    YEAR = "year"


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
    location_precision: Precision | None = None
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


class Coverage(enum.StrEnum):
    """What a file claims to list completely, which decides what its absence from it means."""

    NATIONAL = "national"
    STATES = "states"
    PARTIAL = "partial"


@dataclass
class ParsedFile:
    """What a parser made of one file. `items` yields records and rejections in row order."""

    source: Source
    format_name: str
    coverage: Coverage
    items: Iterator[ProviderRecord | Rejection]


class FileFormatError(Exception):
    """The file as a whole cannot be read in its format (truncated, wrong encoding, missing columns)."""

"""The normalized record: the only thing parsers produce, and the only thing the importer consumes.

Nothing here touches the database; the codes come from the one vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
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
    moud_medication_not_named: bool = False
    is_otp: bool = False
    otp_certification: str = ""
    otp_certification_date: date | None = None
    payment: frozenset[str] = frozenset()
    offers_telehealth: bool = False
    languages: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    ages: tuple[str, ...] = ()
    age_groups: tuple[str, ...] = ()
    special_groups: tuple[str, ...] = ()
    services: tuple[ServiceGroup, ...] = ()
    # How the source's wording was read, for the import report; not part of what the source says.
    unknown_labels: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    offers_and_denies_moud: bool = field(default=False, compare=False)


def same_place(first: ProviderRecord, second: ProviderRecord) -> bool:
    """Whether two rows sharing a key describe one place: nothing they give (phone, coordinates) differs."""
    if first.phone and second.phone and first.phone != second.phone:
        return False
    if None in (first.latitude, second.latitude):
        return True
    # About 0.07 miles: two geocodes of one address, not two buildings.
    return abs(first.latitude - second.latitude) < 0.001 and abs(first.longitude - second.longitude) < 0.001


def combined(first: ProviderRecord, second: ProviderRecord) -> ProviderRecord:
    """One place listed twice in one file: the first row's wording, the services of both."""
    changes: dict[str, object] = {}
    for item in fields(ProviderRecord):
        mine, theirs = getattr(first, item.name), getattr(second, item.name)
        if isinstance(mine, bool):
            changes[item.name] = mine or theirs
        elif isinstance(mine, frozenset):
            changes[item.name] = mine | theirs
        elif isinstance(mine, tuple) and item.name != "services":
            changes[item.name] = tuple(dict.fromkeys(mine + theirs))
        elif isinstance(mine, str) and not mine:
            changes[item.name] = theirs
    services: dict[tuple[str, str], tuple[str, ...]] = {}
    for group in first.services + second.services:
        key = (group.code, group.label)
        services[key] = tuple(dict.fromkeys(services.get(key, ()) + group.values))
    changes["services"] = tuple(ServiceGroup(code, label, values) for (code, label), values in services.items())
    named = changes["offers_buprenorphine"] or changes["offers_methadone"] or changes["offers_naltrexone"]
    changes["moud_medication_not_named"] = changes["moud_medication_not_named"] and not named
    return replace(first, **changes)


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

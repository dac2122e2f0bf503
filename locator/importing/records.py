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
    # The listing says it treats no opioid use disorder: no medication from it, whatever else it says.
    denies_moud: bool = False
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


_OFFER_FIELDS = ("offers_buprenorphine", "offers_methadone", "offers_naltrexone", "moud_medication_not_named", "is_otp")


def coordinates_key(record: ProviderRecord) -> str:
    """Coordinates to about 0.07 miles: two geocodes of one address agree to this, two buildings do not."""
    return f"{record.latitude:.3f},{record.longitude:.3f}" if record.latitude is not None else ""


def same_place(first: ProviderRecord, second: ProviderRecord) -> bool:
    """Whether two rows sharing a key describe one place: nothing they give (phone, coordinates) differs."""
    if first.phone and second.phone and first.phone != second.phone:
        return False
    first_at, second_at = coordinates_key(first), coordinates_key(second)
    return not (first_at and second_at and first_at != second_at)


def combined(first: ProviderRecord, second: ProviderRecord) -> ProviderRecord:
    """One place listed twice in one file: the first row's wording, the services of both."""
    changes: dict[str, object] = {}
    if first.latitude is None and second.latitude is not None:
        changes.update(
            latitude=second.latitude, longitude=second.longitude, location_precision=second.location_precision
        )
    for item in fields(ProviderRecord):
        mine, theirs = getattr(first, item.name), getattr(second, item.name)
        if mine is None and item.name not in {"latitude", "longitude", "location_precision"}:
            changes[item.name] = theirs
        elif isinstance(mine, bool):
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
    if changes["denies_moud"]:
        # One row's denial holds for the place: the other row's offers are a contradiction, counted.
        changes["offers_and_denies_moud"] |= any(changes[name] for name in _OFFER_FIELDS)
        changes.update({name: False for name in _OFFER_FIELDS})
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

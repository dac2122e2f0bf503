"""One provider from every source record that describes it: which source wins which field, and why;
and re-merging stored providers when their records change."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models

from locator.addresses import destination_street
from locator.importing.normalize import address_key, name_key, phone_key, same_street
from locator.importing.records import ProviderRecord
from locator.models import Provider, SourceFile, SourceRecord
from locator.vocabulary import (
    PAYMENT_FIELDS,
    PRECISION_RANK,
    WORDING_ORDER,
    Coverage,
    Kind,
    Language,
    LocationPrecision,
    Medication,
    Source,
    search_codes,
)

_CHUNK = 500
_NOT_STORED = {
    "row_number",
    "source",
    "source_key",
    "unknown_labels",
    "offers_and_denies_moud",
}


def record_payload(record: ProviderRecord) -> dict[str, Any]:
    """The record as JSON-ready data, without what changes when only the file around it changes."""
    payload = {}
    for field in dataclasses.fields(record):
        if field.name in _NOT_STORED:
            continue
        value = getattr(record, field.name)
        if isinstance(value, frozenset):
            value = sorted(value)
        elif isinstance(value, date):
            value = value.isoformat()
        elif field.name == "services":
            value = [{"code": group.code, "label": group.label, "values": list(group.values)} for group in value]
        elif isinstance(value, tuple):
            value = list(value)
        payload[field.name] = value
    return payload


def payload_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class RecordState:
    """A stored source record, as the merge needs it."""

    source: str
    payload: dict[str, Any]
    data_date: date | None
    active: bool
    latitude: float | None
    longitude: float | None
    location_precision: str
    first_seen: datetime
    last_seen: datetime
    is_sample: bool


def _recency(record: RecordState) -> tuple[bool, date, int]:
    return (record.active, record.data_date or date.min, -WORDING_ORDER.index(Source(record.source)))


def _first(records: list[RecordState], field: str) -> str:
    return next((record.payload[field] for record in records if record.payload.get(field)), "")


def _merged_services(records: list[RecordState]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for record in records:
        for group in record.payload.get("services", []):
            key = group["code"] or group["label"]
            merged = groups.setdefault(key, {"code": group["code"], "label": group["label"], "values": []})
            merged["values"].extend(value for value in group["values"] if value not in merged["values"])
    return list(groups.values())


def _union(records: list[RecordState], field: str) -> list[str]:
    # Records stored before a field existed do not have it; the next import of their file adds it.
    return sorted({value for record in records for value in record.payload.get(field, ())})


def _street(record: RecordState) -> str:
    """House number and street in a state: listings disagree on ZIPs more often than programs move."""
    street = destination_street(record.payload["street"], record.payload["street2"])
    key = address_key(street, record.payload["zip_code"] or "00000")
    return f"{key.split('|')[0]}|{record.payload['state']}" if key else ""


def _same_address(first: str, second: str) -> bool:
    """Two `_street` values naming one address, spelled alike or not (records of one provider)."""
    if not (first and second):
        return False
    return first.split("|")[1] == second.split("|")[1] and (first == second or same_street(first, second))


def _best_location(ordered: list[RecordState], primary: RecordState) -> RecordState | None:
    """The most precise coordinates of the address shown: a program that moved keeps its new address's
    approximate pin rather than a precise pin of where it used to be."""
    located = [record for record in ordered if record.latitude is not None and record.location_precision]
    shown_street = _street(primary)
    same_place = [
        record
        for record in located
        if record is primary or (shown_street and _same_address(_street(record), shown_street))
    ]
    return min(
        same_place or located,
        key=lambda record: PRECISION_RANK[LocationPrecision(record.location_precision)],
        default=None,
    )


def _otp_and_methadone(
    current: list[RecordState], otp_directory: list[RecordState], otp_directory_date: date | None
) -> tuple[bool, bool]:
    """Whether a provider is an OTP, and offers methadone, by the OTP Directory first.

    Methadone for opioid use disorder is dispensed only by certified OTPs. So once an OTP Directory
    snapshot is loaded, a claim of either from a source older than it counts only for programs the
    directory lists: a 2017 methadone clinic missing from the 2020 directory may well have closed.
    A claim as recent as the directory (today's FindTreatment OTP certification label) stands.
    """
    if otp_directory:
        is_otp = any(record.active for record in otp_directory)
        return is_otp, is_otp or any(record.payload["offers_methadone"] for record in current)
    if otp_directory_date is None:
        return (
            any(record.payload["is_otp"] for record in current),
            any(record.payload["offers_methadone"] for record in current),
        )
    # A source as recent as the directory is as current as it: its OTP certification label counts.
    newer = [record for record in current if record.data_date and record.data_date >= otp_directory_date]
    return (
        any(record.payload["is_otp"] for record in newer),
        any(record.payload["offers_methadone"] for record in newer),
    )


def merged_provider(records: list[RecordState], *, otp_directory_date: date | None = None) -> Provider:
    """The provider its records describe, unsaved, with its location and everything derived from it."""
    fields = merge_provider(records, otp_directory_date=otp_directory_date)
    location = {name: fields.pop(name) for name in ("latitude", "longitude", "location_precision")}
    provider = Provider(**fields)
    provider.set_location(**location)
    return provider


def merge_provider(records: list[RecordState], *, otp_directory_date: date | None = None) -> dict[str, Any]:
    """Provider field values from its records: newest active record first for wording, best coordinates
    for location, any current source for a service, the OTP Directory first for OTP status.

    `otp_directory_date` is the date of the newest complete OTP Directory loaded, if any.
    """
    ordered = sorted(records, key=_recency, reverse=True)
    primary = ordered[0]
    current = [record for record in ordered if record.active] or ordered
    otp_directory = [record for record in ordered if record.source == Source.OTP_DIRECTORY]
    current_otp_directory = [record for record in otp_directory if record.active]
    # Where to go comes from the newest current listing with a numbered street, else with any street that
    # is not a mailing box.
    destinations = [
        (record, destination_street(record.payload["street"], record.payload["street2"])) for record in current
    ]
    address = next((record for record, street in destinations if street[:1].isdigit()), None) or next(
        (record for record, street in destinations if street), primary
    )
    best_location = _best_location(ordered, address)

    if all(record.payload["kind"] == Kind.PRACTITIONER for record in records):
        kind = Kind.PRACTITIONER
    elif current_otp_directory or (otp_directory and not primary.active):
        kind = Kind.OTP
    else:
        kind = Kind.FACILITY

    is_otp, offers_methadone = _otp_and_methadone(current, otp_directory, otp_directory_date)
    payment = {code for record in current for code in record.payload["payment"]}
    services = _merged_services(current)
    languages = _union(current, "languages")
    facets = {
        "setting": _union(current, "settings"),
        "group": _union(current, "groups"),
        "age": _union(current, "ages"),
    }
    offers = {
        medication.field_name: any(record.payload[medication.field_name] for record in current)
        for medication in (Medication.BUPRENORPHINE, Medication.NALTREXONE)
    }
    offers[Medication.METHADONE.field_name] = offers_methadone
    certification_record = (current_otp_directory or otp_directory or [None])[0]
    certification_date = certification_record.payload["otp_certification_date"] if certification_record else None
    street, zip_code = address.payload["street"], address.payload["zip_code"]
    phone = _first(ordered, "phone")

    return {
        "kind": kind.value,
        "name": primary.payload["name"],
        "name2": primary.payload["name2"],
        "street": street,
        "street2": address.payload["street2"],
        "city": address.payload["city"],
        "state": address.payload["state"],
        "zip_code": zip_code,
        "phone": phone,
        "intake_phone": _first(ordered, "intake_phone"),
        "website": _first(ordered, "website"),
        "latitude": best_location.latitude if best_location else None,
        "longitude": best_location.longitude if best_location else None,
        "location_precision": best_location.location_precision if best_location else "",
        **offers,
        "moud_medication_not_named": not any(offers.values())
        and any(record.payload.get("moud_medication_not_named") for record in current),
        "is_otp": is_otp,
        "otp_certification": certification_record.payload["otp_certification"] if certification_record else "",
        "otp_certification_date": date.fromisoformat(certification_date) if certification_date else None,
        **{field: code in payment for code, field in PAYMENT_FIELDS.items()},
        "offers_telehealth": any(record.payload["offers_telehealth"] for record in current),
        "offers_spanish": Language.SPANISH in languages,
        "languages": languages,
        "settings": facets["setting"],
        "groups": facets["group"],
        "ages": facets["age"],
        "search_codes": search_codes({**facets, "language": languages}),
        "age_groups": sorted({group for record in current for group in record.payload["age_groups"]}),
        "special_groups": sorted({group for record in current for group in record.payload["special_groups"]}),
        "services": services,
        "services_stated": bool(services),
        "is_sample": any(record.is_sample for record in records),
        "address_key": address_key(destination_street(street, address.payload["street2"]), zip_code),
        "phone_key": phone_key(phone, zip_code),
        "name_key": name_key(primary.payload["name"]),
        "first_seen": min(record.first_seen for record in records),
        "last_seen": max(record.last_seen for record in records),
        "active": any(record.active for record in records),
    }


# Every field the merge decides, including those derived from the location.
MERGED_FIELDS = tuple(field.name for field in Provider._meta.concrete_fields if not field.primary_key)


def latest_otp_directory_date() -> date | None:
    return (
        SourceFile.objects.filter(source=Source.OTP_DIRECTORY, coverage=Coverage.NATIONAL, data_date__isnull=False)
        .order_by("-data_date")
        .values_list("data_date", flat=True)
        .first()
    )


def stored_record_states(provider_ids: list[int]) -> dict[int, list[RecordState]]:
    """The stored records of these providers, as the merge needs them."""
    states: dict[int, list[RecordState]] = defaultdict(list)
    rows = SourceRecord.objects.filter(provider_id__in=provider_ids).values(
        "provider_id",
        "source",
        "payload",
        "active",
        "latitude",
        "longitude",
        "location_precision",
        "first_seen",
        "last_seen",
        data_date=models.F("source_file__data_date"),
        is_sample=models.F("source_file__is_sample"),
    )
    for row in rows:
        states[row.pop("provider_id")].append(RecordState(**row))
    return states


def remerge_providers(provider_ids: Iterable[int], pending_by_id: dict[int, list[RecordState]] | None = None) -> int:
    """Re-merge stored providers from their stored records (and records about to be stored).

    Writes only the fields whose merged value changed; returns how many providers changed.
    """
    ids = sorted(provider_ids)
    otp_directory_date = latest_otp_directory_date()
    updated = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        states = stored_record_states(chunk)
        by_changed_fields: dict[tuple[str, ...], list[Provider]] = defaultdict(list)
        for provider in Provider.objects.filter(id__in=chunk):
            records = states[provider.id] + (pending_by_id or {}).get(provider.id, [])
            merged = merged_provider(records, otp_directory_date=otp_directory_date)
            changed = tuple(name for name in MERGED_FIELDS if getattr(provider, name) != getattr(merged, name))
            for name in changed:
                setattr(provider, name, getattr(merged, name))
            if changed:
                by_changed_fields[changed].append(provider)
                updated += 1
        for fields, providers in by_changed_fields.items():
            Provider.objects.bulk_update(providers, fields)
    return updated

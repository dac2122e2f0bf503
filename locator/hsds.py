"""The directory as Open Referral HSDS 3.0 records, the format 211s and resource directories exchange.

Each provider is one organization, one physical location (its address, phones and coordinates) and one
service, joined by one service_at_location. What the service offers (medications, payments, settings,
groups, ages, languages, OTP certification, telehealth) are terms of this directory's published
"mat-locator" taxonomy, one attribute each, and only where SAMHSA's listings state it: a term absent is
"not stated", never "no". Every record, in its list form too, carries its SAMHSA sources and the dates
of their data as `metadata`; `assured_date` is left out, since SAMHSA does not verify listings.

Ids are UUIDs that carry the provider's id (RFC 9562 version 8, "custom"), so that they stay the same
across imports and lead back to the provider without a table of their own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.utils import translation

from locator.models import Provider
from locator.provenance import SourceListing
from locator.vocabulary import (
    APPROXIMATE_PRECISIONS,
    PAYMENT_FIELDS,
    Age,
    Group,
    Language,
    Medication,
    Payment,
    Setting,
)

HSDS_VERSION = "3.0"
_ID_PREFIX = "6d61742d-6c6f"  # "mat-lo" in ASCII
_ENTITIES = {
    "organization": 1,
    "service": 2,
    "location": 3,
    "service_at_location": 4,
    "address": 5,
    "phone": 6,
    "attribute": 7,
    "metadata": 8,
    "language": 9,
}
TAXONOMY_NAME = "mat-locator"
TAXONOMY_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:mat-locator:taxonomy"))
NOT_VERIFIED = "SAMHSA does not verify listings: call before going."


def record_id(entity: str, provider_id: int, index: int = 0) -> str:
    """The UUID of one of a provider's records; `index` tells apart several of one kind (phones)."""
    return f"{_ID_PREFIX}-8{_ENTITIES[entity]:03x}-{0x8000 | index:04x}-{provider_id:012x}"


def provider_id_of(entity: str, text: str) -> int | None:
    """The provider a record id names, if it is one of this directory's ids of that kind."""
    try:
        value = str(uuid.UUID(text))
    except ValueError:
        return None
    if not value.startswith(f"{_ID_PREFIX}-8{_ENTITIES[entity]:03x}-8000-"):
        return None
    return int(value[-12:], 16)


@dataclass(frozen=True)
class Term:
    code: str
    name: str
    description: str
    parent_code: str | None = None

    @property
    def id(self) -> str:
        return str(uuid.uuid5(uuid.UUID(TAXONOMY_ID), self.code))

    def as_record(self) -> dict[str, Any]:
        record = {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "taxonomy": TAXONOMY_NAME,
            "taxonomy_id": TAXONOMY_ID,
            "language": "en",
        }
        if self.parent_code:
            record["parent_id"] = TERMS[self.parent_code].id
        return record


# Each category of the taxonomy: its code, name, and the vocabulary of its terms.
_CATEGORIES = (
    ("medication", "Medication for opioid use disorder", Medication),
    ("payment", "Payment or insurance accepted", Payment),
    ("setting", "Setting of care", Setting),
    ("group", "Program for a group of people", Group),
    ("age", "Ages accepted", Age),
    ("language", "Services in a language other than English", Language),
)
# Kinds of program: code -> (name, description).
PROGRAM_TERMS = {
    "program:otp": (
        "Certified opioid treatment program",
        "A SAMHSA-certified opioid treatment program (OTP): the only kind that dispenses methadone for opioid "
        "use disorder.",
    ),
    "program:telehealth": ("Telehealth", "Offers care by telehealth."),
}


def _terms() -> dict[str, Term]:
    terms: dict[str, Term] = {}
    with translation.override("en"):
        for code, name, vocabulary in _CATEGORIES:
            terms[code] = Term(code, name, f"{name}, as SAMHSA's listings state it.")
            for member in vocabulary:
                label = str(member.label)
                terms[f"{code}:{member.value}"] = Term(f"{code}:{member.value}", label, f"{name}: {label}.", code)
    terms["program"] = Term("program", "Kind of program", "Kind of program, as SAMHSA's listings state it.")
    for code, (name, description) in PROGRAM_TERMS.items():
        terms[code] = Term(code, name, description, "program")
    return terms


TERMS = _terms()
TERMS_BY_ID = {term.id: term for term in TERMS.values()}


def taxonomy_record() -> dict[str, Any]:
    return {
        "id": TAXONOMY_ID,
        "name": TAXONOMY_NAME,
        "description": "What a provider of medication for opioid use disorder offers, as SAMHSA's public listings "
        "state it: medications, payments, settings, groups, ages, languages and kinds of program. A provider "
        "without a term's attribute did not state it; that is not a no.",
        "version": "1",
    }


def term_codes(provider: Provider) -> list[str]:
    """The taxonomy terms a provider's listings state."""
    codes = [f"medication:{medication.value}" for medication in Medication if getattr(provider, medication.field_name)]
    codes += [f"payment:{payment.value}" for payment in Payment if getattr(provider, PAYMENT_FIELDS[payment])]
    for facet, values in (
        ("setting", provider.settings),
        ("group", provider.groups),
        ("age", provider.ages),
        ("language", provider.languages),
    ):
        codes += [f"{facet}:{value}" for value in values if f"{facet}:{value}" in TERMS]
    if provider.is_otp:
        codes.append("program:otp")
    if provider.offers_telehealth:
        codes.append("program:telehealth")
    return codes


def _date_time(value: date | None) -> str | None:
    return None if value is None else datetime(value.year, value.month, value.day, tzinfo=UTC).isoformat()


def _newest_data_date(provider: Provider) -> date | None:
    return max((listing.data_date for listing in provider.source_listings if listing.data_date), default=None)


# Each resource's metadata entries get ids of their own: a provider has a few sources, never 256.
_METADATA_OFFSETS = {"service": 0, "location": 0x100, "organization": 0x200, "service_at_location": 0x300}


def _metadata(provider: Provider, resource: str) -> list[dict[str, Any]]:
    """Where the record comes from: one entry per SAMHSA source listing it, with the date of its data."""
    entries = []
    for index, listing in enumerate(provider.source_listings):
        listing: SourceListing
        sample = " (sample data, not a real provider)" if listing.is_sample else ""
        entries.append(
            {
                "id": record_id("metadata", provider.id, _METADATA_OFFSETS[resource] + index),
                "resource_id": record_id(resource, provider.id),
                "resource_type": resource,
                "last_action_date": listing.data_date_text or "unknown",
                "last_action_type": "listed by SAMHSA",
                "field_name": "",
                "previous_value": "",
                "replacement_value": "",
                "updated_by": f"{listing.name}{sample}",
            }
        )
    return entries


def _phones(provider: Provider) -> list[dict[str, Any]]:
    phones = []
    for index, (number, description) in enumerate(((provider.phone, "Main"), (provider.intake_phone, "Intake"))):
        if number:
            phones.append(
                {
                    "id": record_id("phone", provider.id, index),
                    "location_id": record_id("location", provider.id),
                    "service_id": record_id("service", provider.id),
                    "organization_id": record_id("organization", provider.id),
                    "number": number,
                    "type": "voice",
                    "description": description,
                }
            )
    return phones


def _payment_text(provider: Provider) -> str:
    with translation.override("en"):
        accepted = [str(payment.label) for payment in Payment if getattr(provider, PAYMENT_FIELDS[payment])]
    return f"Accepts: {', '.join(accepted)}." if accepted else "Payment: not stated in SAMHSA's listings."


def _service_description(provider: Provider) -> str:
    with translation.override("en"):
        offered = [str(medication.label) for medication in Medication if getattr(provider, medication.field_name)]
    parts = [
        f"Medication for opioid use disorder: {', '.join(offered)}."
        if offered
        else "Offers medication for opioid use disorder; SAMHSA's listing does not name which."
    ]
    if provider.is_otp:
        parts.append("A certified opioid treatment program.")
    parts.append(NOT_VERIFIED)
    return " ".join(parts)


def service(provider: Provider, *, full: bool) -> dict[str, Any]:
    """A provider's service: its list form, or with everything nested (`full`)."""
    record: dict[str, Any] = {
        "id": record_id("service", provider.id),
        "organization_id": record_id("organization", provider.id),
        "name": provider.name,
        "description": _service_description(provider),
        "status": "active" if provider.active else "inactive",
        "fees_description": _payment_text(provider),
    }
    if provider.website:
        record["url"] = provider.website
    if provider.is_sample:
        record["alert"] = "Sample data: not a real provider."
    last_modified = _date_time(_newest_data_date(provider))
    if last_modified:
        record["last_modified"] = last_modified
    record["metadata"] = _metadata(provider, "service")
    if not full:
        return record
    return {
        **record,
        "phones": _phones(provider),
        "schedules": [],
        "service_areas": [],
        "service_at_locations": [service_at_location(provider, full=True, with_service=False)],
        "languages": [
            {"id": record_id("language", provider.id, index), "service_id": record["id"], "code": code}
            for index, code in enumerate(provider.languages)
        ],
        "organization": organization(provider, full=False),
        "funding": [],
        "cost_options": [],
        "required_documents": [],
        "contacts": [],
        "attributes": _attributes(provider),
    }


def _attributes(provider: Provider) -> list[dict[str, Any]]:
    attributes = []
    for index, code in enumerate(term_codes(provider)):
        term = TERMS[code]
        attributes.append(
            {
                "id": record_id("attribute", provider.id, index),
                "link_id": record_id("service", provider.id),
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term.id,
                "taxonomy_term": term.as_record(),
                "value": "stated",
            }
        )
    return attributes


def location(provider: Provider, *, full: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": record_id("location", provider.id),
        "location_type": "physical",
        "organization_id": record_id("organization", provider.id),
        "name": provider.name,
        "external_identifier": str(provider.id),
        "external_identifier_type": "mat-locator provider id",
    }
    if provider.latitude is not None:
        record["latitude"], record["longitude"] = provider.latitude, provider.longitude
        if provider.location_precision in APPROXIMATE_PRECISIONS:
            record["description"] = "Placed at the centre of its ZIP code or city: the coordinates are approximate."
    record["metadata"] = _metadata(provider, "location")
    if not full:
        return record
    address = {
        "id": record_id("address", provider.id),
        "location_id": record["id"],
        "address_1": provider.street,
        "city": provider.city,
        "state_province": provider.state,
        "postal_code": provider.zip_code,
        "country": "US",
        "address_type": "physical",
    }
    if provider.street2:
        address["address_2"] = provider.street2
    return {
        **record,
        "addresses": [address],
        "phones": _phones(provider),
        "languages": [],
        "contacts": [],
        "accessibility": [],
        "schedules": [],
        "attributes": [],
    }


def organization(provider: Provider, *, full: bool, full_service: bool = False) -> dict[str, Any]:
    names = ", ".join(dict.fromkeys(listing.name for listing in provider.source_listings))
    record: dict[str, Any] = {
        "id": record_id("organization", provider.id),
        "name": provider.name,
        "description": f"Listed by {names or 'SAMHSA'}. {NOT_VERIFIED}",
    }
    if provider.website:
        record["website"] = provider.website
    record["metadata"] = _metadata(provider, "organization")
    if not full:
        return record
    return {
        **record,
        "funding": [],
        "contacts": [],
        "phones": _phones(provider),
        "locations": [location(provider, full=True)],
        "programs": [],
        "organization_identifiers": [],
        "attributes": [],
        "services": [service(provider, full=full_service)],
    }


def service_at_location(provider: Provider, *, full: bool, with_service: bool = True) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": record_id("service_at_location", provider.id),
        "service_id": record_id("service", provider.id),
        "location_id": record_id("location", provider.id),
        "location": location(provider, full=full),
    }
    if with_service:
        record["service"] = service(provider, full=False)
    record["metadata"] = _metadata(provider, "service_at_location")
    if not full:
        return record
    return {
        **record,
        "contacts": [],
        "phones": _phones(provider),
        "schedules": [],
        "attributes": [],
    }

"""FindTreatment.gov locator exports -> records.

Two shapes share the locator's column names: the JSON of `exportsAsJson` / `listing`
(`{page, totalPages, recordCount, rows}`, with services), and the locator's CSV facility list
(`name1, name2, street1, ..., latitude, longitude`, without services).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from locator.importing.facts import fields_from_facts, offers_and_denies
from locator.importing.labels import find_category, read_labels
from locator.importing.normalize import clean_text, record_key
from locator.importing.records import FileFormatError, ParsedFile, ProviderRecord, Rejection, ServiceGroup
from locator.importing.rows import build_record, csv_rows
from locator.vocabulary import Coverage, Kind, Source

JSON_FORMAT = "findtreatment-json"
CSV_FORMAT = "locator-csv"
_FRID_RE = re.compile(r"^[0-9a-f]{64}$")
CSV_COLUMNS = {"name1", "name2", "street1", "street2", "city", "state", "zip", "latitude", "longitude"}


def sniff_json(head: str) -> bool:
    return head.lstrip().startswith("{") and any(key in head for key in ('"rows"', '"recordCount"', '"totalPages"'))


def sniff_csv(header: set[str]) -> bool:
    return CSV_COLUMNS <= header


# SAMHSA's own wording of these categories is kept for the provider page, beside our codes.
_WORDING_KEPT = {"Ages": "age_groups", "Special programs": "special_groups"}
# What the facility type alone says: OTP rows often come without services.
_TYPE_FACILITY_FACTS = {"OTP": {"otp", "methadone"}, "BUPREN": {"buprenorphine"}}


def _service_groups(raw_services: object) -> tuple[ServiceGroup, ...]:
    if not isinstance(raw_services, list):
        return ()
    groups = []
    for raw in raw_services:
        if not isinstance(raw, dict):
            continue
        code, label = clean_text(raw.get("f2")), clean_text(raw.get("f1"))
        values = tuple(value for value in (clean_text(part) for part in str(raw.get("f3") or "").split(";")) if value)
        if code or label:
            groups.append(ServiceGroup(code=code, label=label, values=values))
    return tuple(groups)


def _fields(groups: tuple[ServiceGroup, ...], type_facility: str) -> dict[str, object]:
    """The record fields that a listing's facility type and service labels decide."""
    reading = read_labels((group.code, group.label, group.values) for group in groups)
    facts = reading.facts | _TYPE_FACILITY_FACTS.get(type_facility, set())
    fields = fields_from_facts(facts)
    for group in groups:
        category = find_category(group.code, group.label)
        if category is not None and category.name in _WORDING_KEPT:
            fields[_WORDING_KEPT[category.name]] = group.values
    fields.update(
        unknown_labels=reading.unknown,
        offers_and_denies_moud=offers_and_denies(facts),
    )
    return fields


def _type_facility(row: dict) -> str:
    # `typeFacility` until 2024, `type_facility` in the 2025 documentation.
    return clean_text(row.get("type_facility") or row.get("typeFacility")).upper()


def _json_rows(rows: list[object]) -> Iterator[ProviderRecord | Rejection]:
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            yield Rejection(index, "not an object")
            continue
        type_facility = _type_facility(row)
        services = _service_groups(row.get("services"))
        frid = clean_text(row.get("frid")).lower()
        yield build_record(
            source=Source.FINDTREATMENT,
            row_number=index,
            kind=Kind.PRACTITIONER if type_facility == "BUPREN" else Kind.FACILITY,
            source_key=frid if _FRID_RE.match(frid) else "",
            key_extra=type_facility,
            name=row.get("name1") or "",
            name2=row.get("name2") or "",
            street=row.get("street1") or "",
            street2=row.get("street2") or "",
            city=row.get("city") or "",
            state=row.get("state") or "",
            zip_code=row.get("zip") or "",
            phone=row.get("phone") or "",
            intake_phone=row.get("intake1") or "",
            website=row.get("website") or "",
            latitude=row.get("latitude"),
            longitude=row.get("longitude"),
            services=services,
            **_fields(services, type_facility),
        )


def parse_json(text: str) -> ParsedFile:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FileFormatError(f"not valid JSON (truncated?): {error.msg} at line {error.lineno}") from None
    if not isinstance(document, dict) or not isinstance(document.get("rows"), list):
        raise FileFormatError("not a FindTreatment.gov locator response: no list of rows")
    # One response is one page of one query (often limited by distance), never a complete directory;
    # only sync_samhsa's national sweep, every page of every state, is complete.
    sweep = document.get("sweep")
    national = isinstance(sweep, dict) and sweep.get("coverage") == "national"
    coverage = Coverage.NATIONAL if national else Coverage.PARTIAL
    return ParsedFile(Source.FINDTREATMENT, JSON_FORMAT, coverage, _json_rows(document["rows"]))


def _csv_records(rows: Iterator[tuple[int, dict[str, str]] | Rejection]) -> Iterator[ProviderRecord | Rejection]:
    for item in rows:
        if isinstance(item, Rejection):
            yield item
            continue
        row_number, row = item
        yield build_record(
            source=Source.LOCATOR_FACILITY_LIST,
            row_number=row_number,
            kind=Kind.FACILITY,
            # One address often lists several programs of one organisation, told apart by name2.
            key_extra=record_key(row["name2"]),
            name=row["name1"],
            name2=row["name2"],
            street=row["street1"],
            street2=row["street2"],
            city=row["city"],
            state=row["state"],
            zip_code=row["zip"],
            phone=row.get("phone", ""),
            website=row.get("website", ""),
            latitude=row["latitude"],
            longitude=row["longitude"],
        )


def parse_csv(text: str) -> ParsedFile:
    rows = csv_rows(text, required_columns=CSV_COLUMNS)
    return ParsedFile(Source.LOCATOR_FACILITY_LIST, CSV_FORMAT, Coverage.NATIONAL, _csv_records(rows))

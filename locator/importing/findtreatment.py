"""FindTreatment.gov locator exports -> records.

Two shapes share the locator's column names: the JSON of `exportsAsJson` / `listing`
(`{page, totalPages, recordCount, rows}`, with services), and the locator's CSV facility list
(`name1, name2, street1, ..., latitude, longitude`, without services).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from locator.importing.labels import (
    LOCATOR_CHECKED_CATEGORIES,
    fields_from_facts,
    locator_label_facts,
)
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


def _services(raw_services: object) -> tuple[tuple[ServiceGroup, ...], set[str], list[str]]:
    """Service groups as SAMHSA gave them, the facts they state, and labels the table does not know."""
    if not isinstance(raw_services, list):
        return (), set(), []
    groups, facts, unmapped = [], set(), []
    for raw in raw_services:
        if not isinstance(raw, dict):
            continue
        code, label = clean_text(raw.get("f2")), clean_text(raw.get("f1"))
        values = tuple(value for value in (clean_text(part) for part in str(raw.get("f3") or "").split(";")) if value)
        if not code:
            continue
        groups.append(ServiceGroup(code=code, label=label, values=values))
        for value in values:
            value_facts = locator_label_facts(code, value)
            if value_facts is not None:
                facts.update(value_facts)
            elif code in LOCATOR_CHECKED_CATEGORIES:
                unmapped.append(f"{code}: {value}")
    return tuple(groups), facts, unmapped


def _json_rows(rows: list[object]) -> Iterator[ProviderRecord | Rejection]:
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            yield Rejection(index, "not an object")
            continue
        services, facts, unmapped = _services(row.get("services"))
        type_facility = clean_text(row.get("typeFacility")).upper()
        if type_facility == "OTP":
            facts.update({"otp", "methadone"})
        if type_facility == "BUPREN":
            facts.add("buprenorphine")
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
            unmapped_labels=tuple(unmapped),
            **fields_from_facts(facts),
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

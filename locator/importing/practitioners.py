"""SAMHSA Buprenorphine Practitioner Locator (2020 per-state CSV) -> records.

Every row is a named clinician who opted in to being listed as prescribing buprenorphine. A file
lists one state completely, so a practitioner missing from a newer file of the same state has left.
"""

from __future__ import annotations

from collections.abc import Iterator

from locator.importing.facts import fields_from_facts
from locator.importing.normalize import clean_text
from locator.importing.records import ParsedFile, ProviderRecord, Rejection
from locator.importing.rows import build_record, csv_rows
from locator.vocabulary import Coverage, Kind, Source

FORMAT = "practitioners"
COLUMNS = {"First", "Last", "Address", "City", "State", "Postal Code", "Telephone"}


def sniff_csv(header: set[str]) -> bool:
    return COLUMNS <= header


def _records(rows: Iterator[tuple[int, dict[str, str]] | Rejection]) -> Iterator[ProviderRecord | Rejection]:
    facts = fields_from_facts({"buprenorphine"})
    for item in rows:
        if isinstance(item, Rejection):
            yield item
            continue
        row_number, row = item
        name = " ".join(
            part
            for part in (clean_text(row.get("name_prefix")), clean_text(row["First"]), clean_text(row["Last"]))
            if part
        )
        yield build_record(
            source=Source.PRACTITIONER_LOCATOR,
            row_number=row_number,
            kind=Kind.PRACTITIONER,
            name=name if clean_text(row["Last"]) else "",
            street=row["Address"],
            street2=row.get("Address Complement", ""),
            city=row["City"],
            state=row["State"],
            zip_code=row["Postal Code"],
            phone=row["Telephone"],
            **facts,
        )


def parse(text: str) -> ParsedFile:
    rows = csv_rows(text, required_columns=COLUMNS)
    return ParsedFile(Source.PRACTITIONER_LOCATOR, FORMAT, Coverage.STATES, _records(rows))

"""SAMHSA Opioid Treatment Program Directory -> records.

Three shapes: today's CSV export (`Zip Code`), the 2020 "xls" export that is really an HTML table
(`Zipcode`, `FullCertification`), and either after a trip through Excel (ZIPs without leading
zeros, Windows or Mac encodings). Every row is a certified or provisional OTP.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from html.parser import HTMLParser

from locator.importing.facts import fields_from_facts
from locator.importing.normalize import clean_text, record_key
from locator.importing.records import FileFormatError, ParsedFile, ProviderRecord, Rejection
from locator.importing.rows import build_record, check_header, csv_rows
from locator.vocabulary import Coverage, Kind, Source

FORMAT = "otp-directory"
COLUMNS = {"Program Name", "Street", "City", "State", "Zip Code", "Phone", "Certification"}
_ALIASES = {"Zipcode": "Zip Code", "ZIP Code": "Zip Code", "Zip": "Zip Code"}
_CERTIFICATIONS = {"certified", "provisional"}
_PLACEHOLDER_DBAS = {"same", "same as above", "n/a", "na", "none", "-"}
# A DBA made only of these words names no program ("Opioid Treatment Program", "Hospital Based").
_GENERIC_WORDS = {
    "otp",
    "opioid",
    "opiate",
    "treatment",
    "program",
    "methadone",
    "clinic",
    "hospital",
    "based",
    "substance",
    "abuse",
    "provider",
    "center",
    "centre",
    "services",
    "outpatient",
}
# Words that say a name is an organisation's, not a person's.
_ORGANISATION_WORDS = _GENERIC_WORDS | {
    "health",
    "healthcare",
    "care",
    "recovery",
    "counseling",
    "medical",
    "inc",
    "llc",
    "corp",
    "associates",
    "solutions",
    "systems",
    "behavioral",
    "wellness",
    "institute",
    "foundation",
    "community",
    "group",
    "house",
    "rehabilitation",
    "addiction",
    "comprehensive",
    "medicine",
    "partners",
    "network",
    "unit",
    "department",
    "university",
    "county",
    "city",
    "detox",
    "therapy",
    "therapeutic",
    "ltd",
    "pc",
    "pllc",
    "hope",
    "life",
}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.casefold()))


def display_names(program_name: str, dba: str) -> tuple[str, str]:
    """(name, second name) of a program: people know it by its "doing business as" name, with the
    legal name beside it; unless the DBA is a placeholder, generic, or a person's name."""
    if dba.casefold() in _PLACEHOLDER_DBAS or dba.casefold() == program_name.casefold() or not dba:
        return program_name, ""
    dba_words = _words(dba)
    if dba_words <= _GENERIC_WORDS or (
        not dba_words & _ORGANISATION_WORDS and _words(program_name) & _ORGANISATION_WORDS
    ):
        return program_name, dba
    return dba, program_name


def sniff_csv(header: set[str]) -> bool:
    return COLUMNS <= {_ALIASES.get(name, name) for name in header}


def sniff_html(head: str) -> bool:
    lowered = head.lstrip().lower()
    return lowered.startswith("<") and "<table" in lowered and "program name" in lowered and "certification" in lowered


def _certification_date(value: str) -> date | None:
    text = clean_text(value)
    for pattern in ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _records(rows: Iterable[tuple[int, dict[str, str]] | Rejection]) -> Iterator[ProviderRecord | Rejection]:
    for item in rows:
        if isinstance(item, Rejection):
            yield item
            continue
        row_number, row = item
        program_name, dba = clean_text(row["Program Name"]), clean_text(row.get("DBA"))
        name, name2 = display_names(program_name, dba)
        certification = clean_text(row["Certification"]).casefold()
        yield build_record(
            source=Source.OTP_DIRECTORY,
            row_number=row_number,
            kind=Kind.OTP,
            name=name,
            name2=name2,
            street=row["Street"],
            city=row["City"],
            state=row["State"],
            zip_code=row["Zip Code"],
            phone=row["Phone"],
            otp_certification=certification if certification in _CERTIFICATIONS else "",
            otp_certification_date=_certification_date(row.get("FullCertification", "")),
            key_extra=record_key(program_name) if dba else "",
            **fields_from_facts({"otp", "methadone"}),
        )


def parse_csv(text: str) -> ParsedFile:
    rows = csv_rows(text, required_columns=COLUMNS, aliases=_ALIASES)
    return ParsedFile(Source.OTP_DIRECTORY, FORMAT, Coverage.NATIONAL, _records(rows))


class _TableReader(HTMLParser):
    """The cells of every <tr> of an HTML table, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in {"td", "th"} and self.rows:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _html_rows(text: str) -> list[tuple[int, dict[str, str]] | Rejection]:
    reader = _TableReader()
    reader.feed(text)
    reader.close()
    if not reader.rows:
        raise FileFormatError("no table rows in the HTML")
    header = check_header(reader.rows[0], required_columns=COLUMNS, aliases=_ALIASES)
    rows: list[tuple[int, dict[str, str]] | Rejection] = []
    for row_number, cells in enumerate(reader.rows[1:], start=2):
        if len(cells) != len(header):
            rows.append(Rejection(row_number, f"{len(cells)} cells where the header has {len(header)}"))
        else:
            rows.append((row_number, dict(zip(header, cells))))
    return rows


def parse_html(text: str) -> ParsedFile:
    return ParsedFile(Source.OTP_DIRECTORY, FORMAT, Coverage.NATIONAL, _records(_html_rows(text)))

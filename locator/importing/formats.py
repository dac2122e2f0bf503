"""The SAMHSA formats we read, and which one a file is, told from its content, not its name.

Adding a format: a parser module and one line in FORMATS; nothing else changes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from locator.importing import directory_codes, findtreatment, otp_directory, practitioners
from locator.importing.records import FileFormatError, ParsedFile
from locator.vocabulary import Source


@dataclass(frozen=True)
class Format:
    name: str
    parse: Callable[[str], ParsedFile]
    matches_text: Callable[[str], bool] | None = None
    matches_header: Callable[[set[str]], bool] | None = None


FORMATS = (
    Format(findtreatment.JSON_FORMAT, findtreatment.parse_json, matches_text=findtreatment.sniff_json),
    Format("otp-directory-html", otp_directory.parse_html, matches_text=otp_directory.sniff_html),
    Format(otp_directory.FORMAT, otp_directory.parse_csv, matches_header=otp_directory.sniff_csv),
    Format(practitioners.FORMAT, practitioners.parse, matches_header=practitioners.sniff_csv),
    Format(directory_codes.FORMAT, directory_codes.parse, matches_header=directory_codes.sniff_csv),
    Format(findtreatment.CSV_FORMAT, findtreatment.parse_csv, matches_header=findtreatment.sniff_csv),
)
FORMAT_NAMES = tuple(format.name for format in FORMATS)
# Words in SAMHSA's own file names that say which source a file is. The content decides the format, but a
# file whose name says one source and whose content is another is a wrong download, not data to load.
NAME_SAYS_SOURCE = {
    "otp_directory": Source.OTP_DIRECTORY,
    "findtreatment": Source.FINDTREATMENT,
    "physician_locator": Source.PRACTITIONER_LOCATOR,
    "practitioner": Source.PRACTITIONER_LOCATOR,
    "national_directory": Source.NATIONAL_DIRECTORY,
    "sut_facilities": Source.LOCATOR_FACILITY_LIST,
}
_SNIFF_CHARACTERS = 16_384


def _header(head: str) -> set[str]:
    first_line = head.splitlines()[0] if head else ""
    try:
        return {cell.strip() for cell in next(csv.reader(io.StringIO(first_line)), [])}
    except csv.Error:
        return set()


def detect_format(text: str) -> Format | None:
    head = text[:_SNIFF_CHARACTERS]
    header = _header(head)
    for candidate in FORMATS:
        if candidate.matches_text and candidate.matches_text(head):
            return candidate
        if candidate.matches_header and candidate.matches_header(header):
            return candidate
    return None


def check_name_matches_content(file_name: str, parsed: ParsedFile) -> None:
    lowered = file_name.lower()
    named = {source for word, source in NAME_SAYS_SOURCE.items() if word in lowered}
    if named and parsed.source not in named:
        said = " or ".join(sorted(source.label for source in named))
        raise FileFormatError(
            f"the name says {said}, but the content is {parsed.source.label}; check that the right file was saved"
        )


def parse_text(text: str, *, format_name: str | None = None) -> ParsedFile:
    """Parse one file's text, in the named format or the one detected; FileFormatError if none fits."""
    if format_name:
        chosen = next((candidate for candidate in FORMATS if candidate.name == format_name), None)
        if chosen is None:
            raise FileFormatError(f"unknown format {format_name!r}; known: {', '.join(FORMAT_NAMES)}")
    else:
        chosen = detect_format(text)
        if chosen is None and text.lstrip()[:1] == "<":
            raise FileFormatError("a web page, not a SAMHSA export (an error page saved in its place?)")
        if chosen is None:
            raise FileFormatError("not a SAMHSA format this importer knows")
    return chosen.parse(text)

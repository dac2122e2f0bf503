"""Reading SAMHSA files row by row, and turning one row's raw fields into a record or a rejection."""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from locator.geo import is_in_us, normalize_state, normalize_zip
from locator.importing.normalize import clean_text, normalize_phone, normalize_website, record_key
from locator.importing.records import FileFormatError, ProviderRecord, Rejection
from locator.vocabulary import Kind, LocationPrecision, Source

# Bytes 0x80-0xFF read as letters in one encoding and as punctuation in another: SAMHSA's files have
# been through Excel on Windows (cp1252) and on a Mac (mac_roman). Score each reading by how much of
# it looks like the accented letters and punctuation of US place names.
_LIKELY_LETTERS = set("áéíóúñüÁÉÍÓÚÑÜàèìòùâêîôûçÇ")
_LIKELY_PUNCTUATION = set("’‘“”–—•…")


def _plausibility(text: str) -> int:
    score = 0
    for index, char in enumerate(text):
        if ord(char) < 128:
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char in _LIKELY_LETTERS:
            score += 2 if before.isalpha() or after.isalpha() else 1
        elif char in _LIKELY_PUNCTUATION:
            between_letters = before.isalpha() and after.isalpha()
            score += 1 if (char == "’" and between_letters) or not between_letters else -1
        else:
            score -= 2
    return score


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM) when it is valid, UTF-16 with its BOM (Excel's "Unicode text"), else the
    likelier of cp1252 and mac_roman. NUL bytes in anything else mean it is not a text file at all."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise FileFormatError("the file starts as UTF-16 text but does not decode as UTF-16") from None
    if b"\x00" in raw:
        raise FileFormatError("the file holds NUL bytes: it is binary or in an encoding SAMHSA does not use")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    readings = []
    for encoding in ("cp1252", "mac_roman"):
        try:
            readings.append(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    if not readings:
        raise FileFormatError("the file is neither UTF-8, Windows-1252 nor Mac Roman text")
    return max(readings, key=_plausibility)


def read_text(path: Path) -> str:
    try:
        return decode_text(path.read_bytes())
    except OSError as error:
        raise FileFormatError(f"cannot read the file: {error.strerror or error}") from error


def check_header(cells: list[str], *, required_columns: set[str], aliases: dict[str, str] | None = None) -> list[str]:
    """Column names with aliases mapped to one spelling; FileFormatError when required ones are missing."""
    header = [clean_text(cell) for cell in cells]
    header = [(aliases or {}).get(name, name) for name in header]
    missing = required_columns - set(header)
    if missing:
        raise FileFormatError(f"missing columns: {', '.join(sorted(missing))}")
    return header


def csv_rows(
    text: str, *, required_columns: set[str], aliases: dict[str, str] | None = None
) -> Iterator[tuple[int, dict[str, str]] | Rejection]:
    """(row number, row) per data row; a row with more or fewer fields than the header is a rejection.

    Row numbers count lines as a spreadsheet shows them: the header is row 1. The header is checked
    before the first row is yielded, so a file of the wrong shape fails as a whole.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = check_header(next(reader), required_columns=required_columns, aliases=aliases)
    except StopIteration:
        raise FileFormatError("the file is empty") from None
    except csv.Error as error:
        raise FileFormatError(f"the header is not readable CSV: {error}") from None
    return _csv_data_rows(reader, header, ends_with_line_break=text.endswith(("\n", "\r")))


def _numbered_rows(reader: Any) -> Iterator[tuple[int, list[str] | csv.Error]]:
    while True:
        row_number = reader.line_num + 1
        try:
            yield row_number, next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield row_number, error


def _csv_data_rows(
    reader: Any, header: list[str], *, ends_with_line_break: bool
) -> Iterator[tuple[int, dict[str, str]] | Rejection]:
    rows = _numbered_rows(reader)
    following = next(rows, None)
    data_rows = longer_rows = 0
    while following is not None:
        (row_number, fields), following = following, next(rows, None)
        # A short or broken last row with no line break after it is where a download stopped: the file
        # is cut off, and as a snapshot it would retire every program after the cut.
        cut_off = following is None and not ends_with_line_break
        if cut_off and (isinstance(fields, csv.Error) or len(fields) < len(header)):
            raise FileFormatError(f"the file ends in the middle of row {row_number}: it looks cut off")
        if isinstance(fields, csv.Error):
            yield Rejection(row_number, f"unreadable CSV: {fields}")
            continue
        if not any(field.strip() for field in fields):
            continue
        data_rows += 1
        if len(fields) != len(header):
            longer_rows += len(fields) > len(header)
            yield Rejection(row_number, f"{len(fields)} fields where the header has {len(header)}: columns would shift")
            continue
        yield row_number, dict(zip(header, fields))
    if longer_rows * 2 > data_rows:
        raise FileFormatError(
            f"{longer_rows} of {data_rows} rows have more fields than the header: the columns are shifted"
        )


_STREET_ADDRESS_RE = re.compile(
    r"^\d+\s+.*\b(street|st|avenue|ave|boulevard|blvd|road|rd|drive|dr|court|ct|lane|ln|highway|hwy|parkway|pkwy|way)"
    r"\.?$",
    re.IGNORECASE,
)


def _coordinate(value: object) -> float | None:
    text = clean_text(value)
    if not text:
        return None
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def build_record(
    *,
    source: Source,
    row_number: int,
    kind: Kind,
    name: str,
    street: str = "",
    city: str = "",
    state: str = "",
    zip_code: object = "",
    latitude: object = None,
    longitude: object = None,
    coordinates_precision: LocationPrecision = LocationPrecision.SOURCE,
    source_key: str = "",
    key_extra: str = "",
    name2: str = "",
    street2: str = "",
    phone: str = "",
    intake_phone: str = "",
    website: str = "",
    **facts: object,
) -> ProviderRecord | Rejection:
    """Validate and normalize one row. Without a `source_key` of SAMHSA's, one is made from name and address."""
    name, street, city = clean_text(name), clean_text(street), clean_text(city)
    if not name:
        return Rejection(row_number, "no name")
    if _STREET_ADDRESS_RE.match(name):
        return Rejection(row_number, f"the name {name!r} is a street address: columns shifted in the source?")
    state_code = normalize_state(clean_text(state))
    if state_code is None:
        return Rejection(row_number, f"unknown state {clean_text(state)!r}" if clean_text(state) else "no state")
    zip_text = clean_text(zip_code)
    zip5 = normalize_zip(zip_text) if zip_text else ""
    if zip5 is None:
        return Rejection(row_number, f"unreadable ZIP {zip_text!r}")
    try:
        lat, lng = _coordinate(latitude), _coordinate(longitude)
    except ValueError:
        return Rejection(row_number, f"unreadable coordinates {clean_text(latitude)!r}, {clean_text(longitude)!r}")
    if (lat is None) != (lng is None):
        lat = lng = None
    if lat is not None and lng is not None and not is_in_us(lat, lng):
        return Rejection(row_number, f"coordinates {lat}, {lng} are outside the US and its territories")
    if lat is None and not (zip5 or city):
        return Rejection(row_number, "no address and no coordinates")
    phone = normalize_phone(phone)
    # Without a street, what tells one place from another nearby is its phone, else its coordinates.
    place = street or phone or (f"{lat:.4f},{lng:.4f}" if lat is not None else "")
    return ProviderRecord(
        source=source,
        source_key=source_key or record_key(name, place, zip5 or city, key_extra),
        row_number=row_number,
        kind=kind,
        name=name,
        name2=clean_text(name2),
        street=street,
        street2=clean_text(street2),
        city=city,
        state=state_code,
        zip_code=zip5,
        phone=phone,
        intake_phone=normalize_phone(intake_phone),
        website=normalize_website(website),
        latitude=lat,
        longitude=lng,
        location_precision=coordinates_precision if lat is not None else None,
        **facts,
    )

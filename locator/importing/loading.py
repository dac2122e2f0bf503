"""SAMHSA files -> loaded records, without the database: every file read and parsed completely before
anything is written, each file's source, format, coverage and date of data told from the file itself."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from locator.importing.formats import check_name_matches_content, detect_format, parse_text
from locator.importing.records import (
    FileFormatError,
    ImportFailed,
    ProviderRecord,
    Rejection,
    combined,
    coordinates_key,
    same_place,
)
from locator.importing.report import ImportReport
from locator.importing.rows import decode_text
from locator.vocabulary import Coverage, DatePrecision, Source


@dataclass
class LoadedFile:
    path: Path
    sha256: str
    size_bytes: int
    source: Source
    format_name: str
    coverage: Coverage
    data_date: date | None
    data_date_precision: DatePrecision
    records: list[ProviderRecord]
    rejections: list[Rejection]
    # Rows that listed a place another row of the file already listed, and were combined with it.
    combined_rows: int = 0

    @property
    def rows_read(self) -> int:
        return len(self.records) + self.combined_rows + len(self.rejections)


_DATE_IN_NAME = (
    (re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)"), ("year", "month", "day")),
    (re.compile(r"(?<!\d)(\d{2})_(\d{2})_(20\d{2})(?!\d)"), ("month", "day", "year")),
    (re.compile(r"(?<!\d)(20\d{2})-(\d{2})-(\d{2})(?!\d)"), ("year", "month", "day")),
)
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def data_date_from_name(file_name: str) -> tuple[date | None, DatePrecision]:
    """The date of the data as SAMHSA's downloads name it: 20200704, 07_04_2020, 2020-07-04, or a year."""
    for pattern, order in _DATE_IN_NAME:
        for match in pattern.finditer(file_name):
            parts = dict(zip(order, map(int, match.groups())))
            try:
                return date(parts["year"], parts["month"], parts["day"]), DatePrecision.DAY
            except ValueError:
                continue
    years = _YEAR_IN_NAME.findall(file_name)
    if years:
        return date(int(years[-1]), 1, 1), DatePrecision.YEAR
    return None, DatePrecision.DAY


def _data_files(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """Each file to read, and whether it was named (True) or found in a named folder (False)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield child, False
        elif path.is_file():
            yield path, True
        else:
            raise ImportFailed(f"{path}: no such file or folder")


def _one_record_per_place(rows: list[ProviderRecord]) -> list[ProviderRecord]:
    """The records of rows that share a key. Rows of one place are one record with the services of all
    (one place listed twice); rows whose phones or coordinates differ are places of their own, each keyed
    by what tells it apart, so that the keys do not depend on the order of the rows in the file."""
    places: list[ProviderRecord] = []
    for row in rows:
        index = next((index for index, place in enumerate(places) if same_place(place, row)), None)
        if index is None:
            places.append(row)
        else:
            places[index] = combined(places[index], row)
    if len(places) == 1:
        return places
    by_key: dict[str, ProviderRecord] = {}
    for place in places:
        key = f"{place.source_key}|{place.phone or coordinates_key(place)}"
        by_key[key] = combined(by_key[key], place) if key in by_key else replace(place, source_key=key)
    return list(by_key.values())


@dataclass(frozen=True)
class DataDate:
    """The date of a file's data, and whether it is a day or only a year."""

    value: date
    precision: DatePrecision = DatePrecision.DAY


def load_file(path: Path, *, format_name: str | None = None, data_date: DataDate | None = None) -> LoadedFile:
    """Read and parse one file completely; FileFormatError if it cannot be used as a whole.

    The date of the data is the file's own (in its name, as SAMHSA names downloads), else `data_date`.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise FileFormatError(f"cannot read the file: {error.strerror or error}") from None
    parsed = parse_text(decode_text(raw), format_name=format_name)
    if format_name is None:
        check_name_matches_content(path.name, parsed)
    rows_by_key: dict[str, list[ProviderRecord]] = {}
    rejections: list[Rejection] = []
    for item in parsed.items:
        if isinstance(item, Rejection):
            rejections.append(item)
        else:
            rows_by_key.setdefault(item.source_key, []).append(item)
    records = [record for rows in rows_by_key.values() for record in _one_record_per_place(rows)]
    if not records and rejections and parsed.coverage != Coverage.PARTIAL:
        # A complete listing with nothing usable in it would retire the whole source.
        raise FileFormatError(
            f"none of its {len(rejections)} rows could be used; row {rejections[0].row_number}: {rejections[0].reason}"
        )
    named_date, named_precision = data_date_from_name(path.name)
    return LoadedFile(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        size_bytes=len(raw),
        source=parsed.source,
        format_name=parsed.format_name,
        coverage=parsed.coverage,
        data_date=named_date or (data_date.value if data_date else None),
        data_date_precision=named_precision if named_date or not data_date else data_date.precision,
        records=records,
        rejections=rejections,
        combined_rows=sum(len(rows) for rows in rows_by_key.values()) - len(records),
    )


def load_files(
    paths: Iterable[Path],
    *,
    format_name: str | None = None,
    data_date: DataDate | None = None,
    report: ImportReport,
    progress: Callable[[Iterable[Any]], Iterable[Any]] = iter,
    log: Callable[[str], None] = lambda line: None,
) -> list[LoadedFile]:
    """Parse every file; files in folders that are no SAMHSA format are listed in the report and skipped."""
    loaded = []
    for path, named in progress(list(_data_files(paths))):
        started = time.monotonic()
        if not named and format_name is None:
            try:
                head = decode_text(path.read_bytes()[:65_536])
            except (OSError, FileFormatError):
                head = ""
            if detect_format(head) is None:
                report.not_samhsa_files.append(str(path))
                continue
        try:
            item = load_file(path, format_name=format_name, data_date=data_date)
            if data_date and item.data_date != data_date.value:
                named = (
                    str(item.data_date.year)
                    if item.data_date_precision == DatePrecision.YEAR
                    else item.data_date.isoformat()
                )
                report.dates_from_names.append(f"{path.name} ({named})")
        except FileFormatError as error:
            raise ImportFailed(f"{path}: {error}") from None
        report.for_source(item.source).seconds += time.monotonic() - started
        log(
            f"read {path.name}: {item.format_name}, {item.rows_read} rows, "
            f"{len(item.rejections)} rejected, data of {item.data_date or 'unknown date'}"
        )
        loaded.append(item)
    return loaded

"""Records -> database: atomic, idempotent, set-based, and reported.

Every file is parsed completely before anything is written; then one transaction applies them all,
snapshot by snapshot in date order, so a failure anywhere leaves the directory exactly as it was.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from locator import gazetteer
from locator.geocoding import address_query, cached_locations
from locator.importing.formats import check_name_matches_content, detect_format, parse_text
from locator.importing.merge import RecordState, merge_provider, payload_hash, record_payload
from locator.importing.normalize import address_key, name_key, name_similarity, name_street_key, phone_key
from locator.importing.records import (
    Coverage,
    DatePrecision,
    FileFormatError,
    Kind,
    Precision,
    ProviderRecord,
    Rejection,
    Source,
)
from locator.importing.rows import decode_text
from locator.models import Provider, SourceFile, SourceRecord

_CHUNK = 500
# Names this alike (share of words, 0 to 1) are the same program's.
_ALIKE = 0.5
LINK_ORDER = (
    Source.OTP_DIRECTORY,
    Source.FINDTREATMENT,
    Source.NATIONAL_DIRECTORY,
    Source.LOCATOR_FACILITY_LIST,
    Source.PRACTITIONER_LOCATOR,
)
_REJECTION_SAMPLES = 5


class ImportFailed(Exception):
    """Nothing was imported; the message says which file and why."""


@dataclass
class SourceReport:
    source: Source
    files: int = 0
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    rejected: int = 0
    linked: int = 0
    approximate: int = 0
    not_located: int = 0
    rejection_samples: list[str] = field(default_factory=list)
    unmapped_labels: Counter[str] = field(default_factory=Counter)
    skipped_older: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class ImportReport:
    sources: dict[Source, SourceReport] = field(default_factory=dict)
    not_samhsa_files: list[str] = field(default_factory=list)
    providers_created: int = 0
    seconds: float = 0.0

    def for_source(self, source: Source) -> SourceReport:
        return self.sources.setdefault(source, SourceReport(source))


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


def load_file(path: Path, *, format_name: str | None = None, data_date: date | None = None) -> LoadedFile:
    """Read and parse one file completely; FileFormatError if it cannot be used as a whole."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise FileFormatError(f"cannot read the file: {error.strerror or error}") from None
    parsed = parse_text(decode_text(raw), format_name=format_name)
    if format_name is None:
        check_name_matches_content(path.name, parsed)
    records: list[ProviderRecord] = []
    rejections: list[Rejection] = []
    first_row_of_key: dict[str, int] = {}
    for item in parsed.items:
        if isinstance(item, Rejection):
            rejections.append(item)
        elif item.source_key in first_row_of_key:
            rejections.append(
                Rejection(item.row_number, f"same provider as row {first_row_of_key[item.source_key]} (duplicate)")
            )
        else:
            first_row_of_key[item.source_key] = item.row_number
            records.append(item)
    if not records and rejections and parsed.coverage != Coverage.PARTIAL:
        # A complete listing with nothing usable in it would retire the whole source.
        raise FileFormatError(
            f"none of its {len(rejections)} rows could be used; row {rejections[0].row_number}: {rejections[0].reason}"
        )
    named_date, precision = data_date_from_name(path.name)
    return LoadedFile(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        size_bytes=len(raw),
        source=parsed.source,
        format_name=parsed.format_name,
        coverage=parsed.coverage,
        data_date=data_date or named_date,
        data_date_precision=DatePrecision.DAY if data_date else precision,
        records=records,
        rejections=rejections,
    )


def load_files(
    paths: Iterable[Path],
    *,
    format_name: str | None = None,
    data_date: date | None = None,
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
        except FileFormatError as error:
            raise ImportFailed(f"{path}: {error}") from None
        report.for_source(item.source).seconds += time.monotonic() - started
        log(
            f"read {path.name}: {item.format_name}, {len(item.records) + len(item.rejections)} rows, "
            f"{len(item.rejections)} rejected, data of {item.data_date or 'unknown date'}"
        )
        loaded.append(item)
    return loaded


@dataclass
class _Existing:
    """A source record as stored (id), or as it will be stored at the end of the run (row, record_state)."""

    id: int | None
    provider: _ProviderRef
    content_hash: str
    location: tuple[float | None, float | None, str]
    active: bool
    state: str
    row: SourceRecord | None = None
    record_state: RecordState | None = None

    def set_pending(self, row: SourceRecord, record_state: RecordState) -> None:
        """Replace what an earlier file of this run said, before anything of it is written."""
        pending = self.provider.pending
        pending[pending.index(self.record_state)] = record_state
        row.first_seen = self.row.first_seen
        self.row, self.record_state = row, record_state


@dataclass(eq=False)
class _ProviderRef:
    """A provider during the import: one already stored (id), or one to create from its pending records."""

    id: int | None
    names: set[str]
    pending: list[RecordState] = field(default_factory=list)


def _record_names(record: ProviderRecord) -> set[str]:
    return {key for key in (name_key(record.name), name_key(record.name2)) if key}


class _Importer:
    def __init__(self, report: ImportReport, *, is_sample: bool):
        self.report = report
        self.is_sample = is_sample
        self.now = timezone.now()
        self.existing_by_source: dict[Source, dict[str, _Existing]] = {}
        self.by_address: dict[str, list[_ProviderRef]] = defaultdict(list)
        self.by_phone: dict[str, list[_ProviderRef]] = defaultdict(list)
        self.by_name_street: dict[str, list[_ProviderRef]] = defaultdict(list)
        self.refs_by_id: dict[int, _ProviderRef] = {}
        self.dirty: set[int] = set()
        self.pending_records: list[_Existing] = []
        self.new_refs: list[_ProviderRef] = []
        self.otp_directory_changed = False
        rows = Provider.objects.exclude(kind=Kind.PRACTITIONER).values_list(
            "id", "address_key", "phone_key", "name", "name2", "state"
        )
        for provider_id, provider_address_key, provider_phone_key, name, name2, state in rows.iterator(chunk_size=5000):
            ref = _ProviderRef(provider_id, {key for key in (name_key(name), name_key(name2)) if key})
            self.refs_by_id[provider_id] = ref
            self._index(ref, provider_address_key, provider_phone_key, state)

    def _index(self, ref: _ProviderRef, address: str, phone: str, state: str) -> None:
        if address:
            self.by_address[address].append(ref)
            for name in ref.names:
                self.by_name_street[name_street_key(name, address, state)].append(ref)
        if phone:
            self.by_phone[phone].append(ref)

    def _ref(self, provider_id: int) -> _ProviderRef:
        if provider_id not in self.refs_by_id:
            self.refs_by_id[provider_id] = _ProviderRef(provider_id, set())
        return self.refs_by_id[provider_id]

    def existing(self, source: Source) -> dict[str, _Existing]:
        if source not in self.existing_by_source:
            rows = SourceRecord.objects.filter(source=source).values_list(
                "id",
                "source_key",
                "provider_id",
                "content_hash",
                "latitude",
                "longitude",
                "location_precision",
                "active",
                "payload__state",
            )
            self.existing_by_source[source] = {
                key: _Existing(record_id, self._ref(provider_id), content, (lat, lng, precision), active, state)
                for record_id, key, provider_id, content, lat, lng, precision, active, state in rows.iterator(
                    chunk_size=5000
                )
            }
        return self.existing_by_source[source]

    def _locate(
        self, records: list[ProviderRecord], report: SourceReport
    ) -> list[tuple[float | None, float | None, str]]:
        """Coordinates for every record: SAMHSA's, else a geocoded address, else ZIP or city centre."""
        queries = {
            index: address_query(record.street, record.city, record.state, record.zip_code)
            for index, record in enumerate(records)
            if record.latitude is None and record.street
        }
        geocoded = cached_locations(queries.values())
        locations = []
        for index, record in enumerate(records):
            if record.latitude is not None:
                locations.append((record.latitude, record.longitude, record.location_precision.value))
            elif queries.get(index) in geocoded:
                latitude, longitude = geocoded[queries[index]]
                locations.append((latitude, longitude, Precision.ADDRESS.value))
            elif (place := gazetteer.zip_place(record.zip_code)) is not None and place.state == record.state:
                locations.append((place.latitude, place.longitude, Precision.ZIP_CENTROID.value))
                report.approximate += 1
            elif (centroid := gazetteer.city_centroid(record.city, record.state)) is not None:
                # Also where the ZIP lies in another state: a typo ("5032" in Iowa) must not move a pin there.
                locations.append((centroid[0], centroid[1], Precision.CITY_CENTROID.value))
                report.approximate += 1
            else:
                locations.append((None, None, ""))
                report.not_located += 1
        return locations

    def _link(self, record: ProviderRecord, claimed: dict[_ProviderRef, set[str]]) -> _ProviderRef | None:
        """The provider this new record describes too, if another listing already names the same place.

        - Same address (or same name and street in the state): the same place, unless several
          providers share the address and none has a name like this one's (a building of many programs).
        - Same phone in the same ZIP at another address: the same place only if the names are alike
          (a central intake number is shared by sites that are not one place).
        - Within one snapshot, two listings at one address are one place only if their names agree
          (the locator lists one facility once as SA and once as MH).
        """
        if record.kind == Kind.PRACTITIONER:
            return None
        names = _record_names(record)
        address = address_key(record.street, record.zip_code)
        at_address = self.by_address.get(address, []) if address else []
        for name in names:
            at_address = at_address + self.by_name_street.get(name_street_key(name, address, record.state), [])
        phone = phone_key(record.phone, record.zip_code)
        same_phone = self.by_phone.get(phone, []) if phone else []
        candidates = []
        for order, ref in enumerate(dict.fromkeys(at_address + same_phone)):
            here = ref in at_address
            if ref in claimed and not (here and names & claimed[ref]):
                continue
            similarity = max((name_similarity(mine, theirs) for mine in names for theirs in ref.names), default=0.0)
            alike = similarity >= _ALIKE
            if not here and not alike:
                continue
            candidates.append((alike, here, ref in same_phone, similarity, -order, ref))
        if not candidates:
            return None
        best = max(candidates, key=lambda candidate: candidate[:5])
        alike, here, same_number = best[:3]
        if not alike and not same_number and len(set(at_address)) > 1:
            return None
        return best[5]

    def _is_older_than_loaded(self, loaded: LoadedFile, states: set[str]) -> bool:
        if loaded.data_date is None:
            return False
        newer = SourceFile.objects.filter(source=loaded.source, data_date__gt=loaded.data_date)
        if loaded.coverage == Coverage.STATES:
            return any(
                coverage != Coverage.STATES or states & set(file_states)
                for coverage, file_states in newer.values_list("coverage", "states")
            )
        return newer.exists()

    def apply(self, loaded: LoadedFile) -> None:
        report = self.report.for_source(loaded.source)
        report.files += 1
        report.read += len(loaded.records) + len(loaded.rejections)
        report.rejected += len(loaded.rejections)
        for rejection in loaded.rejections:
            if len(report.rejection_samples) < _REJECTION_SAMPLES:
                report.rejection_samples.append(f"{loaded.path.name} row {rejection.row_number}: {rejection.reason}")
        report.unmapped_labels.update(label for record in loaded.records for label in record.unmapped_labels)
        states = {record.state for record in loaded.records}
        if self._is_older_than_loaded(loaded, states):
            report.skipped_older.append(loaded.path.name)
            return

        source_file = SourceFile.objects.create(
            source=loaded.source,
            format_name=loaded.format_name,
            file_name=loaded.path.name,
            sha256=loaded.sha256,
            size_bytes=loaded.size_bytes,
            data_date=loaded.data_date,
            data_date_precision=loaded.data_date_precision,
            coverage=loaded.coverage,
            states=sorted(states) if loaded.coverage == Coverage.STATES else [],
            is_sample=self.is_sample,
            imported_at=self.now,
            rows_read=len(loaded.records) + len(loaded.rejections),
            rows_rejected=len(loaded.rejections),
        )
        existing = self.existing(loaded.source)
        locations = self._locate(loaded.records, report)
        claimed: dict[_ProviderRef, set[str]] = defaultdict(set)
        seen_keys = set()
        unchanged_ids: list[int] = []
        changed: list[SourceRecord] = []

        for record in loaded.records:
            if record.source_key in existing:
                claimed[existing[record.source_key].provider].update(_record_names(record))
        for record, (latitude, longitude, precision) in zip(loaded.records, locations):
            seen_keys.add(record.source_key)
            payload = record_payload(record)
            content_hash = payload_hash(payload)
            location = (latitude, longitude, precision)
            old = existing.get(record.source_key)
            row = SourceRecord(
                source=loaded.source,
                source_key=record.source_key,
                source_file=source_file,
                row_number=record.row_number,
                content_hash=content_hash,
                payload=payload,
                latitude=latitude,
                longitude=longitude,
                location_precision=precision,
                active=True,
                first_seen=self.now,
                last_seen=self.now,
            )
            state = RecordState(
                loaded.source,
                payload,
                loaded.data_date,
                True,
                latitude,
                longitude,
                precision,
                self.now,
                self.now,
                self.is_sample,
            )
            if old is not None:
                if old.content_hash == content_hash and old.location == location and old.active:
                    report.unchanged += 1
                    if old.id is None:
                        old.row.source_file = source_file
                    else:
                        unchanged_ids.append(old.id)
                    continue
                report.updated += 1
                old.content_hash, old.location, old.active, old.state = content_hash, location, True, record.state
                if old.id is None:
                    old.set_pending(row, state)
                else:
                    self._mark_dirty(old.provider)
                    row.id = old.id
                    changed.append(row)
                continue
            ref = self._link(record, claimed)
            if ref is None:
                ref = _ProviderRef(None, _record_names(record))
                self.new_refs.append(ref)
                self._index(
                    ref,
                    address_key(record.street, record.zip_code),
                    phone_key(record.phone, record.zip_code),
                    record.state,
                )
            else:
                report.linked += 1
                self._mark_dirty(ref)
                ref.names |= _record_names(record)
            claimed[ref].update(_record_names(record))
            ref.pending.append(state)
            existing[record.source_key] = _Existing(None, ref, content_hash, location, True, record.state, row, state)
            self.pending_records.append(existing[record.source_key])
            report.created += 1

        SourceRecord.objects.bulk_update(
            changed,
            [
                "source_file",
                "row_number",
                "content_hash",
                "payload",
                "latitude",
                "longitude",
                "location_precision",
                "active",
                "last_seen",
            ],
            batch_size=_CHUNK,
        )
        self._touch(unchanged_ids, source_file)
        deactivated = self._deactivate(loaded, existing, seen_keys, states)
        report.deactivated += deactivated
        if loaded.source == Source.OTP_DIRECTORY and (len(unchanged_ids) < len(loaded.records) or deactivated):
            self.otp_directory_changed = True

    def _mark_dirty(self, ref: _ProviderRef) -> None:
        """Remember to re-merge a stored provider; one still to be created is merged when it is."""
        if ref.id is not None:
            self.dirty.add(ref.id)

    def _touch(self, record_ids: list[int], source_file: SourceFile) -> None:
        for start in range(0, len(record_ids), _CHUNK):
            chunk = record_ids[start : start + _CHUNK]
            SourceRecord.objects.filter(id__in=chunk).update(last_seen=self.now, source_file=source_file)
            Provider.objects.filter(records__id__in=chunk).update(last_seen=self.now)

    def _deactivate(self, loaded: LoadedFile, existing: dict[str, _Existing], seen: set[str], states: set[str]) -> int:
        """Mark inactive what a complete snapshot no longer lists; a partial one proves nothing."""
        if loaded.coverage == Coverage.PARTIAL:
            return 0
        gone = [
            entry
            for key, entry in existing.items()
            if entry.active and key not in seen and (loaded.coverage == Coverage.NATIONAL or entry.state in states)
        ]
        for entry in gone:
            entry.active = False
            if entry.id is None:
                entry.row.active = False
                entry.set_pending(entry.row, replace(entry.record_state, active=False))
            else:
                self._mark_dirty(entry.provider)
        ids = [entry.id for entry in gone if entry.id is not None]
        for start in range(0, len(ids), _CHUNK):
            SourceRecord.objects.filter(id__in=ids[start : start + _CHUNK]).update(active=False)
        return len(gone)

    def finish(self) -> None:
        """Write providers once each: new ones whole, stored ones only where their merge changed."""
        otp_directory_date = latest_otp_directory_date()
        if self.otp_directory_changed:
            # Whether a facility counts as an OTP depends on the newest OTP Directory, not only on its own records.
            self.dirty.update(
                Provider.objects.filter(Q(is_otp=True) | Q(offers_methadone=True)).values_list("id", flat=True)
            )
        providers = [
            Provider(**merge_provider(ref.pending, otp_directory_date=otp_directory_date)) for ref in self.new_refs
        ]
        Provider.objects.bulk_create(providers, batch_size=_CHUNK)
        for ref, provider in zip(self.new_refs, providers):
            ref.id = provider.pk
        self.report.providers_created += len(providers)
        self._update_dirty()
        for entry in self.pending_records:
            entry.row.provider_id = entry.provider.id
        SourceRecord.objects.bulk_create([entry.row for entry in self.pending_records], batch_size=_CHUNK)

    def _update_dirty(self) -> None:
        pending_by_id = {ref.id: ref.pending for ref in self.refs_by_id.values() if ref.pending}
        remerge_providers(self.dirty, pending_by_id)


def latest_otp_directory_date() -> date | None:
    return (
        SourceFile.objects.filter(source=Source.OTP_DIRECTORY, coverage=Coverage.NATIONAL, data_date__isnull=False)
        .order_by("-data_date")
        .values_list("data_date", flat=True)
        .first()
    )


def remerge_providers(provider_ids: Iterable[int], pending_by_id: dict[int, list[RecordState]] | None = None) -> int:
    """Re-merge stored providers from their stored records (and records about to be stored).

    Writes only the fields whose merged value changed; returns how many providers changed.
    """
    ids = sorted(provider_ids)
    otp_directory_date = latest_otp_directory_date()
    updated = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        states: dict[int, list[RecordState]] = defaultdict(list)
        rows = SourceRecord.objects.filter(provider_id__in=chunk).values_list(
            "provider_id",
            "source",
            "payload",
            "source_file__data_date",
            "active",
            "latitude",
            "longitude",
            "location_precision",
            "first_seen",
            "last_seen",
            "source_file__is_sample",
        )
        for provider_id, *values in rows:
            states[provider_id].append(RecordState(*values))
        by_changed_fields: dict[tuple[str, ...], list[Provider]] = defaultdict(list)
        for provider in Provider.objects.filter(id__in=chunk):
            merged = merge_provider(
                states[provider.id] + (pending_by_id or {}).get(provider.id, []), otp_directory_date=otp_directory_date
            )
            changed = tuple(name for name, value in merged.items() if getattr(provider, name) != value)
            for name in changed:
                setattr(provider, name, merged[name])
            if changed:
                by_changed_fields[changed].append(provider)
                updated += 1
        for fields, providers in by_changed_fields.items():
            Provider.objects.bulk_update(providers, fields)
    return updated


def _refresh_planner_statistics() -> None:
    """Let the database's query planner see the new directory, so that searches use the right index."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Provider._meta.db_table)}")


def import_files(
    paths: Iterable[Path],
    *,
    format_name: str | None = None,
    data_date: date | None = None,
    is_sample: bool = False,
    progress: Callable[[Iterable[Any]], Iterable[Any]] = iter,
    log: Callable[[str], None] = lambda line: None,
) -> ImportReport:
    """Import SAMHSA files and folders into the directory, all or nothing; ImportFailed if nothing was.

    `progress` wraps the iterations over files (a progress bar); `log` receives a line per file.
    """
    started = time.monotonic()
    report = ImportReport()
    loaded = load_files(paths, format_name=format_name, data_date=data_date, report=report, progress=progress, log=log)
    # Sources in LINK_ORDER, so that the listings that name programs most precisely are there first
    # for the others to be linked to; within a source, older snapshots first, so that the newest
    # decides what is still listed.
    loaded.sort(key=lambda item: (LINK_ORDER.index(item.source), item.data_date or date.min, item.path.name))
    with transaction.atomic():
        importer = _Importer(report, is_sample=is_sample)
        for item in progress(loaded):
            applied = time.monotonic()
            importer.apply(item)
            report.for_source(item.source).seconds += time.monotonic() - applied
            log(f"applied {item.path.name}")
        log("writing providers")
        importer.finish()
    _refresh_planner_statistics()
    report.seconds = time.monotonic() - started
    return report

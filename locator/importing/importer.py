"""Loaded records -> database: atomic, idempotent, set-based, and reported.

Every file is loaded completely first (locator.importing.loading); then one transaction applies them all,
snapshot by snapshot in date order, so a failure anywhere leaves the directory exactly as it was. Each
new listing is placed (placing), linked to a provider that another listing already names (linking), and
every provider whose listings changed is merged again from them (merge).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from locator.importing.history import History, Update
from locator.importing.linking import LinkIndex, ProviderRef, record_names
from locator.importing.loading import DataDate, LoadedFile, load_files
from locator.importing.merge import (
    RecordState,
    latest_otp_directory_date,
    merged_provider,
    payload_hash,
    record_payload,
    remerge_providers,
)
from locator.importing.normalize import name_key
from locator.importing.placing import Placement, place_records
from locator.importing.planner import refresh_planner_statistics
from locator.importing.records import ProviderRecord
from locator.importing.report import ImportReport, SourceReport, unknown_labels_by_category
from locator.models import ListingChange, Provider, SourceFile, SourceRecord
from locator.vocabulary import IMPORT_ORDER, Coverage, Source

_CHUNK = 500
# What a changed listing rewrites of its stored record.
_CHANGED_RECORD_FIELDS = ("source_file", "row_number", "content_hash", "payload", "latitude", "longitude")
_CHANGED_RECORD_FIELDS += ("location_precision", "location_note", "active", "last_seen")
_PLACEMENT_COLUMNS = ("latitude", "longitude", "location_precision", "location_note")


@dataclass
class _Existing:
    """A source record as stored (`id`), or as it will be stored at the end of the run (`row`, `record_state`)."""

    id: int | None
    provider: ProviderRef
    content_hash: str
    placement: Placement
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


class _Importer:
    def __init__(self, report: ImportReport, *, is_sample: bool):
        self.report = report
        self.is_sample = is_sample
        self.now = timezone.now()
        self.existing_by_source: dict[Source, dict[str, _Existing]] = {}
        self.links = LinkIndex()
        self.refs_by_id: dict[int, ProviderRef] = {}
        self.dirty: set[int] = set()
        self.pending_records: list[_Existing] = []
        self.new_refs: list[ProviderRef] = []
        self.otp_directory_changed = False
        self.history = History()
        rows = Provider.objects.values("id", "kind", "address_key", "phone_key", "name", "name2", "city", "state")
        for row in rows.iterator(chunk_size=5000):
            names = {key for key in (name_key(row["name"]), name_key(row["name2"])) if key}
            self.links.add_stored(self.refs_by_id.setdefault(row["id"], ProviderRef(row["id"], names)), row)

    def _ref(self, provider_id: int) -> ProviderRef:
        if provider_id not in self.refs_by_id:
            self.refs_by_id[provider_id] = ProviderRef(provider_id, set())
        return self.refs_by_id[provider_id]

    def existing(self, source: Source) -> dict[str, _Existing]:
        if source not in self.existing_by_source:
            rows = SourceRecord.objects.filter(source=source).values(
                "id",
                "source_key",
                "provider_id",
                "content_hash",
                *_PLACEMENT_COLUMNS,
                "active",
                "payload__state",
            )
            self.existing_by_source[source] = {
                row["source_key"]: _Existing(
                    id=row["id"],
                    provider=self._ref(row["provider_id"]),
                    content_hash=row["content_hash"],
                    placement=Placement(*(row[name] for name in _PLACEMENT_COLUMNS)),
                    active=row["active"],
                    state=row["payload__state"],
                )
                for row in rows.iterator(chunk_size=5000)
            }
        return self.existing_by_source[source]

    def _is_older_than_loaded(self, loaded: LoadedFile, states: set[str]) -> bool:
        if loaded.data_date is None:
            return False
        newer = SourceFile.objects.filter(source=loaded.source, data_date__gt=loaded.data_date)
        if loaded.coverage == Coverage.NATIONAL:
            return newer.exists()
        # Some states, or one query's answer: older only than a newer file about the same states.
        return any(
            coverage == Coverage.NATIONAL or states & set(file_states)
            for coverage, file_states in newer.values_list("coverage", "states")
        )

    def _source_file(self, loaded: LoadedFile, states: set[str], unknown_labels: Counter) -> SourceFile:
        return SourceFile.objects.create(
            source=loaded.source,
            format_name=loaded.format_name,
            file_name=loaded.path.name,
            sha256=loaded.sha256,
            size_bytes=loaded.size_bytes,
            data_date=loaded.data_date,
            data_date_precision=loaded.data_date_precision,
            coverage=loaded.coverage,
            states=sorted(states) if loaded.coverage != Coverage.NATIONAL else [],
            is_sample=self.is_sample,
            imported_at=self.now,
            rows_read=loaded.rows_read,
            rows_rejected=len(loaded.rejections),
            unknown_labels=unknown_labels_by_category(unknown_labels),
        )

    def apply(self, loaded: LoadedFile) -> None:
        report = self.report.for_source(loaded.source)
        report.files += 1
        report.read += loaded.rows_read
        report.combined += loaded.combined_rows
        report.rejected += len(loaded.rejections)
        for rejection in loaded.rejections:
            report.add_rejection_sample(f"{loaded.path.name} row {rejection.row_number}: {rejection.reason}")
        file_unknown_labels = Counter(label for record in loaded.records for label in record.unknown_labels)
        report.unknown_labels.update(file_unknown_labels)
        report.offers_and_denies_moud += sum(record.offers_and_denies_moud for record in loaded.records)
        states = {record.state for record in loaded.records}
        if self._is_older_than_loaded(loaded, states):
            report.skipped_older.append(loaded.path.name)
            return

        source_file = self._source_file(loaded, states, file_unknown_labels)
        existing = self.existing(loaded.source)
        claimed: dict[ProviderRef, set[str]] = defaultdict(set)
        for record in loaded.records:
            if record.source_key in existing:
                claimed[existing[record.source_key].provider].update(record_names(record))
        unchanged_ids: list[int] = []
        changed: list[SourceRecord] = []
        updates: list[Update] = []
        for record, placement in zip(loaded.records, place_records(loaded.records, report)):
            payload = record_payload(record)
            row = SourceRecord(
                source=loaded.source,
                source_key=record.source_key,
                source_file=source_file,
                row_number=record.row_number,
                content_hash=payload_hash(payload),
                payload=payload,
                latitude=placement.latitude,
                longitude=placement.longitude,
                location_precision=placement.precision,
                location_note=placement.note,
                active=True,
                first_seen=self.now,
                last_seen=self.now,
            )
            state = RecordState(
                source=loaded.source,
                payload=payload,
                data_date=loaded.data_date,
                active=True,
                latitude=placement.latitude,
                longitude=placement.longitude,
                location_precision=placement.precision,
                first_seen=self.now,
                last_seen=self.now,
                is_sample=self.is_sample,
            )
            old = existing.get(record.source_key)
            if old is None:
                existing[record.source_key] = self._add_new(record, row, state, claimed, report)
                self.history.add(existing[record.source_key], source_file, ListingChange.Change.ADDED)
            elif old.content_hash == row.content_hash and old.placement == placement and old.active:
                report.unchanged += 1
                if old.id is None:
                    old.row.source_file = source_file
                else:
                    unchanged_ids.append(old.id)
            else:
                report.updated += 1
                old_payload = old.row.payload if old.id is None else None
                updates.append(Update(old, old.active, old.placement != placement, old_payload, payload))
                old.content_hash, old.placement, old.active, old.state = row.content_hash, placement, True, record.state
                if old.id is None:
                    old.set_pending(row, state)
                else:
                    self._mark_dirty(old.provider)
                    row.id = old.id
                    changed.append(row)

        self.history.add_updates(source_file, updates)
        SourceRecord.objects.bulk_update(changed, _CHANGED_RECORD_FIELDS, batch_size=_CHUNK)
        self._touch(unchanged_ids, source_file)
        seen_keys = {record.source_key for record in loaded.records}
        deactivated = self._deactivate(loaded, source_file, seen_keys, states)
        report.deactivated += deactivated
        if loaded.source == Source.OTP_DIRECTORY and (len(unchanged_ids) < len(loaded.records) or deactivated):
            self.otp_directory_changed = True

    def _add_new(
        self,
        record: ProviderRecord,
        row: SourceRecord,
        state: RecordState,
        claimed: dict[ProviderRef, set[str]],
        report: SourceReport,
    ) -> _Existing:
        """A listing not seen before: linked to the provider it also describes, else a new provider."""
        ref = self.links.link(record, claimed)
        if ref is None:
            ref = ProviderRef(None, record_names(record))
            self.new_refs.append(ref)
            self.links.add_record(ref, record)
        else:
            report.linked += 1
            self._mark_dirty(ref)
            ref.names |= record_names(record)
        claimed[ref].update(record_names(record))
        ref.pending.append(state)
        entry = _Existing(
            id=None,
            provider=ref,
            content_hash=row.content_hash,
            placement=Placement(row.latitude, row.longitude, row.location_precision, row.location_note),
            active=True,
            state=record.state,
            row=row,
            record_state=state,
        )
        self.pending_records.append(entry)
        report.created += 1
        return entry

    def _mark_dirty(self, ref: ProviderRef) -> None:
        """Remember to re-merge a stored provider; one still to be created is merged when it is."""
        if ref.id is not None:
            self.dirty.add(ref.id)

    def _touch(self, record_ids: list[int], source_file: SourceFile) -> None:
        for start in range(0, len(record_ids), _CHUNK):
            chunk = record_ids[start : start + _CHUNK]
            SourceRecord.objects.filter(id__in=chunk).update(last_seen=self.now, source_file=source_file)
            Provider.objects.filter(records__id__in=chunk).update(last_seen=self.now)

    def _deactivate(self, loaded: LoadedFile, file: SourceFile, seen: set[str], states: set[str]) -> int:
        """Mark inactive what a complete snapshot no longer lists; a partial one proves nothing."""
        if loaded.coverage == Coverage.PARTIAL:
            return 0
        existing = self.existing(loaded.source)
        gone = [
            entry
            for key, entry in existing.items()
            if entry.active and key not in seen and (loaded.coverage == Coverage.NATIONAL or entry.state in states)
        ]
        for entry in gone:
            self.history.add(entry, file, ListingChange.Change.REMOVED)
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
        providers = [merged_provider(ref.pending, otp_directory_date=otp_directory_date) for ref in self.new_refs]
        Provider.objects.bulk_create(providers, batch_size=_CHUNK)
        for ref, provider in zip(self.new_refs, providers):
            ref.id = provider.pk
        self.report.providers_created += len(providers)
        remerge_providers(self.dirty, {ref.id: ref.pending for ref in self.refs_by_id.values() if ref.pending})
        for entry in self.pending_records:
            entry.row.provider_id = entry.provider.id
        SourceRecord.objects.bulk_create([entry.row for entry in self.pending_records], batch_size=_CHUNK)
        self.history.write()


def import_files(
    paths: Iterable[Path],
    *,
    format_name: str | None = None,
    data_date: DataDate | None = None,
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
    # Within a source, older snapshots first, so that the newest decides what is still listed.
    loaded.sort(key=lambda item: (IMPORT_ORDER.index(item.source), item.data_date or date.min, item.path.name))
    with transaction.atomic():
        importer = _Importer(report, is_sample=is_sample)
        for item in progress(loaded):
            applied = time.monotonic()
            importer.apply(item)
            report.for_source(item.source).seconds += time.monotonic() - applied
            log(f"applied {item.path.name}")
        log("writing providers")
        importer.finish()
    refresh_planner_statistics()
    report.seconds = time.monotonic() - started
    return report

"""Fetch SAMHSA's current data from its public endpoints, keep every raw download, and import it.

A sync is a folder under LOCATOR_SYNC_DIR: each raw response as received, a manifest of what was
fetched when, and the two files the importer reads (the FindTreatment sweep as one JSON snapshot,
the OTP Directory CSV). Nothing is imported unless the whole sweep arrived and passed sanity checks;
the import itself is all or nothing. A failed sync can be resumed: pages already fetched are reused.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from locator import gazetteer
from locator.importing.formats import parse_text
from locator.importing.importer import import_files
from locator.importing.records import FileFormatError, ProviderRecord
from locator.importing.report import ImportReport
from locator.importing.rows import read_text
from locator.models import SourceFile
from locator.vocabulary import Coverage, Source

# FindTreatment.gov's own state numbers (API documentation v1.9, appendix B), not FIPS codes.
FINDTREATMENT_STATE_IDS = {
    "AL": 19, "AK": 20, "AZ": 21, "AR": 22, "CA": 23, "CO": 24, "CT": 25, "DE": 26, "DC": 27, "FL": 28,
    "GA": 29, "HI": 30, "ID": 31, "IL": 32, "IN": 33, "IA": 34, "KS": 35, "KY": 36, "LA": 37, "ME": 1,
    "MD": 18, "MA": 3, "MI": 2, "MN": 38, "MS": 39, "MO": 40, "MT": 4, "NE": 41, "NV": 12, "NH": 42,
    "NJ": 13, "NM": 43, "NY": 5, "NC": 6, "ND": 44, "OH": 7, "OK": 45, "OR": 46, "PA": 8, "RI": 9,
    "SC": 47, "SD": 48, "TN": 10, "TX": 11, "UT": 14, "VT": 49, "VA": 50, "WA": 15, "WV": 51, "WI": 16,
    "WY": 52,
}  # fmt: skip
# Territories have no state number: a distance search around them, limited to their state code.
TERRITORY_RADIUS_METRES = 400_000
TERRITORIES = ("PR", "VI", "GU", "AS", "MP")
# sCodes is an AND of services, so "any of the three medications" takes one sweep per medication.
MEDICATION_CODES = ("BU", "METH", "NU")
SANITY_SHARE_OF_PREVIOUS = 0.5
# A query (one medication in one state) that answered with at least this many rows last time is
# expected to answer again: none, or less than half, means the API lost that state, not its programs.
QUERY_ROWS_WORTH_CHECKING = 20
QUERY_ROWS_FILE = "query_rows.json"
MAX_PAGES_PER_QUERY = 200
SWEEP_PREFIX = "findtreatment_sweep_"


class SyncFailed(Exception):
    """The sync cannot go on; the directory is as it was."""


@dataclass(frozen=True)
class Query:
    medication_code: str
    region: str
    params: dict[str, str]

    def page_file(self, page: int) -> str:
        return f"{self.medication_code}_{self.region}_p{page}.json"


@dataclass
class SyncReport:
    folder: Path
    fetched: int = 0
    reused: int = 0
    findtreatment_rows: int = 0
    otp_programs: int = 0
    imported: ImportReport | None = None
    notes: list[str] = field(default_factory=list)


def findtreatment_queries(page_size: int) -> Iterator[Query]:
    """A national sweep: every state by its number, every territory by distance, for each medication."""
    for code in MEDICATION_CODES:
        for state, state_id in sorted(FINDTREATMENT_STATE_IDS.items()):
            yield Query(code, state, _params(code, state, {"limitType": "0", "limitValue": str(state_id)}, page_size))
        for territory in TERRITORIES:
            limit = {"limitType": "2", "limitValue": str(TERRITORY_RADIUS_METRES), "stateCode": territory}
            yield Query(code, territory, _params(code, territory, limit, page_size))


def _params(code: str, state: str, limit: dict[str, str], page_size: int) -> dict[str, str]:
    latitude, longitude = gazetteer.state_centroid(state)
    # The API wants latitude first, quoted.
    return {"sAddr": f'"{latitude:.6f},{longitude:.6f}"', "sCodes": code, "pageSize": str(page_size), "sort": "0"} | (
        limit
    )


class PoliteClient:
    """One request at a time, a pause between them, a timeout, and retries with backoff on errors
    that may pass (5xx, timeouts, broken connections). Never retried: answers that will not change."""

    def __init__(self, *, sleep: Callable[[float], None] = time.sleep):
        self.user_agent = settings.LOCATOR_SYNC_USER_AGENT
        self.pause_seconds = settings.LOCATOR_SYNC_PAUSE_SECONDS
        self.timeout_seconds = settings.LOCATOR_SYNC_TIMEOUT_SECONDS
        self.retries = settings.LOCATOR_SYNC_RETRIES
        self.backoff_seconds = settings.LOCATOR_SYNC_BACKOFF_SECONDS
        self.sleep = sleep
        self._last_request = 0.0

    def get(self, url: str, check: Callable[[bytes], None]) -> bytes:
        """The body of a 200 answer that `check` accepts; `check` raises ValueError for a bad body."""
        last_error = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff_seconds * 2 ** (attempt - 1))
            self._wait_turn()
            try:
                request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
                with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                    body = response.read()
            except urllib.error.HTTPError as error:
                last_error = f"HTTP {error.code}"
                if error.code < 500 and error.code != 429:
                    break
                continue
            except (OSError, http.client.HTTPException) as error:
                last_error = f"no answer ({getattr(error, 'reason', error)})"
                continue
            try:
                check(body)
            except ValueError as error:
                last_error = str(error)
                if isinstance(error, PermanentAnswer):
                    break
                continue
            return body
        raise SyncFailed(f"{_public_url(url)}: {last_error}")

    def _wait_turn(self) -> None:
        wait = self._last_request + self.pause_seconds - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last_request = time.monotonic()


class PermanentAnswer(ValueError):
    """A well-formed answer that asking again will not change (the API's plain-text error)."""


def _public_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _findtreatment_page_check(page: int) -> Callable[[bytes], None]:
    def check(body: bytes) -> None:
        text = body.decode("utf-8", errors="replace")
        if not text.lstrip().startswith(("{", "[")):
            # A malformed query answers HTTP 200 with a plain-text message.
            raise PermanentAnswer(f"page {page}: not JSON: {text.strip()[:120]!r}")
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"page {page}: truncated or broken JSON ({error.msg})") from None
        if not isinstance(document, dict) or not isinstance(document.get("rows"), list):
            raise PermanentAnswer(f"page {page}: JSON without a list of rows")
        total_pages = int(document.get("totalPages") or 0)
        if page <= total_pages and not document["rows"]:
            raise ValueError(f"page {page} of {total_pages} is empty")

    return check


def _otp_csv_check(body: bytes) -> None:
    head = body[:2000].decode("utf-8", errors="replace").lower()
    if "program name" not in head or "<html" in head:
        raise ValueError("the OTP Directory export is not the CSV it should be")


class Sync:
    def __init__(self, folder: Path, client: PoliteClient, log: Callable[[str], None]):
        self.folder = folder
        self.client = client
        self.log = log
        self.report = SyncReport(folder)
        self.manifest_path = folder / "manifest.jsonl"

    def fetch(self, url: str, relative_path: str, check: Callable[[bytes], None]) -> bytes:
        """Fetched bytes, from this sync's folder when an earlier attempt already got them."""
        path = self.folder / relative_path
        if path.exists():
            body = path.read_bytes()
            try:
                check(body)
            except ValueError:
                path.unlink()
            else:
                self.report.reused += 1
                return body
        body = self.client.get(url, check)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(body)
        partial.replace(path)
        entry = {
            "file": relative_path,
            "url": url,
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "bytes": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        with self.manifest_path.open("a", encoding="utf-8") as manifest:
            manifest.write(json.dumps(entry) + "\n")
        self.report.fetched += 1
        return body

    def sweep_findtreatment(self) -> list[dict]:
        rows: dict[str, dict] = {}
        rows_per_query: dict[str, int] = {}
        for query in findtreatment_queries(settings.LOCATOR_SYNC_PAGE_SIZE):
            page, total_pages = 1, 1
            counted: tuple[int, int] | None = None
            query_rows: set[str] = set()
            while page <= min(total_pages, MAX_PAGES_PER_QUERY):
                url = f"{settings.LOCATOR_FINDTREATMENT_URL}?{urllib.parse.urlencode(query.params | {'page': page})}"
                body = self.fetch(url, f"findtreatment/{query.page_file(page)}", _findtreatment_page_check(page))
                document = json.loads(body)
                total_pages = int(document.get("totalPages") or 0)
                page_counted = (total_pages, int(document.get("recordCount") or 0))
                # Listings that come or go between two pages shift the others across pages: the
                # pages then no longer add up to one answer.
                if counted is not None and page_counted != counted:
                    raise SyncFailed(
                        f"FindTreatment {query.medication_code} in {query.region} changed while its pages were "
                        "fetched; run the sync again"
                    )
                counted = page_counted
                for row in document["rows"]:
                    identity = _row_identity(row)
                    rows.setdefault(identity, row)
                    query_rows.add(identity)
                page += 1
            if counted is not None and len(query_rows) != counted[1]:
                raise SyncFailed(
                    f"FindTreatment {query.medication_code} in {query.region}: {len(query_rows)} different rows "
                    f"in the pages, but the API counted {counted[1]}"
                )
            self.log(f"FindTreatment {query.medication_code} {query.region}: {len(query_rows)} rows")
            rows_per_query[f"{query.medication_code} {query.region}"] = len(query_rows)
        (self.folder / QUERY_ROWS_FILE).write_text(json.dumps(rows_per_query, indent=1), encoding="utf-8")
        return list(rows.values())

    def run(self, *, force: bool, today: str) -> tuple[Path, Path]:
        rows = self.sweep_findtreatment()
        otp_csv = self.fetch(settings.LOCATOR_OTP_DIRECTORY_URL, "otp_directory_export.csv", _otp_csv_check)
        sweep_path = self.folder / f"{SWEEP_PREFIX}{today}.json"
        sweep = {
            "page": 1,
            "totalPages": 1,
            "recordCount": len(rows),
            "rows": rows,
            "sweep": {"coverage": "national", "medication_codes": list(MEDICATION_CODES)},
        }
        sweep_path.write_text(json.dumps(sweep), encoding="utf-8")
        otp_path = self.folder / f"otp_directory_{today}.csv"
        otp_path.write_bytes(otp_csv)
        self.report.findtreatment_rows = len(rows)
        self.report.otp_programs = _record_count(otp_path)
        self._check_sanity(force=force)
        return sweep_path, otp_path

    def _check_sanity(self, *, force: bool) -> None:
        problems = []
        checks = (
            ("FindTreatment sweep", self.report.findtreatment_rows, _previous_rows_read(Source.FINDTREATMENT)),
            ("OTP Directory", self.report.otp_programs, _previous_rows_read(Source.OTP_DIRECTORY)),
        )
        for name, count, previous in checks:
            if count == 0:
                problems.append(f"{name}: nothing came back")
            elif previous and count < previous * SANITY_SHARE_OF_PREVIOUS:
                problems.append(f"{name}: {count} listings, fewer than half of the {previous} last time")
        problems.extend(self._queries_that_shrank())
        if problems and not force:
            raise SyncFailed("refusing to import, something looks broken: " + "; ".join(problems) + " (--force)")
        self.report.notes.extend(f"forced past: {problem}" for problem in problems if force)

    def _queries_that_shrank(self) -> list[str]:
        """Queries that answered with many rows in the last finished sync and with none or less than half now."""
        previous = _previous_rows_per_query(self.folder)
        current = json.loads((self.folder / QUERY_ROWS_FILE).read_text(encoding="utf-8"))
        return [
            f"FindTreatment {query}: {current.get(query, 0)} rows, {count} last time"
            for query, count in sorted(previous.items())
            if count >= QUERY_ROWS_WORTH_CHECKING and current.get(query, 0) < count * SANITY_SHARE_OF_PREVIOUS
        ]


def _previous_rows_per_query(folder: Path) -> dict[str, int]:
    """Rows per query of the newest other sync that was imported, or {} when there is none."""
    finished = [
        other for other in folder.parent.glob("sync-*") if other != folder and (other / "imported.json").exists()
    ]
    if not finished:
        return {}
    newest = max(finished, key=lambda other: (other / "imported.json").stat().st_mtime)
    if (newest / QUERY_ROWS_FILE).exists():
        return json.loads((newest / QUERY_ROWS_FILE).read_text(encoding="utf-8"))
    # A sync from before query_rows.json: each query's first page says how many rows the API counted.
    counts = {}
    for first_page in (newest / "findtreatment").glob("*_p1.json"):
        medication_code, region, _ = first_page.name.split("_")
        counts[f"{medication_code} {region}"] = int(json.loads(first_page.read_bytes()).get("recordCount") or 0)
    return counts


def _row_identity(row: dict) -> str:
    """The same listing found by several sweeps (one per medication) differs only in its distance."""
    return json.dumps({key: value for key, value in row.items() if key not in {"miles", "_irow"}}, sort_keys=True)


def _record_count(path: Path) -> int:
    try:
        parsed = parse_text(read_text(path))
    except FileFormatError as error:
        raise SyncFailed(f"{path.name}: {error}") from None
    return sum(1 for item in parsed.items if isinstance(item, ProviderRecord))


def _previous_rows_read(source: Source) -> int | None:
    files = SourceFile.objects.filter(source=source, coverage=Coverage.NATIONAL, is_sample=False)
    if source == Source.FINDTREATMENT:
        files = files.filter(file_name__startswith=SWEEP_PREFIX)
    previous = files.order_by("-imported_at").first()
    return previous.rows_read - previous.rows_rejected if previous else None


def sync_folder(*, resume: bool) -> Path:
    """A new folder for this sync, or with `resume` the newest one if it did not finish. An older
    unfinished one is never resumed: its pages would overwrite a newer import."""
    root = Path(settings.LOCATOR_SYNC_DIR)
    if resume:
        folders = sorted(root.glob("sync-*"), key=lambda path: path.stat().st_mtime)
        if folders and not (folders[-1] / "imported.json").exists():
            return folders[-1]
    name = f"sync-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    for attempt in range(1, 100):
        folder = root / (name if attempt == 1 else f"{name}-{attempt}")
        try:
            folder.mkdir(parents=True)
        except FileExistsError:
            continue
        return folder
    raise SyncFailed(f"cannot make a new sync folder in {root}")


def sync_samhsa(
    *, resume: bool = False, force: bool = False, client: PoliteClient | None = None, log=lambda line: None
) -> SyncReport:
    """Fetch FindTreatment.gov and the OTP Directory, check them, import them; SyncFailed leaves the
    directory as it was."""
    folder = sync_folder(resume=resume)
    log(f"sync folder: {folder}")
    sync = Sync(folder, client or PoliteClient(), log)
    # The data is as of the day the sync began, also when it is resumed later.
    started = folder.name.removeprefix("sync-")[:8]
    sweep_path, otp_path = sync.run(force=force, today=started)
    sync.report.imported = import_files([sweep_path, otp_path], log=log)
    summary = {
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "findtreatment_rows": sync.report.findtreatment_rows,
        "otp_programs": sync.report.otp_programs,
        "fetched": sync.report.fetched,
        "reused": sync.report.reused,
        "notes": sync.report.notes,
    }
    (folder / "imported.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return sync.report

"""A stand-in for SAMHSA's endpoints on 127.0.0.1: recorded answers built from ../shared/data, and faults
injected on request (HTTP 500, a stall past the client's timeout, a 200 with a plain-text error,
truncated JSON, an empty page in the middle)."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FINDTREATMENT_PATH = "/locator/exportsAsJson/v2"
OTP_EXPORT_PATH = "/find-help/locators/opioid-treatment-program-directory/export"
VIRGINIA_STATE_ID = "50"
CALIFORNIA_STATE_ID = "23"
MEDICATION_WORDS = {"BU": "buprenorphine", "METH": "methadone", "NU": "naltrexone"}


@dataclass
class Fault:
    """What to do instead of answering: `kind` on the `times` first requests that `matches`."""

    kind: str
    matches: str
    times: int = 1_000_000

    def applies_to(self, path_and_query: str) -> bool:
        if self.times > 0 and self.matches in urllib.parse.unquote(path_and_query):
            self.times -= 1
            return True
        return False


@dataclass
class Recorded:
    """One state's FindTreatment rows (Virginia's real 2019 page, or California's in today's shape from
    fixtures/; with a small page size a query spans pages) and the real OTP Directory CSV of February
    2020; every other state answers with no rows."""

    state_rows: list[dict]
    otp_csv: bytes
    state_id: str = VIRGINIA_STATE_ID
    requests: list[str] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)
    faults: list[Fault] = field(default_factory=list)
    stall_seconds: float = 3.0

    @classmethod
    def from_shared_data(cls, shared_data_dir: Path) -> Recorded:
        page = json.loads((shared_data_dir / "findtreatment_api_sample_cbhsq_2019.json").read_text())
        return cls(page["rows"], (shared_data_dir / "otp_directory_20200217.csv").read_bytes())

    @classmethod
    def todays_shape(cls, shared_data_dir: Path, fixture: Path) -> Recorded:
        """California's fictitious listings worded as FindTreatment words them today."""
        page = json.loads(fixture.read_text(encoding="utf-8"))
        otp_csv = (shared_data_dir / "otp_directory_20200217.csv").read_bytes()
        return cls(page["rows"], otp_csv, state_id=CALIFORNIA_STATE_ID)

    def rows_for(self, params: dict[str, str]) -> list[dict]:
        if params.get("limitType") != "0" or params.get("limitValue") != self.state_id:
            return []
        word = MEDICATION_WORDS[params["sCodes"]]
        # As the API answers a medication code: the rows whose services or facility type name it.
        return [
            row
            for row in self.state_rows
            if word in json.dumps(row.get("services")).lower()
            or (word == "methadone" and row.get("type_facility") == "OTP")
            or (word == "buprenorphine" and row.get("type_facility") == "BUPREN")
        ]


def _malformed(params: dict[str, str]) -> str | None:
    address = params.get("sAddr", "")
    if not (address.startswith('"') and address.endswith('"') and "," in address):
        return "sAddr must be a quoted latitude,longitude"
    if params.get("sCodes") not in MEDICATION_WORDS:
        return "unknown sCodes"
    if not params.get("page", "").isdigit() or not 1 <= int(params.get("pageSize", "0")) <= 2000:
        return "bad page or pageSize"
    return None


def start(recorded: Recorded) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            recorded.requests.append(self.path)
            recorded.user_agents.add(self.headers.get("User-Agent", ""))
            fault = next((fault for fault in recorded.faults if fault.applies_to(self.path)), None)
            if fault and fault.kind == "http_500":
                return self._answer(500, b"Internal Server Error", "text/plain")
            if fault and fault.kind == "stall":
                time.sleep(recorded.stall_seconds)
            if fault and fault.kind == "plain_text":
                return self._answer(200, b"Error: the query could not be processed", "text/plain")
            parts = urllib.parse.urlsplit(self.path)
            if parts.path == OTP_EXPORT_PATH:
                return self._answer(200, recorded.otp_csv, "text/csv")
            if parts.path != FINDTREATMENT_PATH:
                return self._answer(404, b"not found", "text/plain")
            params = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
            problem = _malformed(params)
            if problem:
                # As the real API does: HTTP 200 with plain text.
                return self._answer(200, problem.encode(), "text/plain")
            rows = recorded.rows_for(params | {"page": params["page"]})
            page, page_size = int(params["page"]), int(params["pageSize"])
            total_pages = -(-len(rows) // page_size)
            page_rows = [] if fault and fault.kind == "empty_page" else rows[(page - 1) * page_size : page * page_size]
            body = json.dumps({"page": page, "totalPages": total_pages, "recordCount": len(rows), "rows": page_rows})
            if fault and fault.kind == "truncated":
                body = body[: len(body) // 2]
            self._answer(200, body.encode(), "application/json")

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"

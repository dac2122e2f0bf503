"""gunicorn's access log as one JSON line per request, holding nothing that says where someone searched."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from gunicorn.glogging import Logger

from locator.log_filters import DropQueryStrings


def access_record(*, method: str, path: str, status: str, response_bytes: int, duration: timedelta) -> dict[str, Any]:
    """The fields kept: never the query string (a search's place), the client address or the Referer."""
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "method": method,
        "path": path.split("?", 1)[0],
        "status": int(str(status).split()[0]),
        "bytes": response_bytes,
        "duration_ms": round(duration.total_seconds() * 1000, 2),
    }


class PrivateJsonLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        # gunicorn's own errors quote the request line ("Error handling request GET /?near=...") and
        # the client's address: the same filter as Django's log keeps both out.
        self.error_log.addFilter(DropQueryStrings())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        record = access_record(
            method=environ.get("REQUEST_METHOD", ""),
            path=environ.get("PATH_INFO", ""),
            status=resp.status,
            response_bytes=getattr(resp, "sent", 0) or 0,
            duration=request_time,
        )
        self.access_log.info(json.dumps(record))

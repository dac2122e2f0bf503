"""Search locations are private: no log line may carry a query string."""

import logging
import re

_QUERY_STRING_RE = re.compile(r"\?[^\s\"]*")
# gunicorn's warnings name the client: "Invalid request from ip=203.0.113.9: ...".
_CLIENT_ADDRESS_RE = re.compile(r"\bip=\S*?(?=:\s|\s|:?$)")


def _scrub(text: str) -> str:
    return _CLIENT_ADDRESS_RE.sub("ip=-", _QUERY_STRING_RE.sub("", text))


class DropQueryStrings(logging.Filter):
    """Removes everything from "?" to the next space or quote, and client addresses written as "ip=...",
    in the message and in its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_scrub(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True

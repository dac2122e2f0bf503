"""Search locations are private: no log line may carry a query string."""

import logging
import re

_QUERY_STRING_RE = re.compile(r"\?[^\s\"]*")


class DropQueryStrings(logging.Filter):
    """Removes everything from "?" to the next space or quote, in the message and in its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _QUERY_STRING_RE.sub("", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_QUERY_STRING_RE.sub("", arg) if isinstance(arg, str) else arg for arg in record.args)
        return True

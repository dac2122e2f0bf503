"""Numbers as people type them, and no others.

Python's `int()` and `float()` also read other scripts' digits ("٣" is 3), underscores ("1_0" is 10),
exponents and "nan"; a parameter that is a number in a URL accepts ASCII digits, a sign and a decimal
point, with spaces around, and nothing else.
"""

from __future__ import annotations

import re

_INTEGER_RE = re.compile(r"\s*[+-]?[0-9]+\s*", re.ASCII)
_DECIMAL_RE = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*", re.ASCII)


def is_plain_integer(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and _INTEGER_RE.fullmatch(value) is not None)


def is_plain_decimal(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or (isinstance(value, str) and _DECIMAL_RE.fullmatch(value) is not None)

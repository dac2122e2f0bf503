"""Which line of an address a person can travel to, and which is only for mail."""

from __future__ import annotations

import re

# Every way SAMHSA's files write a mailing box: "PO Box 12", "P.O. Box", "P O Box", "Post Office Box",
# "POB 12", "Box 123", "PMB 45" (a private mailbox), "Drawer 7", Spanish "Apartado 33".
_PO_BOX_RE = re.compile(
    r"^\s*(?:p\.?\s*o\.?\s*(?:box|drawer|b\b)|post\s+office\s+(?:box|drawer)|pob\b|box\s*#?\s*\d|pmb\b"
    r"|drawer\s+\w|apartado\b|apdo\.?\s)",
    re.IGNORECASE,
)
_HOUSE_NUMBER_RE = re.compile(r"^\s*\d+")


def is_po_box(line: str) -> bool:
    return bool(_PO_BOX_RE.match(line))


def destination_street(street: str, street2: str) -> str:
    """The address line a person can travel to: the line with a house number that is not a mailing box
    ("OSU MC" / "744 West 9th Street" -> the second), else the first line unless it is a box."""
    for line in (street, street2):
        if _HOUSE_NUMBER_RE.match(line) and not is_po_box(line):
            return line
    return "" if is_po_box(street) else street

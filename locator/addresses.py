"""Which line of an address a person can travel to, and which is only for mail."""

from __future__ import annotations

import re

# Every way SAMHSA's files write a mailing box: "PO Box 12", "P.O. Box", "P O Box", "P:O Box", "(PO Box 67)",
# "Post Office Box", "POB 12", "Box 123", "PMB 45" (a private mailbox), "Drawer 7", "Caller Box 3", Spanish
# "Apartado 33"; and rural and campus boxes, which no maps app can find ("HC 3 Box 32672", "Route 6 Box
# 840", "DUMC Box 3886").
_PO_BOX_RE = re.compile(
    r"^\W*(?:p\W*o\W*(?:box|drawer|b\W*\d)|post\s+office\s+(?:box|drawer)|pob\s*#?\s*\d|box\s*#?\s*\d|pmb\b"
    r"|drawer\s*#?\s*\d|caller\s+box|apartado\s*#?\s*\d|apdo\.?\s)"
    r"|^[a-z-]*\s*(?:\d+\s+)?box\s*#?\s*\d",
    re.IGNORECASE,
)
# A house number: "780", "780B", "24-26", not an ordinal ("9th floor") or a floor.
_HOUSE_NUMBER_RE = re.compile(r"^\s*\d+[A-Za-z]?(?:-\d+)?\s+(?!(?:floor|fl|flr)\b)", re.IGNORECASE)


def is_po_box(line: str) -> bool:
    return bool(_PO_BOX_RE.match(line))


def _numbered_street(line: str) -> str:
    """The part of a line that is a numbered street: "PO Box 929, 4748 Main Street" -> "4748 Main Street"."""
    for part in line.split(","):
        part = part.strip()
        if _HOUSE_NUMBER_RE.match(part) and not is_po_box(part):
            return part
    return ""


def destination_street(street: str, street2: str) -> str:
    """The address line a person can travel to: the line with a house number that is not a mailing box
    ("OSU MC" / "744 West 9th Street" -> the second), else the first line unless it is a box."""
    for line in (street, street2):
        if found := _numbered_street(line):
            return found if is_po_box(line) else line
    # No numbered line: a named place ("One Delta Drive", "VA Campus Building 5"), never a box or a floor.
    return "" if is_po_box(street) or street[:1].isdigit() else street

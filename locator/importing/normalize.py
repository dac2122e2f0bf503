"""Cleaning of SAMHSA text fields and the keys that recognise one place across sources."""

from __future__ import annotations

import functools
import html
import re
import unicodedata

_SPACE_RE = re.compile(r"\s+")
_PHONE_DIGITS_RE = re.compile(r"\d")
_PHONE_RE = re.compile(
    r"(?<!\d)(?:\+?1[\s.-]*)?\(?(\d{3})\)?[\s.-]*(\d{3})[\s.-]*(\d{4})(?!\d)"
    r"(?:\s*(?:x|ext\.?|extension)\s*(\d{1,6}))?",
    re.IGNORECASE,
)


def clean_text(value: object) -> str:
    """Collapse white space, decode stray HTML entities, treat placeholders as empty."""
    if value is None:
        return ""
    text = html.unescape(str(value)).replace("\xa0", " ")
    text = _SPACE_RE.sub(" ", text).strip()
    # "Na" and "None" stay: they are real surnames.
    return "" if text.casefold() in {"null", "n/a", "-"} else text


def normalize_phone(value: str) -> str:
    """The first US number in the text as 555-555-5555 (with " ext. N"), or "" when there is none.

    A number we cannot read is dropped rather than shown: a wrong number costs a caller more than none.
    """
    match = _PHONE_RE.search(clean_text(value))
    if match is None:
        return ""
    area, exchange, line, extension = match.groups()
    formatted = f"{area}-{exchange}-{line}"
    return f"{formatted} ext. {extension}" if extension else formatted


def normalize_website(value: str) -> str:
    text = clean_text(value)
    if not text or " " in text or "." not in text:
        return ""
    return text if re.match(r"^https?://", text, re.IGNORECASE) else f"http://{text}"


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_STREET_WORDS = {
    "avenue": "ave",
    "av": "ave",
    "street": "st",
    "str": "st",
    "road": "rd",
    "drive": "dr",
    "boulevard": "blvd",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "parkway": "pkwy",
    "highway": "hwy",
    "circle": "cir",
    "terrace": "ter",
    "square": "sq",
    "suite": "ste",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    "sixth": "6th",
    "seventh": "7th",
    "eighth": "8th",
    "ninth": "9th",
    "tenth": "10th",
    "eleventh": "11th",
    "twelfth": "12th",
    "mount": "mt",
    "saint": "st",
    "expressway": "expy",
    "freeway": "fwy",
    "turnpike": "tpke",
    "center": "ctr",
    "centre": "ctr",
    "plaza": "plz",
    "trail": "trl",
}
# Everything from one of these words on is a unit inside the building, not the place.
_UNIT_WORDS = {
    "ste",
    "suite",
    "suites",
    "unit",
    "units",
    "apt",
    "room",
    "rm",
    "floor",
    "fl",
    "flr",
    "bldg",
    "building",
    "dept",
    "lobby",
    "#",
}


@functools.lru_cache(maxsize=65_536)
def _words(text: str) -> tuple[str, ...]:
    folded = _fold(text).replace("#", " # ")
    return tuple(re.sub(r"[^a-z0-9# ]+", " ", folded.replace("'", "")).split())


# "780-B", "780B" and "24-26" (a range of numbers) are found at their first number.
_HOUSE_NUMBER_SUFFIX_RE = re.compile(r"^(\d+)(?:-?[A-Za-z]|-\d+)\b")
_STREET_TYPES = {
    "st",
    "ave",
    "rd",
    "dr",
    "blvd",
    "ln",
    "ct",
    "pl",
    "pkwy",
    "hwy",
    "cir",
    "ter",
    "sq",
    "expy",
    "fwy",
    "tpke",
    "plz",
    "trl",
    "way",
}


def address_key(street: str, zip_code: str) -> str:
    """House number + street + ZIP, spelled one way, so that "780 W. Bel Air Ave Suite B",
    "780 West Bel Air Avenue" and "780-B W Bel Air" in the same ZIP are one place.

    Units (suite, building, floor), a letter after the house number and a final street type are
    dropped: listings disagree on them far more often than two programs share a number and a name.
    Empty when the street has no house number (PO boxes, rural routes), which cannot identify a place.
    """
    words = [_STREET_WORDS.get(word, word) for word in _words(_HOUSE_NUMBER_SUFFIX_RE.sub(r"\1", street.strip()))]
    for index, word in enumerate(words):
        if word in _UNIT_WORDS:
            words = words[:index]
            break
    if len(words) > 2 and words[-1] in _STREET_TYPES:
        words = words[:-1]
    if not zip_code or len(words) < 2 or not words[0][0].isdigit():
        return ""
    return f"{' '.join(words)}|{zip_code}"


# Words that say nothing about which street it is, when two spellings of one address are compared.
_STREET_NOISE = {"n", "s", "e", "w", "ne", "nw", "se", "sw", *_STREET_TYPES}


def same_street(first_key: str, second_key: str) -> bool:
    """Whether two address keys (see `address_key`, street part) name one address in two spellings: the
    same house number and a word of the street's name in common ("123 Madiera Street SE" and "123
    Madeira Drive SE" do not; "3580 NC Hwy 14" and "3580 North Carolina Highway 14" do, by the 14)."""
    first_words, second_words = first_key.split("|")[0].split(), second_key.split("|")[0].split()
    if len(first_words) < 2 or len(second_words) < 2 or first_words[0] != second_words[0]:
        return False
    return bool((set(first_words[1:]) - _STREET_NOISE) & (set(second_words[1:]) - _STREET_NOISE))


def name_street_key(name: str, street_key: str, state: str) -> str:
    """Same name at the same street address in one state, whatever ZIP each listing gives it."""
    street = street_key.split("|")[0]
    return f"{name_key(name) if name else ''}|{street}|{state}" if street and state else ""


def phone_key(phone: str, zip_code: str) -> str:
    digits = "".join(_PHONE_DIGITS_RE.findall(phone.split(" ext.")[0]))
    if len(digits) != 10 or not zip_code:
        return ""
    return f"{digits}|{zip_code}"


_NAME_NOISE = {"inc", "llc", "lp", "llp", "pc", "pllc", "corp", "corporation", "co", "the", "of", "and", "dba"}


def name_key(name: str) -> str:
    return " ".join(word for word in _words(name) if word not in _NAME_NOISE and word != "#")


# Titles and credentials around a clinician's name: "Dr. Jane Q. Doe, MD" and "Doe, Jane" are one person.
_PERSON_NOISE = {
    "dr", "mr", "mrs", "ms", "miss", "md", "np", "pa", "pac", "aprn", "fnp", "fnpc", "fnpbc", "pmhnp",
    "pmhnpbc", "anp", "cnp", "crnp", "dnp", "rn", "phd", "mph", "facp", "faafp", "dabam", "jr", "sr", "ii", "iii",
}  # fmt: skip


def person_key(name: str) -> str:
    """A clinician's name words in order, without titles, credentials or initials."""
    words = {word for word in _words(name) if word not in _PERSON_NOISE and len(word) > 1 and word != "#"}
    # "DO" (osteopathic physician) is also a surname: "Anh Do, MD" keeps it.
    if "do" in words and len(words) > 2:
        words.discard("do")
    return " ".join(sorted(words)) if len(words) >= 2 else ""


def name_similarity(first: str, second: str) -> float:
    """Share of words two name keys have in common (Jaccard), 0 to 1; "healthcare" is "health care"."""
    if first and first.replace(" ", "") == second.replace(" ", ""):
        return 1.0
    first_words, second_words = set(first.split()), set(second.split())
    if not first_words or not second_words:
        return 0.0
    return len(first_words & second_words) / len(first_words | second_words)


def record_key(*parts: str) -> str:
    """A readable stable key from a record's identifying parts, for sources without an id of their own."""
    return "|".join(" ".join(_words(part)) for part in parts).rstrip("|")

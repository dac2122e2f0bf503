"""The facts our fields are made of, in which every source's wording is read.

A fact is one of: "buprenorphine", "methadone", "naltrexone", "otp", "telehealth", "moud" (offers a
medication for opioid use disorder without saying which), "no_moud" (says it offers none), or
"<facet>:<code>" with a code of locator.vocabulary: "payment:medicaid", "setting:residential",
"group:veterans", "age:adults", "language:asl". The tables that read SAMHSA's wording into facts are
locator.importing.labels (FindTreatment.gov) and locator.importing.directory_codes (service codes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

from locator.vocabulary import FACETS, Medication, Payment, Setting

BUP, METH, NALT = Medication.BUPRENORPHINE.value, Medication.METHADONE.value, Medication.NALTREXONE.value
OTP, TELE, MOUD, NO_MOUD = "otp", "telehealth", "moud", "no_moud"
_OFFERS = frozenset({BUP, METH, NALT, OTP, MOUD})
_FACETS = {vocabulary: facet for facet, vocabulary in FACETS.items()} | {Payment: "payment"}


def fact(code: models.TextChoices) -> str:
    """The fact of a vocabulary code: Group.VETERANS -> "group:veterans"."""
    return f"{_FACETS[type(code)]}:{code.value}"


DETOX = fact(Setting.DETOX)
OUTPATIENT = fact(Setting.OUTPATIENT)
RESIDENTIAL = fact(Setting.RESIDENTIAL)
HOSPITAL = fact(Setting.HOSPITAL_INPATIENT)
NOTHING: tuple[str, ...] = ()


@dataclass(frozen=True)
class Category:
    """One of FindTreatment's service categories: its codes (`f2`) and titles (`f1`) as seen in 2019 and
    2025, and what each of its labels (`f3` values) means. Where `decides` is False the category only
    describes (testing, counselling...): its labels are shown as worded and none is unknown."""

    name: str
    codes: tuple[str, ...]
    titles: tuple[str, ...]
    labels: dict[str, tuple[str, ...]]
    decides: bool = True


_LABEL_NOISE_RE = re.compile(r"[®™]")


def normalize_label(label: str) -> str:
    """One spelling per wording: SAMHSA writes "State-financed" and "State financed", "Outpatient" and
    "outpatient", with and without ®."""
    return " ".join(_LABEL_NOISE_RE.sub("", label).replace("-", " ").split()).casefold()


def offers_and_denies(facts: Iterable[str]) -> bool:
    """Whether a listing says both that it offers a medication for OUD and that it offers none."""
    facts = set(facts)
    return NO_MOUD in facts and bool(facts & _OFFERS)


def fields_from_facts(facts: Iterable[str]) -> dict[str, object]:
    """ProviderRecord keyword arguments for a set of facts."""
    facts = set(facts)
    if NO_MOUD in facts:
        facts -= _OFFERS

    def codes(prefix: str) -> tuple[str, ...]:
        return tuple(sorted(fact.split(":", 1)[1] for fact in facts if fact.startswith(prefix)))

    named_medication = bool(facts & {BUP, METH, NALT, OTP})
    return {
        "offers_buprenorphine": BUP in facts,
        "offers_methadone": METH in facts,
        "offers_naltrexone": NALT in facts,
        "moud_medication_not_named": MOUD in facts and not named_medication,
        "denies_moud": NO_MOUD in facts,
        "is_otp": OTP in facts,
        "offers_telehealth": TELE in facts,
        "payment": frozenset(codes("payment:")),
        "languages": codes("language:"),
        "settings": codes("setting:"),
        "groups": codes("group:"),
        "ages": codes("age:"),
    }

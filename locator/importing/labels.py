"""What SAMHSA's wording means in our fields: the one table a reviewer reads to check a flag.

Raw labels and codes are kept on every record for display; these tables only decide our own
fields. A fact is one of: "buprenorphine", "methadone", "naltrexone", "otp", "telehealth",
"payment:<code>" (codes of locator.vocabulary.Payment), "language:<name>", "age:<label>", "group:<label>".

Rules for medication follow ../shared/data/README.md: an Opioid Treatment Program counts as offering
methadone, because OTPs are the only places that may dispense it for opioid use disorder.
Labels that mention a medication without offering it for opioid use disorder are deliberately
absent ("Use methadone/buprenorphine for pain management or emergency dosing", "Accepts clients on
opioid medication", "Does not treat opioid addiction").
"""

from __future__ import annotations

import re

from locator.vocabulary import Medication

BUP, METH, NALT = Medication.BUPRENORPHINE.value, Medication.METHADONE.value, Medication.NALTREXONE.value
OTP, TELE = "otp", "telehealth"

# FindTreatment.gov locator: service category code (`f2`) -> label (one value of `f3`) -> facts.
# Both the 2019 wording and today's site's wording are listed.
LOCATOR_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "OM": {
        "Buprenorphine used in Treatment": (BUP,),
        "Methadone used in Treatment": (METH,),
        "Naltrexone used in Treatment": (NALT,),
    },
    "OT": {
        "Buprenorphine used in Treatment": (BUP,),
        "Buprenorphine maintenance": (BUP,),
        "Buprenorphine maintenance for predetermined time": (BUP,),
        "Buprenorphine detoxification": (BUP,),
        "Prescribes buprenorphine": (BUP,),
        "Prescribes/administers buprenorphine": (BUP,),
        "Methadone used in Treatment": (METH,),
        "Methadone maintenance": (METH,),
        "Methadone maintenance for predetermined time": (METH,),
        "Methadone detoxification": (METH,),
        "Naltrexone used in Treatment": (NALT,),
        "Prescribes naltrexone": (NALT,),
        "Prescribes/administers naltrexone": (NALT,),
        "Relapse prevention from naltrexone": (NALT,),
        "Relapse prevention with naltrexone": (NALT,),
        "SAMHSA-certified Opioid Treatment Program": (OTP, METH),
        "Federally-certified Opioid Treatment Program": (OTP, METH),
        "Accepts clients on opioid medication": (),
        "Use methadone/buprenorphine for pain management or emergency dosing": (),
        "Does not treat opioid addiction": (),
        "Do not use medication for opioid addiction": (),
    },
    "PHR": {
        "Methadone": (METH,),
        "Buprenorphine with naloxone (Suboxone)": (BUP,),
        "Buprenorphine with naloxone": (BUP,),
        "Buprenorphine without naloxone": (BUP,),
        "Buprenorphine (extended-release, injectable, for example, Sublocade)": (BUP,),
        "Buprenorphine (extended-release, injectable)": (BUP,),
        "Buprenorphine sub-dermal implant (Probuphine)": (BUP,),
        "Naltrexone (oral)": (NALT,),
        "Extended-release, injectable Naltrexone (Vivitrol)": (NALT,),
        "Naltrexone (extended-release, injectable)": (NALT,),
        "Acamprosate (Campral)": (),
        "Disulfiram (Antabuse)": (),
        "Medications for psychiatric disorders": (),
        "Nicotine replacement": (),
        "Lofexidine": (),
        "Clonidine": (),
    },
    "PAY": {
        "Medicaid": ("payment:medicaid",),
        "Medicare": ("payment:medicare",),
        "Private health insurance": ("payment:private_insurance",),
        "State-financed health insurance plan other than Medicaid": ("payment:state_plan",),
        "Military insurance (e.g., TRICARE)": ("payment:military",),
        "Cash or self-payment": ("payment:cash",),
        "No payment accepted": ("payment:free",),
        "IHS/Tribal/Urban (ITU) funds": ("payment:ihs_tribal",),
        "Indian Health Services": ("payment:ihs_tribal",),
        "U.S. Department of VA funds": (),
        "Community Mental Health Block Grants": (),
        "Community Service Block Grants": (),
        "County or local government funds": (),
        "Federal, or any government funding for substance abuse programs": (),
        "Other State funds": (),
        "State corrections or juvenile justice funds": (),
        "State education funds": (),
        "State mental health agency (or equivalent) funds": (),
        "State welfare or child and family services funds": (),
        "State substance abuse agency funds": (),
        "Access to Recovery (ATR) voucher": (),
    },
    "PYAS": {
        "Sliding fee scale (fee is based on income and other factors)": ("payment:sliding_fee",),
        "Sliding fee scale": ("payment:sliding_fee",),
        "Payment assistance (check with facility for details)": ("payment:payment_assistance",),
        "Payment assistance": ("payment:payment_assistance",),
        "Treatment at no charge or minimal payment for clients who cannot afford to pay": ("payment:free",),
    },
    "SET": {
        "Telemedicine/telehealth": (TELE,),
        "Telemedicine/telehealth therapy": (TELE,),
        "Computerized treatment/telemedicine": (TELE,),
    },
    "TAP": {
        "Telemedicine/telehealth therapy": (TELE,),
    },
    "SL": {
        "Spanish": ("language:Spanish",),
    },
}

# Categories whose every value is a language, an age group or a special group, as SAMHSA words it.
LOCATOR_LIST_CATEGORIES = {"OL": "language", "AGE": "age", "SG": "group"}

# Categories that decide medication or payment: a label there that the table does not know is
# reported by the importer, so that new wording is noticed instead of silently dropped.
LOCATOR_CHECKED_CATEGORIES = ("OM", "OT", "PHR", "PAY", "PYAS")

# National Directory service codes (`Keys`, `service_code_info`) -> facts.
DIRECTORY_CODES: dict[str, tuple[str, ...]] = {
    **{code: (METH,) for code in ("MU", "METH", "MM", "DM")},
    "OTP": (OTP, METH),
    **{code: (BUP,) for code in ("BU", "UB", "BUM", "BWN", "BWON", "BERI", "DB", "BMW")},
    **{code: (NALT,) for code in ("NU", "UN", "VTRL", "NXN", "RPN")},
    "MD": ("payment:medicaid",),
    "MC": ("payment:medicare",),
    "PI": ("payment:private_insurance",),
    "SI": ("payment:state_plan",),
    "MI": ("payment:military",),
    "SF": ("payment:cash",),
    "NP": ("payment:free",),
    "ITU": ("payment:ihs_tribal",),
    "PA": ("payment:payment_assistance",),
    "SS": ("payment:sliding_fee",),
    "SP": ("language:Spanish",),
    "TELE": (TELE,),
    "CHLD": ("age:Children/adolescents",),
    "YAD": ("age:Young adults",),
    "ADLT": ("age:Adults",),
    "SNR": ("age:Seniors (65 or older)",),
    "VET": ("group:Veterans",),
    "ADM": ("group:Active duty military",),
    "MF": ("group:Military families",),
    "PW": ("group:Pregnant/postpartum women",),
    "WN": ("group:Adult women",),
    "MN": ("group:Adult men",),
}

_LABEL_NOISE_RE = re.compile(r"[®™]")


def normalize_label(label: str) -> str:
    return " ".join(_LABEL_NOISE_RE.sub("", label).split()).casefold()


_LOCATOR_LOOKUP = {
    category: {normalize_label(label): facts for label, facts in labels.items()}
    for category, labels in LOCATOR_LABELS.items()
}


def locator_label_facts(category: str, label: str) -> tuple[str, ...] | None:
    """The facts of one locator label; None when the table does not know the label."""
    if category in LOCATOR_LIST_CATEGORIES:
        return (f"{LOCATOR_LIST_CATEGORIES[category]}:{label}",)
    return _LOCATOR_LOOKUP.get(category, {}).get(normalize_label(label))


def fields_from_facts(facts: set[str]) -> dict[str, object]:
    """ProviderRecord keyword arguments for a set of facts."""

    def named(prefix: str) -> tuple[str, ...]:
        return tuple(sorted(fact.split(":", 1)[1] for fact in facts if fact.startswith(prefix)))

    return {
        "offers_buprenorphine": BUP in facts,
        "offers_methadone": METH in facts,
        "offers_naltrexone": NALT in facts,
        "is_otp": OTP in facts,
        "offers_telehealth": TELE in facts,
        "payment": frozenset(named("payment:")),
        "languages": named("language:"),
        "age_groups": named("age:"),
        "special_groups": named("group:"),
    }

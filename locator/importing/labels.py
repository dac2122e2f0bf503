"""What SAMHSA's wording means in our fields: the one table a reviewer reads to check a flag.

Raw labels and codes are kept on every record for display; these tables only decide our own fields.
Each label means a set of facts (locator.importing.facts); this module holds what a listing offers
(medications, OTP status, payment), locator.importing.care_labels the settings, programs, ages and
languages.

Rules, following ../shared/data/README.md:
- An Opioid Treatment Program counts as offering methadone: OTPs are the only places that may dispense
  it for opioid use disorder. Whether a program is an OTP is finally the OTP Directory's to say where
  it is loaded and current (locator.importing.merge).
- A label that names a medication without offering it for opioid use disorder is no offer (pain
  management or emergency dosing, clients prescribed elsewhere, lofexidine or clonidine).
- "Does not treat opioid use disorders" and "Does not use MAT for opioid use disorders" on a listing
  mean no medication from that listing, whatever else it says; the import report counts listings that
  say both.
- "Outpatient methadone/buprenorphine or naltrexone treatment" without a named medication is "moud":
  the listing is found by a search for any medication and shows "medication not named, call to ask";
  a search for one medication does not find it, since it may be another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from locator.importing.care_labels import CARE_CATEGORIES
from locator.importing.facts import BUP, DETOX, METH, MOUD, NALT, NO_MOUD, NOTHING, OTP, Category, fact, normalize_label
from locator.vocabulary import Payment

OFFER_CATEGORIES = (
    Category(
        "Opioid medications",
        ("OM",),
        ("Opioid Medications used in Treatment",),
        {
            "Buprenorphine used in Treatment": (BUP,),
            "Methadone used in Treatment": (METH,),
            "Naltrexone used in Treatment": (NALT,),
        },
    ),
    Category(
        "Type of opioid treatment",
        ("OT",),
        ("Type of Opioid Treatment",),
        {
            "Buprenorphine used in Treatment": (BUP,),
            "Buprenorphine maintenance": (BUP,),
            "Buprenorphine maintenance for predetermined time": (BUP,),
            "Buprenorphine detoxification": (BUP, DETOX),
            "Prescribes buprenorphine": (BUP,),
            "Prescribes/administers buprenorphine": (BUP,),
            "Methadone used in Treatment": (METH,),
            "Methadone maintenance": (METH,),
            "Methadone maintenance for predetermined time": (METH,),
            "Methadone detoxification": (METH, DETOX),
            "Naltrexone used in Treatment": (NALT,),
            "Prescribes naltrexone": (NALT,),
            "Prescribes/administers naltrexone": (NALT,),
            "Relapse prevention from naltrexone": (NALT,),
            "Relapse prevention with naltrexone": (NALT,),
            "SAMHSA-certified Opioid Treatment Program": (OTP, METH),
            "Federally-certified Opioid Treatment Program": (OTP, METH),
            # Maintenance, then a supervised taper: medication for OUD, which one not said.
            "Maintenance service with medically supervised withdrawal after stabilization": (MOUD,),
            # Withdrawal managed without an opioid medication: detox, no MOUD.
            "Lofexidine/clonidine detoxification": (DETOX,),
            "Lofexidine or Clonidine detoxification": (DETOX,),
            # Medication named, not offered for opioid use disorder here.
            "Accepts clients on opioid medication": NOTHING,
            "Accepts clients using MAT but prescribed elsewhere": NOTHING,
            "Use methadone/buprenorphine for pain management or emergency dosing": NOTHING,
            "Does not treat opioid addiction": (NO_MOUD,),
            "Does not treat opioid use disorders": (NO_MOUD,),
            "Do not use medication for opioid addiction": (NO_MOUD,),
            "Does not use MAT for opioid use disorders": (NO_MOUD,),
        },
    ),
    Category(
        "External prescribers",
        (),
        ("External Opioid Medications Source",),
        # Someone else prescribes: the listing itself offers no medication.
        {
            "In-network prescribing entity": NOTHING,
            "Other contracted prescribing entity": NOTHING,
            "No formal relationship with prescribing entity": NOTHING,
        },
    ),
    Category(
        "Alcohol use disorder treatment",
        (),
        ("Type of Alcohol Use Disorder Treatment",),
        # About alcohol, not opioids.
        {
            "Does not treat alcohol use disorder": NOTHING,
            "Does not use medication assisted treatment for alcohol use disorder": NOTHING,
            "Accepts clients using medication assisted treatment for alcohol use disorder but prescribed elsewhere": (
                NOTHING
            ),
            "This facility administers/prescribes medication for alcohol use disorder": NOTHING,
        },
    ),
    Category(
        "Pharmacotherapies",
        ("PHR",),
        ("Pharmacotherapies",),
        {
            "Methadone": (METH,),
            "Buprenorphine with naloxone (Suboxone)": (BUP,),
            "Buprenorphine with naloxone": (BUP,),
            "Buprenorphine without naloxone": (BUP,),
            "Buprenorphine (extended-release, injectable, for example, Sublocade)": (BUP,),
            "Buprenorphine (extended-release, injectable)": (BUP,),
            "Buprenorphine sub-dermal implant (Probuphine)": (BUP,),
            "Buprenorphine sub-dermal implant": (BUP,),
            "Naltrexone (oral)": (NALT,),
            "Extended-release, injectable Naltrexone (Vivitrol)": (NALT,),
            "Naltrexone (extended-release, injectable)": (NALT,),
            # Not medications for opioid use disorder.
            "Acamprosate (Campral)": NOTHING,
            "Disulfiram (Antabuse)": NOTHING,
            "Disulfiram": NOTHING,
            "Medications for psychiatric disorders": NOTHING,
            "Medication for mental disorders": NOTHING,
            "Medications for HIV treatment": NOTHING,
            "Medications for Hepatitis C treatment": NOTHING,
            "Medications for pre-exposure to prophylaxis": NOTHING,
            "Nicotine replacement": NOTHING,
            "Non-nicotine smoking/tobacco cessation": NOTHING,
            # Eases withdrawal; not a medication for opioid use disorder.
            "Lofexidine": NOTHING,
            "Clonidine": NOTHING,
        },
    ),
    Category(
        "License, certification, accreditation",
        ("LCA",),
        ("License/Certification/Accreditation",),
        {
            "SAMHSA certification for opioid treatment program (OTP)": (OTP, METH),
            # Who licenses or accredits a facility: shown as SAMHSA words it, not searched.
            **{
                label: NOTHING
                for label in (
                    "State Substance use treatment agency",
                    "State substance abuse agency",
                    "State mental health department",
                    "State department of health",
                    "Commission on Accreditation of Rehabilitation Facilities (CARF)",
                    "Commission on Accreditation of Rehabilitation Facilities",
                    "Council on Accreditation (COA)",
                    "Healthcare Facilities Accreditation Program (HFAP)",
                    "Hospital licensing authority",
                    "The Joint Commission",
                    "National Committee for Quality Assurance (NCQA)",
                    "Federally Qualified Health Center",
                    # Registration to prescribe controlled substances: says nothing about OUD treatment.
                    "Drug Enforcement Agency (DEA)",
                )
            },
        },
    ),
    Category(
        "Payment",
        ("PAY",),
        ("Payment/Insurance/Funding Accepted", "Payment/Insurance Accepted"),
        {
            "Medicaid": (fact(Payment.MEDICAID),),
            "Medicare": (fact(Payment.MEDICARE),),
            "Private health insurance": (fact(Payment.PRIVATE_INSURANCE),),
            "State-financed health insurance plan other than Medicaid": (fact(Payment.STATE_PLAN),),
            "Military insurance (e.g., TRICARE)": (fact(Payment.MILITARY),),
            "Federal military insurance (e.g., TRICARE)": (fact(Payment.MILITARY),),
            "Cash or self-payment": (fact(Payment.CASH),),
            "No payment accepted": (fact(Payment.FREE),),
            "IHS/Tribal/Urban (ITU) funds": (fact(Payment.IHS_TRIBAL),),
            "Indian Health Services": (fact(Payment.IHS_TRIBAL),),
            # How the program is funded, not a way a person pays.
            **{
                label: NOTHING
                for label in (
                    "U.S. Department of VA funds",
                    "Community Mental Health Block Grants",
                    "Community Service Block Grants",
                    "County or local government funds",
                    "Federal, or any government funding for substance abuse programs",
                    "Federal, or any government funding for substance use treatment programs",
                    "SAMHSA funding/block grants",
                    "Other State funds",
                    "State corrections or juvenile justice funds",
                    "State education funds",
                    "State mental health agency (or equivalent) funds",
                    "State welfare or child and family services funds",
                    "State substance abuse agency funds",
                    "Access to Recovery (ATR) voucher",
                )
            },
        },
    ),
    Category(
        "Payment assistance",
        ("PYAS",),
        ("Payment Assistance Available",),
        {
            "Sliding fee scale (fee is based on income and other factors)": (fact(Payment.SLIDING_FEE),),
            "Sliding fee scale": (fact(Payment.SLIDING_FEE),),
            "Payment assistance (check with facility for details)": (fact(Payment.PAYMENT_ASSISTANCE),),
            "Payment assistance": (fact(Payment.PAYMENT_ASSISTANCE),),
            "Treatment at no charge or minimal payment for clients who cannot afford to pay": (fact(Payment.FREE),),
        },
    ),
)
CATEGORIES = OFFER_CATEGORIES + CARE_CATEGORIES

_BY_CODE = {code: category for category in CATEGORIES for code in category.codes}
_BY_TITLE = {normalize_label(title): category for category in CATEGORIES for title in category.titles}
_LABELS = {
    id(category): {normalize_label(label): facts for label, facts in category.labels.items()} for category in CATEGORIES
}


def _unambiguous_labels() -> dict[str, tuple[str, ...]]:
    """Labels meaning the same wherever they appear, for matching in a category we cannot place."""
    meanings: dict[str, set[tuple[str, ...]]] = {}
    for category in CATEGORIES:
        for label, facts in _LABELS[id(category)].items():
            meanings.setdefault(label, set()).add(tuple(sorted(facts)))
    return {label: next(iter(facts)) for label, facts in meanings.items() if len(facts) == 1}


_ANY_CATEGORY = _unambiguous_labels()


def find_category(code: str, title: str) -> Category | None:
    """The category of a service group: by its code, else by its title (some codes are not documented)."""
    return _BY_CODE.get(code) or _BY_TITLE.get(normalize_label(title))


@dataclass(frozen=True)
class LabelReading:
    """What a listing's labels say: their facts, and the labels no table knows as `(category, label)`.

    An unknown label is in a category that decides a field, or in a category no table knows (perhaps
    one renamed): either way a person may be missing a fact about this listing.
    """

    facts: frozenset[str]
    unknown: tuple[tuple[str, str], ...]


def read_labels(groups: Iterable[tuple[str, str, Iterable[str]]]) -> LabelReading:
    """The facts of a listing's service groups, each given as (code, title, values)."""
    facts: set[str] = set()
    unknown: list[tuple[str, str]] = []
    for code, title, values in groups:
        category = find_category(code, title)
        for value in values:
            label = normalize_label(value)
            meaning = _LABELS[id(category)].get(label) if category else _ANY_CATEGORY.get(label)
            if meaning is not None:
                facts.update(meaning)
            elif category is None or category.decides:
                unknown.append((category.name if category else f"{title or '?'} ({code or 'no code'})", value))
    return LabelReading(frozenset(facts), tuple(unknown))

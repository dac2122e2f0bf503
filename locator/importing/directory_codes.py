"""National Directory of Drug and Alcohol Abuse Treatment Facilities rows with service codes -> records.

The 2017 directory as scraped from its PDF and geocoded by a research project: `Keys` holds SAMHSA's
short service codes joined by "/" (`service_code_info` in SAMHSA's yearly spreadsheet). Its
coordinates come from that geocoding, not from SAMHSA, so they count as address precision.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from locator.importing.directory_code_words import CODES_GROUP
from locator.importing.facts import (
    BUP,
    DETOX,
    HOSPITAL,
    METH,
    MOUD,
    NALT,
    OTP,
    OUTPATIENT,
    RESIDENTIAL,
    TELE,
    fact,
    fields_from_facts,
    offers_and_denies,
)
from locator.importing.normalize import clean_text, record_key
from locator.importing.records import ParsedFile, ProviderRecord, Rejection, ServiceGroup
from locator.importing.rows import build_record, csv_rows
from locator.vocabulary import Age, Coverage, Group, Kind, Language, LocationPrecision, Payment, Setting, Source

FORMAT = "national-directory"

# National Directory service codes (`Keys`, `service_code_info`) -> facts, by SAMHSA's code key.
DIRECTORY_CODES: dict[str, tuple[str, ...]] = {
    **{code: (METH,) for code in ("MU", "METH", "MM", "DM")},
    "OTP": (OTP, METH),
    **{code: (BUP,) for code in ("BU", "UB", "BUM", "BWN", "BWON", "BERI", "DB", "BMW")},
    **{code: (NALT,) for code in ("NU", "UN", "VTRL", "NXN", "RPN")},
    "MD": (fact(Payment.MEDICAID),),
    "MC": (fact(Payment.MEDICARE),),
    "PI": (fact(Payment.PRIVATE_INSURANCE),),
    "SI": (fact(Payment.STATE_PLAN),),
    "MI": (fact(Payment.MILITARY),),
    "SF": (fact(Payment.CASH),),
    "NP": (fact(Payment.FREE),),
    "ITU": (fact(Payment.IHS_TRIBAL),),
    "PA": (fact(Payment.PAYMENT_ASSISTANCE),),
    "SS": (fact(Payment.SLIDING_FEE),),
    "SP": (fact(Language.SPANISH),),
    "AH": (fact(Language.SIGN_LANGUAGE),),
    "TELE": (TELE,),
    # OD is outpatient detoxification, ODT outpatient day treatment (SAMHSA's code key).
    **{code: (OUTPATIENT,) for code in ("OP", "ORT", "ODT")},
    "OMB": (OUTPATIENT, MOUD),
    "OD": (OUTPATIENT, DETOX),
    "OIT": (fact(Setting.INTENSIVE_OUTPATIENT),),
    **{code: (RESIDENTIAL,) for code in ("RES", "RL", "RS")},
    "RD": (RESIDENTIAL, DETOX),
    **{code: (HOSPITAL,) for code in ("HI", "HIT")},
    "HID": (HOSPITAL, DETOX),
    **{code: (DETOX,) for code in ("DT", "ODTX")},
    "CHLD": (fact(Age.CHILDREN),),
    "YAD": (fact(Age.YOUNG_ADULTS),),
    "ADLT": (fact(Age.ADULTS),),
    "SNR": (fact(Age.SENIORS),),
    "XA": (fact(Group.ADOLESCENTS),),
    "TAY": (fact(Group.YOUNG_ADULTS),),
    "SE": (fact(Group.SENIORS),),
    "VET": (fact(Group.VETERANS),),
    "ADM": (fact(Group.ACTIVE_DUTY_MILITARY),),
    "MF": (fact(Group.MILITARY_FAMILIES),),
    "PW": (fact(Group.PREGNANT_POSTPARTUM),),
    "WN": (fact(Group.WOMEN),),
    "MN": (fact(Group.MEN),),
    "GL": (fact(Group.LGBTQ),),
    "CJ": (fact(Group.CRIMINAL_JUSTICE),),
    "CO": (fact(Group.CO_OCCURRING),),
}
# How SAMHSA words the directory's age and group codes, for the lists a provider page shows.
DIRECTORY_CODE_WORDING = {
    "CHLD": ("age_groups", "Children/adolescents"),
    "YAD": ("age_groups", "Young adults"),
    "ADLT": ("age_groups", "Adults"),
    "SNR": ("age_groups", "Seniors (65 or older)"),
    "VET": ("special_groups", "Veterans"),
    "ADM": ("special_groups", "Active duty military"),
    "MF": ("special_groups", "Military families"),
    "PW": ("special_groups", "Pregnant/postpartum women"),
    "WN": ("special_groups", "Adult women"),
    "MN": ("special_groups", "Adult men"),
}

COLUMNS = {"Name1", "Address1", "City", "State", "ZIP_Code", "Keys"}
_HOUSE_NUMBER_RE = re.compile(r"^\d+\w*\s")
_INTAKE_RE = re.compile(r"Intakes?:", re.IGNORECASE)
_ALIASES = {"service_code_info": "Keys", "Zip": "ZIP_Code", "Phone": "Contact"}


def sniff_csv(header: set[str]) -> bool:
    return COLUMNS <= {_ALIASES.get(name, name) for name in header}


def _joined(*parts: str | None) -> str:
    return ", ".join(part for part in (clean_text(part) for part in parts) if part)


def _records(rows: Iterator[tuple[int, dict[str, str]] | Rejection]) -> Iterator[ProviderRecord | Rejection]:
    for item in rows:
        if isinstance(item, Rejection):
            yield item
            continue
        row_number, row = item
        phone, *intake = _INTAKE_RE.split(clean_text(row.get("Contact")), maxsplit=1)
        codes = tuple(dict.fromkeys(code for code in (clean_text(part) for part in row["Keys"].split("/")) if code))
        facts = {fact for code in codes for fact in DIRECTORY_CODES.get(code, ())}
        wording: dict[str, tuple[str, ...]] = {"age_groups": (), "special_groups": ()}
        for code in codes:
            if code in DIRECTORY_CODE_WORDING:
                field, label = DIRECTORY_CODE_WORDING[code]
                wording[field] += (label,)
        street, street2 = clean_text(row["Address1"]), _joined(row.get("Address2"), row.get("Address3"))
        if not _HOUSE_NUMBER_RE.match(street) and _HOUSE_NUMBER_RE.match(clean_text(row.get("Address2"))):
            # The PDF scrape put a building name first: "Potomac Street Center", "1330 South Potomac Street".
            street, street2 = clean_text(row.get("Address2")), _joined(row["Address1"], row.get("Address3"))
        yield build_record(
            source=Source.NATIONAL_DIRECTORY,
            row_number=row_number,
            kind=Kind.FACILITY,
            name=row["Name1"],
            name2=_joined(row.get("Name2"), row.get("Name3")),
            street=street,
            street2=street2,
            key_extra=record_key(row.get("Name2") or ""),
            city=row["City"],
            state=row["State"],
            zip_code=row["ZIP_Code"],
            phone=phone,
            intake_phone=intake[0] if intake else "",
            latitude=row.get("Latitude"),
            longitude=row.get("Longitude"),
            coordinates_precision=LocationPrecision.ADDRESS,
            services=(ServiceGroup(code=CODES_GROUP, label="SAMHSA service codes", values=codes),) if codes else (),
            offers_and_denies_moud=offers_and_denies(facts),
            **wording,
            **fields_from_facts(facts),
        )


def parse(text: str) -> ParsedFile:
    rows = csv_rows(text, required_columns=COLUMNS, aliases=_ALIASES)
    return ParsedFile(Source.NATIONAL_DIRECTORY, FORMAT, Coverage.NATIONAL, _records(rows))

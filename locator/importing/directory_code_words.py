"""The National Directory's service codes in words, by the categories of SAMHSA's code key.

The 2017 directory (`Keys`, `service_code_info`) lists a facility's services as short codes ("BUM",
"SAF", "HFAP"). A provider page shows them as SAMHSA words them. A code whose meaning we could not
confirm from SAMHSA's key is shown as the code itself, under "Other SAMHSA codes", never guessed.
What a code decides (medications, payment, settings, groups) is in `directory_codes.DIRECTORY_CODES`.
"""

from __future__ import annotations

# Category -> {code: SAMHSA's wording}, in the order of the directory's key.
CODE_WORDS: dict[str, dict[str, str]] = {
    "Primary focus": {
        "SAF": "Substance abuse treatment services",
        "MHF": "Mental health services",
        "MHSAF": "Mix of mental health and substance abuse treatment services",
        "GHF": "General health care",
    },
    "Type of care": {
        "SA": "Substance abuse treatment",
        "DT": "Detoxification",
        "HH": "Transitional housing, halfway house, or sober home",
        "OTP": "Opioid treatment program (OTP)",
    },
    "Service setting": {
        "HI": "Hospital inpatient",
        "HID": "Hospital inpatient detoxification",
        "HIT": "Hospital inpatient treatment",
        "OP": "Outpatient",
        "OD": "Outpatient detoxification",
        "ODT": "Outpatient day treatment or partial hospitalization",
        "OIT": "Intensive outpatient treatment",
        "OMB": "Outpatient methadone/buprenorphine or naltrexone treatment",
        "ORT": "Regular outpatient treatment",
        "RES": "Residential/24-hour residential",
        "RD": "Residential detoxification",
        "RL": "Long-term residential",
        "RS": "Short-term residential",
    },
    "Hospitals": {
        "GH": "General hospital (including VA hospital)",
        "PSYH": "Psychiatric hospital",
    },
    "Opioid medications": {
        "MU": "Methadone used in treatment",
        "BU": "Buprenorphine used in treatment",
        "NU": "Naltrexone used in treatment",
        "UB": "Prescribes buprenorphine",
        "UN": "Prescribes naltrexone",
        "MM": "Methadone maintenance",
        "MMW": "Methadone maintenance for a predetermined time",
        "DM": "Methadone detoxification",
        "BUM": "Buprenorphine maintenance",
        "BMW": "Buprenorphine maintenance for a predetermined time",
        "DB": "Buprenorphine detoxification",
        "RPN": "Relapse prevention with naltrexone",
        "NMOA": "Does not use medication for opioid addiction",
    },
    "Pharmacotherapies": {
        "METH": "Methadone",
        "BWN": "Buprenorphine with naloxone",
        "BWON": "Buprenorphine without naloxone",
        "BERI": "Buprenorphine (extended-release, injectable)",
        "NXN": "Naltrexone (oral)",
        "VTRL": "Naltrexone (extended-release, injectable)",
        "ACM": "Acamprosate",
        "DSF": "Disulfiram",
        "NRT": "Nicotine replacement",
        "NSC": "Non-nicotine smoking/tobacco cessation medications",
        "MPD": "Medications for psychiatric disorders",
    },
    "Detoxification from": {
        "ADTX": "Alcohol",
        "BDTX": "Benzodiazepines",
        "CDTX": "Cocaine",
        "MDTX": "Methamphetamines",
        "ODTX": "Opioids",
    },
    "Treatment approaches": {
        "ANG": "Anger management",
        "BIA": "Brief intervention",
        "CBT": "Cognitive behavioral therapy",
        "CMI": "Contingency management/motivational incentives",
        "CRV": "Community reinforcement plus vouchers",
        "DBT": "Dialectical behavior therapy",
        "MOTI": "Motivational interviewing",
        "MXM": "Matrix Model",
        "REBT": "Rational emotive behavioral therapy",
        "RELP": "Relapse prevention",
        "SACA": "Substance abuse counseling",
        "TRC": "Trauma-related counseling",
        "TWFA": "12-step facilitation",
        "TELE": "Telemedicine/telehealth",
    },
    "Counseling": {
        "ICO": "Individual counseling",
        "GCO": "Group counseling",
        "FCO": "Family counseling",
        "MCO": "Marital/couples counseling",
    },
    "Assessment and pre-treatment": {
        "CSAA": "Comprehensive substance abuse assessment or diagnosis",
        "CMHA": "Comprehensive mental health assessment or diagnosis",
        "OPC": "Outreach to persons in the community who may need treatment",
        "ISC": "Interim services for clients when immediate admission is not possible",
    },
    "Testing": {
        "BABA": "Breathalyzer or other blood alcohol testing",
        "DAUT": "Drug or alcohol urine screening",
        "HIVT": "HIV testing",
        "STDT": "STD testing",
        "TBS": "TB screening",
        "STU": "Screening for tobacco use",
    },
    "Ancillary services": {
        "ACC": "Aftercare/continuing care",
        "ACU": "Acupuncture",
        "AOSS": "Assistance with obtaining social services",
        "CCC": "Child care for clients' children",
        "CM": "Case management services",
        "DP": "Discharge planning",
        "DVFP": "Domestic violence services, including family or partner violence",
        "EIH": "Early intervention for HIV",
        "EMP": "Employment counseling or training",
        "HAEC": "HIV or AIDS education, counseling, or support",
        "HEOH": "Health education other than HIV/AIDS or hepatitis",
        "HS": "Housing services",
        "MHS": "Mental health services",
        "PEER": "Mentoring/peer support",
        "SAE": "Substance abuse education",
        "SHG": "Self-help groups",
        "SSD": "Social skills development",
        "TA": "Transportation assistance",
        "TCC": "Smoking/tobacco cessation counseling",
    },
    "Payment accepted": {
        "SF": "Cash or self-payment",
        "MD": "Medicaid",
        "MC": "Medicare",
        "SI": "State-financed health insurance plan other than Medicaid",
        "PI": "Private health insurance",
        "MI": "Military insurance (e.g., TRICARE)",
        "ITU": "IHS/Tribal/Urban (ITU) funds",
        "FSA": "Federal, or any government funding for substance abuse programs",
        "ATR": "Access to Recovery (ATR) vouchers",
        "NP": "No payment accepted (free treatment)",
        "SS": "Sliding fee scale",
        "PA": "Payment assistance (check with the facility for details)",
    },
    "Special programs or groups": {
        "XA": "Adolescents",
        "TAY": "Young adults",
        "WN": "Adult women",
        "PW": "Pregnant/postpartum women",
        "MN": "Adult men",
        "SE": "Seniors or older adults",
        "GL": "Lesbian, gay, bisexual, or transgender (LGBT) clients",
        "VET": "Veterans",
        "ADM": "Active duty military",
        "MF": "Members of military families",
        "CJ": "Criminal justice clients",
        "DU": "DUI/DWI clients",
        "CO": "Clients with co-occurring mental and substance use disorders",
        "HV": "Clients with HIV or AIDS",
        "DV": "Clients who have experienced intimate partner violence or domestic violence",
        "TRMA": "Clients who have experienced trauma",
    },
    "Ages and genders accepted": {
        "CHLD": "Children/adolescents",
        "YAD": "Young adults",
        "ADLT": "Adults",
        "SNR": "Seniors",
        "FEM": "Female",
        "MALE": "Male",
    },
    "Language services": {
        "SP": "Spanish",
        "AH": "Sign language services for the deaf and hard of hearing",
        "F4": "Arabic",
        "F17": "Any Chinese language",
        "F19": "Creole",
        "F25": "Farsi",
        "F28": "French",
        "F30": "German",
        "F31": "Greek",
        "F35": "Hebrew",
        "F36": "Hindi",
        "F37": "Hmong",
        "F42": "Italian",
        "F47": "Korean",
        "F66": "Polish",
        "F67": "Portuguese",
        "F70": "Russian",
        "F81": "Tagalog",
        "F92": "Vietnamese",
    },
    "Facility operation": {
        "LCCG": "Local, county, or community government",
        "STG": "State government",
        "TBG": "Tribal government",
        "VAMC": "U.S. Department of Veterans Affairs",
    },
    "License, certification or accreditation": {
        "STDH": "State department of health",
        "HLA": "Hospital licensing authority",
        "JC": "The Joint Commission",
        "CARF": "Commission on Accreditation of Rehabilitation Facilities (CARF)",
        "NCQA": "National Committee for Quality Assurance (NCQA)",
        "COA": "Council on Accreditation (COA)",
        "HFAP": "Healthcare Facilities Accreditation Program (HFAP)",
    },
    "Smoking policy": {
        "SMON": "Smoking not permitted",
        "SMOP": "Smoking permitted without restriction",
        "SMPD": "Smoking permitted in designated area",
    },
}
OTHER_CODES = "Other SAMHSA codes"
# The code of the one service group a directory listing carries: its codes, as the file lists them.
CODES_GROUP = "CODES"

_CATEGORY_OF = {code: category for category, words in CODE_WORDS.items() for code in words}


def worded_service_groups(groups: list[dict]) -> list[dict]:
    """A provider's merged service groups with the directory's codes, if any, as words by category."""
    worded = []
    for group in groups:
        if group["code"] == CODES_GROUP:
            worded += [{"code": "", "label": label, "values": words} for label, words in worded_groups(group["values"])]
        else:
            worded.append(group)
    return worded


def worded_groups(codes: list[str] | tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """(category, SAMHSA's words) for each category these codes touch, in the key's order; codes
    without a confirmed meaning last, as they are."""
    by_category: dict[str, list[str]] = {}
    for code in codes:
        category = _CATEGORY_OF.get(code, OTHER_CODES)
        by_category.setdefault(category, []).append(CODE_WORDS.get(category, {}).get(code, code))
    order = [*CODE_WORDS, OTHER_CODES]
    return sorted(by_category.items(), key=lambda item: order.index(item[0]))

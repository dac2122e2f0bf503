"""What FindTreatment.gov's wording of care says in our fields: settings, programs for groups of people,
ages and languages, and the categories that only describe. See locator.importing.labels for the rules.
"""

from __future__ import annotations

from locator.importing.facts import DETOX, HOSPITAL, MOUD, NOTHING, OUTPATIENT, RESIDENTIAL, TELE, Category, fact
from locator.vocabulary import Age, Group, Language, Setting

CARE_CATEGORIES = (
    Category(
        "Service setting",
        ("SET",),
        (
            "Service Setting (e.g., Outpatient, Residential, Inpatient, etc.)",
            "Service Settings (e.g., Outpatient, Residential, Inpatient etc.)",
            "Service Setting (e.g., Outpatient, Residential, etc.)",
        ),
        {
            "Outpatient": (OUTPATIENT,),
            "Regular outpatient treatment": (OUTPATIENT,),
            "Outpatient day treatment or partial hospitalization": (OUTPATIENT,),
            "Partial hospitalization/day treatment": (OUTPATIENT,),
            "Outpatient detoxification": (OUTPATIENT, DETOX),
            "Outpatient methadone/buprenorphine or naltrexone treatment": (OUTPATIENT, MOUD),
            "Intensive outpatient treatment": (fact(Setting.INTENSIVE_OUTPATIENT),),
            "Residential": (RESIDENTIAL,),
            "Residential/24-hour residential": (RESIDENTIAL,),
            "Residential treatment center (RTC) for adults": (RESIDENTIAL,),
            "Residential treatment center (RTC) for children": (RESIDENTIAL,),
            "Long-term residential": (RESIDENTIAL,),
            "Short-term residential": (RESIDENTIAL,),
            "Residential detoxification": (RESIDENTIAL, DETOX),
            "Hospital inpatient": (HOSPITAL,),
            "Hospital inpatient/24-hour hospital inpatient": (HOSPITAL,),
            "Hospital inpatient treatment": (HOSPITAL,),
            "Hospital inpatient detoxification": (HOSPITAL, DETOX),
            "Telemedicine/telehealth": (TELE,),
            "Telemedicine/telehealth therapy": (TELE,),
            "Computerized treatment/telemedicine": (TELE,),
            # Computer-based therapy, not care at a distance.
            "Computerized treatment": NOTHING,
        },
    ),
    Category(
        "Type of care",
        ("TC",),
        ("Type of Care",),
        {
            "Substance use treatment": NOTHING,
            "Mental health treatment": NOTHING,
            "Mental health treatment services": NOTHING,
            "Substance treatment services": NOTHING,
            # Withdrawal management where SAMHSA does not say for which substance: `detox` means that, or
            # opioids by name. Detox named for other substances only ("Alcohol Detoxification") is not.
            "Detoxification": (DETOX,),
            "Transitional housing, halfway house, or sober home": NOTHING,
            "Treatment for co-occurring substance use plus either serious mental health illness in adults/serious "
            "emotional disturbance in children": (fact(Group.CO_OCCURRING),),
        },
    ),
    Category(
        "Detoxification services",
        (),
        ("Detoxification (medical withdrawal) Services",),
        {
            "Opioids detoxification": (DETOX,),
            # Withdrawal from other substances only: not what a person with opioid use disorder asks for.
            "Alcohol Detoxification": NOTHING,
            "Benzodiazepines Detoxification": NOTHING,
            "Cocaine Detoxification": NOTHING,
            "Methamphetamines detoxification": NOTHING,
            "Medication routinely used during detoxification": NOTHING,
        },
    ),
    Category(
        "Treatment approaches",
        ("TAP",),
        ("Treatment Approaches",),
        {
            "Telemedicine/telehealth therapy": (TELE,),
            # Kinds of therapy: shown as SAMHSA words them, listed so that new wording (a new way to
            # say telehealth) is reported.
            **{
                label: NOTHING
                for label in (
                    "Anger management",
                    "Brief intervention",
                    "Cognitive behavioral therapy",
                    "Contingency management/motivational incentives",
                    "Community reinforcement plus vouchers",
                    "Motivational interviewing",
                    "Matrix Model",
                    "Relapse prevention",
                    "Substance use disorder counseling",
                    "Substance use counseling approach",
                    "Trauma-related counseling",
                    "12-step facilitation",
                    "Activity therapy",
                    "Dialectical behavior therapy",
                    "Group therapy",
                    "Integrated dual disorders treatment",
                    "Individual psychotherapy",
                    "Psychotropic medication",
                    "Trauma therapy",
                    "Behavior modification",
                    "Couples/family therapy",
                    "Electroconvulsive therapy",
                    "Rational emotive behavioral therapy",
                    "Cognitive/behavior therapy",
                )
            },
        },
    ),
    Category(
        "Special programs",
        ("SG",),
        ("Special Programs/Groups Offered",),
        {
            "Pregnant/postpartum women": (fact(Group.PREGNANT_POSTPARTUM),),
            "Adolescents": (fact(Group.ADOLESCENTS),),
            "Young adults": (fact(Group.YOUNG_ADULTS),),
            "Transitional age young adults": (fact(Group.YOUNG_ADULTS),),
            "Seniors or older adults": (fact(Group.SENIORS),),
            "Adult women": (fact(Group.WOMEN),),
            "Adult men": (fact(Group.MEN),),
            "Veterans": (fact(Group.VETERANS),),
            "Active duty military": (fact(Group.ACTIVE_DUTY_MILITARY),),
            "Members of military families": (fact(Group.MILITARY_FAMILIES),),
            "Military families": (fact(Group.MILITARY_FAMILIES),),
            "Lesbian, gay, bisexual, transgender, or queer/questioning (LGBTQ)": (fact(Group.LGBTQ),),
            "Lesbian, gay, bisexual, or transgender (LGBT) clients": (fact(Group.LGBTQ),),
            "Criminal justice (other than DUI/DWI)/Forensic clients": (fact(Group.CRIMINAL_JUSTICE),),
            "Clients referred from the court/judicial system": (fact(Group.CRIMINAL_JUSTICE),),
            "Clients referred from the court/judicial system (other than DUI/DWI)": (fact(Group.CRIMINAL_JUSTICE),),
            "Clients with co-occurring mental and substance use disorders": (fact(Group.CO_OCCURRING),),
            "Persons with co-occurring mental and substance use disorders": (fact(Group.CO_OCCURRING),),
            # Programs shown as SAMHSA words them; FindTreatment.gov offers no search by them either.
            **{
                label: NOTHING
                for label in (
                    "Clients with co-occurring pain and substance use disorders",
                    "Clients with HIV or AIDS",
                    "Persons with HIV or AIDS",
                    "Clients who have experienced sexual abuse",
                    "Persons who have experienced sexual abuse",
                    "Clients who have experienced intimate partner violence, domestic violence",
                    "Persons who have experienced intimate partner violence, domestic violence",
                    "Clients who have experienced trauma",
                    "Persons who have experienced trauma",
                    "Persons with serious mental illness (SMI)",
                    "Adults with serious mental illness (SMI)",
                    "Persons with traumatic brain injury (TBI)",
                    "Persons with Alzheimer's or dementia",
                    "Persons with eating disorders",
                    "Persons with post-traumatic stress disorder (PTSD)",
                    "Children/adolescents with serious emotional disturbance (SED)",
                )
            },
        },
    ),
    Category(
        "Ages",
        ("AGE",),
        ("Age Groups Accepted",),
        {
            "Children/Adolescents": (fact(Age.CHILDREN),),
            "Young adults": (fact(Age.YOUNG_ADULTS),),
            "Adults": (fact(Age.ADULTS),),
            "Seniors": (fact(Age.SENIORS),),
            "Seniors (65 or older)": (fact(Age.SENIORS),),
        },
    ),
    Category(
        "Language services",
        ("SL",),
        ("Language Services",),
        {
            "Spanish": (fact(Language.SPANISH),),
            "Sign language services for the deaf and hard of hearing": (fact(Language.SIGN_LANGUAGE),),
            "Services for the deaf and hard of hearing": (fact(Language.SIGN_LANGUAGE),),
            "Services for the hearing-impaired": (fact(Language.SIGN_LANGUAGE),),
            "American Indian or Alaska Native languages": (fact(Language.AMERICAN_INDIAN),),
            # Which language is not said; the named ones come in "Other Languages".
            "Other languages (excluding Spanish)": NOTHING,
        },
    ),
    Category(
        "Other languages",
        ("OL",),
        ("Other Languages",),
        {
            "Spanish": (fact(Language.SPANISH),),
            "Arabic": (fact(Language.ARABIC),),
            "Any Chinese Language": (fact(Language.CHINESE),),
            "Chinese": (fact(Language.CHINESE),),
            "Creole": (fact(Language.CREOLE),),
            "Farsi": (fact(Language.FARSI),),
            "French": (fact(Language.FRENCH),),
            "German": (fact(Language.GERMAN),),
            "Greek": (fact(Language.GREEK),),
            "Hebrew": (fact(Language.HEBREW),),
            "Hindi": (fact(Language.HINDI),),
            "Hmong": (fact(Language.HMONG),),
            "Italian": (fact(Language.ITALIAN),),
            "Japanese": (fact(Language.JAPANESE),),
            "Korean": (fact(Language.KOREAN),),
            "Polish": (fact(Language.POLISH),),
            "Portuguese": (fact(Language.PORTUGUESE),),
            "Russian": (fact(Language.RUSSIAN),),
            "Tagalog": (fact(Language.TAGALOG),),
            "Vietnamese": (fact(Language.VIETNAMESE),),
        },
    ),
    # Described, not searched: every label is shown as SAMHSA words it.
    *(
        Category(title, codes, (title,), {}, decides=False)
        for codes, title in (
            (("HOSP",), "Hospitals"),
            (("FOP",), "Facility Operation (e.g., Private, Public)"),
            (("FOP",), "Facility Operation (e.g. Private, Public)"),
            (("ASSES",), "Assessment/Pre-treatment"),
            (("SCR",), "Testing"),
            (("SCR",), "Screening & Testing"),
            (("TRSRV",), "Transitional Services"),
            ((), "Recovery Support Services"),
            (("OTHR",), "Other Services"),
            (("OTHR",), "Other Addictions"),
            (("EDU",), "Education and Counseling Services"),
            (("EDU",), "Counseling Services and Education"),
            ((), "Medical Services"),
            (("SMP",), "Facility Smoking Policy"),
            ((), "Facility Vaping Policy"),
            (("GN",), "Gender Accepted"),
            (("EXCL",), "Exclusive Services"),
            (("AS",), "Ancillary Services"),
            (("FT",), "Facility Type"),
            (("EMS",), "Emergency Mental Health Services"),
            (("TOBAC",), "Tobacco/Screening Services"),
        )
    ),
)

"""Every vocabulary of the directory, defined once: models, search, forms, admin, the API, labels and
templates all take their codes, labels and field names from here.

The codes are the public interface (API parameters, stored values); the labels are what a person reads.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    # SAMHSA's own names for its sources, shown in English on every page as SAMHSA publishes them.
    FINDTREATMENT = "findtreatment", "FindTreatment.gov locator"
    LOCATOR_FACILITY_LIST = "locator_facility_list", "SAMHSA treatment locator facility list"
    OTP_DIRECTORY = "otp_directory", "SAMHSA Opioid Treatment Program Directory"
    PRACTITIONER_LOCATOR = "practitioner_locator", "SAMHSA Buprenorphine Practitioner Locator"
    NATIONAL_DIRECTORY = (
        "national_directory",
        "SAMHSA National Directory of Drug and Alcohol Abuse Treatment Facilities",
    )


# The two orders of the sources, side by side because they answer different questions.
# An import applies sources in this order, so that the listings naming programs most precisely are
# there first for the others to be linked to.
IMPORT_ORDER = (
    Source.OTP_DIRECTORY,
    Source.FINDTREATMENT,
    Source.NATIONAL_DIRECTORY,
    Source.LOCATOR_FACILITY_LIST,
    Source.PRACTITIONER_LOCATOR,
)
# Whose wording of name, address and phone wins between equally recent records: the locator is
# maintained by the facilities themselves; the OTP Directory names the legal entity.
WORDING_ORDER = (
    Source.FINDTREATMENT,
    Source.NATIONAL_DIRECTORY,
    Source.LOCATOR_FACILITY_LIST,
    Source.OTP_DIRECTORY,
    Source.PRACTITIONER_LOCATOR,
)


class Kind(models.TextChoices):
    FACILITY = "facility", _("Treatment facility")
    OTP = "otp", _("Opioid treatment program")
    PRACTITIONER = "practitioner", _("Practitioner")


class LocationPrecision(models.TextChoices):
    """How sure a location is, most exact first: a provider's pin, or the place a search is about."""

    COORDINATES = "coordinates", _("Coordinates given")
    SOURCE = "source", _("Coordinates from SAMHSA")
    ADDRESS = "address", _("Geocoded street address")
    ZIP_CENTROID = "zip_centroid", _("Approximate: center of the ZIP code")
    CITY_CENTROID = "city_centroid", _("Approximate: center of the city")


PRECISION_RANK = {precision: rank for rank, precision in enumerate(LocationPrecision)}
# Pins at the centre of an area: shown as approximate, and their distances as "about".
APPROXIMATE_PRECISIONS = frozenset({LocationPrecision.ZIP_CENTROID, LocationPrecision.CITY_CENTROID})


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    YEAR = "year", _("Year")


class Coverage(models.TextChoices):
    """What a file claims to list completely, which decides what its absence from it means."""

    NATIONAL = "national", _("National")
    STATES = "states", _("Some states, completely")
    PARTIAL = "partial", _("Partial")


class Certification(models.TextChoices):
    CERTIFIED = "certified", _("Certified")
    PROVISIONAL = "provisional", _("Provisional")


class Medication(models.TextChoices):
    BUPRENORPHINE = "buprenorphine", _("Buprenorphine")
    METHADONE = "methadone", _("Methadone")
    NALTREXONE = "naltrexone", _("Naltrexone")

    @property
    def field_name(self) -> str:
        """The Provider field that says a provider offers it: `offers_methadone`."""
        return f"offers_{self.value}"


class AccessMedication(models.TextChoices):
    """What the access metrics measure the distance to (locator/access.py)."""

    BUPRENORPHINE = "buprenorphine", _("Buprenorphine")
    # Methadone for opioid use disorder is given only at certified opioid treatment programs.
    METHADONE = "methadone", _("Methadone (opioid treatment programs)")
    NALTREXONE = "naltrexone", _("Naltrexone")
    ANY = "any", _("Any medication for opioid use disorder")


class Payment(models.TextChoices):
    MEDICAID = "medicaid", _("Medicaid")
    MEDICARE = "medicare", _("Medicare")
    PRIVATE_INSURANCE = "private_insurance", _("Private insurance")
    STATE_PLAN = "state_plan", _("State-financed plan")
    MILITARY = "military", _("Military insurance (TRICARE)")
    CASH = "cash", _("Cash or self-payment")
    FREE = "free", _("Free care")
    SLIDING_FEE = "sliding_fee", _("Sliding fee")
    PAYMENT_ASSISTANCE = "payment_assistance", _("Payment assistance")
    IHS_TRIBAL = "ihs_tribal", _("IHS, tribal or urban Indian funds")

    @property
    def field_name(self) -> str:
        return PAYMENT_FIELDS[self]


# The Provider field of each payment code.
PAYMENT_FIELDS = {
    Payment.MEDICAID: "accepts_medicaid",
    Payment.MEDICARE: "accepts_medicare",
    Payment.PRIVATE_INSURANCE: "accepts_private_insurance",
    Payment.STATE_PLAN: "accepts_state_plan",
    Payment.MILITARY: "accepts_military_insurance",
    Payment.CASH: "accepts_cash",
    Payment.FREE: "offers_free_care",
    Payment.SLIDING_FEE: "offers_sliding_fee",
    Payment.PAYMENT_ASSISTANCE: "offers_payment_assistance",
    Payment.IHS_TRIBAL: "accepts_ihs_tribal",
}


class Language(models.TextChoices):
    """Languages a search can ask for: ISO 639-1 codes, `hmn` (639-2) for Hmong, and two of SAMHSA's own
    groupings, sign language and American Indian or Alaska Native languages."""

    SPANISH = "es", _("Spanish")
    SIGN_LANGUAGE = "asl", _("Sign language")
    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    FARSI = "fa", _("Farsi")
    FRENCH = "fr", _("French")
    GERMAN = "de", _("German")
    GREEK = "el", _("Greek")
    HEBREW = "he", _("Hebrew")
    HINDI = "hi", _("Hindi")
    ITALIAN = "it", _("Italian")
    JAPANESE = "ja", _("Japanese")
    KOREAN = "ko", _("Korean")
    POLISH = "pl", _("Polish")
    PORTUGUESE = "pt", _("Portuguese")
    RUSSIAN = "ru", _("Russian")
    TAGALOG = "tl", _("Tagalog")
    VIETNAMESE = "vi", _("Vietnamese")
    HMONG = "hmn", _("Hmong")
    CREOLE = "ht", _("Creole")
    AMERICAN_INDIAN = "ai_an", _("American Indian or Alaska Native languages")


# Languages with a column of their own, which the search index holds; the others are in search_codes.
LANGUAGE_FIELDS = {Language.SPANISH: "offers_spanish"}


class Setting(models.TextChoices):
    """Where and how care is given."""

    OUTPATIENT = "outpatient", _("Outpatient")
    INTENSIVE_OUTPATIENT = "intensive_outpatient", _("Intensive outpatient")
    RESIDENTIAL = "residential", _("Residential")
    HOSPITAL_INPATIENT = "hospital_inpatient", _("Hospital inpatient")
    DETOX = "detox", _("Detox (withdrawal management)")


class Group(models.TextChoices):
    """Programs designed for a group of people."""

    PREGNANT_POSTPARTUM = "pregnant_postpartum", _("Pregnant or postpartum women")
    ADOLESCENTS = "adolescents", _("Adolescents")
    YOUNG_ADULTS = "young_adults", _("Young adults")
    SENIORS = "seniors", _("Seniors or older adults")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    VETERANS = "veterans", _("Veterans")
    ACTIVE_DUTY_MILITARY = "active_duty_military", _("Active duty military")
    MILITARY_FAMILIES = "military_families", _("Military families")
    LGBTQ = "lgbtq", _("LGBTQ people")
    CRIMINAL_JUSTICE = "criminal_justice", _("People in the criminal justice system")
    CO_OCCURRING = "co_occurring", _("People with co-occurring mental health conditions")


class Age(models.TextChoices):
    """Ages a provider accepts."""

    CHILDREN = "children", _("Children and adolescents")
    YOUNG_ADULTS = "young_adults", _("Young adults")
    ADULTS = "adults", _("Adults")
    SENIORS = "seniors", _("Seniors")


# The facets a provider lists as codes, each searched as any of its values: filter name -> vocabulary.
# `search_codes` on Provider holds them all as "name:code" words.
FACETS = {"setting": Setting, "group": Group, "age": Age, "language": Language}


def search_code(facet: str, code: str) -> str:
    """One word of Provider.search_codes: "group:veterans"."""
    return f"{facet}:{code}"


def search_codes(codes_by_facet: dict[str, list[str]]) -> str:
    """Provider.search_codes: every facet code as a word between spaces, so that " group:veterans "
    matches that code and no other that starts alike."""
    words = sorted(search_code(facet, code) for facet, codes in codes_by_facet.items() for code in codes)
    return f" {' '.join(words)} " if words else ""

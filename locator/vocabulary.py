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
    ZIP_CENTROID = "zip_centroid", _("Approximate: centre of the ZIP code")
    CITY_CENTROID = "city_centroid", _("Approximate: centre of the city")


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
    """Languages a search can ask for, by ISO 639-1 code."""

    SPANISH = "es", _("Spanish")

    @property
    def field_name(self) -> str:
        return LANGUAGE_FIELDS[self]


LANGUAGE_FIELDS = {Language.SPANISH: "offers_spanish"}

"""Providers of medication for opioid use disorder, and where each fact about them came from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from locator.geo import grid_cell, unit_vector
from locator.vocabulary import (
    LANGUAGE_FIELDS,
    PAYMENT_FIELDS,
    AccessMedication,
    Certification,
    Coverage,
    DatePrecision,
    Kind,
    Language,
    LocationPrecision,
    Medication,
    Source,
)

# Filters most providers do not match: each has a small index of its own, so that a search for
# one of them far from any match reads only the matching rows, not the whole directory.
RARE_FILTER_FIELDS = {
    "meth": Medication.METHADONE.field_name,
    "nal": Medication.NALTREXONE.field_name,
    "otp": "is_otp",
    "tele": "offers_telehealth",
    "es": LANGUAGE_FIELDS[Language.SPANISH],
    **{payment.value: field for payment, field in PAYMENT_FIELDS.items()},
}


class Provider(models.Model):
    """One place, or one practitioner, where a person can get MAT; merged from every source that lists it."""

    # No index of its own: with one, a search by kind and a rare filter read every provider of that kind
    # through it (40 ms) instead of the grid cells around the place; `kind` is in the search index.
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=255)
    name2 = models.CharField(_("second name or DBA"), max_length=255, blank=True)
    street = models.CharField(max_length=255, blank=True)
    street2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, db_index=True)
    zip_code = models.CharField("ZIP", max_length=5, blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    intake_phone = models.CharField(max_length=40, blank=True)
    website = models.CharField(max_length=500, blank=True)

    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_precision = models.CharField(max_length=20, choices=LocationPrecision.choices, blank=True)
    # The location as a point on the unit sphere, so that SQL ranks by great-circle distance with
    # arithmetic alone (a dot product), the same on SQLite and PostgreSQL.
    unit_x = models.FloatField(null=True, blank=True, editable=False)
    unit_y = models.FloatField(null=True, blank=True, editable=False)
    unit_z = models.FloatField(null=True, blank=True, editable=False)
    grid_cell = models.IntegerField(null=True, blank=True, editable=False, help_text="locator.geo.grid_cell")

    offers_buprenorphine = models.BooleanField(default=False)
    offers_methadone = models.BooleanField(default=False)
    offers_naltrexone = models.BooleanField(default=False)
    moud_medication_not_named = models.BooleanField(
        _("offers medication for opioid use disorder, which one not named"),
        default=False,
        help_text=_("SAMHSA's listing says it treats opioid use disorder with medication without naming which."),
    )
    is_otp = models.BooleanField(_("is an opioid treatment program"), default=False)
    otp_certification = models.CharField(max_length=20, choices=Certification.choices, blank=True)
    otp_certification_date = models.DateField(null=True, blank=True)

    accepts_medicaid = models.BooleanField(default=False)
    accepts_medicare = models.BooleanField(default=False)
    accepts_private_insurance = models.BooleanField(default=False)
    accepts_state_plan = models.BooleanField(_("accepts state-financed health plan"), default=False)
    accepts_military_insurance = models.BooleanField(default=False)
    accepts_cash = models.BooleanField(_("accepts cash or self-payment"), default=False)
    offers_free_care = models.BooleanField(default=False)
    offers_sliding_fee = models.BooleanField(default=False)
    offers_payment_assistance = models.BooleanField(default=False)
    accepts_ihs_tribal = models.BooleanField(_("accepts IHS/tribal/urban funds"), default=False)
    offers_telehealth = models.BooleanField(default=False)
    offers_spanish = models.BooleanField(_("services in Spanish"), default=False)
    languages = models.JSONField(default=list, blank=True, help_text=_("Language codes (locator.vocabulary.Language)."))
    settings = models.JSONField(default=list, blank=True, help_text=_("Setting codes: outpatient, residential..."))
    groups = models.JSONField(default=list, blank=True, help_text=_("Codes of the groups it has programs for."))
    ages = models.JSONField(default=list, blank=True, help_text=_("Codes of the ages it accepts."))
    # The four lists above as words " setting:residential group:veterans ", for the search's filters.
    search_codes = models.TextField(blank=True, editable=False)
    age_groups = models.JSONField(default=list, blank=True)
    special_groups = models.JSONField(default=list, blank=True)
    services = models.JSONField(default=list, blank=True, help_text=_("SAMHSA's service list, as SAMHSA worded it."))
    # Whether any current source said anything about services: where none did, payment, language or
    # programs are "not stated", never "no".
    services_stated = models.BooleanField(default=False)

    is_sample = models.BooleanField(_("sample data"), default=False)
    address_key = models.CharField(max_length=300, blank=True, db_index=True)
    phone_key = models.CharField(max_length=20, blank=True, db_index=True)
    name_key = models.CharField(max_length=255, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["name", "id"]
        # The search: the grid cells of its bounding box, then everything the ranking reads (the
        # filters, the unit vector, the name for ties, the id it returns, which PostgreSQL's index entries
        # do not otherwise hold) inside the index, so that counting and ranking never touch the wide rows.
        indexes = [
            models.Index(
                fields=[
                    "grid_cell",
                    "active",
                    "offers_buprenorphine",
                    "offers_methadone",
                    "offers_naltrexone",
                    "moud_medication_not_named",
                    "is_otp",
                    "kind",
                    "state",
                    "offers_telehealth",
                    "offers_spanish",
                    "accepts_medicaid",
                    "accepts_medicare",
                    "accepts_private_insurance",
                    "accepts_state_plan",
                    "accepts_military_insurance",
                    "accepts_cash",
                    "offers_free_care",
                    "offers_sliding_fee",
                    "offers_payment_assistance",
                    "accepts_ihs_tribal",
                    "unit_x",
                    "unit_y",
                    "unit_z",
                    "location_precision",
                    "name",
                    "id",
                ],
                name="provider_search",
            ),
            *(
                models.Index(
                    fields=["grid_cell"], condition=models.Q(**{field: True}), name=f"provider_only_{code}"[:30]
                )
                for code, field in RARE_FILTER_FIELDS.items()
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.state})"

    def set_location(self, *, latitude: float | None, longitude: float | None, location_precision: str) -> None:
        """Place the provider, and set everything the search derives from where it is."""
        self.latitude, self.longitude, self.location_precision = latitude, longitude, location_precision
        if latitude is None or longitude is None:
            self.unit_x = self.unit_y = self.unit_z = self.grid_cell = None
        else:
            self.unit_x, self.unit_y, self.unit_z = unit_vector(latitude, longitude)
            self.grid_cell = grid_cell(latitude, longitude)


class SourceFile(models.Model):
    """One file as imported: what it was (checksum), what it said about itself (source, date, coverage)."""

    source = models.CharField(max_length=40, choices=Source.choices, db_index=True)
    format_name = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    data_date = models.DateField(null=True, blank=True, help_text=_("Date of the data, not of the import."))
    data_date_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY)
    coverage = models.CharField(max_length=20, choices=Coverage.choices)
    states = models.JSONField(default=list, blank=True)
    is_sample = models.BooleanField(default=False)
    imported_at = models.DateTimeField()
    rows_read = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    unknown_labels = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("SAMHSA wording no mapping table knows: {category: {label: listings}}. New wording to map."),
    )

    class Meta:
        ordering = ["-imported_at", "id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_source_display()}, {self.data_date or 'date unknown'})"


class SourceRecord(models.Model):
    """What one source said about one provider, as last seen; the provider is merged from these."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="records")
    source = models.CharField(max_length=40, choices=Source.choices)
    source_key = models.CharField(max_length=500)
    source_file = models.ForeignKey(SourceFile, on_delete=models.PROTECT, related_name="records")
    row_number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=40)
    payload = models.JSONField()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_precision = models.CharField(max_length=20, choices=LocationPrecision.choices, blank=True)
    location_note = models.CharField(
        max_length=200, blank=True, help_text=_("Why the listing was placed where it is, when not at its own address.")
    )
    active = models.BooleanField(default=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_key"], name="source_record_unique_key")]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.source_key}"


class GeocodedAddress(models.Model):
    """An online geocoder's answer for one address, so that no address is ever sent twice."""

    query = models.CharField(max_length=500, unique=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geocoder = models.CharField(max_length=40)
    geocoded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.query


class ProblemReport(models.Model):
    """Someone told us a listing is wrong. Stored for a person to review; nothing about the sender is kept."""

    class Problem(models.TextChoices):
        WRONG_PHONE = "wrong_phone", _("The phone number is wrong")
        CLOSED = "closed", _("It has closed or moved")
        NO_MEDICATION = "no_medication", _("It does not offer this medication")
        OTHER = "other", _("Something else")

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="problem_reports")
    problem = models.CharField(_("problem"), max_length=20, choices=Problem.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reviewed = models.BooleanField(default=False)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_problem_display()}: {self.provider.name}"


class ZipAccess(models.Model):
    """How far one ZIP code's centre lies from the nearest active providers of one medication, in straight
    miles: recomputed from the whole directory after each import that changes it (locator/access.py)."""

    zip_code = models.CharField("ZIP", max_length=5)
    medication = models.CharField(max_length=20, choices=AccessMedication.choices)
    state = models.CharField(max_length=2)
    county = models.CharField(max_length=100, blank=True)
    # The Postal Service's kind of ZIP (gazetteer.ZipPlace.zip_code_type); only STANDARD ZIPs are where people
    # live, so only they count in the shares of a county or a state.
    zip_code_type = models.CharField(max_length=20)
    latitude = models.FloatField()
    longitude = models.FloatField()
    # Providers are deactivated, never deleted, and the rows are replaced whole after each import: no
    # database constraint, so that emptying the directory (tests do, per test) does not rewrite 168,000 rows.
    nearest = models.ForeignKey(Provider, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    nearest_miles = models.FloatField(null=True)
    second_nearest = models.ForeignKey(
        Provider, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    second_nearest_miles = models.FloatField(null=True)
    within_10_miles = models.PositiveIntegerField()
    within_25_miles = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zip_code", "medication"], name="one_access_per_zip_and_drug")]
        indexes = [models.Index(fields=["state", "medication"]), models.Index(fields=["medication", "nearest"])]


class AccessComputation(models.Model):
    """One run of compute_access: which directory it measured, and what it cost."""

    computed_at = models.DateTimeField()
    # kept_answers.directory_version() of the directory it measured: the newest import's time.
    directory_version = models.CharField(max_length=40)
    providers = models.PositiveIntegerField()
    zip_codes = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        get_latest_by = "computed_at"


class ListingChange(models.Model):
    """What one snapshot of a source did to one of its listings: listed it first (or again), changed it, or no
    longer listed it. Dated by the snapshot's data, not by the import; the changes feed reads these."""

    class Change(models.TextChoices):
        ADDED = "added", _("added")
        CHANGED = "changed", _("changed")
        REMOVED = "removed", _("removed")

    # Listings are deactivated, never deleted, except with their provider (the ORM cascades that); no database
    # constraint, so that emptying the directory (tests do, per test) does not rewrite the whole history.
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, db_constraint=False, related_name="changes")
    source_file = models.ForeignKey(SourceFile, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    # The source file's data date, kept here so that the feed reads one index.
    data_date = models.DateField(null=True)
    change = models.CharField(max_length=10, choices=Change.choices)
    fields = models.JSONField(default=list, help_text=_("What a change changed: the listing's field names."))

    class Meta:
        indexes = [models.Index(fields=["data_date", "id"])]

    def __str__(self) -> str:
        return f"{self.get_change_display()} {self.data_date}: {self.record_id}"

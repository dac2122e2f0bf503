from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from locator.models import GeocodedAddress, ProblemReport, Provider, SourceFile, SourceRecord
from locator.vocabulary import Medication


class MedicationFilter(admin.SimpleListFilter):
    title = _("medication")
    parameter_name = "medication"

    def lookups(self, request, model_admin):
        return Medication.choices

    def queryset(self, request, queryset):
        if self.value() not in Medication.values:
            return queryset
        return queryset.filter(**{Medication(self.value()).field_name: True})


class SourceRecordInline(admin.TabularInline):
    model = SourceRecord
    extra = 0
    can_delete = False
    fields = (
        "source",
        "source_key",
        "data_date",
        "file_checksum",
        "active",
        "first_seen",
        "last_seen",
        "location_precision",
    )
    readonly_fields = fields

    @admin.display(description=_("date of the data"))
    def data_date(self, record: SourceRecord):
        return record.source_file.data_date

    @admin.display(description=_("file SHA-256"))
    def file_checksum(self, record: SourceRecord) -> str:
        return f"{record.source_file.file_name} {record.source_file.sha256[:16]}…"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source_file")


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "city", "state", "zip_code", "location_precision", "is_otp", "active", "is_sample")
    list_filter = ("kind", "state", MedicationFilter, "is_otp", "active", "location_precision", "is_sample")
    search_fields = ("name", "name2", "city", "zip_code")
    inlines = [SourceRecordInline]
    # Every field is merged from SAMHSA's records on each import, which would overwrite an edit here, and
    # the search's columns follow the location: data is corrected by a report or a re-import instead.
    fieldsets = [
        (
            None,
            {
                "fields": [field.name for field in Provider._meta.fields if not field.primary_key],
                "description": _(
                    "Listings are merged from SAMHSA's files on every import and cannot be edited here. "
                    "To correct one, review the problem reports and re-import the source, or report it to SAMHSA."
                ),
            },
        )
    ]
    readonly_fields = fieldsets[0][1]["fields"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SourceFile)
class SourceFileAdmin(admin.ModelAdmin):
    list_display = (
        "file_name",
        "source",
        "data_date",
        "coverage",
        "rows_read",
        "rows_rejected",
        "unknown_label_count",
        "imported_at",
        "is_sample",
    )
    list_filter = ("source", "is_sample")
    readonly_fields = [
        *(field.name for field in SourceFile._meta.fields if field.name != "unknown_labels"),
        "unknown_labels_list",
    ]

    @admin.display(description=_("unknown labels"))
    def unknown_label_count(self, source_file: SourceFile) -> int:
        return sum(len(labels) for labels in source_file.unknown_labels.values())

    @admin.display(description=_("labels no mapping table knows (listings carrying each)"))
    def unknown_labels_list(self, source_file: SourceFile) -> str:
        if not source_file.unknown_labels:
            return _("None: every label that decides a field was known.")
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} ({})",
            (
                (category, label, count)
                for category, labels in source_file.unknown_labels.items()
                for label, count in labels.items()
            ),
        )


@admin.register(GeocodedAddress)
class GeocodedAddressAdmin(admin.ModelAdmin):
    list_display = ("query", "latitude", "longitude", "geocoder", "geocoded_at")
    search_fields = ("query",)


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "problem", "provider_link", "reviewed")
    list_filter = ("reviewed", "problem")
    search_fields = ("provider__name", "details")
    date_hierarchy = "created_at"
    fields = ("provider_link", "problem", "details", "created_at", "reviewed", "review_note")
    readonly_fields = ("provider_link", "problem", "details", "created_at")

    @admin.display(description=_("provider"), ordering="provider__name")
    def provider_link(self, report: ProblemReport) -> str:
        url = reverse("admin:locator_provider_change", args=[report.provider_id])
        return format_html('<a href="{}">{}</a>', url, report.provider.name)

    def has_add_permission(self, request) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provider")

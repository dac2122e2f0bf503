"""How providers look in the API. Read-only shapes; the data comes from the search core."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from locator.models import Provider, SourceRecord
from locator.provenance import data_date_text
from locator.vocabulary import APPROXIMATE_PRECISIONS, Age, Group, Kind, Language, Payment, Setting

# Read for every result: the vocabulary's pairs listed once, not looked up through the enum each time.
_PAYMENT_FIELDS = tuple((payment.value, payment.field_name) for payment in Payment)
# Any id: the provider URLs of one answer are all this one's with another id.
_SOME_PROVIDER_ID = 2147483647
# Declared fields whose values are worked out, not read off the provider as they are.
_COMPUTED_FIELDS = {"url", "otp_certification_date", "payment", "sources"}


class SourceSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="Source code, such as otp_directory.")
    name = serializers.CharField(help_text="The SAMHSA source, by name.")
    data_date = serializers.CharField(
        source="data_date_text", allow_null=True, help_text="Date (or year) of that source's data; null if unknown."
    )
    is_sample = serializers.BooleanField(help_text="Fictitious sample data, not real listings.")


def provider_url_around_id(request: Request | None) -> tuple[str, str]:
    """A provider's API URL before and after its id, worked out once per answer: resolving it for each
    provider of a page cost more than the rest of that provider's answer."""
    path = reverse("api:provider-detail", args=[_SOME_PROVIDER_ID])
    url = request.build_absolute_uri(path) if request else path
    before_id, _, after_id = url.rpartition(str(_SOME_PROVIDER_ID))
    return before_id, after_id


class ProviderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    kind = serializers.CharField()
    name = serializers.CharField()
    name2 = serializers.CharField(help_text="Second name, or the legal name behind a DBA.")
    street = serializers.CharField()
    street2 = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    zip_code = serializers.CharField()
    phone = serializers.CharField()
    intake_phone = serializers.CharField()
    website = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    location_precision = serializers.CharField(
        help_text="source (SAMHSA's coordinates), address (geocoded), zip_centroid or city_centroid (approximate)."
    )
    offers_buprenorphine = serializers.BooleanField()
    offers_methadone = serializers.BooleanField()
    offers_naltrexone = serializers.BooleanField()
    moud_medication_not_named = serializers.BooleanField(
        help_text="SAMHSA's listing says it offers medication for opioid use disorder without naming which "
        "(true only when none of the three is named): call to ask."
    )
    is_otp = serializers.BooleanField(help_text="A certified or provisional opioid treatment program.")
    otp_certification = serializers.CharField(help_text="certified, provisional, or empty.")
    otp_certification_date = serializers.DateField(allow_null=True)
    payment = serializers.SerializerMethodField()
    offers_telehealth = serializers.BooleanField()
    services_stated = serializers.BooleanField(
        help_text="Whether any current source states this provider's services. False: payment, telehealth, "
        "language and programs are not stated, which is not the same as not offered."
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.values),
        help_text="Languages other than English, as codes (es, asl, zh...). Empty: not stated.",
    )
    settings = serializers.ListField(
        child=serializers.ChoiceField(choices=Setting.values), help_text="Settings of care. Empty: not stated."
    )
    groups = serializers.ListField(
        child=serializers.ChoiceField(choices=Group.values),
        help_text="Groups it has special programs for. Empty: not stated.",
    )
    ages = serializers.ListField(
        child=serializers.ChoiceField(choices=Age.values), help_text="Ages it accepts. Empty: not stated."
    )
    is_sample = serializers.BooleanField(help_text="Fictitious sample data, not a real listing.")
    sources = SourceSerializer(many=True, source="source_listings", help_text="Current SAMHSA sources of this listing.")

    def to_representation(self, provider: Provider) -> dict[str, Any]:
        """The declared fields in their order, built directly: DRF's generic field-by-field path
        would cost more than the search itself. A test holds every response to the declared fields."""
        values = self.values(provider)
        # The declared names, not `self.fields`: those are deep copies made anew for every response.
        return {name: values[name] for name in self._declared_fields}

    def values(self, provider: Provider) -> dict[str, Any]:
        values = {name: getattr(provider, name) for name in _PLAIN_FIELDS}
        certified = provider.otp_certification_date
        values.update(
            url=self.get_url(provider),
            otp_certification_date=certified.isoformat() if certified else None,
            payment=self.get_payment(provider),
            sources=[
                {
                    "source": listing.source,
                    "name": listing.name,
                    "data_date": listing.data_date_text,
                    "is_sample": listing.is_sample,
                }
                for listing in provider.source_listings
            ],
        )
        return values

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, provider: Provider) -> str:
        before_id, after_id = self._url_around_id
        return f"{before_id}{provider.id}{after_id}"

    @cached_property
    def _url_around_id(self) -> tuple[str, str]:
        return provider_url_around_id(self.context.get("request"))

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Payment.values)))
    def get_payment(self, provider: Provider) -> list[str]:
        return [code for code, field in _PAYMENT_FIELDS if getattr(provider, field)]


# The rest of ProviderSerializer's declared fields, in their order.
_PLAIN_FIELDS = tuple(name for name in ProviderSerializer._declared_fields if name not in _COMPUTED_FIELDS)


class ProviderMatchSerializer(ProviderSerializer):
    distance_miles = serializers.FloatField(help_text="Great-circle distance from the searched location.")
    distance_is_approximate = serializers.BooleanField(
        help_text="True when the provider is placed at the center of its ZIP code or city (location_precision "
        "zip_centroid or city_centroid): the distance is good to a mile or two, not to a tenth."
    )
    within_radius = serializers.BooleanField(
        help_text="False when nothing matched within the radius and these are the nearest anyway."
    )

    def values(self, provider: Provider) -> dict[str, Any]:
        return super().values(provider) | {
            "distance_miles": provider.distance_miles,
            "distance_is_approximate": provider.location_precision in APPROXIMATE_PRECISIONS,
            "within_radius": provider.within_radius,
        }


class LocationSerializer(serializers.Serializer):
    label = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    precision = serializers.CharField(help_text="coordinates, address, zip_centroid or city_centroid.")
    note = serializers.CharField(
        help_text="Said when the place is less exact than what was asked (a street address found only by its "
        "city or ZIP); empty otherwise."
    )


# One count per kind of provider, named as the `kind` filter names them.
CountByKindSerializer = type(
    "CountByKindSerializer", (serializers.Serializer,), {kind: serializers.IntegerField() for kind in Kind.values}
)


class ProviderListSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="How many providers match. Exact up to 1,000; past that it is 1000 and count_exact is false "
        "(1,000 or more): counting every match in a city's 100 miles would cost more than the page."
    )
    count_exact = serializers.BooleanField(help_text="False when count is 1000 standing for 1,000 or more.")
    count_by_kind = CountByKindSerializer(
        help_text="Of the matches within the radius, how many are treatment facilities, opioid treatment programs "
        "and individual practitioners, each counted up to 1,000 (1000 means 1,000 or more); they add up to "
        "`count` when count_exact is true. All zero when within_radius is false. To list one kind, use the "
        "`kind` filter."
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    radius_miles = serializers.FloatField()
    within_radius = serializers.BooleanField()
    unstated_within_radius = serializers.IntegerField(
        allow_null=True,
        help_text="With a payment, telehealth, language, setting, group or age filter: how many listings within "
        "the radius do not say either way (their sources state no services). Null without such a filter.",
    )
    location = LocationSerializer()
    results = ProviderMatchSerializer(many=True)


class PointSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Point")
    coordinates = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, help_text="[longitude, latitude]"
    )


class ProviderFeaturePropertiesSerializer(ProviderMatchSerializer):
    # In GeoJSON the point is the geometry.
    latitude = None
    longitude = None


class ProviderFeatureSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Feature")
    id = serializers.IntegerField()
    geometry = PointSerializer(allow_null=True, help_text="Null where the provider could not be located.")
    properties = ProviderFeaturePropertiesSerializer()


class ProviderFeatureCollectionSerializer(ProviderListSerializer):
    """`format=geojson`: the same page as a FeatureCollection."""

    type = serializers.CharField(help_text="FeatureCollection")
    features = ProviderFeatureSerializer(many=True)
    results = None


class RecordSerializer(serializers.Serializer):
    source = serializers.CharField()
    source_name = serializers.CharField(source="get_source_display")
    source_key = serializers.CharField()
    data_date = serializers.SerializerMethodField()
    file_name = serializers.CharField(source="source_file.file_name")
    file_sha256 = serializers.CharField(source="source_file.sha256")
    imported_at = serializers.DateTimeField(source="source_file.imported_at")
    first_seen = serializers.DateTimeField()
    last_seen = serializers.DateTimeField()
    active = serializers.BooleanField(help_text="Still listed in the newest snapshot of its source.")

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Date (or year) of the file's data."))
    def get_data_date(self, record: SourceRecord) -> str | None:
        return data_date_text(record.source_file.data_date, record.source_file.data_date_precision)


class ServiceGroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    values = serializers.ListField(child=serializers.CharField())


class ProviderDetailSerializer(ProviderSerializer):
    age_groups = serializers.ListField(child=serializers.CharField())
    special_groups = serializers.ListField(child=serializers.CharField())
    services = ServiceGroupSerializer(many=True, help_text="SAMHSA's service list, grouped as SAMHSA groups it.")
    records = RecordSerializer(many=True, source="records.all", help_text="Every source record behind this provider.")
    first_seen = serializers.DateTimeField()
    last_seen = serializers.DateTimeField()

    def values(self, provider: Provider) -> dict[str, Any]:
        return super().values(provider) | {
            name: self.fields[name].to_representation(self.fields[name].get_attribute(provider))
            for name in ("age_groups", "special_groups", "services", "records", "first_seen", "last_seen")
        }

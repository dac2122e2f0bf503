"""The access API's answers as the OpenAPI schema documents them (locator/api/access.py shapes them)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, inline_serializer
from rest_framework import serializers

STRAIGHT_LINE = (
    "Straight-line (great-circle) miles from the centre of the ZIP code. The drive is longer, on rural roads "
    "much longer, and a ZIP code's centre is not where everyone in it lives."
)


_MEASURES = inline_serializer(
    "AccessMeasures",
    fields={
        "nearest_miles": serializers.FloatField(allow_null=True, help_text=STRAIGHT_LINE),
        "second_nearest_miles": serializers.FloatField(allow_null=True),
        "nearest": serializers.ListField(
            child=serializers.DictField(),
            help_text="The nearest two providers: id, name, API url, miles, and distance_is_approximate (true when "
            "the provider is placed at its ZIP code's or city's centre: the miles are good to a mile or two).",
        ),
        "within_10_miles": serializers.IntegerField(help_text="Active providers within 10 miles."),
        "within_25_miles": serializers.IntegerField(help_text="Active providers within 25 miles."),
    },
)
ZIP_ANSWER = inline_serializer(
    "ZipAccess",
    fields={
        "zip": serializers.CharField(),
        "latitude": serializers.FloatField(),
        "longitude": serializers.FloatField(),
        "state": serializers.CharField(),
        "county": serializers.CharField(),
        "zip_code_type": serializers.CharField(
            help_text="STANDARD (where people live and work), PO BOX, UNIQUE (one organization) or MILITARY."
        ),
        "medications": serializers.DictField(
            child=_MEASURES,
            help_text="One entry per buprenorphine, methadone (opioid treatment programs), naltrexone and any.",
        ),
        "computed_at": serializers.DateTimeField(help_text="When the metrics were computed, after an import."),
        "distance": serializers.CharField(help_text="What the miles mean."),
    },
)
_SHARES = serializers.DictField(
    child=serializers.DictField(child=serializers.FloatField(allow_null=True)),
    help_text='Per medication, the share (0 to 1) of residential ZIP codes within "10", "25" and "50" miles.',
)
STATE_ANSWER = inline_serializer(
    "StateAccess",
    fields={
        "state": serializers.CharField(),
        "residential_zip_codes": serializers.IntegerField(),
        "within_miles_share": _SHARES,
        "counties": serializers.ListField(
            child=inline_serializer(
                "CountyAccess",
                fields={
                    "county": serializers.CharField(),
                    "residential_zip_codes": serializers.IntegerField(),
                    "within_miles_share": _SHARES,
                },
            )
        ),
        "results": serializers.ListField(
            child=serializers.DictField(),
            help_text="Every ZIP code of the state: zip, county, zip_code_type, latitude, longitude, and medications "
            "as for one ZIP code, with the nearest two providers' ids (nearest_ids) instead of links.",
        ),
        "computed_at": serializers.DateTimeField(),
        "distance": serializers.CharField(),
    },
)
ZIP_EXAMPLE = OpenApiExample(
    "Tulsa, OK",
    value={
        "zip": "74103",
        "latitude": 36.1539,
        "longitude": -95.9954,
        "state": "OK",
        "county": "Tulsa County",
        "zip_code_type": "STANDARD",
        "medications": {
            "methadone": {
                "nearest_miles": 2.61,
                "second_nearest_miles": 6.03,
                "nearest": [
                    {
                        "id": 812,
                        "name": "Example OTP",
                        "url": "https://example.org/api/v1/providers/812/",
                        "miles": 2.61,
                    }
                ],
                "within_10_miles": 4,
                "within_25_miles": 4,
            }
        },
        "computed_at": "2026-12-04T22:00:00Z",
        "distance": STRAIGHT_LINE,
    },
    response_only=True,
)

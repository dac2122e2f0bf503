"""The access metrics API: how far treatment lies from a ZIP code, from each ZIP code of a state, and which
providers alone keep it within reach. A thin skin over locator.access, which computes them after imports."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from locator import access
from locator.api.access_schema import STATE_ANSWER, STRAIGHT_LINE, ZIP_ANSWER, ZIP_EXAMPLE
from locator.api.errors import BAD_PARAMETER, ERROR_SCHEMA, NOT_FOUND, THROTTLED
from locator.api.query import PlainIntegerField, choice_field, validated_query
from locator.api.renderers import CSVRenderer, GeoJSONRenderer
from locator.api.views import LocatorAPIView
from locator.geo import STATE_NAMES
from locator.models import Provider, ZipAccess
from locator.vocabulary import APPROXIMATE_PRECISIONS, AccessMedication

MEDICATIONS = tuple(medication.value for medication in AccessMedication)
STATES = tuple(sorted(STATE_NAMES))


class NotComputed(exceptions.APIException):
    status_code = 503
    default_code = "not_computed"
    default_detail = "The access metrics have not been computed yet; they are, after the next import."


class AccessQuery(serializers.Serializer):
    zip = serializers.RegexField(
        r"^\d{5}$",
        required=False,
        error_messages={"invalid": "a ZIP code is 5 digits, such as 74103"},
        help_text="A 5-digit ZIP code: its metrics.",
    )
    state = choice_field(STATES, required=False, help_text="A state's code: per county and per ZIP code.")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if ("zip" in data) == ("state" in data):
            raise serializers.ValidationError({"zip": "give either zip or state"})
        return data


class CriticalQuery(serializers.Serializer):
    medication = choice_field(MEDICATIONS, default=AccessMedication.ANY.value)
    state = choice_field(
        STATES, required=False, help_text="Only the ZIP codes of this state, wherever their nearest provider is."
    )
    limit = PlainIntegerField(min_value=1, max_value=500, default=100)


def _validated(
    serializer_class: type[serializers.Serializer], request: Request
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The query's values, and what the answer says of the computation it reads."""
    params = validated_query(serializer_class, request.query_params)
    computation = access.computation()
    if computation is None:
        raise NotComputed()
    return params, {"computed_at": computation.computed_at, "distance": STRAIGHT_LINE}


def _provider_link(request: Request, provider: Provider | None, miles: float | None) -> dict[str, Any] | None:
    if provider is None:
        return None
    url = request.build_absolute_uri(reverse("api:provider-detail", args=[provider.id]))
    return {
        "id": provider.id,
        "name": provider.name,
        "url": url,
        "miles": _rounded(miles),
        # Placed at its ZIP code's or city's centre: the miles are good to a mile or two.
        "distance_is_approximate": provider.location_precision in APPROXIMATE_PRECISIONS,
    }


def _rounded(miles: float | None) -> float | None:
    return None if miles is None else round(miles, 2)


def zip_answer(request: Request, rows: list[ZipAccess], computed: dict[str, Any]) -> dict[str, Any]:
    place = rows[0]
    return {
        "zip": place.zip_code,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "state": place.state,
        "county": place.county,
        "zip_code_type": place.zip_code_type,
        "medications": {
            row.medication: {
                "nearest_miles": _rounded(row.nearest_miles),
                "second_nearest_miles": _rounded(row.second_nearest_miles),
                "nearest": [
                    link
                    for link in (
                        _provider_link(request, row.nearest, row.nearest_miles),
                        _provider_link(request, row.second_nearest, row.second_nearest_miles),
                    )
                    if link
                ],
                "within_10_miles": row.within_10_miles,
                "within_25_miles": row.within_25_miles,
            }
            for row in rows
        },
        **computed,
    }


def _shares(area: access.AreaShares) -> dict[str, Any]:
    return {
        "residential_zip_codes": area.residential_zip_codes,
        "within_miles_share": {
            medication: {str(miles): share for miles, share in shares.items()}
            for medication, shares in area.shares.items()
        },
    }


def state_answer(state: str, rows: list[ZipAccess], computed: dict[str, Any]) -> dict[str, Any]:
    zip_codes: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = zip_codes.setdefault(
            row.zip_code,
            {
                "zip": row.zip_code,
                "county": row.county,
                "zip_code_type": row.zip_code_type,
                "latitude": row.latitude,
                "longitude": row.longitude,
                "medications": {},
            },
        )
        entry["medications"][row.medication] = {
            "nearest_miles": _rounded(row.nearest_miles),
            "second_nearest_miles": _rounded(row.second_nearest_miles),
            "nearest_ids": [id for id in (row.nearest_id, row.second_nearest_id) if id is not None],
            "within_10_miles": row.within_10_miles,
            "within_25_miles": row.within_25_miles,
        }
    return {
        "state": state,
        **_shares(access.area_shares(state, rows)),
        "counties": [{"county": area.name, **_shares(area)} for area in access.county_shares(rows)],
        "results": list(zip_codes.values()),
        **computed,
    }


def flat_zip_row(result: dict[str, Any]) -> dict[str, Any]:
    """One ZIP code of a state's answer as one row: a column per medication and measure."""
    row = {key: value for key, value in result.items() if key != "medications"}
    for medication in MEDICATIONS:
        measures = result["medications"].get(medication, {})
        for name in ("nearest_miles", "second_nearest_miles", "within_10_miles", "within_25_miles"):
            row[f"{medication}_{name}"] = measures.get(name)
        ids = measures.get("nearest_ids", [])
        row[f"{medication}_nearest_id"] = ids[0] if ids else None
        row[f"{medication}_second_nearest_id"] = ids[1] if len(ids) > 1 else None
    return row


class AccessGeoJSONRenderer(GeoJSONRenderer):
    """ZIP code centres as points, with each ZIP code's metrics as flat properties."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, dict) and "results" in data:
            data = {**data, "results": [{**flat_zip_row(result), "id": result["zip"]} for result in data["results"]]}
        return super().render(data, accepted_media_type, renderer_context)


class AccessCSVRenderer(CSVRenderer):
    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if not isinstance(data, dict) or "results" not in data:
            return JSONRenderer().render(data)
        rows = [flat_zip_row(result) for result in data["results"]]
        output = io.StringIO()
        place = dict.fromkeys(("zip", "county", "zip_code_type", "latitude", "longitude"))
        columns = list(flat_zip_row({**place, "medications": {}}))
        writer = csv.DictWriter(output, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return output.getvalue().encode("utf-8")


class AccessView(LocatorAPIView):
    renderer_classes = [JSONRenderer, AccessGeoJSONRenderer, AccessCSVRenderer]
    # A ZIP code asked about can say where someone is: no shared cache keeps it.
    cache_privately = True

    @extend_schema(
        operation_id="access_retrieve",
        summary="How far treatment lies: from one ZIP code, or from every ZIP code of a state",
        description=(
            "With `zip`: the straight-line miles to the nearest and second-nearest active providers of each "
            "medication, and how many lie within 10 and 25 miles. With `state`: the same for every ZIP code of "
            "the state (`results`), and per county and for the state the share of residential (STANDARD) ZIP "
            "codes within 10, 25 and 50 miles (each ZIP code counts once: no population is weighed). "
            "`format=csv` or `format=geojson` (ZIP code centres as points) for a state. Recomputed after each "
            "import. " + STRAIGHT_LINE
        ),
        parameters=[AccessQuery],
        responses={
            (200, JSONRenderer.media_type): PolymorphicProxySerializer(
                "AccessAnswer", serializers=[ZIP_ANSWER, STATE_ANSWER], resource_type_field_name=None
            ),
            (200, AccessCSVRenderer.media_type): OpenApiResponse(OpenApiTypes.STR, "A state's ZIP codes, one a row."),
            (200, AccessGeoJSONRenderer.media_type): OpenApiResponse(OpenApiTypes.OBJECT, "ZIP code centres."),
            (400, JSONRenderer.media_type): BAD_PARAMETER,
            (404, JSONRenderer.media_type): NOT_FOUND,
            (429, JSONRenderer.media_type): THROTTLED,
            (503, JSONRenderer.media_type): OpenApiResponse(ERROR_SCHEMA, "Not computed yet."),
        },
        examples=[ZIP_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        params, computed = _validated(AccessQuery, request)
        if "zip" in params:
            if request.accepted_renderer.format != "json":
                raise serializers.ValidationError({"format": "csv and geojson are for a state's ZIP codes"})
            rows = access.zip_access(params["zip"])
            if not rows:
                raise exceptions.NotFound(f"No ZIP code {params['zip']} with a known centre.")
            return Response(zip_answer(request, rows, computed))
        return Response(state_answer(params["state"], access.state_access(params["state"]), computed))

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and isinstance(getattr(request, "accepted_renderer", None), CSVRenderer):
            response["Content-Disposition"] = 'attachment; filename="access.csv"'
        return response


class CriticalAccessView(LocatorAPIView):
    @extend_schema(
        operation_id="access_critical",
        summary="Critical access providers: those that alone keep treatment within reach",
        description=(
            "Providers that are the nearest of their medication for residential ZIP codes whose next nearest "
            f"lies at least {access.CRITICAL_EXTRA_MILES:.0f} miles farther, ranked by those extra miles summed "
            "over the ZIP codes: what their closing would add. Each ZIP code counts once (no population is "
            "weighed). " + STRAIGHT_LINE
        ),
        parameters=[CriticalQuery],
        responses={
            200: inline_serializer(
                "CriticalAccess",
                fields={
                    "medication": serializers.CharField(),
                    "state": serializers.CharField(allow_null=True),
                    "critical_extra_miles": serializers.FloatField(),
                    "results": serializers.ListField(
                        child=inline_serializer(
                            "CriticalProvider",
                            fields={
                                "rank": serializers.IntegerField(),
                                "provider": serializers.DictField(help_text="id, name, city, state, API url"),
                                "zip_codes": serializers.IntegerField(),
                                "miles_saved": serializers.FloatField(),
                            },
                        )
                    ),
                },
            ),
            400: BAD_PARAMETER,
            429: THROTTLED,
            503: OpenApiResponse(ERROR_SCHEMA, "Not computed yet."),
        },
    )
    def get(self, request: Request) -> Response:
        params, computed = _validated(CriticalQuery, request)
        ranked = access.critical_providers(
            AccessMedication(params["medication"]), state=params.get("state"), limit=params["limit"]
        )
        results = []
        for rank, critical in enumerate(ranked, start=1):
            link = _provider_link(request, critical.provider, None) or {}
            provider = {
                **{key: link[key] for key in ("id", "name", "url")},
                "city": critical.provider.city,
                "state": critical.provider.state,
            }
            results.append(
                {
                    "rank": rank,
                    "provider": provider,
                    "zip_codes": critical.zip_codes,
                    "miles_saved": _rounded(critical.miles_saved),
                }
            )
        return Response(
            {
                "medication": params["medication"],
                "state": params.get("state"),
                "critical_extra_miles": access.CRITICAL_EXTRA_MILES,
                "results": results,
                **computed,
            }
        )

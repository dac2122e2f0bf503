"""The REST API: a thin skin over locator.search. Validate, call the core, shape the answer."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from locator.api.errors import BAD_PARAMETER, ERROR_SCHEMA, NOT_FOUND, THROTTLED, LocationError
from locator.api.exports import EXPORT_NAMES, export_file
from locator.api.query import ProviderSearchQuery, check_parameter_names, page_links
from locator.api.renderers import CSVRenderer, GeoJSONRenderer
from locator.api.serializers import (
    ProviderDetailSerializer,
    ProviderFeatureCollectionSerializer,
    ProviderListSerializer,
    ProviderMatchSerializer,
)
from locator.health import newest_data
from locator.models import Provider
from locator.places import LocationNotFound
from locator.provenance import source_summaries
from locator.search_filters import searchable_providers
from locator.selectors import active_provider, location_to_search, result_page
from locator.vocabulary import Medication

LIST_MAX_AGE_SECONDS = 300
DIRECTORY_MAX_AGE_SECONDS = 3600


class FormatParameterNegotiation(DefaultContentNegotiation):
    """An unknown `format` is a bad parameter (400), not a missing page."""

    def select_renderer(self, request: Request, renderers: list, format_suffix: str | None = None):
        requested = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if requested and requested not in {renderer.format for renderer in renderers}:
            known = ", ".join(renderer.format for renderer in renderers)
            raise serializers.ValidationError({"format": f"unknown format; use one of: {known}"})
        return super().select_renderer(request, renderers, format_suffix)


class LocatorAPIView(APIView):
    content_negotiation_class = FormatParameterNegotiation
    max_age_seconds = DIRECTORY_MAX_AGE_SECONDS
    cache_privately = False

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON whatever format was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(
                response,
                max_age=self.max_age_seconds,
                **({"private": True} if self.cache_privately else {"public": True}),
            )
        return response


class ProviderListView(LocatorAPIView):
    renderer_classes = [JSONRenderer, GeoJSONRenderer, CSVRenderer]
    max_age_seconds = LIST_MAX_AGE_SECONDS
    cache_privately = True

    @extend_schema(
        operation_id="providers_search",
        summary="Nearest providers of medication for opioid use disorder",
        description=(
            "Active providers offering buprenorphine, methadone or naltrexone, nearest first (then by name). "
            "When nothing matches within the radius, the nearest matching providers come back anyway, with "
            "`within_radius` false. Search locations are never logged or stored."
        ),
        parameters=[
            ProviderSearchQuery,
            OpenApiParameter(
                "format", str, enum=["json", "geojson", "csv"], description="Response format (default json)."
            ),
        ],
        responses={
            (200, JSONRenderer.media_type): ProviderListSerializer,
            (200, GeoJSONRenderer.media_type): ProviderFeatureCollectionSerializer,
            (200, CSVRenderer.media_type): OpenApiResponse(
                OpenApiTypes.STR, "One row per result, the columns in the order of the JSON result's fields."
            ),
            (400, JSONRenderer.media_type): BAD_PARAMETER,
            (404, JSONRenderer.media_type): NOT_FOUND,
            (429, JSONRenderer.media_type): THROTTLED,
        },
    )
    def get(self, request: Request) -> Response:
        return Response(self._search(request))

    def finalize_response(self, request: Request, response: HttpResponse, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and isinstance(getattr(request, "accepted_renderer", None), CSVRenderer):
            # A spreadsheet to save, never a page to render (OWASP ASVS 14.4.2).
            response["Content-Disposition"] = 'attachment; filename="providers.csv"'
        if response.status_code == 200:
            # Kept by KeptAnswersMiddleware for as long as the client may keep it; a repeat passes the same
            # rate limits.
            response.kept_for_seconds = LIST_MAX_AGE_SECONDS
            response.kept_answer_throttles = self.throttle_classes
        return response

    def _search(self, request: Request) -> dict[str, Any]:
        check_parameter_names(request.query_params)
        query = ProviderSearchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        try:
            location = location_to_search(
                near=params.get("near", ""), latitude=params.get("lat"), longitude=params.get("lng")
            )
        except LocationNotFound as error:
            raise LocationError(error) from None
        page = result_page(
            location=location,
            radius_miles=params["radius"],
            filters=query.filters(),
            number=params["page"],
            size=params["page_size"],
        )
        result = page.result
        if page.is_past_the_end:
            raise NotFound(f"page {page.number} is past the last page of {result.count} results")
        providers = []
        for match in result.matches:
            match.provider.distance_miles = match.distance_miles
            match.provider.within_radius = match.within_radius
            providers.append(match.provider)
        return {
            "count": result.count,
            "count_exact": result.count_exact,
            "count_by_kind": page.count_by_kind,
            **page_links(request.build_absolute_uri(), page.number, page.has_next),
            "radius_miles": result.radius_miles,
            "within_radius": result.within_radius,
            "unstated_within_radius": page.unstated_within_radius,
            "location": {
                "label": location.label,
                "latitude": location.latitude,
                "longitude": location.longitude,
                "precision": location.precision.value,
                "note": location.note,
            },
            "results": ProviderMatchSerializer(providers, many=True, context={"request": request}).data,
        }


class ProviderDetailView(LocatorAPIView):
    @extend_schema(
        operation_id="provider_retrieve",
        summary="One provider, with its full service list and provenance",
        responses={200: ProviderDetailSerializer, 404: NOT_FOUND, 429: THROTTLED},
    )
    def get(self, request: Request, provider_id: int) -> Response:
        provider = active_provider(provider_id)
        return Response(ProviderDetailSerializer(provider, context={"request": request}).data)


class NotExported(exceptions.APIException):
    status_code = 503
    default_code = "not_exported"
    default_detail = "The directory has not been exported yet; it is, after the next import."


class ExportView(LocatorAPIView):
    @extend_schema(
        operation_id="export_retrieve",
        summary="The whole active directory as one file: CSV or GeoJSON",
        description=(
            "Every provider a search can return, as the list shows one (with its sources and their dates), "
            "written after each import that changes the directory and never built per request. The ETag "
            "changes with the file: send it back in If-None-Match to hear 304 while it has not."
        ),
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=sorted(EXPORT_NAMES))],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, "One row per provider."),
            (200, "application/geo+json"): OpenApiResponse(OpenApiTypes.OBJECT, "One point per provider."),
            (404, "application/json"): NOT_FOUND,
            (429, "application/json"): THROTTLED,
            (503, "application/json"): OpenApiResponse(ERROR_SCHEMA, "Not exported yet."),
        },
    )
    def get(self, request: Request, name: str) -> HttpResponse:
        export = export_file(name)
        if export is None:
            raise NotExported()
        response = FileResponse(export.path.open("rb"), content_type=export.content_type)
        response["ETag"] = export.etag
        if name.endswith(".csv"):
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@extend_schema(
    summary="What the directory holds: sources, the dates of their data, counts",
    responses={
        200: inline_serializer(
            "Meta",
            fields={
                "sources": serializers.ListField(child=serializers.DictField()),
                "providers": serializers.IntegerField(),
                "by_kind": serializers.DictField(child=serializers.IntegerField()),
                "by_medication": serializers.DictField(child=serializers.IntegerField()),
                "otp": serializers.IntegerField(),
                "newest_data_date": serializers.CharField(
                    allow_null=True, help_text="Of the newest complete snapshot: a day (2020-07-04) or a year (2021)."
                ),
                "stale": serializers.BooleanField(
                    help_text="The newest data is older than the service's limit (45 days by default): listings "
                    "may have closed or moved; FindTreatment.gov has current ones."
                ),
            },
        ),
        429: THROTTLED,
    },
)
class MetaView(LocatorAPIView):
    def get(self, request: Request) -> Response:
        active = Provider.objects.filter(active=True)
        searchable = searchable_providers()
        newest = newest_data()
        return Response(
            {
                "sources": [
                    {
                        "source": summary.source,
                        "name": summary.name,
                        "newest_data_date": summary.newest_data_date_text,
                        "files": summary.files,
                        "last_imported_at": summary.last_imported_at,
                        "is_sample": summary.is_sample,
                    }
                    for summary in source_summaries()
                ],
                "providers": searchable.count(),
                "by_kind": dict(searchable.values_list("kind").annotate(count=Count("id")).order_by("kind")),
                "by_medication": {
                    medication.value: active.filter(**{medication.field_name: True}).count()
                    for medication in Medication
                },
                "otp": active.filter(is_otp=True).count(),
                "newest_data_date": newest.text if newest else None,
                "stale": bool(newest and newest.stale),
            }
        )

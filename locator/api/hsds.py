"""The Open Referral HSDS 3.0 API, read-only, under /api/hsds/: the paths, paging and parameters of the
standard's schema/openapi.json. A thin skin over locator.hsds (the records) and locator.hsds_selectors
(which providers), which use the directory's own search."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import QueryDict
from django.urls import path
from django.utils.dateparse import parse_datetime
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from locator import hsds
from locator.api.errors import LocationError
from locator.api.query import (
    MULTI_VALUED,
    PlainIntegerField,
    ProviderSearchQuery,
    check_parameter_names,
    validated_query,
)
from locator.api.views import LIST_MAX_AGE_SECONDS, LocatorAPIView
from locator.hsds_selectors import Page, Selection, hsds_provider, page_fields, select_page, with_term
from locator.models import Provider
from locator.places import LocationNotFound
from locator.selectors import MAX_PAGE, location_to_search

STANDARD_OPENAPI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
STANDARD_DOCS = "https://docs.openreferral.org/en/latest/hsds/"
# As the search API: a page of 1,000 full services took 0.5 s and 4 MB of a worker. The whole directory is one
# download in the export files.
MAX_PER_PAGE = 100
METERS_PER_MILE = 1609.344
# This directory's own search parameters, which /services and /service_at_locations take too.
DIRECTORY_FILTERS = ("near", "lat", "lng", "radius", "medication", "otp", "kind", "payment", "telehealth")
DIRECTORY_FILTERS += ("setting", "group", "age", "language", "state")


class ModifiedAfterField(serializers.Field):
    """A date or a date and time, ISO 8601 in ASCII digits."""

    def to_internal_value(self, value: Any) -> date:
        text = str(value).strip()[:40]
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        elif text.isascii():
            try:
                moment = parse_datetime(text)
            except ValueError:
                moment = None
            if moment is not None:
                return moment.date()
        raise serializers.ValidationError("a date or date-time, such as 2020-03-01 or 2020-03-01T00:00:00Z")


class ListQuery(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)
    page = PlainIntegerField(default=1, min_value=1, max_value=MAX_PAGE)
    per_page = PlainIntegerField(default=50, min_value=1, max_value=MAX_PER_PAGE)


class ServicesQuery(ListQuery):
    taxonomy_term_id = serializers.CharField(required=False, max_length=100)
    taxonomy_id = serializers.CharField(required=False, max_length=100)
    organization_id = serializers.CharField(required=False, max_length=100)
    modified_after = ModifiedAfterField(required=False)
    minimal = serializers.BooleanField(default=False)
    full = serializers.BooleanField(default=False)

    def validate_taxonomy_term_id(self, value: str) -> hsds.Term:
        if value not in hsds.TERMS_BY_ID:
            raise serializers.ValidationError("unknown taxonomy term; /api/hsds/taxonomy_terms lists them")
        return hsds.TERMS_BY_ID[value]


class ServiceAtLocationsQuery(ServicesQuery):
    postcode = serializers.RegexField(
        r"^[0-9]{5}$", required=False, error_messages={"invalid": "a ZIP code is 5 digits, such as 74103"}
    )
    proximity = serializers.FloatField(required=False, min_value=1, max_value=500 * METERS_PER_MILE)


class OrganizationsQuery(ListQuery):
    full_service = serializers.BooleanField(default=False)
    full = serializers.BooleanField(default=False)


class OrganizationQuery(serializers.Serializer):
    full_service = serializers.BooleanField(default=False)


class TaxonomyTermsQuery(ListQuery):
    taxonomy_id = serializers.CharField(required=False, max_length=100)
    top_only = serializers.BooleanField(default=False)
    parent_id = serializers.CharField(required=False, max_length=100)


def _validated(query_class: type[serializers.Serializer], request: Request, *, filters: bool = False) -> dict:
    """The standard's parameters; with `filters`, the directory's own are known too (`_selection` reads them)."""
    if not filters:
        return validated_query(query_class, request.query_params)
    return validated_query(
        query_class,
        request.query_params,
        also_allowed=frozenset(DIRECTORY_FILTERS),
        multi_valued=frozenset(MULTI_VALUED),
    )


def _directory_query(request: Request, params: dict[str, Any]) -> QueryDict:
    """The directory's own search parameters, with the standard's `search`, `postcode` and `proximity` in them."""
    search_query = request.query_params.copy()
    for name in list(search_query):
        if name not in DIRECTORY_FILTERS:
            del search_query[name]
    if params.get("search"):
        search_query["q"] = params["search"]
    if "postcode" in params:
        if "near" in search_query or "lat" in search_query:
            raise serializers.ValidationError({"postcode": "give postcode or near, not both"})
        search_query["near"] = params["postcode"]
    if "proximity" in params:
        if "postcode" not in params:
            raise serializers.ValidationError({"proximity": "proximity is measured from a postcode"})
        search_query["radius"] = str(params["proximity"] / METERS_PER_MILE)
    return search_query


def _selection(request: Request, params: dict[str, Any]) -> Selection:
    """The directory's filters and place from the query, with the standard's limits."""
    search_query = _directory_query(request, params)
    query = ProviderSearchQuery(data=search_query)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    filters = query.filters()
    if "taxonomy_term_id" in params:
        filters = with_term(filters, params["taxonomy_term_id"])
    organization = params.get("organization_id")
    provider_id = None if organization is None else hsds.provider_id_of("organization", organization)
    location = None
    if {"near", "lat", "lng"} & set(search_query):
        if organization is not None or "modified_after" in params:
            raise serializers.ValidationError(
                {"near": "a place cannot be combined with organization_id or modified_after"}
            )
        try:
            location = location_to_search(
                near=data.get("near", ""), latitude=data.get("lat"), longitude=data.get("lng")
            )
        except LocationNotFound as error:
            raise LocationError(error) from None
    return Selection(
        filters=filters,
        location=location,
        radius_miles=data["radius"],
        provider_id=provider_id,
        modified_after=params.get("modified_after"),
        # Another taxonomy's terms, or an organization that is not one of this directory's: no service.
        nothing=params.get("taxonomy_id", hsds.TAXONOMY_ID) != hsds.TAXONOMY_ID
        or (organization is not None and provider_id is None),
    )


def _page_answer(page: Page, record: Callable[[Provider], dict[str, Any]]) -> dict[str, Any]:
    if page.number > 1 and not page.providers:
        raise exceptions.NotFound(f"page {page.number} is past the last page of {page.total_items} results")
    return {**page.as_record(), "contents": [record(provider) for provider in page.providers]}


def _listed(items: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
    """A page of a short list held in memory (the taxonomy's), in the standard's page fields."""
    text = params.get("search", "").casefold()
    if text:
        items = [item for item in items if text in item["name"].casefold() or text in item["description"].casefold()]
    number, per_page = params["page"], params["per_page"]
    start = (number - 1) * per_page
    contents = items[start : start + per_page]
    if number > 1 and not contents:
        raise exceptions.NotFound(f"page {number} is past the last page of {len(items)} results")
    return {**page_fields(len(items), number, per_page, len(contents)), "contents": contents}


def _one(entity: str, record_id: str) -> Provider:
    provider = hsds_provider(hsds.provider_id_of(entity, record_id))
    if provider is None:
        raise exceptions.NotFound(f"no {entity.replace('_', ' ')} {record_id} in this directory")
    return provider


class HsdsView(LocatorAPIView):
    # The standard documents these answers (STANDARD_OPENAPI); this API's own schema leaves them out.
    schema = None


class RootView(HsdsView):
    def get(self, request: Request) -> Response:
        check_parameter_names(request.query_params, set(), set())
        return Response(
            {
                "version": hsds.HSDS_VERSION,
                "profile": STANDARD_DOCS,
                "openapi_url": STANDARD_OPENAPI,
            }
        )


class ServicesView(HsdsView):
    # A place asked about can say where someone is: no shared cache keeps the answer.
    max_age_seconds = LIST_MAX_AGE_SECONDS
    cache_privately = True

    def get(self, request: Request) -> Response:
        params = _validated(ServicesQuery, request, filters=True)
        page = select_page(_selection(request, params), params["page"], params["per_page"])
        if params["minimal"]:
            return Response(_page_answer(page, _minimal))
        return Response(_page_answer(page, lambda provider: hsds.service(provider, full=params["full"])))


def _minimal(provider: Provider) -> dict[str, Any]:
    record = hsds.service(provider, full=False)
    return {key: record[key] for key in ("id", "name", "status", "last_modified") if key in record}


class ServiceView(HsdsView):
    def get(self, request: Request, record_id: str) -> Response:
        check_parameter_names(request.query_params, {"format"}, set())
        return Response(hsds.service(_one("service", record_id), full=True))


class ServiceAtLocationsView(HsdsView):
    max_age_seconds = LIST_MAX_AGE_SECONDS
    cache_privately = True

    def get(self, request: Request) -> Response:
        params = _validated(ServiceAtLocationsQuery, request, filters=True)
        page = select_page(_selection(request, params), params["page"], params["per_page"])
        return Response(_page_answer(page, lambda provider: hsds.service_at_location(provider, full=params["full"])))


class ServiceAtLocationView(HsdsView):
    def get(self, request: Request, record_id: str) -> Response:
        check_parameter_names(request.query_params, {"format"}, set())
        return Response(hsds.service_at_location(_one("service_at_location", record_id), full=True))


class OrganizationsView(HsdsView):
    def get(self, request: Request) -> Response:
        params = _validated(OrganizationsQuery, request)
        page = select_page(_selection(request, params), params["page"], params["per_page"])
        full, full_service = params["full"] or params["full_service"], params["full_service"]
        return Response(
            _page_answer(page, lambda provider: hsds.organization(provider, full=full, full_service=full_service))
        )


class OrganizationView(HsdsView):
    def get(self, request: Request, record_id: str) -> Response:
        full_service = _validated(OrganizationQuery, request)["full_service"]
        provider = _one("organization", record_id)
        return Response(hsds.organization(provider, full=True, full_service=full_service))


class TaxonomiesView(HsdsView):
    def get(self, request: Request) -> Response:
        return Response(_listed([hsds.taxonomy_record()], _validated(ListQuery, request)))


class TaxonomyView(HsdsView):
    def get(self, request: Request, record_id: str) -> Response:
        check_parameter_names(request.query_params, {"format"}, set())
        if record_id != hsds.TAXONOMY_ID:
            raise exceptions.NotFound(f"no taxonomy {record_id} here; this directory's is {hsds.TAXONOMY_ID}")
        return Response(hsds.taxonomy_record())


class TaxonomyTermsView(HsdsView):
    def get(self, request: Request) -> Response:
        params = _validated(TaxonomyTermsQuery, request)
        terms = list(hsds.TERMS.values())
        if params.get("taxonomy_id", hsds.TAXONOMY_ID) != hsds.TAXONOMY_ID:
            terms = []
        if params["top_only"]:
            terms = [term for term in terms if term.parent_code is None]
        if "parent_id" in params:
            terms = [
                term for term in terms if term.parent_code and hsds.TERMS[term.parent_code].id == params["parent_id"]
            ]
        return Response(_listed([term.as_record() for term in terms], params))


class TaxonomyTermView(HsdsView):
    def get(self, request: Request, record_id: str) -> Response:
        check_parameter_names(request.query_params, {"format"}, set())
        term = hsds.TERMS_BY_ID.get(record_id)
        if term is None:
            raise exceptions.NotFound(f"no taxonomy term {record_id} in the {hsds.TAXONOMY_NAME} taxonomy")
        return Response(term.as_record())


app_name = "hsds"
urlpatterns = [
    path("", RootView.as_view(), name="root"),
    path("services", ServicesView.as_view(), name="services"),
    path("services/<str:record_id>", ServiceView.as_view(), name="service"),
    path("service_at_locations", ServiceAtLocationsView.as_view(), name="service-at-locations"),
    path("service_at_locations/<str:record_id>", ServiceAtLocationView.as_view(), name="service-at-location"),
    path("organizations", OrganizationsView.as_view(), name="organizations"),
    path("organizations/<str:record_id>", OrganizationView.as_view(), name="organization"),
    path("taxonomies", TaxonomiesView.as_view(), name="taxonomies"),
    path("taxonomies/<str:record_id>", TaxonomyView.as_view(), name="taxonomy"),
    path("taxonomy_terms", TaxonomyTermsView.as_view(), name="taxonomy-terms"),
    path("taxonomy_terms/<str:record_id>", TaxonomyTermView.as_view(), name="taxonomy-term"),
]

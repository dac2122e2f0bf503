"""One JSON error shape for the whole API: {"error": {"code", "message", "field"}}."""

from __future__ import annotations

from typing import Any

from django.http import Http404, JsonResponse
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from locator.places import LocationNotFound, LocationNotGiven
from locator.search import InvalidSearch


class LocationError(exceptions.APIException):
    status_code = 400
    default_code = "unknown_location"

    def __init__(self, error: LocationNotFound):
        super().__init__(error.message, "invalid" if isinstance(error, LocationNotGiven) else self.default_code)
        self.field = error.field
        self.suggestions = error.suggestions


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field, **extra}}


ERROR_SCHEMA = inline_serializer(
    "Error",
    fields={
        "error": inline_serializer(
            "ErrorDetail",
            fields={
                "code": serializers.CharField(help_text="invalid, unknown_location, not_found, throttled, ..."),
                "message": serializers.CharField(help_text="What was wrong, in words a person can act on."),
                "field": serializers.CharField(allow_null=True, help_text="The parameter at fault, if one is."),
                "suggestions": serializers.ListField(
                    child=serializers.CharField(),
                    required=False,
                    help_text="For an unknown location: places with a similar name.",
                ),
            },
        )
    },
)
NOT_FOUND = OpenApiResponse(ERROR_SCHEMA, "Nothing there: an unknown or inactive provider, or a page past the last.")
THROTTLED = OpenApiResponse(
    ERROR_SCHEMA, "Too many requests from this client; the Retry-After header says when to retry."
)
BAD_PARAMETER = OpenApiResponse(ERROR_SCHEMA, "A parameter is missing, malformed, out of range or unknown.")


def _first_error(detail: Any, field: str | None = None) -> tuple[str | None, str, str]:
    """(field, message, code) of the first error in a DRF error structure."""
    if isinstance(detail, dict):
        name, value = next(iter(detail.items()))
        if field is None and name != "non_field_errors":
            field = str(name)
        return _first_error(value, field)
    if isinstance(detail, list):
        return _first_error(detail[0], field)
    return field, str(detail), getattr(detail, "code", "invalid")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, InvalidSearch):
        return Response(error_body("invalid", exc.message, exc.field), status=400)
    if isinstance(exc, LocationError):
        body = error_body(exc.detail.code, str(exc.detail), exc.field, suggestions=exc.suggestions)
        return Response(body, status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message, code = _first_error(exc.detail)
        response.data = error_body(code, f"{field}: {message}" if field else message, field)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = error_body(getattr(detail, "code", "error"), str(detail))
    return response


def json_not_found(request, exception=None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "There is nothing at this address."), status=404)


def json_server_error(request) -> JsonResponse:
    return JsonResponse(error_body("server_error", "Something went wrong on our side; please try again."), status=500)

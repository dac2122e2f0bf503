"""The list endpoint's query parameters, validated: every bad value is a 400 that names the parameter."""

from __future__ import annotations

import math
import re
import threading
from typing import Any

from django.http import QueryDict
from rest_framework import serializers
from rest_framework.utils.urls import remove_query_param, replace_query_param

from locator.plain_numbers import is_plain_decimal, is_plain_integer
from locator.search import MAX_RADIUS_MILES, SearchFilters
from locator.selectors import MAX_PAGE
from locator.vocabulary import Age, Group, Kind, Language, Medication, Payment, Setting

MAX_PAGE_SIZE = 100
# Each thread's own query fields: a thread validates one request at a time.
_per_thread = threading.local()


def choice_field(choices: tuple[str, ...], **kwargs: Any) -> serializers.ChoiceField:
    # The refusal lists what would work instead of echoing the value back, which may be huge.
    message = f"unknown value; use one of: {', '.join(choices)}"
    return serializers.ChoiceField(choices=choices, error_messages={"invalid_choice": message}, **kwargs)


class CommaSeparatedChoicesField(serializers.ListField):
    """`medication=buprenorphine,methadone` or `medication=buprenorphine&medication=methadone`."""

    def __init__(self, *, choices: tuple[str, ...], **kwargs: Any):
        super().__init__(child=choice_field(choices), max_length=len(choices), **kwargs)

    def get_value(self, dictionary: Any) -> Any:
        if self.field_name not in dictionary:
            return serializers.empty
        values = (
            dictionary.getlist(self.field_name) if isinstance(dictionary, QueryDict) else [dictionary[self.field_name]]
        )
        return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


class FiniteFloatField(serializers.FloatField):
    def to_internal_value(self, data: Any) -> float:
        if not is_plain_decimal(data):
            self.fail("invalid")
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


class PlainIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if not is_plain_integer(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class PlainDateField(serializers.DateField):
    """A date as YYYY-MM-DD in ASCII digits: strptime alone would also read other scripts' digits."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("error_messages", {"invalid": "a date is YYYY-MM-DD, such as 2020-03-01"})
        super().__init__(input_formats=["%Y-%m-%d"], **kwargs)

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            self.fail("invalid")
        return super().to_internal_value(value.strip())


def page_links(url: str, number: int, has_next: bool) -> dict[str, str | None]:
    """`next` and `previous` of a numbered page; the first page's link carries no `page`."""
    previous = None
    if number > 1:
        previous = replace_query_param(url, "page", number - 1) if number > 2 else remove_query_param(url, "page")
    return {"next": replace_query_param(url, "page", number + 1) if has_next else None, "previous": previous}


class ProviderSearchQuery(serializers.Serializer):
    near = serializers.CharField(
        required=False,
        max_length=200,
        trim_whitespace=True,
        help_text='Where to search: a ZIP ("74103"), a city ("Tulsa, OK"), an address, or "lat,lng".',
    )
    lat = FiniteFloatField(required=False, min_value=-90, max_value=90, help_text="Latitude in decimal degrees.")
    lng = FiniteFloatField(required=False, min_value=-180, max_value=180, help_text="Longitude in decimal degrees.")
    radius = FiniteFloatField(
        required=False, default=25, min_value=0.1, max_value=MAX_RADIUS_MILES, help_text="Radius in miles (default 25)."
    )
    medication = CommaSeparatedChoicesField(
        choices=tuple(Medication.values),
        required=False,
        help_text="Offers any of these medications (comma-separated). Default: any of the three.",
    )
    otp = serializers.BooleanField(required=False, default=False, help_text="Only certified opioid treatment programs.")
    kind = CommaSeparatedChoicesField(
        choices=tuple(Kind.values), required=False, help_text="Any of these kinds of provider."
    )
    payment = CommaSeparatedChoicesField(
        choices=tuple(Payment.values), required=False, help_text="Accepts any of these kinds of payment."
    )
    telehealth = serializers.BooleanField(
        required=False, default=False, help_text="Only providers offering telehealth."
    )
    setting = CommaSeparatedChoicesField(
        choices=tuple(Setting.values), required=False, help_text="Offers care in any of these settings."
    )
    group = CommaSeparatedChoicesField(
        choices=tuple(Group.values), required=False, help_text="Has a special program for any of these groups."
    )
    age = CommaSeparatedChoicesField(choices=tuple(Age.values), required=False, help_text="Accepts any of these ages.")
    language = CommaSeparatedChoicesField(
        choices=tuple(Language.values),
        required=False,
        help_text="Services in any of these languages: ISO 639-1 codes (es: Spanish), hmn (Hmong), "
        "asl (sign language), ai_an (American Indian or Alaska Native languages).",
    )
    state = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        required=False,
        help_text="Two-letter state or territory code.",
        error_messages={"invalid": "use a two-letter state code such as OK"},
    )
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Part of the provider's name."
    )
    page = PlainIntegerField(
        required=False, default=1, min_value=1, max_value=MAX_PAGE, help_text="Page of results, from 1."
    )
    page_size = PlainIntegerField(
        required=False, default=20, min_value=1, max_value=MAX_PAGE_SIZE, help_text="Results per page (at most 100)."
    )

    @property
    def fields(self) -> dict[str, serializers.Field]:
        """This thread's fields, not a copy for each request, which cost more than validating it. They are
        bound to a query without data, so that no one's search stays in memory with them; none of them
        reads the serializer it is bound to."""
        fields = getattr(_per_thread, "fields", None)
        if fields is None:
            fields = _per_thread.fields = serializers.Serializer.fields.func(ProviderSearchQuery())
        return fields

    def filters(self) -> SearchFilters:
        data = self.validated_data
        return SearchFilters(
            medications=frozenset(data.get("medication", ())),
            otp_only=data["otp"],
            kinds=frozenset(data.get("kind", ())),
            payments=frozenset(data.get("payment", ())),
            telehealth=data["telehealth"],
            settings=frozenset(data.get("setting", ())),
            groups=frozenset(data.get("group", ())),
            ages=frozenset(data.get("age", ())),
            languages=frozenset(data.get("language", ())),
            state=data.get("state", "").upper(),
            text=data.get("q", ""),
        )


ALLOWED_PARAMETERS = set(ProviderSearchQuery().fields) | {"format"}
MULTI_VALUED = {"medication", "kind", "payment", "setting", "group", "age", "language"}


def check_parameter_names(
    query: QueryDict, allowed: set[str] = ALLOWED_PARAMETERS, multi_valued: set[str] = MULTI_VALUED
) -> None:
    """Unknown or repeated parameters are mistakes a partner wants to hear about, not silently ignore."""
    for name in query:
        if name not in allowed:
            raise serializers.ValidationError({name: f"unknown parameter; known: {', '.join(sorted(allowed))}"})
        if name not in multi_valued and len(query.getlist(name)) > 1:
            raise serializers.ValidationError({name: "given more than once"})


def validated_query(
    serializer_class: type[serializers.Serializer],
    query: QueryDict,
    *,
    also_allowed: frozenset[str] = frozenset(),
    multi_valued: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """A query's values as its serializer reads them, after refusing unknown or repeated parameters (`format`
    and `also_allowed`, which another step reads, are known too)."""
    fields = set(serializer_class().fields)
    check_parameter_names(query, fields | {"format"} | also_allowed, set(multi_valued))
    serializer = serializer_class(data=query)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data

"""The changes feed: what SAMHSA's snapshots added, changed and removed since a date of the data.
A thin skin over locator.changes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from locator import changes
from locator.api.errors import BAD_PARAMETER, NOT_FOUND, THROTTLED
from locator.api.query import PlainDateField, PlainIntegerField, choice_field, page_links, validated_query
from locator.api.serializers import provider_url_around_id
from locator.api.views import LocatorAPIView
from locator.geo import STATE_NAMES
from locator.kept_answers import kept_count
from locator.models import ListingChange
from locator.selectors import MAX_PAGE
from locator.vocabulary import Source

MAX_CHANGES_PAGE_SIZE = 1000
LISTING_FIELDS = ("name", "name2", "street", "street2", "city", "state", "zip_code", "phone")


class ChangesQuery(serializers.Serializer):
    since = PlainDateField(help_text="A date of the data (YYYY-MM-DD): changes in snapshots dated on or after it.")
    change = choice_field(tuple(ListingChange.Change.values), required=False, help_text="Only this kind of change.")
    source = choice_field(tuple(Source.values), required=False, help_text="Only this source's listings.")
    state = choice_field(tuple(sorted(STATE_NAMES)), required=False, help_text="Only providers in this state.")
    page = PlainIntegerField(default=1, min_value=1, max_value=MAX_PAGE, help_text="Page of changes, from 1.")
    page_size = PlainIntegerField(default=100, min_value=1, max_value=MAX_CHANGES_PAGE_SIZE)


_SOURCE_NAMES = {source.value: source.label for source in Source}


def change_entry(item: ListingChange, provider_url_parts: tuple[str, str]) -> dict[str, Any]:
    record, provider = item.record, item.record.provider
    before_id, after_id = provider_url_parts
    return {
        "change": item.change,
        "data_date": item.data_date,
        "source": record.source,
        "source_name": _SOURCE_NAMES[record.source],
        "source_file": item.source_file.file_name,
        "fields": item.fields,
        "listing": {name: record.payload.get(name, "") for name in LISTING_FIELDS},
        "provider": {
            "id": provider.id,
            "name": provider.name,
            # A removed provider's page answers 404: the link is for those still in the directory.
            "url": f"{before_id}{provider.id}{after_id}",
            "active": provider.active,
        },
    }


_ENTRY = inline_serializer(
    "ListingChange",
    fields={
        "change": serializers.ChoiceField(
            choices=ListingChange.Change.values,
            help_text="added: the snapshot lists it, first or again; changed: it lists it differently; removed: "
            "a complete snapshot of its source no longer lists it.",
        ),
        "data_date": serializers.DateField(help_text="The date of the snapshot's data, not of its import."),
        "source": serializers.ChoiceField(choices=Source.values),
        "source_name": serializers.CharField(),
        "source_file": serializers.CharField(help_text="The file (or sync) the snapshot was imported from."),
        "fields": serializers.ListField(
            child=serializers.CharField(),
            help_text="For a change, what changed, in the listing's field names (`location`: where it is placed).",
        ),
        "listing": serializers.DictField(
            child=serializers.CharField(), help_text="The listing as its source last listed it: name, address, phone."
        ),
        "provider": serializers.DictField(
            help_text="The provider the listing belongs to: id, name, API url, and `active`: false once no source "
            "lists it any more, when it has left the directory. A removed listing's provider stays in the "
            "directory (`active` true) while another listing still names it."
        ),
    },
)
_EXAMPLE = OpenApiExample(
    "An OTP the July 2020 directory no longer lists",
    value={
        "since": "2020-03-01",
        "through": "2020-07-04",
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "change": "removed",
                "data_date": "2020-07-04",
                "source": "otp_directory",
                "source_name": "SAMHSA Opioid Treatment Program Directory",
                "source_file": "otp_directory_20200704.xls",
                "fields": [],
                "listing": {
                    "name": "Example Recovery Services",
                    "street": "100 Main Street",
                    "city": "Springfield",
                    "state": "IL",
                    "zip_code": "62701",
                    "phone": "217-555-0100",
                },
                "provider": {
                    "id": 1234,
                    "name": "Example Recovery Services",
                    "url": "https://example.org/api/v1/providers/1234/",
                    "active": False,
                },
            }
        ],
    },
    response_only=True,
)


class ChangesView(LocatorAPIView):
    max_age_seconds = 3600

    @extend_schema(
        operation_id="changes_list",
        summary="What changed since a date of the data: listings added, changed and removed",
        description=(
            "From the import history: each change one of SAMHSA's snapshots made to a listing, oldest snapshot "
            "first, dated by the snapshot's data (not by when it was imported). A partner keeping a copy in sync "
            "asks with `since` set to the `through` date of its last answer and re-reads the providers named; a "
            "provider whose `active` is false has left the directory. Snapshots without a known date are not "
            "listed. `through` is the newest date the history holds."
        ),
        parameters=[ChangesQuery],
        responses={
            200: inline_serializer(
                "Changes",
                fields={
                    "since": serializers.DateField(),
                    "through": serializers.DateField(allow_null=True),
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": serializers.ListField(child=_ENTRY),
                },
            ),
            400: BAD_PARAMETER,
            404: NOT_FOUND,
            429: THROTTLED,
        },
        examples=[_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        params = validated_query(ChangesQuery, request.query_params)
        found = changes.changes_since(
            params["since"], change=params.get("change"), source=params.get("source"), state=params.get("state")
        )
        count = kept_count(
            ("changes", params["since"], params.get("change"), params.get("source"), params.get("state")), found.count
        )
        number, size = params["page"], params["page_size"]
        start = (number - 1) * size
        if number > 1 and start >= count:
            raise exceptions.NotFound(f"page {number} is past the last page of {count} changes")
        url_parts = provider_url_around_id(request)
        return Response(
            {
                "since": params["since"],
                "through": changes.newest_snapshot_date(),
                "count": count,
                **page_links(request.build_absolute_uri(), number, start + size < count),
                "results": [change_entry(item, url_parts) for item in found[start : start + size]],
            }
        )

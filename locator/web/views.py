"""Web pages: a thin skin over locator.search, like the API. Validate, call the core, render."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from locator import access
from locator.geo import STATE_NAMES
from locator.health import check_health
from locator.http_rules import allow_methods
from locator.limits import ReportRateThrottle
from locator.places import LocationNotFound
from locator.provenance import records_in_newest_files, source_summaries
from locator.search import MAX_EXACT_COUNT
from locator.selectors import ResultLists, ResultPage, active_provider, location_to_search, result_lists
from locator.templatetags.locator_web import is_approximate
from locator.vocabulary import LocationPrecision
from locator.web.forms import AccessForm, ProblemReportForm, SearchForm

RESULTS_PER_PAGE = 10
# The access map's distance bands: up to so many miles, and how the legend names them.
ACCESS_MAP_BANDS = [
    (10, gettext_lazy("10 miles or less")),
    (25, gettext_lazy("10 to 25 miles")),
    (50, gettext_lazy("25 to 50 miles")),
    (None, gettext_lazy("More than 50 miles")),
]
PAGE_MAX_AGE_SECONDS = 300


@allow_methods("GET", "HEAD")
def search_page(request: HttpRequest) -> HttpResponse:
    response = _search_page(request)
    # Kept by KeptAnswersMiddleware for as long as the browser may keep it.
    response.kept_for_seconds = PAGE_MAX_AGE_SECONDS
    # A search page's URL holds where someone is looking: no shared cache may keep it.
    patch_cache_control(response, private=True, max_age=PAGE_MAX_AGE_SECONDS)
    return response


def _search_page(request: HttpRequest) -> HttpResponse:
    asks_for_search = any(name != "lang" for name in request.GET)
    form = SearchForm(request.GET if asks_for_search else None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if asks_for_search:
        status = _search_into(context, form, request.GET)
    response = render(request, "locator/search.html", context, status=status)
    response.allows_map_tiles = bool(context.get("map_data") and context["map_data"]["markers"])
    return response


# Each list's page number, in the page's URL.
PAGE_PARAMETERS = {"programs": "page", "prescribers": "prescribers_page"}


def _search_into(context: dict[str, Any], form: SearchForm, query: QueryDict) -> int:
    """Runs the search the form asks for, puts what the page shows into `context`; the page's status."""
    if not form.is_valid():
        return 400
    data = form.cleaned_data
    try:
        location = location_to_search(
            near=data["near"], latitude=data["lat"], longitude=data["lng"], typed_text_wins=True
        )
    except LocationNotFound as error:
        context["location_error"] = error
        return 400
    answer = result_lists(
        location=location,
        radius_miles=data["radius"],
        filters=form.filters(),
        programs_page=form.page_number("page"),
        prescribers_page=form.page_number("prescribers_page"),
        size=RESULTS_PER_PAGE,
    )
    context.update(_results_context(answer, query))
    context["showing_unstated"] = form.filters().services_unstated
    return 404 if answer.is_past_the_end else 200


def _leaflet() -> dict[str, str]:
    """What a map's script needs to load Leaflet from this site and its tiles from the configured host."""
    return {
        "leaflet_js": static("locator/vendor/leaflet/leaflet.js"),
        "leaflet_css": static("locator/vendor/leaflet/leaflet.css"),
        "tiles": settings.LOCATOR_MAP_TILE_URL,
        "attribution": settings.LOCATOR_MAP_ATTRIBUTION,
    }


def _results_context(answer: ResultLists, query: QueryDict) -> dict[str, Any]:
    location = answer.programs.result.location
    lists = [
        _list_context(name, page, query)
        for name, page in (("programs", answer.programs), ("prescribers", answer.prescribers))
        if page is not None
    ]
    return {
        "answer": answer,
        "location": location,
        "radius_miles": answer.programs.result.radius_miles,
        "place": _("your location") if location.precision == LocationPrecision.COORDINATES else location.label,
        "lists": lists,
        "max_exact_count": MAX_EXACT_COUNT,
        "map_data": {
            **_leaflet(),
            "center": [location.latitude, location.longitude],
            "labels": {
                "show": _("Show map"),
                "hide": _("Hide map"),
                "here": _("Where you searched"),
                "programs": _("Treatment program"),
                "prescribers": _("Prescriber"),
            },
            "markers": [
                {
                    "list": one["name"],
                    "number": number,
                    "name": match.provider.name,
                    "lat": match.provider.latitude,
                    "lng": match.provider.longitude,
                    "approximate": is_approximate(match.provider),
                }
                for one in lists
                for number, match in enumerate(one["result"].matches, start=one["first_number"])
                if match.provider.latitude is not None
            ],
        },
    }


def _list_context(name: str, page: ResultPage, query: QueryDict) -> dict[str, Any]:
    """One list as the template shows it, with links to its other pages that keep the other list's."""
    parameter = PAGE_PARAMETERS[name]

    def url_of_page(number: int) -> str:
        asked = query.copy()
        asked.pop(parameter, None)
        if number > 1:
            asked[parameter] = str(number)
        return f"?{asked.urlencode()}"

    return {
        "name": name,
        "result": page.result,
        "page": page.number,
        "pages": page.page_count,
        "first_number": page.first_number,
        "is_past_the_end": page.is_past_the_end,
        "previous_url": url_of_page(page.number - 1) if page.number > 1 else "",
        "next_url": url_of_page(page.number + 1) if page.has_next else "",
        "first_page_url": url_of_page(1),
    }


@allow_methods("GET", "HEAD")
def provider_page(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = active_provider(provider_id)
    return render(
        request,
        "locator/provider.html",
        {
            "provider": provider,
            "report_form": ProblemReportForm(),
            "reported": request.GET.get("reported") == "1",
            "back_to_results": _search_url(request.GET.get("back", "")),
            "in_newest_files": records_in_newest_files(provider.records.all()),
        },
    )


def _search_url(query: str) -> str:
    """The search a provider was found by, rebuilt from the search form's own fields only: the
    parameter is from the address bar, and must lead nowhere but our search page."""
    asked = QueryDict(query[:2000])
    kept = [
        (name, value)
        for name in SearchForm.base_fields
        if name not in PAGE_PARAMETERS.values()
        for value in asked.getlist(name)
    ]
    kept += [("lang", value) for value in asked.getlist("lang")[:1] if value in dict(settings.LANGUAGES)]
    return f"{reverse('search')}?{urlencode(kept)}" if any(name != "lang" for name, _value in kept) else ""


@allow_methods("GET", "HEAD", "POST")
def report_problem(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = active_provider(provider_id)
    if request.method != "POST":
        return render(request, "locator/report.html", {"provider": provider, "report_form": ProblemReportForm()})
    throttle = ReportRateThrottle()
    if not throttle.allow_request(request, None):
        retry_after_seconds = math.ceil(throttle.wait() or 1)
        response = render(
            request,
            "locator/report.html",
            {"provider": provider, "too_many": True, "retry_after_minutes": math.ceil(retry_after_seconds / 60)},
            status=429,
        )
        response["Retry-After"] = str(retry_after_seconds)
        return response
    form = ProblemReportForm(request.POST)
    if not form.is_valid():
        return render(request, "locator/report.html", {"provider": provider, "report_form": form}, status=400)
    form.instance.provider = provider
    form.save()
    query = {"reported": "1", **({"lang": request.chosen_language} if request.chosen_language else {})}
    return redirect(f"{reverse('provider', args=[provider.id])}?{urlencode(query)}#report", permanent=False)


@allow_methods("GET", "HEAD")
def access_page(request: HttpRequest) -> HttpResponse:
    form = AccessForm(request.GET if "state" in request.GET else None)
    context: dict[str, Any] = {"form": form, "computation": access.computation()}
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and context["computation"]:
        state = form.cleaned_data["state"]
        context["report"] = access.state_report(state, form.cleaned_data["medication"])
        context["state_name"] = STATE_NAMES[state]
        context["map_bands"] = ACCESS_MAP_BANDS
        context["map_data"] = {
            **_leaflet(),
            "points": f"{reverse('api:access')}?{urlencode({'state': state, 'format': 'geojson'})}",
            "medication": form.cleaned_data["medication"].value,
            "bands": [[upper, str(label)] for upper, label in ACCESS_MAP_BANDS],
            "labels": {
                "zip": _("ZIP code"),
                "miles": _("miles"),
                "none": _("none known"),
                "show": _("Show map"),
                "hide": _("Hide map"),
            },
        }
    response = render(request, "locator/access.html", context, status=status)
    response.allows_map_tiles = "map_data" in context
    return response


@allow_methods("GET", "HEAD")
def about_page(request: HttpRequest) -> HttpResponse:
    return render(request, "locator/about.html", {"sources": source_summaries()})


@allow_methods("GET", "HEAD")
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 503 when the database cannot be reached."""
    health = check_health()
    body = {
        "status": "ok" if health.database_reachable else "unavailable",
        "database": "reachable" if health.database_reachable else "unreachable",
        "newest_data_date": health.newest.text if health.newest else None,
        "data_age_days": health.data_age_days,
        "stale": bool(health.newest and health.newest.stale),
        "last_import_at": health.last_import_at,
    }
    response = JsonResponse(body, status=200 if health.database_reachable else 503)
    patch_cache_control(response, no_store=True)
    return response

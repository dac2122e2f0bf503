"""A catalogue of bad inputs, for every API parameter and every search form field.

Each bad value is a 400 that says what was wrong: the API's one JSON error shape, naming the parameter,
or the page's friendly message beside the form. A value that is bad for one field may be a fine value
for another (`otp=0` is "no"); those are listed in ACCEPTED, and everything else must be refused.
"""

from __future__ import annotations

import pytest

from locator.api.query import ALLOWED_PARAMETERS
from locator.models import ProblemReport
from locator.web.forms import SearchForm
from tests.factories import make_provider

pytestmark = pytest.mark.django_db

API = "/api/v1/providers/"
HELPLINE = "1-800-662-4357"

BAD_VALUES = {
    "empty": "",
    "whitespace": " \t ",
    "very long": "7" * 100_000,
    "unicode": "Ñandú Ōsaka",
    "emoji": "💊🏥",
    "NUL byte": "741\x0003",
    "SQL": "74103' OR '1'='1'; DROP TABLE locator_provider; --",
    "script": "<script>alert(1)</script>",
    "negative": "-1",
    "zero": "0",
    "NaN": "NaN",
    "infinity": "inf",
    "huge": "1e308",
    "latitude 999": "999",
    "page 10^9": "1000000000",
    "page_size 10^6": "1000000",
}

# (field, kind of value) pairs that are not bad for that field: answered 200.
ACCEPTED_BY_API = {
    # An empty value is no value: no filter, or the default.
    *(
        (field, "empty")
        for field in (
            "medication",
            "kind",
            "payment",
            "otp",
            "telehealth",
            "setting",
            "group",
            "age",
            "language",
            "state",
            "q",
            "format",
            "radius",
            "page",
            "page_size",
        )
    ),
    *((field, "whitespace") for field in ("medication", "kind", "payment", "setting", "group", "age", "language", "q")),
    # A name may be anything printable; a search for it finds nothing or something.
    *((("q", kind) for kind in ("unicode", "emoji", "SQL", "script", "negative", "zero", "NaN", "infinity", "huge"))),
    *(("q", kind) for kind in ("latitude 999", "page 10^9", "page_size 10^6")),
    # Booleans: 0 is "no".
    ("otp", "zero"),
    ("telehealth", "zero"),
    # Inside the documented range.
    ("lng", "negative"),
    ("lng", "zero"),
    ("lat", "negative"),
    ("lat", "zero"),
}
# A page number within the limit but past the last page: "not found", in the same shape.
PAST_THE_LAST_PAGE = {("page", "latitude 999")}


def _params(field: str, value: str) -> dict[str, str]:
    """A good search with one field set to `value`."""
    if field in ("lat", "lng"):
        return {"lat": "36.15", "lng": "-95.99", field: value}
    if field == "near":
        return {"near": value}
    return {"near": "74103", field: value}


API_CASES = [(field, kind) for field in sorted(ALLOWED_PARAMETERS) for kind in BAD_VALUES]


@pytest.mark.parametrize(("field", "kind"), API_CASES, ids=[f"{field}-{kind}" for field, kind in API_CASES])
def test_every_api_parameter_refuses_every_bad_value_with_the_json_error_shape(client, shared_directory, field, kind):
    response = client.get(API, _params(field, BAD_VALUES[kind]))
    if (field, kind) in ACCEPTED_BY_API:
        assert response.status_code == 200, response.content[:300]
        return
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["message"] and error["code"]
    if (field, kind) in PAST_THE_LAST_PAGE:
        assert response.status_code == 404 and error["code"] == "not_found"
        return
    assert response.status_code == 400, response.content[:300]
    assert error["field"] == field
    # The message names the problem without echoing a huge value back.
    assert len(error["message"]) < 500


# Fields of the search form; the page never has a "format", and unknown filter values are refused.
FORM_FIELDS = sorted(SearchForm().fields)
ACCEPTED_BY_PAGE = {
    *((field, "empty") for field in ("otp", "telehealth", "unstated", "radius", "page", "prescribers_page")),
    # The language list's "any" sends an empty value; the other lists of codes read it the same way.
    *((field, "empty") for field in ("setting", "group", "age", "language")),
    # Unchecked boxes send nothing; a box that sends something else is still only "checked".
    *((field, kind) for field in ("otp", "telehealth", "unstated") for kind in BAD_VALUES),
    ("lng", "negative"),
    ("lng", "zero"),
    ("lat", "negative"),
    ("lat", "zero"),
}


PAGE_CASES = [(field, kind) for field in FORM_FIELDS for kind in BAD_VALUES]
# The page pages its two lists (programs, prescribers) apart.
PAST_THE_LAST_PAGE_OF_A_LIST = PAST_THE_LAST_PAGE | {("prescribers_page", "latitude 999")}


@pytest.mark.parametrize(("field", "kind"), PAGE_CASES, ids=[f"{field}-{kind}" for field, kind in PAGE_CASES])
def test_every_form_field_answers_every_bad_value_with_a_friendly_page(client, shared_directory, field, kind):
    response = client.get("/", _params(field, BAD_VALUES[kind]))
    html = response.content.decode()
    assert HELPLINE in html
    if (field, kind) in ACCEPTED_BY_PAGE:
        assert response.status_code == 200
        return
    if (field, kind) in PAST_THE_LAST_PAGE_OF_A_LIST:
        assert response.status_code == 404 and "There are no more results." in html
        return
    assert response.status_code == 400, html[:300]
    assert any(mark in html for mark in ('class="form-error"', 'class="field-error"', 'id="location-error-heading"'))
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("near=74103&near=10001", "near"),
        ("near=74103&radius=5&radius=10", "radius"),
        ("near=74103&page=1&page=2", "page"),
        ("lat=36&lat=37&lng=-95", "lat"),
    ],
)
def test_repeated_parameters_are_refused(client, shared_directory, query, field):
    response = client.get(f"{API}?{query}")
    assert response.status_code == 400 and response.json()["error"]["field"] == field


def test_unknown_api_parameters_are_refused_and_named(client, shared_directory):
    response = client.get(API, {"near": "74103", "medications": "methadone"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "medications"


def test_unknown_page_parameters_are_ignored_so_shared_links_keep_working(client, shared_directory):
    # Links pasted from messaging apps gain tracking parameters; the search must still answer.
    response = client.get("/", {"near": "74103", "fbclid": "abc", "utm_source": "sms"})
    plain = client.get("/", {"near": "74103"})
    assert response.status_code == 200
    assert response.context["place"] == "Tulsa, OK 74103"
    shown = [[match.provider.id for match in page.result.matches] for page in response.context["answer"].pages]
    assert shown[0] and shown == [
        [match.provider.id for match in page.result.matches] for page in plain.context["answer"].pages
    ]


# The report form: a problem from the list, and optional words.
ACCEPTED_DETAILS = {"empty", "whitespace", "unicode", "emoji", "SQL", "script", "negative", "zero", "NaN", "infinity"}
ACCEPTED_DETAILS |= {"huge", "latitude 999", "page 10^9", "page_size 10^6"}


@pytest.mark.parametrize(("field", "kind"), [(field, kind) for field in ("problem", "details") for kind in BAD_VALUES])
def test_the_report_form_refuses_bad_values_and_stores_odd_words_verbatim(client, empty_directory, field, kind):
    provider = make_provider(name="Fictional Program", latitude=36.15, longitude=-95.99)
    data = {"problem": "closed", "details": "", field: BAD_VALUES[kind]}
    response = client.post(f"/providers/{provider.id}/report/", data)
    if field == "details" and kind in ACCEPTED_DETAILS:
        assert response.status_code == 302
        assert ProblemReport.objects.get().details == BAD_VALUES[kind].strip()
        return
    html = response.content.decode()
    if kind == "very long":
        # 100 KB is refused before it is read, and not echoed back.
        assert response.status_code == 413 and len(html) < 5_000
    else:
        assert response.status_code == 400 and 'class="field-error"' in html
    assert HELPLINE in html
    assert "<script>alert(1)</script>" not in html
    assert not ProblemReport.objects.exists()

"""The Open Referral HSDS 3.0 API (/api/hsds/): answers valid against the standard's published schemas
(../shared/hsds-3.0), stable ids, the mat-locator taxonomy, and the directory's own search behind it."""

from __future__ import annotations

import json
import os
import random
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locator import hsds
from locator.importing.importer import import_files
from locator.models import Provider
from locator.search_filters import SearchFilters, matching_providers, searchable_providers
from locator.vocabulary import Payment, Source
from tests.conftest import FIXTURES_DIR, SHARED_DATA_DIR
from tests.importing.helpers import write_otp_csv

HSDS_DIR = Path(os.environ.get("LOCATOR_HSDS_DIR") or SHARED_DATA_DIR.parent / "hsds-3.0")
# Each path's records, in the list and in the full (nested) form, by the standard's compiled schema.
LISTS = {
    "/api/hsds/services": ("service_list", "service"),
    "/api/hsds/service_at_locations": ("service_at_location_list", "service_at_location"),
    "/api/hsds/organizations": ("organization_list", "organization"),
}
SOURCE_NAMES = {source.label for source in Source}
DETAILS = {
    "services": "service",
    "service_at_locations": "service_at_location",
    "organizations": "organization",
}


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    """These tests send hundreds of requests a minute; the rate limit is tested on its own."""
    settings.LOCATOR_API_RATE_LIMIT = "off"


@pytest.fixture(scope="session")
def hsds_schemas() -> Path:
    if not (HSDS_DIR / "service.json").is_file():
        message = f"the HSDS 3.0 schemas are not in {HSDS_DIR}"
        if os.environ.get("LOCATOR_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"{message}, and LOCATOR_REQUIRE_SHARED_DATA=1 requires them")
        pytest.skip(message)
    return HSDS_DIR


@cache
def validator(name: str) -> jsonschema.Validator:
    schema = json.loads((HSDS_DIR / f"{name}.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@cache
def page_validator() -> jsonschema.Validator:
    """The standard's Page, the fields of every list answer (schema/openapi.json)."""
    page = json.loads((HSDS_DIR / "openapi.json").read_text())["components"]["schemas"]["Page"]
    return jsonschema.Draft202012Validator({**page, "required": list(page["properties"])})


def assert_valid(name: str, record: dict) -> None:
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator(name).iter_errors(record)]
    assert errors == [], (name, record.get("id"), errors[:5])
    # Formats jsonschema checks only with extra packages: date-time and uri.
    for key in ("last_modified",):
        if key in record:
            datetime.fromisoformat(record[key])
    for key in ("url", "website"):
        if key in record:
            assert urlparse(record[key]).scheme in {"http", "https"}, record[key]


def assert_valid_page(answer: dict, item_schema: str) -> None:
    assert list(page_validator().iter_errors(answer)) == []
    assert answer["size"] == len(answer["contents"])
    for record in answer["contents"]:
        assert_valid(item_schema, record)


@pytest.mark.shared_data
@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "query",
    [{}, {"full": "true"}, {"page": "7", "per_page": "100"}, {"near": "10001", "radius": "5"}, {"search": "recovery"}],
    ids=["first-page", "full", "page-7", "near-10001", "search"],
)
def test_list_answers_are_valid_against_the_standards_schemas(shared_directory, db, client, hsds_schemas, path, query):
    if path.endswith("organizations"):
        query = {key: value for key, value in query.items() if key not in {"near", "radius"}}
        query = {"full_service": "true"} if "full" in query else query
    response = client.get(path, query)
    assert response.status_code == 200, response.content[:500]
    answer = response.json()
    assert answer["contents"]
    list_form, full_form = LISTS[path]
    assert_valid_page(answer, full_form if {"full", "full_service"} & set(query) else list_form)
    # Every record says its SAMHSA sources and the dates of their data, in the list form too.
    for record in answer["contents"]:
        for part in (record, record.get("location"), record.get("service")):
            if part:
                assert part["metadata"] and {entry["updated_by"] for entry in part["metadata"]} <= SOURCE_NAMES


@pytest.mark.shared_data
def test_full_records_of_random_providers_are_valid_and_their_ids_lead_back(shared_directory, db, client, hsds_schemas):
    ids = list(searchable_providers().values_list("id", flat=True))
    for provider_id in random.Random(16).sample(ids, 60):
        for path, entity in DETAILS.items():
            record_id = hsds.record_id(entity, provider_id)
            response = client.get(f"/api/hsds/{path}/{record_id}")
            assert response.status_code == 200, (path, provider_id)
            record = response.json()
            assert_valid(entity, record)
            assert record["id"] == record_id
            assert hsds.provider_id_of(entity, record_id) == provider_id


@pytest.mark.shared_data
def test_the_taxonomy_and_its_terms_are_valid_and_each_term_finds_the_services_stating_it(
    shared_directory, db, client, hsds_schemas
):
    [taxonomy] = client.get("/api/hsds/taxonomies").json()["contents"]
    assert_valid("taxonomy", taxonomy)
    assert taxonomy["name"] == "mat-locator"
    assert client.get(f"/api/hsds/taxonomies/{taxonomy['id']}").json() == taxonomy
    terms = client.get("/api/hsds/taxonomy_terms", {"per_page": 100}).json()
    assert_valid_page(terms, "taxonomy_term")
    by_code = {term["code"]: term for term in terms["contents"]}
    assert {"medication:methadone", "payment:medicaid", "language:es", "program:otp"} <= set(by_code)
    top = client.get("/api/hsds/taxonomy_terms", {"top_only": "true", "per_page": 100}).json()["contents"]
    assert {term["code"] for term in top} == {"medication", "payment", "setting", "group", "age", "language", "program"}
    children = client.get("/api/hsds/taxonomy_terms", {"parent_id": by_code["medication"]["id"]}).json()["contents"]
    assert {term["code"] for term in children} == {
        "medication:buprenorphine",
        "medication:methadone",
        "medication:naltrexone",
    }

    for code, filters in (
        ("medication:methadone", SearchFilters(medications=frozenset({"methadone"}))),
        ("program:otp", SearchFilters(otp_only=True)),
        ("language:es", SearchFilters(languages=frozenset({"es"}))),
    ):
        answer = client.get("/api/hsds/services", {"taxonomy_term_id": by_code[code]["id"], "state": "CA"}).json()
        expected = matching_providers(SearchFilters(**{**filters.__dict__, "state": "CA"}))
        assert answer["total_items"] == expected.count() > 0, code
    # The category term: any of its terms.
    payments = client.get("/api/hsds/services", {"taxonomy_term_id": by_code["payment"]["id"], "state": "OK"}).json()
    assert (
        payments["total_items"]
        == matching_providers(SearchFilters(payments=frozenset(Payment.values), state="OK")).count()
    )


@pytest.mark.shared_data
def test_a_search_near_a_place_is_the_directorys_own_search(shared_directory, db, client):
    query = {"near": "Tulsa, OK", "radius": "25", "medication": "buprenorphine", "per_page": "20"}
    hsds_answer = client.get("/api/hsds/service_at_locations", query).json()
    api_query = {name: value for name, value in query.items() if name != "per_page"} | {"page_size": "20"}
    api_answer = client.get("/api/v1/providers/", api_query).json()
    hsds_ids = [hsds.provider_id_of("service_at_location", record["id"]) for record in hsds_answer["contents"]]
    assert hsds_ids == [provider["id"] for provider in api_answer["results"]]
    assert hsds_answer["total_items"] == api_answer["count"]
    # The standard's postcode and proximity (metres) ask the same.
    by_postcode = client.get(
        "/api/hsds/service_at_locations", {"postcode": "74103", "proximity": str(10 * 1609.344)}
    ).json()
    by_near = client.get("/api/v1/providers/", {"near": "74103", "radius": "10", "page_size": "50"}).json()
    assert by_postcode["total_items"] == by_near["count"]


@pytest.mark.shared_data
def test_records_say_their_sources_and_dates_and_never_no_where_samhsa_said_nothing(
    shared_directory, db, client, hsds_schemas
):
    silent = (
        searchable_providers()
        .filter(
            accepts_medicaid=False,
            accepts_cash=False,
            accepts_private_insurance=False,
            accepts_medicare=False,
            accepts_state_plan=False,
            accepts_military_insurance=False,
            offers_free_care=False,
            offers_sliding_fee=False,
            offers_payment_assistance=False,
            accepts_ihs_tribal=False,
        )
        .first()
    )
    record = client.get(f"/api/hsds/services/{hsds.record_id('service', silent.id)}").json()
    assert record["fees_description"] == "Payment: not stated in SAMHSA's listings."
    assert not [
        attribute for attribute in record["attributes"] if attribute["taxonomy_term"]["code"].startswith("payment")
    ]
    assert "assured_date" not in record
    assert record["metadata"] and {entry["updated_by"] for entry in record["metadata"]} <= SOURCE_NAMES
    assert all(entry["last_action_date"][:2] in {"20", "un"} for entry in record["metadata"])
    assert "verified" not in json.dumps(record).replace("does not verify", "")

    otp = searchable_providers().filter(is_otp=True, offers_methadone=True).first()
    record = client.get(f"/api/hsds/services/{hsds.record_id('service', otp.id)}").json()
    codes = {attribute["taxonomy_term"]["code"] for attribute in record["attributes"]}
    assert {"program:otp", "medication:methadone"} <= codes


def test_sample_data_is_marked_as_such(empty_directory, client):
    import_files([FIXTURES_DIR], is_sample=True)
    services = client.get("/api/hsds/services", {"full": "true"}).json()["contents"]
    assert services and all(service["alert"] == "Sample data: not a real provider." for service in services)
    assert all("sample data" in entry["updated_by"] for service in services for entry in service["metadata"])


@pytest.mark.parametrize(
    "path, query, field",
    [
        ("/api/hsds/services", {"page": "0"}, "page"),
        ("/api/hsds/services", {"per_page": "101"}, "per_page"),
        ("/api/hsds/services", {"format": "ndjson"}, "format"),
        ("/api/hsds/services", {"taxonomy_term_id": "not-a-term"}, "taxonomy_term_id"),
        ("/api/hsds/services", {"modified_after": "yesterday"}, "modified_after"),
        ("/api/hsds/services", {"modified_after": "٢٠٢٠-٠٣-٠١"}, "modified_after"),
        ("/api/hsds/services", {"medication": "heroin"}, "medication"),
        ("/api/hsds/services", {"postcode": "74103"}, "postcode"),
        ("/api/hsds/service_at_locations", {"proximity": "1000"}, "proximity"),
        ("/api/hsds/service_at_locations", {"postcode": "7410"}, "postcode"),
        ("/api/hsds/service_at_locations", {"near": "74103", "modified_after": "2020-01-01"}, "near"),
        ("/api/hsds/organizations", {"near": "74103"}, "near"),
        ("/api/hsds/taxonomy_terms", {"top_only": "maybe"}, "top_only"),
        (f"/api/hsds/organizations/{hsds.record_id('organization', 1)}", {"full_service": "maybe"}, "full_service"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(empty_directory, client, path, query, field):
    response = client.get(path, query)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize(
    "path",
    [
        "/api/hsds/services/nope",
        f"/api/hsds/services/{hsds.record_id('organization', 1)}",
        "/api/hsds/organizations/00000000-0000-0000-0000-000000000000",
        "/api/hsds/taxonomies/00000000-0000-0000-0000-000000000000",
        "/api/hsds/taxonomy_terms/nope",
        "/api/hsds/services?page=2",
    ],
)
def test_unknown_ids_and_pages_past_the_end_are_404(empty_directory, client, path):
    assert client.get(path).status_code == 404


def test_the_root_names_the_standard_and_the_ids_are_stable(empty_directory, client):
    answer = client.get("/api/hsds/").json()
    assert answer["version"] == "3.0" and answer["openapi_url"].endswith("/schema/openapi.json")
    import_files([FIXTURES_DIR], is_sample=True)
    provider = Provider.objects.filter(active=True).first()
    assert hsds.record_id("service", provider.id) == f"6d61742d-6c6f-8002-8000-{provider.id:012x}"
    assert hsds.provider_id_of("service", hsds.record_id("service", provider.id)) == provider.id
    assert hsds.provider_id_of("location", hsds.record_id("service", provider.id)) is None


HOSTILE_VALUES = ["", "-1", "99999999999999999999", "nan", "x" * 3000, "٣", "9999-12-31T99:00", "' OR 1=1 --"]
HSDS_PARAMETERS = ["search", "page", "per_page", "taxonomy_term_id", "taxonomy_id", "organization_id"]
HSDS_PARAMETERS += ["modified_after", "minimal", "full", "postcode", "proximity", "near", "lat", "radius"]
HSDS_PARAMETERS += ["medication", "state", "top_only", "parent_id", "full_service"]


@pytest.mark.parametrize(
    "path",
    ["/api/hsds/services", "/api/hsds/service_at_locations", "/api/hsds/organizations", "/api/hsds/taxonomy_terms"],
)
def test_hostile_values_are_answered_never_a_server_error(empty_directory, client, path):
    import_files([FIXTURES_DIR], is_sample=True)
    statuses = {client.get(path, {name: value}).status_code for name in HSDS_PARAMETERS for value in HOSTILE_VALUES}
    assert statuses <= {200, 400, 404}
    assert 400 in statuses


def counts_asked(client, path: str, query: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, query).status_code == 200
    return sum("COUNT(" in query["sql"].upper() for query in queries.captured_queries)


@pytest.mark.parametrize(
    "path, query",
    [("/api/hsds/services", {"per_page": "2"}), ("/api/v1/changes/", {"since": "2020-01-01", "page_size": "2"})],
)
def test_a_list_counts_its_matches_once_until_the_next_import(empty_directory, client, tmp_path, path, query):
    import_files([FIXTURES_DIR], is_sample=True)
    first = client.get(path, query).json()
    assert counts_asked(client, path, {**query, "page": "2"}) == 0
    total = first.get("total_items", first.get("count"))
    import_files(
        [
            write_otp_csv(
                tmp_path, "otp_directory_20260101.csv", ["New Program,1 Main St,Tulsa,OK,74103,918-555-0100,Certified"]
            )
        ]
    )
    assert counts_asked(client, path, {**query, "page": "2"}) == 1
    again = client.get(path, query).json()
    # The new snapshot adds a program and no longer lists the sample's programs: the count is a new one.
    assert again.get("total_items", again.get("count")) != total

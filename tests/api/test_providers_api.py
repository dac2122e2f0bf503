"""The REST API on small, hand-placed providers."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.test import override_settings

from locator.importing.importer import import_files
from locator.models import Provider
from tests.conftest import FIXTURES_DIR
from tests.factories import make_provider

LIST = "/api/v1/providers/"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def tulsa_providers(empty_directory):
    return [
        make_provider(
            name="Near Clinic", latitude=36.155, longitude=-95.993, accepts_medicaid=True, phone="918-555-0100"
        ),
        make_provider(
            name="Methadone Program",
            latitude=36.20,
            longitude=-95.99,
            offers_buprenorphine=False,
            offers_methadone=True,
            is_otp=True,
            kind="otp",
            otp_certification="certified",
        ),
        make_provider(name='=HYPERLINK("http://evil")', latitude=36.25, longitude=-95.99),
    ]


def test_search_by_zip_returns_the_resolved_location_and_nearest_first(client, tulsa_providers):
    response = client.get(LIST, {"near": "74103", "radius": 10})
    assert response.status_code == 200
    body = response.json()
    assert body["location"] == {
        "label": "Tulsa, OK 74103",
        "latitude": 36.1539,
        "longitude": -95.9954,
        "precision": "zip_centroid",
        "note": "",
    }
    assert [result["name"] for result in body["results"]] == [
        "Near Clinic",
        "Methadone Program",
        '=HYPERLINK("http://evil")',
    ]
    first = body["results"][0]
    assert first["url"].endswith(f"/api/v1/providers/{tulsa_providers[0].id}/")
    assert first["within_radius"] is True and first["distance_miles"] < 1
    assert first["payment"] == ["medicaid"]
    assert body["count"] == 3 and body["next"] is None and body["previous"] is None


def test_search_by_coordinates_with_filters(client, tulsa_providers):
    response = client.get(LIST, {"lat": 36.154, "lng": -95.9928, "medication": "methadone", "otp": "true"})
    assert [result["name"] for result in response.json()["results"]] == ["Methadone Program"]
    assert response.json()["location"]["precision"] == "coordinates"


def test_medication_accepts_a_comma_list_or_repeated_parameters(client, tulsa_providers):
    comma = client.get(LIST, {"near": "74103", "medication": "methadone,buprenorphine"}).json()
    repeated = client.get(f"{LIST}?near=74103&medication=methadone&medication=buprenorphine").json()
    assert comma["count"] == repeated["count"] == 3


def test_every_response_has_exactly_the_fields_the_schema_declares(client, empty_directory):
    from locator.api.serializers import ProviderDetailSerializer, ProviderMatchSerializer

    import_files([FIXTURES_DIR], is_sample=True)
    body = client.get(LIST, {"near": "22903"}).json()
    assert body["results"] and all(list(result) == list(ProviderMatchSerializer().fields) for result in body["results"])
    detail = client.get(body["results"][0]["url"]).json()
    assert list(detail) == list(ProviderDetailSerializer().fields)
    assert set(detail["sources"][0]) == {"source", "name", "data_date", "is_sample"}


def test_pagination_links_walk_every_result_once(client, tulsa_providers):
    first = client.get(LIST, {"near": "74103", "page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert [result["name"] for result in second["results"]] == ['=HYPERLINK("http://evil")']
    assert second["previous"] and second["next"] is None
    assert "page=" not in second["previous"]


def test_nothing_within_the_radius_returns_the_nearest_flagged_outside(client, tulsa_providers):
    body = client.get(LIST, {"near": "Dallas, TX", "radius": 5}).json()
    assert body["within_radius"] is False and body["count"] == 3
    assert all(result["within_radius"] is False for result in body["results"])


def test_provider_detail_has_services_and_provenance_and_inactive_is_404(client, empty_directory):
    import_files([FIXTURES_DIR], is_sample=True)
    lantern = Provider.objects.get(name__startswith="Example Lantern")
    body = client.get(f"{LIST}{lantern.id}/").json()
    assert {record["source"] for record in body["records"]} == {"findtreatment", "otp_directory"}
    assert all(record["data_date"] == "2025-06-01" and len(record["file_sha256"]) == 64 for record in body["records"])
    assert body["is_sample"] is True
    assert any(group["code"] == "OT" for group in body["services"])
    assert {source["name"] for source in body["sources"]} == {
        "FindTreatment.gov locator",
        "SAMHSA Opioid Treatment Program Directory",
    }
    Provider.objects.filter(id=lantern.id).update(active=False)
    response = client.get(f"{LIST}{lantern.id}/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert client.get(f"{LIST}99999999/").status_code == 404


def test_geojson_is_a_feature_collection_with_longitude_first(client, tulsa_providers):
    response = client.get(LIST, {"near": "74103", "format": "geojson"})
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 3
    feature = collection["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [-95.993, 36.155]}
    assert feature["properties"]["name"] == "Near Clinic"


def test_csv_opens_as_a_table_and_neutralises_formulas(client, tulsa_providers):
    response = client.get(LIST, {"near": "74103", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["name"] for row in rows][:2] == ["Near Clinic", "Methadone Program"]
    assert rows[2]["name"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["longitude"] == "-95.993"


def test_errors_stay_json_whatever_format_was_asked(client, db):
    response = client.get(LIST, {"near": "99999", "format": "csv"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["error"]["field"] == "near"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "near"),
        ({"near": "Tusla, OK"}, "near"),
        ({"near": "74103", "radius": "-1"}, "radius"),
        ({"near": "74103", "radius": "0"}, "radius"),
        ({"near": "74103", "radius": "1e9"}, "radius"),
        ({"near": "74103", "radius": "NaN"}, "radius"),
        ({"near": "74103", "radius": "inf"}, "radius"),
        ({"lat": "999", "lng": "0"}, "lat"),
        ({"lat": "36"}, "lng"),
        ({"lat": "36", "lng": "-95", "near": "74103"}, "near"),
        ({"near": "74103", "page": "0"}, "page"),
        ({"near": "74103", "page": "1000000000"}, "page"),
        ({"near": "74103", "page_size": "0"}, "page_size"),
        ({"near": "74103", "page_size": "1000000"}, "page_size"),
        ({"near": "74103", "medication": "heroin"}, "medication"),
        ({"near": "74103", "payment": "bitcoin"}, "payment"),
        ({"near": "74103", "kind": "hospital"}, "kind"),
        ({"near": "74103", "language": "xx"}, "language"),
        ({"near": "74103", "state": "ZZ"}, "state"),
        ({"near": "74103", "state": "Oklahoma"}, "state"),
        ({"near": "74103", "otp": "maybe"}, "otp"),
        ({"near": "74103", "format": "xml"}, "format"),
        ({"near": "74103", "colour": "blue"}, "colour"),
        ({"near": "74103'; DROP TABLE locator_provider; --"}, "near"),
        ({"near": "<script>alert(1)</script>"}, "near"),
        ({"near": "x" * 1000}, "near"),
    ],
)
def test_bad_parameters_answer_400_with_one_json_error_shape(client, db, params, field):
    response = client.get(LIST, params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["field"] == field and error["message"] and error["code"]
    assert response["Content-Type"] == "application/json"


def test_repeated_single_parameters_are_refused(client, db):
    response = client.get(f"{LIST}?near=74103&radius=5&radius=10")
    assert response.status_code == 400 and response.json()["error"]["field"] == "radius"


def test_a_page_past_the_end_is_404(client, tulsa_providers):
    response = client.get(LIST, {"near": "74103", "page": 5})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_unknown_api_paths_are_json_404(client, db):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_get_responses_carry_cache_control_and_an_etag_that_answers_304(client, tulsa_providers):
    response = client.get(LIST, {"near": "74103"})
    assert "max-age=300" in response["Cache-Control"] and "private" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get(LIST, {"near": "74103"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert "public" in client.get("/api/v1/meta/")["Cache-Control"]


def test_any_origin_may_read_the_api(client, tulsa_providers):
    response = client.get(LIST, {"near": "74103"}, HTTP_ORIGIN="https://helpline.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"


@override_settings(LOCATOR_API_RATE_LIMIT="2/minute")
def test_the_anonymous_rate_limit_answers_429_with_retry_after(client, tulsa_providers):
    for _ in range(2):
        assert client.get(LIST, {"near": "74103"}).status_code == 200
    # The same search again is answered from memory, but only after the limit is checked.
    for path in (f"{LIST}?near=74103", f"{LIST}{tulsa_providers[0].id}/", "/api/v1/meta/"):
        response = client.get(path)
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert response.json()["error"]["code"] == "throttled"


def test_meta_lists_sources_with_dates_and_counts(client, empty_directory):
    import_files([FIXTURES_DIR], is_sample=True)
    body = client.get("/api/v1/meta/").json()
    otp = next(source for source in body["sources"] if source["source"] == "otp_directory")
    assert otp["newest_data_date"] == "2025-06-01" and otp["is_sample"] is True and otp["files"] == 1
    directory = next(source for source in body["sources"] if source["source"] == "national_directory")
    assert directory["newest_data_date"] == "2017"  # a yearly file: the year, not January 1st
    # The 2017 clinic is not in the newer OTP Directory; the two OTPs of the October 2025 file are newer than it.
    assert body["by_medication"]["methadone"] == 5
    assert body["by_kind"]["practitioner"] == 3
    assert body["providers"] == sum(body["by_kind"].values())


def test_search_text_never_reaches_the_logs(client, tulsa_providers, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        client.get(LIST, {"near": "Tusla, OK"})
        client.get(LIST, {"near": "74103", "radius": "-5"})
        client.get(LIST, {"near": "74103"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Tusla" not in logged and "74103" not in logged

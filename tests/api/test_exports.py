"""The whole directory as files: written after imports from the real directory, served as written."""

from __future__ import annotations

import csv
import io
import json

import pytest

from locator.api import exports
from locator.api.serializers import ProviderSerializer
from locator.search_filters import searchable_providers

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(shared_exports):
    return shared_exports


def test_the_csv_holds_every_searchable_provider_as_the_api_shows_one(client, exported):
    response = client.get("/api/v1/export/providers.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="providers.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert list(rows[0]) == list(ProviderSerializer._declared_fields)
    ids = [int(row["id"]) for row in rows]
    assert ids == sorted(searchable_providers().values_list("id", flat=True)) and len(ids) == exported.providers
    otp = next(row for row in rows if row["is_otp"] == "True")
    assert "Opioid Treatment Program Directory" in otp["sources"] and "2020" in otp["sources"]


def test_the_geojson_holds_the_same_providers_as_points(client, exported):
    response = client.get("/api/v1/export/providers.geojson")
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(b"".join(response.streaming_content))
    assert len(collection["features"]) == exported.providers
    feature = collection["features"][0]
    provider = searchable_providers().order_by("id").first()
    assert feature["id"] == provider.id
    assert feature["geometry"]["coordinates"] == [provider.longitude, provider.latitude]
    assert feature["properties"]["sources"][0]["data_date"]


def test_a_download_is_a_file_read_with_its_etag_never_a_query(client, exported, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/api/v1/export/providers.csv")
    etag = response["ETag"]
    assert etag.startswith('"') and len(etag) == 66
    assert client.get("/api/v1/export/providers.csv", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/v1/export/providers.geojson")["ETag"] != etag


def test_before_the_first_export_the_api_says_so(client, settings, tmp_path):
    settings.LOCATOR_EXPORT_DIR = tmp_path
    response = client.get("/api/v1/export/providers.csv")
    assert response.status_code == 503 and response.json()["error"]["code"] == "not_exported"
    assert client.get("/api/v1/export/providers.xml").status_code == 404


def test_a_failed_write_leaves_the_previous_file_and_no_scrap(tmp_path):
    path = tmp_path / "providers.csv"
    path.write_text("previous\n")

    def fails(file) -> None:
        file.write("half of a new fi")
        raise OSError("disk full")

    with pytest.raises(OSError):
        exports._write_atomically(path, fails)
    assert path.read_text() == "previous\n" and [found.name for found in tmp_path.iterdir()] == ["providers.csv"]

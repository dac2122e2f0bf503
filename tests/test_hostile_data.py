"""Names and addresses from the data itself that carry markup, quotes, ampersands or spreadsheet formulas
come out inert and exact in every format: HTML pages, JSON, GeoJSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from html import unescape

import pytest

from tests.factories import make_provider

HOSTILE_NAME = """<script>alert("x")</script> Smith & Sons' "Recovery" Clinic"""
HOSTILE_STREET = """1 Main St <img src=x onerror=alert(1)> & "Suite" 'B'"""
FORMULAS = ("=1+1", "+1+1", "-1+1", "@SUM(A1)")


@pytest.fixture
def hostile_providers(empty_directory):
    providers = [
        make_provider(name=HOSTILE_NAME, street=HOSTILE_STREET, city="Tulsa & Co", latitude=36.155, longitude=-95.993)
    ]
    for offset, formula in enumerate(FORMULAS, start=1):
        providers.append(
            make_provider(name=f"{formula} Clinic", street=formula, latitude=36.155 + offset / 100, longitude=-95.993)
        )
    return providers


def test_pages_escape_markup_from_the_data_and_show_it_exactly(client, hostile_providers):
    for url in ("/?near=74103", f"/providers/{hostile_providers[0].id}/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert (
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Smith &amp; Sons&#x27; &quot;Recovery&quot; Clinic"
            in html
        )
        assert unescape("1 Main St &lt;img src=x onerror=alert(1)&gt;") in unescape(html)


def test_the_map_data_on_the_results_page_cannot_close_its_script_element(client, hostile_providers):
    html = client.get("/", {"near": "74103"}).content.decode()
    # The map's data travels as JSON inside the page; "</script>" in a name must not end that element,
    # so the element's whole content still reads as JSON that carries the name exactly.
    start = html.index('<script id="map-data" type="application/json">')
    content = html[html.index(">", start) + 1 : html.index("</script>", start)]
    markers = json.loads(content)["markers"]
    assert markers[0]["name"] == HOSTILE_NAME


def test_json_and_geojson_carry_the_exact_text(client, hostile_providers):
    results = client.get("/api/v1/providers/", {"near": "74103"}).json()["results"]
    assert results[0]["name"] == HOSTILE_NAME and results[0]["street"] == HOSTILE_STREET
    detail = client.get(f"/api/v1/providers/{hostile_providers[0].id}/").json()
    assert detail["name"] == HOSTILE_NAME and detail["city"] == "Tulsa & Co"
    features = json.loads(client.get("/api/v1/providers/", {"near": "74103", "format": "geojson"}).content)["features"]
    assert features[0]["properties"]["name"] == HOSTILE_NAME


def test_csv_keeps_the_text_and_neutralises_every_formula_start(client, hostile_providers):
    response = client.get("/api/v1/providers/", {"near": "74103", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["name"] == HOSTILE_NAME and rows[0]["street"] == HOSTILE_STREET
    for row, formula in zip(rows[1:], FORMULAS):
        assert row["name"] == f"'{formula} Clinic" and row["street"] == f"'{formula}"

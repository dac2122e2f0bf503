"""Access metrics on the real directory (../shared/data, imported and shared_access once per session), against an
independent brute-force great-circle computation at held-out ZIP codes."""

from __future__ import annotations

import csv
import io
import random

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse

from locator import access, gazetteer
from locator.models import AccessComputation, Provider, ZipAccess
from locator.vocabulary import AccessMedication
from tests.conftest import FIXTURES_DIR

EARTH_RADIUS_MILES = 3958.7613
# Written here from the words, not from locator.access: methadone is given at opioid treatment
# programs; "any" is any medication for opioid use disorder, named or not.
MEDICATION_MASKS = {
    "buprenorphine": lambda c: c["offers_buprenorphine"],
    "methadone": lambda c: c["offers_methadone"] & c["is_otp"],
    "naltrexone": lambda c: c["offers_naltrexone"],
    "any": lambda c: (
        c["offers_buprenorphine"] | c["offers_methadone"] | c["offers_naltrexone"] | c["moud_medication_not_named"]
    ),
}
FLAGS = ["offers_buprenorphine", "offers_methadone", "offers_naltrexone", "is_otp", "moud_medication_not_named"]


@pytest.fixture(scope="module")
def everyone(shared_access, django_db_blocker):
    with django_db_blocker.unblock():
        rows = list(
            Provider.objects.filter(active=True, latitude__isnull=False).values("id", "latitude", "longitude", *FLAGS)
        )
    return {name: np.array([row[name] for row in rows]) for name in rows[0]}


def haversine_miles(columns, latitude, longitude):
    lat1, lat2 = np.radians(latitude), np.radians(columns["latitude"].astype(float))
    half_dlat = (lat2 - lat1) / 2
    half_dlng = np.radians(columns["longitude"].astype(float) - longitude) / 2
    a = np.sin(half_dlat) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(half_dlng) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(a)))


HELD_OUT = [*random.Random(14).sample([place.zip_code for place in gazetteer.zip_places()], 40), "99723", "96799"]


@pytest.mark.django_db
@pytest.mark.parametrize("zip_code", HELD_OUT)
def test_every_medications_distances_agree_with_a_brute_force_to_a_tenth_of_a_mile(everyone, zip_code):
    place = gazetteer.zip_place(zip_code)
    miles = haversine_miles(everyone, place.latitude, place.longitude)
    rows = {row.medication: row for row in access.zip_access(zip_code)}
    assert set(rows) == set(MEDICATION_MASKS)
    for medication, mask_of in MEDICATION_MASKS.items():
        candidates = np.sort(miles[mask_of(everyone)])
        row = rows[medication]
        assert row.nearest_miles == pytest.approx(candidates[0], abs=0.1), medication
        assert row.second_nearest_miles == pytest.approx(candidates[1], abs=0.1), medication
        # Exact counts: no provider of these ZIP codes lies within a millionth of a mile of either limit.
        assert row.within_10_miles == np.count_nonzero(candidates <= 10), medication
        assert row.within_25_miles == np.count_nonzero(candidates <= 25), medication
        nearest = Provider.objects.get(id=row.nearest_id)
        assert nearest.active and mask_of({flag: np.array([getattr(nearest, flag)]) for flag in FLAGS})[0]
        assert haversine_miles(
            {"latitude": np.array([nearest.latitude]), "longitude": np.array([nearest.longitude])},
            place.latitude,
            place.longitude,
        )[0] == pytest.approx(row.nearest_miles, abs=1e-6)


@pytest.mark.django_db
def test_every_zip_code_is_shared_access_for_every_medication_with_its_kind_of_zip(shared_access):
    places = gazetteer.zip_places()
    assert shared_access.zip_codes == len(places) > 40_000
    assert ZipAccess.objects.count() == 4 * len(places)
    assert ZipAccess.objects.filter(nearest__isnull=True).count() == 0
    kinds = dict(ZipAccess.objects.filter(medication="any").values_list("zip_code", "zip_code_type"))
    assert kinds["74103"] == "STANDARD" and kinds["74102"] == "PO BOX"
    assert AccessComputation.objects.get().zip_codes == len(places)


@pytest.mark.django_db
def test_methadone_is_hundreds_of_miles_from_the_north_slope_and_a_few_from_midtown_manhattan(shared_access):
    north_slope = {row.medication: row for row in access.zip_access("99723")}
    manhattan = {row.medication: row for row in access.zip_access("10001")}
    assert north_slope["methadone"].nearest_miles > 300
    assert north_slope["methadone"].within_25_miles == 0
    assert manhattan["methadone"].nearest_miles < 3
    assert manhattan["methadone"].within_25_miles > 20


@pytest.mark.django_db
def test_a_states_and_its_counties_shares_count_only_residential_zip_codes(shared_access):
    rows = access.state_access("OK")
    residential = [row for row in rows if row.zip_code_type == "STANDARD" and row.medication == "methadone"]
    state = access.area_shares("OK", rows)
    assert state.residential_zip_codes == len(residential) < len({row.zip_code for row in rows})
    within_25 = sum(1 for row in residential if row.nearest_miles <= 25)
    assert state.shares["methadone"][25] == pytest.approx(within_25 / len(residential))
    assert 0 < state.shares["methadone"][10] < state.shares["methadone"][25] < state.shares["methadone"][50] <= 1
    tulsa = next(area for area in access.county_shares(rows) if area.name == "Tulsa County")
    tulsa_rows = [row for row in residential if row.county == "Tulsa County"]
    assert tulsa.residential_zip_codes == len(tulsa_rows)
    assert tulsa.shares["methadone"][25] == pytest.approx(
        sum(1 for row in tulsa_rows if row.nearest_miles <= 25) / len(tulsa_rows)
    )


@pytest.mark.django_db
def test_critical_providers_are_ranked_by_the_miles_their_closing_would_add(shared_access):
    ranked = access.critical_providers(AccessMedication.METHADONE, limit=5)
    assert len(ranked) == 5
    assert [critical.miles_saved for critical in ranked] == sorted((c.miles_saved for c in ranked), reverse=True)
    first = ranked[0]
    alone = [
        row
        for row in ZipAccess.objects.filter(medication="methadone", zip_code_type="STANDARD", nearest=first.provider)
        if row.second_nearest_miles - row.nearest_miles >= access.CRITICAL_EXTRA_MILES
    ]
    assert first.zip_codes == len(alone) > 0
    assert first.miles_saved == pytest.approx(sum(row.second_nearest_miles - row.nearest_miles for row in alone))
    # A state's ZIP codes, wherever their nearest provider is: Bellingham, WA, for some of Alaska's panhandle.
    in_alaska = access.critical_providers(AccessMedication.METHADONE, state="AK", limit=10)
    assert in_alaska[0].provider.state == "AK" and {critical.provider.state for critical in in_alaska} >= {"WA"}


@pytest.mark.django_db
def test_the_api_answers_for_a_zip_code_with_links_to_the_nearest_providers(client, shared_access):
    body = client.get("/api/v1/access/?zip=74103").json()
    assert body["zip"] == "74103" and body["state"] == "OK" and body["county"] == "Tulsa County"
    assert list(body["medications"]) == ["buprenorphine", "methadone", "naltrexone", "any"]
    methadone = body["medications"]["methadone"]
    assert set(methadone) == {"nearest_miles", "second_nearest_miles", "nearest", "within_10_miles", "within_25_miles"}
    assert [link["miles"] for link in methadone["nearest"]] == [
        methadone["nearest_miles"],
        methadone["second_nearest_miles"],
    ]
    detail = client.get(methadone["nearest"][0]["url"])
    assert detail.status_code == 200 and detail.json()["is_otp"] is True
    approximate = detail.json()["location_precision"] in ("zip_centroid", "city_centroid")
    assert methadone["nearest"][0]["distance_is_approximate"] is approximate
    assert "Straight-line" in body["distance"] and body["computed_at"]


@pytest.mark.django_db
def test_the_api_answers_for_a_state_in_json_csv_and_geojson(client, shared_access):
    body = client.get("/api/v1/access/?state=RI").json()
    assert {county["county"] for county in body["counties"]} >= {"Providence County", "Newport County"}
    assert set(body["within_miles_share"]["methadone"]) == {"10", "25", "50"}
    zip_codes = [result["zip"] for result in body["results"]]
    assert zip_codes == sorted(zip_codes) and "02903" in zip_codes
    response = client.get("/api/v1/access/?state=RI&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="access.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["zip"] for row in rows] == zip_codes
    providence = next(row for row in rows if row["zip"] == "02903")
    expected = next(result for result in body["results"] if result["zip"] == "02903")["medications"]["methadone"]
    assert float(providence["methadone_nearest_miles"]) == expected["nearest_miles"]
    geojson = client.get("/api/v1/access/?state=RI&format=geojson").json()
    feature = next(feature for feature in geojson["features"] if feature["id"] == "02903")
    assert feature["geometry"]["coordinates"] == [float(providence["longitude"]), float(providence["latitude"])]
    assert feature["properties"]["methadone_nearest_miles"] == expected["nearest_miles"]


@pytest.mark.django_db
def test_the_critical_access_api_ranks_providers_with_links(client, shared_access):
    body = client.get("/api/v1/access/critical/?medication=methadone&limit=3").json()
    assert [result["rank"] for result in body["results"]] == [1, 2, 3]
    first = body["results"][0]
    assert client.get(first["provider"]["url"]).status_code == 200
    assert first["miles_saved"] >= body["results"][1]["miles_saved"]
    assert body["critical_extra_miles"] == access.CRITICAL_EXTRA_MILES


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("", 400, "zip"),
        ("zip=7410", 400, "zip"),
        ("zip=74103&state=OK", 400, "zip"),
        ("state=ZZ", 400, "state"),
        ("zip=74103&format=csv", 400, "format"),
        ("zip=74103&near=1", 400, "near"),
        ("zip=00000", 404, None),
    ],
)
def test_the_access_api_refuses_what_it_cannot_answer_with_a_message(client, shared_access, query, status, field):
    response = client.get(f"/api/v1/access/?{query}")
    assert response.status_code == status
    assert response.json()["error"]["field"] == field and response.json()["error"]["message"]


@pytest.mark.django_db
def test_before_the_first_computation_the_access_api_says_so(client, shared_access):
    AccessComputation.objects.all().delete()
    for path in ("/api/v1/access/?zip=74103", reverse("api:access-critical")):
        response = client.get(path)
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "not_computed"


@pytest.mark.django_db
def test_import_samhsa_measures_access_and_exports_when_it_changes_the_directory_and_not_otherwise(
    empty_directory, settings, tmp_path
):
    settings.LOCATOR_REFRESH_AFTER_IMPORT = True
    settings.LOCATOR_EXPORT_DIR = tmp_path
    output = io.StringIO()
    call_command("import_samhsa", "--sample", str(FIXTURES_DIR), stdout=output)
    assert "Access metrics for" in output.getvalue() and "Exported" in output.getvalue()
    exported_ids = [row["id"] for row in csv.DictReader((tmp_path / "providers.csv").open())]
    assert exported_ids and set(map(int, exported_ids)) <= set(Provider.objects.values_list("id", flat=True))
    first = AccessComputation.objects.get()
    samples = set(Provider.objects.filter(is_sample=True).values_list("id", flat=True))
    assert set(ZipAccess.objects.values_list("nearest", flat=True)) <= samples
    output = io.StringIO()
    call_command("import_samhsa", "--sample", str(FIXTURES_DIR), stdout=output)
    assert "Access metrics for" not in output.getvalue() and "Exported" not in output.getvalue()
    assert AccessComputation.objects.get() == first


@pytest.mark.django_db
def test_an_operator_can_leave_the_access_metrics_to_a_schedule(empty_directory, settings):
    settings.LOCATOR_REFRESH_AFTER_IMPORT = False
    output = io.StringIO()
    call_command("import_samhsa", "--sample", str(FIXTURES_DIR), stdout=output)
    assert "Access metrics for" not in output.getvalue() and not AccessComputation.objects.exists()


@pytest.mark.django_db
def test_miles_to_a_provider_placed_at_a_zip_centre_are_marked_approximate(client, shared_access):
    placed_at_centre = ZipAccess.objects.filter(
        medication="any", nearest__location_precision="zip_centroid"
    ).values_list("zip_code", flat=True)[:1]
    body = client.get(f"/api/v1/access/?zip={placed_at_centre[0]}").json()
    assert body["medications"]["any"]["nearest"][0]["distance_is_approximate"] is True

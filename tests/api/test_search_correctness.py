"""The API against an independent brute-force great-circle ranking over all of its own active providers,
at random points across the US and its territories (../shared/data imported once per session)."""

import numpy as np
import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locator.models import Provider
from locator.vocabulary import PAYMENT_FIELDS

EARTH_RADIUS_MILES = 3958.7613
TOLERANCE_MILES = 1e-6
REGIONS = {
    "contiguous states": (25.0, 49.0, -124.5, -67.0),
    "Alaska": (54.0, 71.0, -165.0, -131.0),
    "Aleutians west of 180": (51.0, 53.0, 172.5, 179.9),
    "Hawaii": (18.9, 22.3, -160.3, -154.8),
    "Puerto Rico": (17.9, 18.5, -67.3, -65.6),
    "Guam": (13.2, 13.7, 144.6, 145.0),
}
FLAGS = [
    "offers_buprenorphine",
    "offers_methadone",
    "offers_naltrexone",
    "is_otp",
    "offers_telehealth",
    "offers_spanish",
    *PAYMENT_FIELDS.values(),
]


@pytest.fixture(scope="module")
def everyone(shared_directory, django_db_blocker):
    """Every active located provider, in the database's own name order (its tie-break)."""
    with django_db_blocker.unblock():
        rows = list(
            Provider.objects.filter(active=True, latitude__isnull=False)
            .order_by("name", "id")
            .values("id", "latitude", "longitude", "kind", "state", *FLAGS)
        )
    columns = {name: np.array([row[name] for row in rows]) for name in rows[0]}
    columns["rank"] = np.arange(len(rows))
    return columns


def brute_force_distances(columns, latitude, longitude):
    lat1, lat2 = np.radians(latitude), np.radians(columns["latitude"].astype(float))
    half_dlat = (lat2 - lat1) / 2
    half_dlng = np.radians(columns["longitude"].astype(float) - longitude) / 2
    a = np.sin(half_dlat) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(half_dlng) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def brute_force_mask(columns, filters):
    medications = filters.get("medication", "buprenorphine,methadone,naltrexone").split(",")
    mask = np.zeros(len(columns["id"]), dtype=bool)
    for medication in medications:
        mask |= columns[f"offers_{medication}"]
    if filters.get("otp"):
        mask &= columns["is_otp"]
    if "kind" in filters:
        mask &= columns["kind"] == filters["kind"]
    if "payment" in filters:
        mask &= np.any([columns[PAYMENT_FIELDS[code]] for code in filters["payment"].split(",")], axis=0)
    if filters.get("telehealth"):
        mask &= columns["offers_telehealth"]
    if "language" in filters:
        mask &= columns["offers_spanish"]
    if "state" in filters:
        mask &= columns["state"] == filters["state"]
    return mask


points = st.sampled_from(sorted(REGIONS)).flatmap(
    lambda region: st.tuples(
        st.just(region),
        st.floats(REGIONS[region][0], REGIONS[region][1]),
        st.floats(REGIONS[region][2], REGIONS[region][3]),
    )
)
filter_sets = st.fixed_dictionaries(
    {},
    optional={
        "medication": st.sampled_from(["buprenorphine", "methadone", "naltrexone", "methadone,naltrexone"]),
        "otp": st.just("true"),
        "kind": st.sampled_from(["facility", "otp", "practitioner"]),
        "payment": st.sampled_from(["medicaid", "medicare,private_insurance", "sliding_fee,free"]),
        "telehealth": st.just("true"),
        "language": st.just("es"),
        "state": st.sampled_from(["AK", "HI", "PR", "CA", "NY"]),
    },
)


@settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(point=points, radius=st.sampled_from([1, 5, 25, 100, 500]), filters=filter_sets)
def test_api_ranking_equals_a_brute_force_great_circle_ranking(client, db, everyone, point, radius, filters):
    cache.clear()
    _, latitude, longitude = point
    response = client.get(
        "/api/v1/providers/",
        {"lat": repr(latitude), "lng": repr(longitude), "radius": radius, "page_size": 100, **filters},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    distances = brute_force_distances(everyone, latitude, longitude)
    matching = brute_force_mask(everyone, filters)
    by_id = {provider_id: index for index, provider_id in enumerate(everyone["id"])}
    returned = [by_id[result["id"]] for result in body["results"]]
    assert all(matching[index] for index in returned)

    surely_inside = int(np.sum(matching & (distances <= radius - TOLERANCE_MILES)))
    maybe_inside = int(np.sum(matching & (distances <= radius + TOLERANCE_MILES)))
    if body["within_radius"] and body["count_exact"]:
        assert surely_inside <= body["count"] <= maybe_inside
    elif body["within_radius"]:
        # More than can be counted exactly: "1,000 or more".
        assert body["count"] == 1000 and maybe_inside > 1000
    else:
        assert maybe_inside == 0 and body["count"] == min(10, int(np.sum(matching)))

    nearest = np.sort(distances[matching])[: len(returned)]
    returned_distances = distances[returned]
    # The k-th result is as near as the k-th nearest provider: nothing nearer was left out.
    np.testing.assert_allclose(returned_distances, nearest, atol=TOLERANCE_MILES)
    for result, index in zip(body["results"], returned):
        assert result["distance_miles"] == pytest.approx(distances[index], abs=0.006)
    # Equal distances (the same coordinates) follow the database's name order, then id.
    for before, after in zip(returned, returned[1:]):
        if abs(distances[before] - distances[after]) < 1e-9:
            assert everyone["rank"][before] < everyone["rank"][after]

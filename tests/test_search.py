"""The search core on small, hand-placed providers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locator.places import location_from_coordinates
from locator.search import InvalidSearch, SearchFilters, provider_search
from locator.search_density import forget_cell_counts
from tests.factories import make_provider

TULSA = location_from_coordinates(36.1540, -95.9928)


def search(location=TULSA, radius_miles=25.0, filters=SearchFilters(), **kwargs):
    return provider_search(location=location, radius_miles=radius_miles, filters=filters, **kwargs)


def names(result):
    return [match.provider.name for match in result.matches]


def test_results_are_ranked_by_distance_then_name_then_id(empty_directory):
    make_provider(name="Far", latitude=36.30, longitude=-95.99)
    make_provider(name="Beta", latitude=36.16, longitude=-95.99)
    make_provider(name="Alpha", latitude=36.16, longitude=-95.99)
    make_provider(name="Near", latitude=36.155, longitude=-95.993)
    result = search()
    assert names(result) == ["Near", "Alpha", "Beta", "Far"]
    assert result.count == 4 and result.within_radius
    distances = [match.distance_miles for match in result.matches]
    assert distances == sorted(distances) and distances[-1] == pytest.approx(10.1, abs=0.1)


def test_the_radius_is_a_circle_not_the_bounding_square(empty_directory):
    # 25 miles north-east along the diagonal is inside the square but outside the circle.
    make_provider(name="Corner", latitude=36.154 + 0.3, longitude=-95.9928 + 0.37)
    make_provider(name="Inside", latitude=36.154 + 0.3, longitude=-95.9928)
    assert names(search()) == ["Inside"]


def test_inactive_and_non_mat_providers_are_never_results(empty_directory):
    make_provider(name="Closed", latitude=36.16, longitude=-95.99, active=False)
    make_provider(name="Counseling only", latitude=36.16, longitude=-95.99, offers_buprenorphine=False)
    make_provider(name="Open", latitude=36.17, longitude=-95.99)
    assert names(search()) == ["Open"]


def test_filters_combine_and_several_values_of_one_filter_mean_any(empty_directory):
    make_provider(name="Bup Medicaid", latitude=36.16, longitude=-95.99, accepts_medicaid=True)
    make_provider(
        name="Meth OTP",
        latitude=36.16,
        longitude=-95.99,
        offers_buprenorphine=False,
        offers_methadone=True,
        is_otp=True,
        kind="otp",
        accepts_medicare=True,
    )
    make_provider(
        name="Naltrexone Spanish",
        latitude=36.16,
        longitude=-95.99,
        offers_buprenorphine=False,
        offers_naltrexone=True,
        offers_spanish=True,
        offers_telehealth=True,
        state="AR",
    )
    assert names(search(filters=SearchFilters(medications=frozenset({"methadone"})))) == ["Meth OTP"]
    assert names(search(filters=SearchFilters(medications=frozenset({"methadone", "naltrexone"})))) == [
        "Meth OTP",
        "Naltrexone Spanish",
    ]
    assert names(search(filters=SearchFilters(otp_only=True))) == ["Meth OTP"]
    assert names(search(filters=SearchFilters(kinds=frozenset({"otp"})))) == ["Meth OTP"]
    assert names(search(filters=SearchFilters(payments=frozenset({"medicaid", "medicare"})))) == [
        "Bup Medicaid",
        "Meth OTP",
    ]
    assert names(search(filters=SearchFilters(telehealth=True, languages=frozenset({"es"})))) == ["Naltrexone Spanish"]
    assert names(search(filters=SearchFilters(state="AR"))) == ["Naltrexone Spanish"]
    assert names(search(filters=SearchFilters(text="spanish"))) == ["Naltrexone Spanish"]


def test_when_nothing_is_within_the_radius_the_nearest_come_back_marked_outside_it(empty_directory):
    make_provider(name="Oklahoma City", latitude=35.47, longitude=-97.52)
    make_provider(name="Dallas", latitude=32.78, longitude=-96.80)
    result = search(radius_miles=10)
    assert not result.within_radius and result.count == 2
    assert names(result) == ["Oklahoma City", "Dallas"]
    assert all(not match.within_radius for match in result.matches)
    assert result.matches[0].distance_miles == pytest.approx(98, abs=2)


def test_an_empty_directory_gives_an_empty_result_not_an_error(empty_directory):
    result = search()
    assert (result.count, result.matches, result.within_radius) == (0, [], False)


def test_search_crosses_the_antimeridian_in_the_aleutians(empty_directory):
    make_provider(name="East of 180", latitude=51.88, longitude=-176.64, state="AK")  # Adak
    make_provider(name="West of 180", latitude=52.94, longitude=173.24, state="AK")  # Attu
    amchitka = location_from_coordinates(51.5, 179.0)
    result = search(location=amchitka, radius_miles=400)
    assert set(names(result)) == {"East of 180", "West of 180"}
    assert all(match.distance_miles < 400 for match in result.matches)


def test_a_small_search_finds_a_provider_just_across_the_antimeridian(empty_directory):
    make_provider(name="Across", latitude=52.0, longitude=-179.97, state="AK")
    result = search(location=location_from_coordinates(52.0, 179.97), radius_miles=10)
    assert result.within_radius and names(result) == ["Across"]
    assert result.matches[0].distance_miles == pytest.approx(2.55, abs=0.01)


def test_search_works_around_guam(empty_directory):
    make_provider(name="Hagatna", latitude=13.476, longitude=144.75, state="GU")
    make_provider(name="Saipan", latitude=15.18, longitude=145.75, state="MP")
    result = search(location=location_from_coordinates(13.44, 144.79), radius_miles=25)
    assert names(result) == ["Hagatna"]


def test_pages_follow_one_another_without_gaps_or_repeats(empty_directory):
    for index in range(7):
        make_provider(name=f"P{index}", latitude=36.16 + index * 0.01, longitude=-95.99)
    first = search(limit=3)
    second = search(offset=3, limit=3)
    third = search(offset=6, limit=3)
    assert names(first) + names(second) + names(third) == [f"P{index}" for index in range(7)]
    assert first.count == second.count == 7


def test_a_count_is_exact_up_to_1000_and_then_says_more_whatever_the_kinds(empty_directory):
    """No kind alone reaches 1,000: the total still says "or more" past it, and each kind stays exact. The
    grid cells know the crowd, so the page is ranked in a small circle and the radius counted apart."""

    def counted_search():
        forget_cell_counts()
        with CaptureQueriesContext(connection) as queries:
            result = search(limit=20, count_kinds=True)
        assert any("COUNT(*) FROM" in query["sql"] for query in queries.captured_queries)
        return result

    for index in range(1000):
        kind = "facility" if index < 600 else "practitioner"
        make_provider(kind=kind, latitude=36.15 + (index % 40) * 0.001, longitude=-95.99 + (index // 40) * 0.001)
    try:
        thousand = counted_search()
        assert (thousand.count, thousand.count_exact) == (1000, True)
        assert thousand.count_by_kind == {"facility": 600, "practitioner": 400, "otp": 0}
        make_provider(kind="otp", latitude=36.16, longitude=-95.98)
        more = counted_search()
        assert (more.count, more.count_exact) == (1000, False)
        assert more.count_by_kind == {"facility": 600, "practitioner": 400, "otp": 1}
    finally:
        forget_cell_counts()


@pytest.mark.parametrize("radius", [0, -1, 500.1, float("nan")])
def test_radius_outside_the_allowed_range_is_refused(db, radius):
    with pytest.raises(InvalidSearch):
        search(radius_miles=radius)


def test_unknown_filter_values_are_refused_with_the_filter_named():
    with pytest.raises(InvalidSearch) as error:
        SearchFilters(medications=frozenset({"heroin"}))
    assert error.value.field == "medication"
    with pytest.raises(InvalidSearch):
        SearchFilters(state="ZZ")

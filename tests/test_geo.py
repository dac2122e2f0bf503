import math

import pytest

from locator.geo import bounding_box, distance_from_dot_miles, distance_miles, min_dot_for_radius, unit_vector


def test_distance_between_known_cities():
    # Tulsa to Charlottesville, about 972 miles as the crow flies.
    assert distance_miles(36.1540, -95.9928, 38.0293, -78.4767) == pytest.approx(972.6, abs=1.0)
    assert distance_miles(40.0, -100.0, 40.0, -100.0) == 0.0


def test_dot_product_distance_matches_haversine_near_and_far():
    for a, b in [
        ((36.15, -95.99), (36.16, -95.98)),
        ((13.47, 144.75), (21.3, -157.85)),
        ((52.9, 173.2), (51.9, -176.6)),
    ]:
        dot = sum(p * q for p, q in zip(unit_vector(*a), unit_vector(*b)))
        assert distance_from_dot_miles(dot) == pytest.approx(distance_miles(*a, *b), rel=1e-9, abs=1e-6)


def test_min_dot_for_radius_is_the_cosine_of_the_angle():
    assert min_dot_for_radius(0) == 1.0
    assert min_dot_for_radius(3958.7613 * math.pi / 2) == pytest.approx(0.0, abs=1e-12)


def test_bounding_box_splits_at_the_antimeridian():
    box = bounding_box(52.0, 179.5, 100)
    assert len(box.longitude_ranges) == 2
    (west_start, west_end), (east_start, east_end) = box.longitude_ranges
    assert west_end == 180.0 and east_start == -180.0 and west_start < 179.5 and east_end > -180
    guam = bounding_box(13.47, 144.75, 25)
    assert guam.longitude_ranges[0][0] < 144.75 < guam.longitude_ranges[0][1]


def test_bounding_box_contains_every_point_on_its_circle_at_every_latitude():
    for latitude in (-14.3, 13.5, 18.4, 36.0, 61.2, 71.3):
        for radius in (1, 25, 500):
            box = bounding_box(latitude, -150.0, radius)
            for bearing in range(0, 360, 15):
                angle, theta = radius / 3958.7613, math.radians(bearing)
                lat1, lng1 = math.radians(latitude), math.radians(-150.0)
                lat2 = math.asin(math.sin(lat1) * math.cos(angle) + math.cos(lat1) * math.sin(angle) * math.cos(theta))
                lng2 = lng1 + math.atan2(
                    math.sin(theta) * math.sin(angle) * math.cos(lat1),
                    math.cos(angle) - math.sin(lat1) * math.sin(lat2),
                )
                point_lat, point_lng = math.degrees(lat2), (math.degrees(lng2) + 540) % 360 - 180
                assert box.south - 1e-9 <= point_lat <= box.north + 1e-9
                assert any(west - 1e-9 <= point_lng <= east + 1e-9 for west, east in box.longitude_ranges)


def test_bounding_box_covers_every_longitude_when_it_reaches_a_pole():
    box = bounding_box(71.0, -156.0, 1500)
    assert box.longitude_ranges == ((-180.0, 180.0),)


def test_grid_cell_ranges_cover_every_cell_of_the_box_even_across_the_antimeridian():
    from locator.geo import grid_cell, grid_cell_ranges

    for latitude, longitude, radius in [
        (36.15, -95.99, 25),
        (52.0, 179.9, 100),
        (13.47, 144.75, 10),
        (64.0, -150.0, 500),
    ]:
        box = bounding_box(latitude, longitude, radius)
        ranges = grid_cell_ranges(box)
        steps = 40
        for i in range(steps + 1):
            point_latitude = box.south + (box.north - box.south) * i / steps
            for west, east in box.longitude_ranges:
                for j in range(steps + 1):
                    cell = grid_cell(point_latitude, west + (east - west) * j / steps)
                    assert any(first <= cell <= last for first, last in ranges)


def test_grid_cell_ranges_stay_few_for_a_small_box_and_become_one_for_a_huge_one():
    from locator.geo import grid_cell_ranges

    assert len(grid_cell_ranges(bounding_box(36.15, -95.99, 25))) <= 4
    assert len(grid_cell_ranges(bounding_box(36.15, -95.99, 2000))) == 1

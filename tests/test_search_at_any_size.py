"""Search at any size: a page ranked from the smallest circle that holds it is the page a full ranking
gives, however wrong the guess of that circle; a count stays exact up to 1,000 and then says "1,000 or
more"; PostgreSQL runs without JIT."""

import os
import subprocess
import sys
from dataclasses import replace

import pytest
from django.db import connection
from django.db.models import Case, F, When
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from locator import search_density
from locator.geo import BoundingBox, bounding_box, grid_cell_ranges, min_dot_for_radius, unit_vector
from locator.models import Provider
from locator.places import resolve_location
from locator.provenance import attach_source_listings
from locator.result_rows import SHOWN_FIELDS, providers_with_sources
from locator.search import MAX_EXACT_COUNT, SearchFilters, _ranking, count_matches, provider_search
from locator.search_density import forget_cell_counts, matches_in_box
from locator.search_filters import matching_providers, searchable_providers
from locator.vocabulary import APPROXIMATE_PRECISIONS, Kind, Payment
from tests.conftest import PROJECT_DIR

pytestmark = pytest.mark.django_db

DENSE_AND_SPARSE = ["10001", "21201", "74103", "59001", "99723"]


def _ranked_ids(location, radius, filters, offset, limit):
    """(id, dot) of one page of a single ranking of every match within the radius."""
    return _ranking(location, radius, filters, offset + limit).ranked[offset:]


@pytest.mark.parametrize("near", DENSE_AND_SPARSE)
@pytest.mark.parametrize("radius", [5, 25, 100])
def test_widening_circles_give_the_pages_of_a_full_ranking(shared_directory, near, radius):
    location = resolve_location(near)
    for filters in (SearchFilters(), SearchFilters(medications=frozenset({"methadone"}))):
        for offset, limit in ((0, 10), (0, 100), (10, 10), (990, 20)):
            result = provider_search(
                location=location, radius_miles=radius, filters=filters, offset=offset, limit=limit
            )
            full = _ranked_ids(location, radius, filters, offset, limit)
            if result.within_radius:
                assert [match.provider.id for match in result.matches] == [row[0] for row in full]


def _ranked_by_the_orm(location, radius, payments, offset, limit):
    """The ranking as one plain ORM query: any of the payments, nearest first, then exact before
    approximate, then name and id."""
    x, y, z = unit_vector(location.latitude, location.longitude)
    any_payment = searchable_providers().none()
    for payment in payments:
        any_payment |= searchable_providers().filter(**{Payment(payment).field_name: True})
    ranked = (
        any_payment.annotate(
            dot=F("unit_x") * x + F("unit_y") * y + F("unit_z") * z,
            approximate=Case(When(location_precision__in=APPROXIMATE_PRECISIONS, then=1), default=0),
        )
        .filter(dot__gte=min_dot_for_radius(radius))
        .order_by("-dot", "approximate", "name", "id")
    )
    return list(ranked.values_list("id", flat=True)[offset : offset + limit])


@pytest.mark.parametrize("near", DENSE_AND_SPARSE)
@pytest.mark.parametrize("payments", [{"sliding_fee", "free"}, {"medicaid", "medicare", "cash"}])
def test_several_payments_ranked_apart_give_the_ranking_of_one_query(shared_directory, near, payments):
    location = resolve_location(near)
    filters = SearchFilters(payments=frozenset(payments))
    found = set()
    for radius, offset, limit in ((25, 0, 20), (25, 10, 10), (500, 0, 100), (500, 95, 20)):
        ranked = [row[0] for row in _ranked_ids(location, radius, filters, offset, limit)]
        assert ranked == _ranked_by_the_orm(location, radius, payments, offset, limit)
        found.update(ranked)
    assert found


@pytest.mark.parametrize("near", DENSE_AND_SPARSE)
def test_each_kind_is_counted_as_a_search_of_that_kind_alone_counts_it(shared_directory, near):
    """The kinds come with the total in one query, or from a first page that holds every match."""
    location = resolve_location(near)
    for radius, filters in ((5, SearchFilters()), (100, SearchFilters()), (25, SearchFilters(telehealth=True))):
        total = provider_search(location=location, radius_miles=radius, filters=filters, limit=1).count
        # The last page holds only the last match: its kinds are not all the kinds.
        for offset, limit in ((0, 20), (0, 500), (20, 20), (max(total - 1, 0), 20)):
            result = provider_search(
                location=location, radius_miles=radius, filters=filters, offset=offset, limit=limit, count_kinds=True
            )
            if not result.within_radius:
                assert result.count_by_kind is None
                continue
            alone = {
                kind: count_matches(
                    location=location, radius_miles=radius, filters=replace(filters, kinds=frozenset({kind}))
                )
                for kind in Kind.values
            }
            assert result.count_by_kind == alone
            if result.count_exact:
                assert sum(alone.values()) == result.count


def test_a_page_of_providers_loads_in_one_query_as_the_orm_loads_them(shared_directory):
    # Listed by several sources, one by none, and ids in an order the query does not sort them in.
    several = list(
        Provider.objects.filter(records__source="otp_directory", zip_code__startswith="2").values_list("id", flat=True)
    )[:7]
    ids = [*several, *Provider.objects.values_list("id", flat=True)[1000:1013:3]][::-1]
    with CaptureQueriesContext(connection) as queries:
        loaded = providers_with_sources(ids)
    assert len(queries) == 1 and sorted(loaded) == sorted(ids)
    expected = Provider.objects.in_bulk(ids)
    attach_source_listings(expected.values())
    assert any(len(provider.source_listings) > 1 for provider in expected.values())
    for provider_id, provider in loaded.items():
        for name in SHOWN_FIELDS:
            assert getattr(provider, name) == getattr(expected[provider_id], name), name
        assert provider.source_listings == expected[provider_id].source_listings
        assert provider.get_deferred_fields() == {
            "services",
            "age_groups",
            "special_groups",
            "search_codes",
            "address_key",
            "phone_key",
            "name_key",
            "first_seen",
            "last_seen",
            "unit_x",
            "unit_y",
            "unit_z",
            "grid_cell",
        }
        assert not provider._state.adding and provider._state.db == connection.alias
    # A field the list does not show still loads when read, as on any instance Django builds.
    some = loaded[ids[0]]
    assert some.first_seen == expected[ids[0]].first_seen


@pytest.mark.parametrize(
    ("near", "radius", "filters"),
    [
        ("21201", 25, SearchFilters(otp_only=True)),
        ("10001", 5, SearchFilters()),
        ("74103", 100, SearchFilters(payments=frozenset({"medicaid", "cash"}))),
        # Nothing within 5 miles: the nearest ten, read by the ranking that finds them.
        ("99723", 5, SearchFilters(medications=frozenset({"methadone"}))),
    ],
)
def test_a_first_page_is_ranked_and_read_in_one_query_as_a_page_read_by_id(shared_directory, near, radius, filters):
    location = resolve_location(near)
    provider_search(location=location, radius_miles=radius, filters=filters)
    with CaptureQueriesContext(connection) as queries:
        result = provider_search(location=location, radius_miles=radius, filters=filters)
    assert result.matches and _ranking_queries(queries) == len(queries)
    by_id = providers_with_sources([match.provider.id for match in result.matches])
    if near == "21201":
        # Baltimore's OTPs: listed by both the OTP directory and the facility list.
        assert any(len(provider.source_listings) > 1 for provider in by_id.values())
    for match in result.matches:
        for name in SHOWN_FIELDS:
            assert getattr(match.provider, name) == getattr(by_id[match.provider.id], name), name
        assert match.provider.source_listings == by_id[match.provider.id].source_listings
        assert match.provider.get_deferred_fields() == by_id[match.provider.id].get_deferred_fields()


def test_a_page_of_providers_is_built_through_init_when_something_listens_to_it(shared_directory):
    built = []

    def listener(sender, instance, **kwargs):
        built.append(instance.id)

    ids = list(Provider.objects.values_list("id", flat=True)[:5])
    post_init.connect(listener, sender=Provider)
    try:
        loaded = providers_with_sources(ids)
    finally:
        post_init.disconnect(listener, sender=Provider)
    assert sorted(built) == sorted(ids) == sorted(loaded)


def test_a_count_past_1000_says_1000_or_more(client, shared_directory):
    answer = client.get("/api/v1/providers/", {"near": "21201", "page_size": 20}).json()
    assert answer["count"] == MAX_EXACT_COUNT and answer["count_exact"] is False and answer["next"]
    small = client.get("/api/v1/providers/", {"near": "74103"}).json()
    assert small["count_exact"] is True and small["count"] == 140
    # Baltimore has 1,145 matches within 25 miles: page 58 of 20 is the last, page 59 past the end.
    last = client.get("/api/v1/providers/", {"near": "21201", "page_size": 20, "page": 58}).json()
    assert len(last["results"]) == 5 and last["next"] is None
    assert client.get("/api/v1/providers/", {"near": "21201", "page_size": 20, "page": 59}).status_code == 404
    page = client.get("/", {"near": "21201"}).content.decode()
    assert "1,072+ providers within 25 miles of Baltimore, MD 21201" in page
    assert '<h3 id="prescribers-heading">1,000+ individual prescribers</h3>' in page
    assert "Page 1 of 100+" in page


def test_postgresql_connections_run_without_jit(db):
    script = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"
    configured = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=PROJECT_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": "postgres://u@db:5432/x"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert configured.stdout.strip() == "-c jit=off"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(
    "filters",
    [SearchFilters(kinds=frozenset({"practitioner"})), SearchFilters(payments=frozenset({"medicaid"}))],
    ids=["prescribers", "medicaid"],
)
def test_a_wide_box_is_read_through_an_index_on_its_grid_cells(shared_directory, filters):
    """Ranges joined by OR made SQLite read the whole search index past about 40 of them, testing each
    row against every range (48 ms for the prescribers nearest Alaska's North Slope)."""
    location = resolve_location("99723")
    asked = []

    def keep(execute, sql, params, many, context):
        asked.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert _ranked_ids(location, 1000, filters, 0, 10)
    ((sql, params),) = asked
    explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        # With its parameters bound, as the search runs it: literals would let SQLite plan otherwise.
        cursor.execute(f"{explain} {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]
    if connection.vendor == "sqlite":
        assert any(step.startswith("SEARCH locator_provider USING") and "grid_cell>" in step for step in plan), plan
        assert not any(step.startswith("SCAN locator_provider") for step in plan), plan
    else:
        assert any("Index" in step and "on locator_provider" in step for step in plan), plan
        assert any("Index Cond: ((grid_cell" in step for step in plan), plan
        assert not any("Seq Scan" in step for step in plan), plan


WHOLE_EARTH = BoundingBox(-90.0, 90.0, ((-180.0, 180.0),))


@pytest.fixture
def fresh_cell_counts():
    forget_cell_counts()
    yield
    forget_cell_counts()


def _ranking_queries(queries: CaptureQueriesContext) -> int:
    return sum("ORDER BY dot DESC" in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(),
        SearchFilters(otp_only=True),
        SearchFilters(medications=frozenset({"methadone"})),
        SearchFilters(kinds=frozenset({"practitioner"})),
        SearchFilters(payments=frozenset({"medicaid"})),
        SearchFilters(languages=frozenset({"es"})),
    ],
    ids=["none", "otp", "methadone", "prescribers", "medicaid", "spanish"],
)
def test_the_cells_count_what_a_search_with_one_filter_or_none_finds(shared_directory, fresh_cell_counts, filters):
    located = matching_providers(filters).exclude(grid_cell=None)
    assert matches_in_box(WHOLE_EARTH, filters)[0] == pytest.approx(located.count())
    # Around Manhattan, and across the antimeridian in the Aleutians.
    for box in (bounding_box(40.75, -73.99, 30), bounding_box(52.0, 179.0, 300)):
        cells = [cell for first, last in grid_cell_ranges(box, most=10_000) for cell in range(first, last + 1)]
        assert matches_in_box(box, filters) == (pytest.approx(located.filter(grid_cell__in=cells).count()), len(cells))


def test_the_cells_are_counted_once_per_directory_version(shared_directory, fresh_cell_counts, monkeypatch):
    version = "the first import"
    monkeypatch.setattr(search_density, "directory_version", lambda: version)
    counted = []
    for version in ("the first import", "the first import", "the next import"):
        with CaptureQueriesContext(connection) as queries:
            matches_in_box(WHOLE_EARTH, SearchFilters())
        counted.append(len(queries))
    assert counted == [1, 0, 1]


@pytest.mark.parametrize("near", DENSE_AND_SPARSE)
def test_how_wide_the_first_circle_is_guessed_changes_queries_not_answers(
    shared_directory, fresh_cell_counts, monkeypatch, near
):
    location = resolve_location(near)
    searches = [
        (radius, filters, offset)
        for radius in (5, 25, 100)
        for filters in (SearchFilters(), SearchFilters(otp_only=True), SearchFilters(payments=frozenset({"medicaid"})))
        for offset in (0, 20)
    ]

    def answers():
        results = [
            provider_search(
                location=location, radius_miles=radius, filters=filters, offset=offset, limit=20, count_kinds=True
            )
            for radius, filters, offset in searches
        ]
        return [
            (
                [(match.provider.id, match.distance_miles) for match in result.matches],
                result.count,
                result.count_exact,
                result.count_by_kind,
                result.within_radius,
            )
            for result in results
        ]

    guessed = answers()
    # No provider anywhere: every radius ranked and counted at once.
    monkeypatch.setattr(search_density, "_rows", dict)
    assert answers() == guessed
    # Crowds everywhere: every page from the smallest first circle, widened.
    monkeypatch.setattr(search_density, "estimated_matches", lambda *args: 1e9)
    assert answers() == guessed


def test_a_radius_that_holds_few_is_ranked_and_counted_in_one_query(shared_directory, fresh_cell_counts):
    location = resolve_location("74103")
    matches_in_box(WHOLE_EARTH, SearchFilters())
    with CaptureQueriesContext(connection) as queries:
        result = provider_search(
            location=location, radius_miles=25, filters=SearchFilters(), limit=20, count_kinds=True
        )
    # One round trip: the ranking counts, and reads the page's providers with their sources.
    assert len(queries) == 1 and _ranking_queries(queries) == 1
    assert result.count == count_matches(location=location, radius_miles=25, filters=SearchFilters()) > 20
    assert result.count_by_kind == {
        kind: count_matches(location=location, radius_miles=25, filters=SearchFilters(kinds=frozenset({kind})))
        for kind in Kind.values
    }


@pytest.mark.parametrize(
    ("near", "radius", "filters"),
    [
        ("10001", 25, SearchFilters()),
        ("10001", 100, SearchFilters(medications=frozenset({"methadone"}))),
        ("21201", 50, SearchFilters(payments=frozenset({"medicaid"}))),
        # Nothing within the radius: the radius, then one circle the cells say holds the nearest.
        ("99723", 5, SearchFilters(medications=frozenset({"methadone"}))),
        ("59001", 10, SearchFilters(otp_only=True)),
    ],
)
def test_the_cells_size_a_first_circle_that_holds_the_page(shared_directory, fresh_cell_counts, near, radius, filters):
    location = resolve_location(near)
    matches_in_box(WHOLE_EARTH, SearchFilters())
    with CaptureQueriesContext(connection) as queries:
        result = provider_search(location=location, radius_miles=radius, filters=filters, limit=20)
    assert result.matches
    assert _ranking_queries(queries) == (1 if result.within_radius else 2)
    # The last ranking read the page's providers: no query asks for them by id.
    assert not any('"id" IN (' in query["sql"] for query in queries.captured_queries)

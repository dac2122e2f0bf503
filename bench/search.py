"""Benchmark: the search core and the full API request, at the real directory's size and at 1M providers.

All of ../shared/data is imported into a throwaway database (DATABASE_URL, SQLite by default); then
the same providers are copied with jitter (up to about 3 miles) until there are 1,000,000. At each
size, queries at random US ZIP centroids with mixed radii and filters are timed through
`provider_search` and through the API (Django test client), beside a NumPy brute-force floor that
ranks the same providers for the same queries in memory. On PostgreSQL with PostGIS installed on the
server (`apt-get install postgresql-15-postgis-3`), the same queries also run as PostGIS's own KNN
search (a `geography` column with a GiST index, `ST_DWithin ... ORDER BY geog <-> point LIMIT 20`),
with and without a total count, the standard a Django user would reach for; without PostGIS the table
says so. Kept answers are off: every request is a search. Prints a table and exits 0.

    .venv/bin/python bench/search.py [--queries 2000] [--floor-queries 300] [--target-size 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time

os.environ.setdefault("LOCATOR_API_RATE_LIMIT", "off")
# Every API request timed is a real search: no answer kept from an earlier request or pass.
os.environ.setdefault("LOCATOR_RECENT_ANSWERS", "0")

import numpy as np  # noqa: E402
from common import percentiles_ms, throwaway_database  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

RADII_MILES = (5, 10, 25, 25, 25, 50, 100)
FILTERS = (
    {},
    {},
    {"medication": "buprenorphine"},
    {"medication": "methadone"},
    {"medication": "naltrexone"},
    {"medication": "methadone", "otp": "true"},
    {"payment": "medicaid"},
    {"payment": "sliding_fee,free"},
    {"telehealth": "true"},
    {"language": "es"},
    {"kind": "practitioner"},
)
TARGETS = "targets: at 65k, core p50 <= 1.5 ms, API p50 <= 3 ms and p99 <= 10 ms; at 1M, core p99 <= 40 ms and API p99 <= 50 ms"


def random_queries(count: int, seed: int) -> list[tuple[float, float, int, dict[str, str]]]:
    from locator import gazetteer

    rng = random.Random(seed)
    places = [place for place in gazetteer._zip_places().values()]
    return [
        (place.latitude, place.longitude, rng.choice(RADII_MILES), rng.choice(FILTERS))
        for place in rng.sample(places, count)
    ]


def search_filters(params: dict[str, str]):
    from locator.search import SearchFilters

    return SearchFilters(
        medications=frozenset(params["medication"].split(",")) if "medication" in params else frozenset(),
        otp_only="otp" in params,
        kinds=frozenset({params["kind"]}) if "kind" in params else frozenset(),
        payments=frozenset(params["payment"].split(",")) if "payment" in params else frozenset(),
        telehealth="telehealth" in params,
        languages=frozenset({params["language"]}) if "language" in params else frozenset(),
    )


def time_core(queries) -> list[float]:
    from locator.places import location_from_coordinates
    from locator.search import provider_search

    seconds = []
    for latitude, longitude, radius, params in queries:
        started = time.perf_counter()
        result = provider_search(
            location=location_from_coordinates(latitude, longitude),
            radius_miles=radius,
            filters=search_filters(params),
            limit=20,
        )
        [match.provider.name for match in result.matches]
        seconds.append(time.perf_counter() - started)
    return seconds


def time_api(queries) -> list[float]:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    seconds = []
    for latitude, longitude, radius, params in queries:
        started = time.perf_counter()
        response = client.get("/api/v1/providers/", {"lat": latitude, "lng": longitude, "radius": radius, **params})
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:200]
    return seconds


def prepare_postgis() -> str:
    """Adds PostGIS's point column and index to the throwaway table; why not, or "" when ready."""
    from locator.models import Provider

    if connection.vendor != "postgresql":
        return f"PostGIS: not measured ({connection.vendor} database)"
    table = connection.ops.quote_name(Provider._meta.db_table)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            # Generated, so that the rows replication adds are placed too.
            cursor.execute(
                f"ALTER TABLE {table} ADD COLUMN geog geography(Point, 4326) GENERATED ALWAYS AS "
                "(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography) STORED"
            )
            cursor.execute(f"CREATE INDEX provider_geog ON {table} USING GIST (geog)")
    except Exception as error:  # noqa: BLE001 - any failure means: no PostGIS here, say why
        return f"PostGIS: not measured ({str(error).splitlines()[0]}; apt-get install postgresql-15-postgis-3)"
    with connection.cursor() as cursor:
        # The new column rewrote the table: what the import's VACUUM ANALYZE left must be made again.
        cursor.execute(f"VACUUM ANALYZE {table}")
    return ""


def time_postgis(queries, *, with_count: bool) -> list[float]:
    from locator.models import Provider
    from locator.search_filters import filters_where_sql

    table = connection.ops.quote_name(Provider._meta.db_table)
    count_sql = ", COUNT(*) OVER ()" if with_count else ""
    seconds = []
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
        for latitude, longitude, radius, params in queries:
            filter_sql, filter_params = filters_where_sql(search_filters(params), connection.vendor)
            point = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
            sql = (
                f"SELECT id{count_sql} FROM {table} WHERE {filter_sql} AND ST_DWithin(geog, {point}, %s)"
                f" ORDER BY geog <-> {point} LIMIT 20"
            )
            started = time.perf_counter()
            cursor.execute(sql, [*filter_params, longitude, latitude, radius * 1609.344, longitude, latitude])
            cursor.fetchall()
            seconds.append(time.perf_counter() - started)
    return seconds


class BruteForce:
    """Every searchable provider in NumPy arrays: the floor no database index can beat by scanning."""

    def __init__(self) -> None:
        from locator.models import Provider
        from locator.vocabulary import PAYMENT_FIELDS

        fields = [
            "latitude",
            "longitude",
            "offers_buprenorphine",
            "offers_methadone",
            "offers_naltrexone",
            "moud_medication_not_named",
            "is_otp",
            "offers_telehealth",
            "offers_spanish",
            "kind",
            *PAYMENT_FIELDS.values(),
        ]
        rows = list(Provider.objects.filter(active=True, latitude__isnull=False).values_list(*fields))
        columns = list(zip(*rows))
        self.arrays = {name: np.array(column) for name, column in zip(fields, columns)}
        self.latitude = np.radians(self.arrays["latitude"].astype(float))
        self.longitude = np.radians(self.arrays["longitude"].astype(float))
        self.payment_fields = PAYMENT_FIELDS

    def query(self, latitude: float, longitude: float, radius: float, params: dict[str, str]) -> tuple[int, np.ndarray]:
        arrays = self.arrays
        if "medication" in params:
            mask = np.any([arrays[f"offers_{name}"] for name in params["medication"].split(",")], axis=0)
        else:
            names = ("offers_buprenorphine", "offers_methadone", "offers_naltrexone", "moud_medication_not_named")
            mask = np.any([arrays[name] for name in names], axis=0)
        if "otp" in params:
            mask &= arrays["is_otp"]
        if "kind" in params:
            mask &= arrays["kind"] == params["kind"]
        if "payment" in params:
            mask &= np.any([arrays[self.payment_fields[code]] for code in params["payment"].split(",")], axis=0)
        if "telehealth" in params:
            mask &= arrays["offers_telehealth"]
        if "language" in params:
            mask &= arrays["offers_spanish"]
        lat, lng = np.radians(latitude), np.radians(longitude)
        a = (
            np.sin((self.latitude - lat) / 2) ** 2
            + np.cos(lat) * np.cos(self.latitude) * np.sin((self.longitude - lng) / 2) ** 2
        )
        distances = 7917.5226 * np.arcsin(np.sqrt(a))
        inside = mask & (distances <= radius)
        candidates = np.flatnonzero(inside)
        nearest = candidates[np.argsort(distances[candidates], kind="stable")[:20]]
        return int(candidates.size), nearest

    def time(self, queries) -> list[float]:
        seconds = []
        for query in queries:
            started = time.perf_counter()
            self.query(*query)
            seconds.append(time.perf_counter() - started)
        return seconds


def replicate_to(target_size: int, seed: int) -> None:
    """Copy every provider with jitter until there are `target_size`: the same country, denser."""
    from locator.models import Provider
    from locator.search_density import forget_cell_counts

    rng = np.random.default_rng(seed)
    fields = [field for field in Provider._meta.concrete_fields if field.name != "id"]
    columns = [field.column for field in fields]
    originals = list(Provider.objects.filter(latitude__isnull=False).values_list(*[field.name for field in fields]))
    index = {name: position for position, name in enumerate(field.name for field in fields)}
    json_positions = [position for position, field in enumerate(fields) if field.get_internal_type() == "JSONField"]
    table = connection.ops.quote_name(Provider._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    missing = target_size - Provider.objects.count()
    batch: list[list] = []
    # One unsaved provider places each copy: the search columns derived exactly as the model derives them.
    placed = Provider()
    derived = ("unit_x", "unit_y", "unit_z", "grid_cell")
    with transaction.atomic(), connection.cursor() as cursor:
        while missing > 0:
            for row in originals[:missing]:
                copy = list(row)
                copy[index["latitude"]] += float(rng.uniform(-0.04, 0.04))
                copy[index["longitude"]] += float(rng.uniform(-0.05, 0.05))
                placed.set_location(
                    latitude=copy[index["latitude"]],
                    longitude=copy[index["longitude"]],
                    location_precision=copy[index["location_precision"]],
                )
                for name in derived:
                    copy[index[name]] = getattr(placed, name)
                for position in json_positions:
                    copy[position] = json.dumps(copy[position])
                batch.append(copy)
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    batch.clear()
            missing -= min(missing, len(originals))
        if batch:
            cursor.executemany(sql, batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")
    # The copies come without an import: the search reads its cells' counts again, as after one.
    forget_cell_counts()


def measure(label: str, queries, floor_queries, postgis_skipped: str) -> dict[str, tuple[float, float, float]]:
    from locator.models import Provider

    time_core(queries[:50])  # warm caches: the gazetteer, the query compiler
    figures = {
        "search core": percentiles_ms(time_core(queries)),
        "API request": percentiles_ms(time_api(queries)),
        "NumPy brute-force floor": percentiles_ms(BruteForce().time(floor_queries)),
    }
    if not postgis_skipped:
        figures["PostGIS KNN with count"] = percentiles_ms(time_postgis(queries, with_count=True))
        figures["PostGIS KNN without count"] = percentiles_ms(time_postgis(queries, with_count=False))
    print(
        f"\n{label}: {Provider.objects.filter(active=True).count():,} active providers, {len(queries):,} queries "
        f"({len(floor_queries):,} for the floor)"
    )
    print(f"{'':26} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, (p50, p95, p99) in figures.items():
        print(f"{name:26} {p50:>8.2f} {p95:>8.2f} {p99:>8.2f}")
    if postgis_skipped:
        print(postgis_skipped)
    floor_p50 = figures["NumPy brute-force floor"][0]
    print(f"{'core p50 / floor p50':26} {figures['search core'][0] / floor_p50:>8.2f}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--floor-queries", type=int, default=300)
    parser.add_argument("--target-size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261124)
    arguments = parser.parse_args()
    data_dir = settings.LOCATOR_SHARED_DATA_DIR
    if not data_dir.is_dir():
        print(f"no data folder at {data_dir}: set LOCATOR_DATA_DIR")
        return
    from locator.importing.importer import import_files

    with throwaway_database() as vendor:
        print(f"database: {vendor}. {TARGETS}")
        started = time.perf_counter()
        import_files([data_dir])
        print(f"imported {data_dir} in {time.perf_counter() - started:.0f} s")
        queries = random_queries(arguments.queries, arguments.seed)
        floor_queries = queries[: arguments.floor_queries]
        postgis_skipped = prepare_postgis()
        small = measure("real directory", queries, floor_queries, postgis_skipped)
        started = time.perf_counter()
        replicate_to(arguments.target_size, arguments.seed)
        print(f"\nreplicated to {arguments.target_size:,} providers in {time.perf_counter() - started:.0f} s")
        large = measure("replicated directory", queries, floor_queries, postgis_skipped)
        print("\nlarge / small:")
        for name in ("search core", "API request"):
            ratios = [big / little for big, little in zip(large[name], small[name])]
            print(f"{name:26} " + " ".join(f"{ratio:>8.2f}" for ratio in ratios))


if __name__ == "__main__":
    main()

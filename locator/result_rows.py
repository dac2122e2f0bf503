"""The providers of one page of results with their sources: the columns a results list shows, joined to the
search's own ranking query (`page_columns`) or asked by id (`providers_with_sources`).

Loaded through the ORM, a page of 20 cost more than ranking it: two queries compiled on every search,
then wide model instances built with everything the import keeps (2-3 ms). Here Django compiles the
query once per database; each page runs it with its own ids or ranking and converts the values as
Django's compiler does, and the instances are filled as `Model.from_db` would fill them, without its
field-by-field `__init__` (0.18 ms for twenty providers, now 0.03).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from locator.models import Provider
from locator.provenance import SourceRecordFacts, source_listings

# A results list shows sources and their dates, not SAMHSA's full service list, the import's keys and
# dates, nor what the search derives from the location.
_NOT_SHOWN = {
    *("services", "age_groups", "special_groups", "search_codes"),
    *("address_key", "phone_key", "name_key", "first_seen", "last_seen"),
    *("unit_x", "unit_y", "unit_z", "grid_cell"),
}
SHOWN_FIELDS = tuple(field.attname for field in Provider._meta.concrete_fields if field.attname not in _NOT_SHOWN)
_SHOWN_SET = frozenset(SHOWN_FIELDS)
_SOURCE_FACTS = (
    "records__source",
    "records__active",
    "records__source_file__data_date",
    "records__source_file__data_date_precision",
    "records__source_file__is_sample",
)

Converters = tuple[tuple[int, tuple[list[Any], Any]], ...]


@dataclass(frozen=True)
class PageColumns:
    """The shown columns and their sources, as SQL to join to a query of provider ids."""

    # The shown fields, then the source facts: one row per source, or one with empty source columns.
    select_sql: str
    # The joins after the provider table, each source's record and its file.
    source_joins_sql: str
    # The two columns by which a provider's sources are ordered.
    source_order_sql: str
    converters: Converters


@lru_cache(maxsize=4)
def page_columns(vendor: str) -> PageColumns:
    """The columns of a page, as Django's compiler writes and converts them for this database."""
    query = Provider.objects.values_list(*SHOWN_FIELDS, *_SOURCE_FACTS).query
    compiler = query.get_compiler(connection=connection)
    compiler.as_sql()
    selected = compiler.select[: compiler.col_count]
    # The first is the providers' table itself, which a ranking joins on its own terms.
    _, *joins = compiler.get_from_clause()[0]
    column_sqls = [sql for _, (sql, _), _ in selected]
    source, data_date = (
        column_sqls[len(SHOWN_FIELDS) + _SOURCE_FACTS.index(fact)]
        for fact in ("records__source", "records__source_file__data_date")
    )
    return PageColumns(
        select_sql=", ".join(column_sqls),
        source_joins_sql=" ".join(joins),
        source_order_sql=f"{source}, {data_date}",
        converters=tuple(compiler.get_converters([column for column, _, _ in selected]).items()),
    )


def _provider(shown_values: list[Any], *, through_init: bool) -> Provider:
    """The instance `Provider.from_db` builds from the shown fields, the others deferred; built by `from_db`
    itself `through_init`, where something listens to the signals of `__init__`."""
    if through_init:
        return Provider.from_db(connection.alias, _SHOWN_SET, shown_values)
    provider = Provider.__new__(Provider)
    provider.__dict__.update(zip(SHOWN_FIELDS, shown_values))
    provider._state = ModelState()
    provider._state.adding = False
    provider._state.db = connection.alias
    return provider


@lru_cache(maxsize=128)
def _by_ids_sql(vendor: str, size: int) -> str:
    columns = page_columns(vendor)
    table = connection.ops.quote_name(Provider._meta.db_table)
    return (
        f"SELECT {columns.select_sql} FROM {table} {columns.source_joins_sql}"
        f" WHERE {table}.{connection.ops.quote_name('id')} IN ({', '.join(['%s'] * size)})"
        f" ORDER BY 1, {columns.source_order_sql}"
    )


def providers_with_sources(ids: Sequence[int]) -> dict[int, Provider]:
    """The providers with these ids by id, each with `source_listings` set; the fields a list does not
    show are deferred."""
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_by_ids_sql(connection.vendor, len(ids)), list(ids))
        return providers_from_rows(cursor.fetchall(), first_column=0)


def providers_from_rows(rows: Sequence[Sequence[Any]], *, first_column: int) -> dict[int, Provider]:
    """The providers in rows of a query that selects a page's columns from `first_column` on, by id; a
    provider with several sources has a row for each, in the order `page_columns` gives."""
    columns = page_columns(connection.vendor)
    shown = len(SHOWN_FIELDS)
    converters = [(position + first_column, functions) for position, functions in columns.converters]
    source_converters = [
        (position, functions) for position, functions in converters if position >= first_column + shown
    ]
    through_init = pre_init.has_listeners(Provider) or post_init.has_listeners(Provider)
    providers: dict[int, Provider] = {}
    records: dict[int, list[SourceRecordFacts]] = {}
    for row in rows:
        provider_id = row[first_column]
        first = provider_id not in providers
        values = list(row)
        # A provider with several sources comes in several rows: its own columns are read from the first.
        for position, (functions, expression) in converters if first else source_converters:
            for function in functions:
                values[position] = function(values[position], expression, connection)
        if first:
            providers[provider_id] = _provider(values[first_column : first_column + shown], through_init=through_init)
            records[provider_id] = []
        # A provider without a source record has one row, its source columns empty.
        if values[first_column + shown] is not None:
            records[provider_id].append(tuple(values[first_column + shown :]))
    for provider_id, provider in providers.items():
        provider.source_listings = source_listings(records[provider_id])
    return providers

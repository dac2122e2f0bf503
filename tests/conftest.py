"""Shared test set-up: where the real SAMHSA files are, and the directory imported from them once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings

from locator import kept_answers
from locator.access import AccessReport, compute_access
from locator.api.exports import ExportReport, write_exports
from locator.importing.importer import import_files
from locator.importing.loading import DataDate
from locator.importing.report import ImportReport
from locator.models import (
    AccessComputation,
    GeocodedAddress,
    ProblemReport,
    Provider,
    SourceFile,
    SourceRecord,
)
from locator.vocabulary import DatePrecision

PROJECT_DIR = Path(__file__).resolve().parent.parent
FIXTURES_DIR = PROJECT_DIR / "fixtures"
SHARED_UNDATED_FILES_DATE = DataDate(date(2021, 1, 1), DatePrecision.YEAR)
SHARED_DATA_DIR = Path(os.environ.get("LOCATOR_DATA_DIR") or PROJECT_DIR.parent / "shared" / "data")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests without the shared directory first (in their order): before the session imports it, emptying the
    directory for a test deletes nothing; after, 65,000 providers each time, 0.5 s or more for each of ~200."""
    items.sort(key=lambda item: "shared_directory" in getattr(item, "fixturenames", ()))


@pytest.fixture(autouse=True)
def no_recent_answers_between_tests():
    """Tests change the directory without an import; an answer kept from another test would be stale.
    Rate limits start over too: they count one client, and every test is that client."""
    yield
    caches["default"].clear()
    caches["answers"].clear()
    kept_answers.forget_directory_version()


@pytest.fixture(autouse=True)
def no_access_metrics_after_imports(settings):
    """An import command's recomputation of the access metrics writes 168,000 rows (seconds each time);
    the tests of that step turn it back on."""
    settings.LOCATOR_REFRESH_AFTER_IMPORT = False


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """../shared/data; tests needing it skip where it is absent, and fail in CI where it must be there."""
    if not (SHARED_DATA_DIR / "otp_directory_20200704.xls").is_file():
        message = f"the real SAMHSA files are not in {SHARED_DATA_DIR}"
        if os.environ.get("LOCATOR_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"{message}, and LOCATOR_REQUIRE_SHARED_DATA=1 requires them")
        pytest.skip(f"{message} (set LOCATOR_DATA_DIR, or LOCATOR_REQUIRE_SHARED_DATA=1 to fail instead)")
    return SHARED_DATA_DIR


@pytest.fixture(scope="session")
def shared_directory(django_db_setup, django_db_blocker, shared_data_dir: Path) -> ImportReport:
    """All of ../shared/data imported once per test session, committed to the test database.

    Session scope makes pytest create it before any test's own transaction, so no test rolls it back.
    """
    with django_db_blocker.unblock():
        # As `make run` imports them: the facility list, whose name carries no date, is documented as of 2021.
        return import_files([shared_data_dir], data_date=SHARED_UNDATED_FILES_DATE)


@pytest.fixture(scope="session")
def shared_access(shared_directory, django_db_blocker) -> AccessReport:
    """The access metrics of the shared directory, computed once per test session and committed."""
    with django_db_blocker.unblock():
        return compute_access()


@pytest.fixture(scope="session")
def shared_exports(shared_directory, django_db_blocker, tmp_path_factory) -> Iterator[ExportReport]:
    """The shared directory written as export files once per test session, into a folder of the session's
    (LOCATOR_EXPORT_DIR points there from then on)."""
    folder = tmp_path_factory.mktemp("exports")
    with override_settings(LOCATOR_EXPORT_DIR=folder), django_db_blocker.unblock():
        yield write_exports()


@pytest.fixture
def empty_directory(db) -> None:
    """No providers (nor reports about them), inside this test's transaction (the session's shared
    directory returns after it).

    Plain DELETEs: the ORM's cascading delete would first load every one of the shared providers.
    """
    with connection.cursor() as cursor:
        # The access metrics' rows stay (they hold no constraint): without their computation nothing reads them.
        for model in (AccessComputation, ProblemReport, SourceRecord, Provider, SourceFile, GeocodedAddress):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")

"""A real browser (Debian's Chromium, driven by Playwright) against a live server on the real directory."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread

from locator.models import ProblemReport

REVIEWER = ("browser-test-reviewer", "browser-tests-only")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _require_browser() -> None:
    missing = []
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing.append(f"Chromium is not at {CHROMIUM} (make browser, or apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("Playwright is not installed (make install)")
    if missing:
        message = "; ".join(missing)
        if os.environ.get("LOCATOR_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message}, and LOCATOR_REQUIRE_BROWSER=1 requires it")
        pytest.skip(message)


@pytest.fixture(scope="session")
def live_url(shared_directory, shared_access, django_db_blocker) -> Iterator[str]:
    """The site served by a thread of this process, reading the session's committed directory, with a
    staff login (REVIEWER) for the admin."""
    _require_browser()
    with django_db_blocker.unblock():
        User.objects.create_superuser(REVIEWER[0], password=REVIEWER[1])
    overrides = {}
    for connection in connections.all():
        # An in-memory SQLite test database exists only on this connection: share it, as Django's
        # LiveServerTestCase does.
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            connection.inc_thread_sharing()
            overrides[connection.alias] = connection
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=overrides, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://127.0.0.1:{server.port}"
    server.terminate()
    with django_db_blocker.unblock():
        # What the browser tests wrote, so that later tests see the directory as it was imported.
        ProblemReport.objects.all().delete()
        User.objects.filter(username=REVIEWER[0]).delete()
        _close_server_sessions()
    for connection in overrides.values():
        connection.dec_thread_sharing()


def _close_server_sessions() -> None:
    """PostgreSQL cannot drop the test database while a server thread still holds a session: a thread
    serving the browser's last kept-alive connection may outlive the server."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for _ in range(50):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session")
def browser(live_url):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, so Django's guard against blocking
    # calls in async code would refuse the test transactions around each test; nothing here is async.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=shutil.which("chromium") or CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(base_url=live_url, viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()

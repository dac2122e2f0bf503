"""Hardening: the admin door, numbers as people type them, methods, HEAD, body sizes and server errors
that reach the operator without the person's search. The tests against a running gunicorn (slow clients,
a database outage) are in tests/test_hardening_live.py."""

import io
import logging
import subprocess
import sys
from unittest import mock

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from locator.models import ProblemReport
from tests.conftest import PROJECT_DIR
from tests.factories import make_provider
from tools.audit_dependencies import UNREACHABLE, summarize

pytestmark = pytest.mark.django_db

TULSA = {"latitude": 36.154, "longitude": -95.993}
API = "/api/v1/providers/"


@pytest.fixture
def provider(empty_directory):
    return make_provider(**TULSA, name="Hardening Clinic")


# Numbers: ASCII digits only, after trimming spaces.


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "74103", "page": "٣"}, "page"),
        ({"near": "74103", "page_size": "１０"}, "page_size"),
        ({"lat": "3_6", "lng": "-95.9"}, "lat"),
        ({"lat": "36.1", "lng": "-9_5"}, "lng"),
        ({"near": "74103", "radius": "1_0"}, "radius"),
        ({"near": "74103", "radius": "1e1"}, "radius"),
        ({"near": "74103", "radius": "٢٥"}, "radius"),
    ],
)
def test_the_api_reads_only_ascii_digits(client, provider, params, field):
    response = client.get(API, params)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize("params", [{"near": "74103", "page": "٣"}, {"lat": "3_6", "lng": "-95.9"}])
def test_the_page_reads_only_ascii_digits(client, provider, params):
    response = client.get("/", params)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode() or "form-error" in response.content.decode()


def test_numbers_with_spaces_around_still_read(client, provider):
    assert client.get(API, {"near": "74103", "page": " 1 ", "radius": " 25 "}).status_code == 200
    assert client.get(API, {"near": "٣٦٫١,-٩٥٫٩"}).status_code == 400
    assert client.get("/", {"lat": " 36.154 ", "lng": "-95.993"}).status_code == 200


# Methods and HEAD.


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_a_method_a_url_does_not_take_is_405_with_allow(client, provider, method):
    for path, allowed in [
        ("/", "GET, HEAD"),
        ("/about/", "GET, HEAD"),
        (f"/providers/{provider.id}/", "GET, HEAD"),
        (f"/providers/{provider.id}/report/", "GET, HEAD, POST"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 405, path
        assert response["Allow"] == allowed
    api = getattr(client, method)(API)
    assert api.status_code == 405 and "GET" in api["Allow"]


def test_head_answers_carry_gets_caching_headers(client, provider):
    for path in [f"{API}?near=74103", f"/api/v1/providers/{provider.id}/", "/api/v1/meta/", "/?near=74103"]:
        get, head = client.get(path), client.head(path)
        assert get.status_code == head.status_code == 200, path
        for header in ("ETag", "Cache-Control", "Content-Type"):
            assert head.get(header) == get.get(header) and get.get(header), (path, header)


# Sizes: nothing large read, stored or echoed back.


def test_an_oversized_report_is_refused_unread_and_nothing_is_stored(client, provider):
    body = "problem=closed&details=" + "x" * 2_000_000
    response = client.post(f"/providers/{provider.id}/report/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert len(response.content) < 5_000 and "1-800-662-4357" in response.content.decode()
    assert not ProblemReport.objects.exists()
    api = client.generic("POST", API, "x" * 100_000, content_type="application/json")
    assert api.status_code == 413 and api.json()["error"]["code"] == "too_large"


def test_a_report_with_a_file_is_refused_and_nothing_is_stored(provider):
    browser = Client(raise_request_exception=False)
    with open(PROJECT_DIR / "manage.py", "rb") as small_file:
        response = browser.post(
            f"/providers/{provider.id}/report/", {"problem": "closed", "details": "see file", "file": small_file}
        )
    assert response.status_code == 400
    assert not ProblemReport.objects.exists()


# The admin door.


def _login(browser: Client, username: str, password: str) -> int:
    return browser.post("/admin/login/?next=/admin/", {"username": username, "password": password}).status_code


def test_the_admin_locks_an_account_and_an_address_out_after_five_failures(django_user_model, caplog):
    django_user_model.objects.create_superuser("operator", "ops@example.org", "right-password-for-tests")
    django_user_model.objects.create_superuser("other", "other@example.org", "other-password-for-tests")
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    with caplog.at_level(logging.INFO):
        statuses = [_login(attacker, "operator", f"guess-number-{attempt}") for attempt in range(20)]
    assert statuses[:4] == [200] * 4 and set(statuses[5:]) == {429}
    # Locked out even with the right password, from that address and (the account) from any other.
    assert _login(attacker, "operator", "right-password-for-tests") == 429
    assert _login(attacker, "other", "other-password-for-tests") == 429
    assert _login(Client(REMOTE_ADDR="203.0.113.20"), "operator", "right-password-for-tests") == 429
    assert _login(Client(REMOTE_ADDR="203.0.113.21"), "other", "other-password-for-tests") == 302
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "operator" in logged and "guess-number" not in logged


class _Terminal(io.StringIO):
    """What createsuperuser asks to be run from before it asks anything."""

    def isatty(self) -> bool:
        return True


def test_passwords_need_twelve_characters(django_user_model):
    with pytest.raises(ValidationError):
        validate_password("a")
    validate_password("twelve chars, not a common one")
    answers = iter(["a", "a", "a long passphrase for tests", "a long passphrase for tests"])
    with (
        mock.patch("getpass.getpass", side_effect=lambda prompt="": next(answers)),
        mock.patch("builtins.input", side_effect=lambda prompt="": "N" if "Bypass" in prompt else "terminal-operator"),
    ):
        errors = io.StringIO()
        call_command("createsuperuser", interactive=True, email="", stdin=_Terminal(), stdout=errors, stderr=errors)
    assert "at least 12 characters" in errors.getvalue()
    assert django_user_model.objects.get(username="terminal-operator").check_password("a long passphrase for tests")


def test_the_admin_can_live_elsewhere():
    script = "import django; django.setup(); from django.urls import reverse; print(reverse('admin:index'))"
    moved = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ADMIN_URL": "staff-door-7f3", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert moved.stdout.strip() == "/staff-door-7f3/"


# Server errors reach the operator, without the person's search or address.


@override_settings(ADMINS=[("Operator", "ops@example.org")])
def test_a_server_error_is_mailed_without_the_search_or_the_address(provider):
    browser = Client(raise_request_exception=False, REMOTE_ADDR="203.0.113.9")
    with mock.patch("locator.web.views.result_lists", side_effect=RuntimeError("the search core broke")):
        response = browser.get("/", {"near": "Secretville 74103", "medication": "methadone"})
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    text = message.subject + message.body + "".join(str(alternative) for alternative in message.alternatives)
    assert "RuntimeError: the search core broke" in text and "/" in message.subject
    for private in ("Secretville", "74103", "methadone", "203.0.113.9"):
        assert private not in text


# Dependencies (ASVS 14.2.1): `make audit` never mistakes an unreachable advisory service for a clean bill.


def test_the_audit_says_when_nothing_could_be_audited():
    skipped = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    lines, status = summarize({"dependencies": [skipped, {**skipped, "name": "geopy"}]})
    assert status == UNREACHABLE and lines[0].startswith("NOT AUDITED") and "2 packages" in lines[0]
    vulnerable = {"name": "django", "version": "5.2.0", "vulns": [{"id": "GHSA-x", "fix_versions": ["5.2.1"]}]}
    lines, status = summarize({"dependencies": [vulnerable, {"name": "geopy", "version": "2.5.0", "vulns": []}]})
    assert status == 1 and lines == [
        "django 5.2.0: GHSA-x (fixed in 5.2.1)",
        "2 packages audited, 0 skipped, 1 known vulnerabilities.",
    ]
    assert summarize({"dependencies": [{"name": "geopy", "version": "2.5.0", "vulns": []}]})[1] == 0


def test_a_csv_answer_is_an_attachment(client, provider):
    first = client.get(API, {"near": "74103", "format": "csv"})
    again = client.get(API, {"near": "74103", "format": "csv"})
    for response in (first, again):
        assert response["Content-Disposition"] == 'attachment; filename="providers.csv"'


def test_createsuperuser_without_a_terminal_refuses_a_short_password(django_user_model, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a")
    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command("createsuperuser", interactive=False, username="noinput-operator", email="ops@example.org")
    assert not django_user_model.objects.filter(username="noinput-operator").exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long passphrase for tests")
    call_command(
        "createsuperuser", interactive=False, username="noinput-operator", email="ops@example.org", verbosity=0
    )
    assert django_user_model.objects.get(username="noinput-operator").check_password("a long passphrase for tests")

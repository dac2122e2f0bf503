"""Spanish pages, the language switch, the translation catalogue, and logs that never hold a search."""

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

from tests.conftest import PROJECT_DIR
from tests.factories import make_provider

pytestmark = pytest.mark.django_db

CATALOG = PROJECT_DIR / "locale" / "es" / "LC_MESSAGES"


def test_spanish_browsers_get_spanish_pages(client, shared_directory):
    response = client.get("/", {"near": "74103"}, HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9,en;q=0.5")
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "proveedores a menos de 25 millas de Tulsa, OK 74103" in html
    assert "Línea Nacional de Ayuda de SAMHSA" in html and "Llame al 911" in html
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]


def test_the_language_switch_keeps_the_search_and_the_choice_follows_links(client, shared_directory):
    english = client.get("/", {"near": "74103", "medication": "methadone"}).content.decode()
    assert 'href="?near=74103&amp;medication=methadone&amp;lang=es" lang="es" hreflang="es"' in english
    spanish = client.get("/", {"near": "74103", "medication": "methadone", "lang": "es"}).content.decode()
    assert '<html lang="es">' in spanish
    assert '<input type="hidden" name="lang" value="es">' in spanish
    assert "/providers/" in spanish and '/?lang=es">' in spanish
    assert 'href="?near=74103&amp;medication=methadone&amp;lang=en" lang="en"' in spanish
    back = client.get("/", {"near": "74103", "lang": "en"}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="en">' in back


def test_spanish_about_and_provider_pages(client, shared_directory):
    about = client.get("/about/", {"lang": "es"}).content.decode()
    assert "Los medicamentos" in about and "no son tratamientos aprobados" in about


def test_every_message_is_translated_and_the_compiled_catalogue_is_current():
    po = polib.pofile(str(CATALOG / "django.po"))
    mo = polib.mofile(str(CATALOG / "django.mo"))
    assert not po.untranslated_entries() and not po.fuzzy_entries()
    compiled = {(entry.msgid, entry.msgstr or tuple(entry.msgstr_plural.values())) for entry in mo if entry.msgid}
    source = {(entry.msgid, entry.msgstr or tuple(entry.msgstr_plural.values())) for entry in po.translated_entries()}
    assert compiled == source, "run: manage.py compilemessages"


def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("LOCATOR_REQUIRE_GETTEXT") == "1":
            pytest.fail("GNU gettext (xgettext) is not installed, and LOCATOR_REQUIRE_GETTEXT=1 requires it")
        pytest.skip("GNU gettext (xgettext) is not installed (apt-get install gettext)")
    copy = tmp_path / "locator"
    shutil.copytree(PROJECT_DIR / "locator", copy)
    (tmp_path / "locale" / "es" / "LC_MESSAGES").mkdir(parents=True)
    current = os.getcwd()
    try:
        os.chdir(tmp_path)
        call_command("makemessages", locale=["es"], verbosity=0)
    finally:
        os.chdir(current)
    extracted = {entry.msgid for entry in polib.pofile(str(tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po"))}
    catalogued = {entry.msgid for entry in polib.pofile(str(CATALOG / "django.po")) if not entry.obsolete}
    assert extracted - catalogued == set(), "run: manage.py makemessages -l es, then translate"


def test_a_page_search_leaves_no_trace_of_the_place_in_any_log(client, shared_directory, caplog):
    caplog.set_level(logging.DEBUG)
    for params in ({"near": "Broken Arrow, OK"}, {"lat": "36.05261", "lng": "-95.79082"}, {"near": "Nowhereville, OK"}):
        client.get("/", params)
    logged = "\n".join(f"{record.getMessage()} {record.args}" for record in caplog.records)
    for secret in ("Broken Arrow", "Broken+Arrow", "36.05", "-95.79", "Nowhereville"):
        assert secret not in logged


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_text(path: Path, text: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while text not in path.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_the_access_log_of_a_running_server_has_no_query_string(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PYTHONUNBUFFERED": "1"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=PROJECT_DIR, env=env, check=True)
    port = _free_port()
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}/?near=Broken+Arrow%2C+OK&lat=36.05261&lng=-95.79082"
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"the server did not answer: {log_path.read_text()}")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/providers/999/?from=Broken+Arrow", timeout=5)
        # runserver writes the access line after the response has gone out, so wait for it before stopping.
        _wait_for_text(log_path, '"GET /providers/999/ HTTP/1.1" 404', seconds=10)
    finally:
        server.terminate()
        server.wait(timeout=10)
    logged = Path(log_path).read_text()
    assert '"GET / HTTP/1.1" 200' in logged and '"GET /providers/999/ HTTP/1.1" 404' in logged
    for secret in ("Broken", "Arrow", "36.05", "95.79", "near=", "?"):
        assert secret not in logged


def test_a_results_card_is_worded_in_each_pages_own_language(client, empty_directory):
    make_provider(
        name="Card Clinic",
        street="100 Main St",
        city="Tulsa",
        phone="918-555-0100",
        offers_telehealth=True,
        latitude=36.15,
        longitude=-95.99,
    )
    spanish = client.get("/", {"near": "74103", "lang": "es"}).content.decode()
    english = client.get("/", {"near": "74103", "lang": "en"}).content.decode()
    assert 'aria-label="Medicamentos y programas"' in spanish and "Llamar al 918-555-0100" in spanish
    assert ">Cómo llegar</a>" in spanish and ">Telesalud<" in spanish
    assert 'aria-label="Medications and programs"' in english and "Call 918-555-0100" in english
    assert ">Directions</a>" in english and "Cómo llegar" not in english

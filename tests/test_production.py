"""Production settings, security headers, /healthz and gunicorn's access log."""

import gc
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import types
import urllib.request

import pytest

from config.access_log import access_record
from tests.conftest import PROJECT_DIR
from tests.factories import make_provider

PRODUCTION_ENV = {
    **os.environ,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-secret-used-only-by-this-test-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "locator.example.org,127.0.0.1",
}


def run_python(code: str, env: dict[str, str]) -> str:
    script = f"import django; django.setup()\n{code}"
    env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, env=env, check=True, capture_output=True, text=True
    ).stdout


def test_check_deploy_reports_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=PRODUCTION_ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_pages_use_collected_static_files_carry_hsts_and_redirect_plain_http(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=PROJECT_DIR, env=env, check=True)
    output = run_python(
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='locator.example.org')\n"
        "secure = client.get('/about/', secure=True, headers={'X-Forwarded-Proto': 'https'})\n"
        "plain = client.get('/about/')\n"
        "health = client.get('/healthz')\n"
        "print(secure.status_code, secure['Strict-Transport-Security'])\n"
        "import re; print(bool(re.search(r'/static/locator/site\\.[0-9a-f]{12}\\.css', secure.content.decode())))\n"
        "print(plain.status_code, plain['Location'])\n"
        "print(health.status_code)\n",
        env,
    )
    assert output.splitlines() == [
        "200 max-age=31536000; includeSubDomains; preload",
        "True",
        "301 https://locator.example.org/about/",
        "200",
    ]


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client, empty_directory):
    for url in ("/", "/?near=74103", "/about/", "/api/v1/providers/?near=74103", "/api/v1/meta/", "/nowhere/"):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["Permissions-Policy"].startswith("geolocation=(self)")
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_pages_whose_forms_post_here_send_their_origin(client, empty_directory):
    # With no-referrer, a browser posts "Origin: null", which Django's CSRF check refuses.
    provider = make_provider(latitude=36.15, longitude=-95.99)
    for url in ("/admin/login/", f"/providers/{provider.id}/", f"/providers/{provider.id}/report/"):
        assert client.get(url)["Referrer-Policy"] == "same-origin"
    assert client.get("/about/")["Referrer-Policy"] == "no-referrer"


@pytest.mark.django_db
def test_only_a_results_page_may_load_map_tiles(client, shared_directory):
    assert "https://tile.openstreetmap.org" in client.get("/?near=74103")["Content-Security-Policy"]
    for url in ("/", "/about/", "/?near=Tusla,+OK"):
        assert "tile.openstreetmap.org" not in client.get(url)["Content-Security-Policy"]


@pytest.mark.django_db
def test_healthz_reports_the_database_and_the_age_of_the_data(client, shared_directory):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert body["status"] == "ok" and body["database"] == "reachable"
    # The facility list, undated in its name, imported as of 2021 (as `make run` does).
    assert body["newest_data_date"] == "2021" and body["stale"] is True
    assert body["data_age_days"] > 2000


def test_healthz_is_503_when_the_database_is_down():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port}/test"}
    output = run_python(
        "from django.test import Client\n"
        "response = Client(HTTP_HOST='localhost').get('/healthz')\n"
        "print(response.status_code, response.json()['database'])\n",
        env,
    )
    assert output.strip() == "503 unreachable"


def test_an_access_log_record_keeps_the_path_and_never_the_query():
    from datetime import timedelta

    record = access_record(
        method="GET",
        path="/?near=Broken+Arrow",
        status="200 OK",
        response_bytes=120,
        duration=timedelta(milliseconds=12.5),
    )
    assert {key: record[key] for key in ("method", "path", "status", "bytes", "duration_ms")} == {
        "method": "GET",
        "path": "/",
        "status": 200,
        "bytes": 120,
        "duration_ms": 12.5,
    }


def test_gunicorn_logs_one_json_line_per_request_without_the_search(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=PROJECT_DIR, env=env, check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_path = tmp_path / "gunicorn.log"
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            gunicorn,
            cwd=PROJECT_DIR,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/?near=Broken+Arrow%2C+OK&lat=36.05", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(log_path.read_text())
    finally:
        server.terminate()
        server.wait(timeout=20)
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [("GET", "/", 200)]
    assert "Broken" not in log_path.read_text() and "36.05" not in log_path.read_text()


def test_gunicorn_errors_name_neither_the_search_nor_the_client(capsys):
    from gunicorn.config import Config

    from config.access_log import PrivateJsonLogger

    logger = PrivateJsonLogger(Config())
    logger.error("Error handling request %s", "GET /?near=123+Main+St%2C+Tulsa")
    logger.warning("Invalid request from ip=203.0.113.9: Bad request line")
    logged = capsys.readouterr().err
    assert "Error handling request GET /" in logged and "Invalid request from ip=-" in logged
    assert "Main" not in logged and "203.0.113.9" not in logged


def test_workers_hand_freed_heap_back_every_thousand_requests(monkeypatch):
    spec = importlib.util.spec_from_file_location("gunicorn_conf", PROJECT_DIR / "config" / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.MALLOC_TRIM is not None, "glibc's malloc_trim was not found"
    trims = []
    monkeypatch.setattr(conf, "MALLOC_TRIM", trims.append)
    worker = types.SimpleNamespace()
    for _ in range(2500):
        conf.post_request(worker, None, {}, None)
    assert trims == [0, 0]


def test_gunicorns_master_hides_what_it_loaded_before_forking_from_the_garbage_collector():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", PROJECT_DIR / "config" / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    try:
        conf.when_ready(None)
        # Full collections in the workers no longer walk the gazetteer: they stopped a worker for 250 ms.
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()

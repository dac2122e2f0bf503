"""Rate limits count in the cache every worker shares, under a keyed hash of the client's address."""

import http.client
import os
import pickle
import re
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from config.settings import shared_cache
from locator.limits import ApiRateThrottle, ReportRateThrottle
from tests.conftest import PROJECT_DIR

CLIENT_ADDRESS = "203.0.113.77"


def test_a_limits_cache_key_holds_no_client_address():
    request = RequestFactory().get("/api/v1/meta/", REMOTE_ADDR=CLIENT_ADDRESS)
    throttle = ApiRateThrottle()
    assert throttle.allow_request(request, None)
    assert re.fullmatch("throttle_api_[0-9a-f]{64}", throttle.key)
    other = RequestFactory().get("/api/v1/meta/", REMOTE_ADDR="203.0.113.78")
    assert ApiRateThrottle().get_cache_key(other, None) != throttle.key
    assert ReportRateThrottle().get_cache_key(request, None) != throttle.key


def test_the_files_of_the_limits_hold_no_client_address(tmp_path):
    cache_dir = tmp_path / "cache"
    file_cache = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(cache_dir)}
    with override_settings(CACHES={"default": file_cache}):
        for throttle in (ApiRateThrottle(), ReportRateThrottle()):
            assert throttle.allow_request(RequestFactory().post("/", REMOTE_ADDR=CLIENT_ADDRESS), None)
    files = list(cache_dir.iterdir())
    assert len(files) == 2
    for path in files:
        assert CLIENT_ADDRESS not in path.name
        with path.open("rb") as stored:
            pickle.load(stored)  # the expiry time
            value = zlib.decompress(stored.read())
        assert CLIENT_ADDRESS.encode() not in path.read_bytes() and CLIENT_ADDRESS.encode() not in value


def test_the_shared_cache_is_files_unless_cache_url_names_redis(settings):
    files = shared_cache("")
    assert files["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert files["LOCATION"] == str(settings.LOCATOR_CACHE_DIR)
    redis_cache = shared_cache("redis://127.0.0.1:6379/0")
    assert redis_cache == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
    with pytest.raises(ImproperlyConfigured) as refused:
        shared_cache("memcached://cache-user:s3cret@cache.internal:11211")
    assert "memcached://" in str(refused.value) and "s3cret" not in str(refused.value)


# A real gunicorn with two workers: the limits must hold across them, and across a restart.

API_LIMIT = 5
REPORT_LIMIT = 3
REDIS_URL = "redis://127.0.0.1:6379/13"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError as error:
        message = f"no Redis answers on 127.0.0.1:6379 ({error})"
        if os.environ.get("LOCATOR_REQUIRE_REDIS") == "1":
            pytest.fail(f"{message}, and LOCATOR_REQUIRE_REDIS=1 requires it")
        pytest.skip(f"{message} (start redis-server, or set LOCATOR_REQUIRE_REDIS=1 to fail instead)")
    return client


@pytest.fixture(params=["files", "redis"])
def shared_cache_env(request, tmp_path) -> Iterator[dict[str, str]]:
    if request.param == "files":
        yield {"LOCATOR_CACHE_DIR": str(tmp_path / "cache")}
        return
    client = redis_or_skip()
    client.flushdb()
    yield {"CACHE_URL": REDIS_URL}
    client.flushdb()


class Gunicorn:
    """gunicorn as deployed (config/gunicorn.conf.py), each worker writing its pid after every request."""

    def __init__(self, tmp_path: Path, env: dict[str, str]):
        self.port = free_port()
        self.env = {"GUNICORN_WORKERS": "2", **env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.pids_path = tmp_path / "pids"
        self.log_path = tmp_path / "gunicorn.log"
        self.config_path = tmp_path / "gunicorn.conf.py"
        self.config_path.write_text(
            f"exec(open({str(PROJECT_DIR / 'config' / 'gunicorn.conf.py')!r}).read())\n"
            "project_post_request = post_request\n"
            "def post_request(worker, req, environ, resp):\n"
            "    project_post_request(worker, req, environ, resp)\n"
            f"    with open({str(self.pids_path)!r}, 'a') as pids:\n"
            "        pids.write(f'{worker.pid}\\n')\n"
        )
        self.server: subprocess.Popen | None = None
        self.provider_path = ""

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "-c", str(self.config_path), "config.wsgi"]
        with open(self.log_path, "a") as log:
            self.server = subprocess.Popen(command, cwd=PROJECT_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail(self.log_path.read_text())

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    def request(self, method: str, path: str, **kwargs) -> tuple[int, str, dict[str, str]]:
        # A new connection each time, so that either worker may take it.
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, **kwargs)
            response = connection.getresponse()
            return response.status, response.read().decode(), dict(response.getheaders())
        finally:
            connection.close()

    @contextmanager
    def holding_one_worker(
        self, method: str, path: str, *, body: str = "", headers: dict[str, str]
    ) -> Iterator[list[int]]:
        """Sends a request all but its blank line, the rest on leaving: meanwhile the worker that took it waits
        for the rest, and every other request goes to the other worker. Yields the list its status goes in."""
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in {**headers, "Content-Length": len(body)}.items())
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as held:
            held.sendall(head.encode())
            status: list[int] = []
            yield status
            held.sendall(f"\r\n{body}".encode())
            response = http.client.HTTPResponse(held)
            response.begin()
            status.append(response.status)

    def worker_pids(self) -> list[str]:
        return self.pids_path.read_text().split() if self.pids_path.exists() else []


def prepare_database(env: dict[str, str]) -> str:
    """Migrates the database `env` names and puts one provider in Tulsa; the path of its page."""
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=PROJECT_DIR, env=env, check=True)
    make_provider = (
        "import django; django.setup()\n"
        "from tests.factories import make_provider\n"
        "print(make_provider(name='Gunicorn Clinic', latitude=36.15, longitude=-95.99).id)\n"
    )
    provider_id = subprocess.run(
        [sys.executable, "-c", make_provider],
        cwd=PROJECT_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"/providers/{provider_id}/"


@pytest.fixture
def gunicorn(tmp_path, shared_cache_env) -> Iterator[Gunicorn]:
    env = {
        **{name: value for name, value in os.environ.items() if name != "CACHE_URL"},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOCATOR_API_RATE_LIMIT": f"{API_LIMIT}/minute",
        "LOCATOR_REPORT_RATE_LIMIT": f"{REPORT_LIMIT}/hour",
        "GUNICORN_ACCESS_LOG": "off",
        # One request per worker, so that holding one request open sends the others to the other worker.
        "GUNICORN_WORKER_CLASS": "sync",
        **shared_cache_env,
    }
    server = Gunicorn(tmp_path, env)
    server.provider_path = prepare_database(env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def report_form(server: Gunicorn) -> dict:
    """What a browser posts as a report: the CSRF token and cookie of the form it was given. The report
    itself is empty, refused with 400, but only after it has counted."""
    status, page, headers = server.request("GET", f"{server.provider_path}report/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    return {
        "method": "POST",
        "path": f"{server.provider_path}report/",
        "body": f"csrfmiddlewaretoken={token}",
        "headers": {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    }


def post_report(server: Gunicorn) -> int:
    return server.request(**report_form(server))[0]


def stored_cache_entries(env: dict[str, str]) -> list[bytes]:
    """Each entry of the shared cache, its key (Redis) or file name and its value as stored."""
    if "CACHE_URL" in env:
        client = redis.Redis.from_url(env["CACHE_URL"])
        return [key + b" " + client.get(key) for key in client.keys("*")]
    entries = []
    for path in Path(env["LOCATOR_CACHE_DIR"]).iterdir():
        with path.open("rb") as file:
            pickle.load(file)  # the expiry time
            entries.append(path.name.encode() + b" " + zlib.decompress(file.read()))
    return entries


def test_limits_hold_across_two_gunicorn_workers_and_a_restart(gunicorn):
    search = "/api/v1/providers/?near=74103"
    # Both workers count: a worker alone counts right even in its own memory.
    with gunicorn.holding_one_worker("GET", search, headers={}) as held:
        statuses = [gunicorn.request("GET", search)[0] for _ in range(2)]
    statuses += held + [gunicorn.request("GET", search)[0] for _ in range(3 * API_LIMIT - 3)]
    assert statuses == [200] * API_LIMIT + [429] * (2 * API_LIMIT)
    with gunicorn.holding_one_worker(**report_form(gunicorn)) as held:
        reports = [post_report(gunicorn) for _ in range(2)]
    reports += held + [post_report(gunicorn) for _ in range(3 * REPORT_LIMIT - 3)]
    assert reports == [400] * REPORT_LIMIT + [429] * (2 * REPORT_LIMIT)
    served_by = set(gunicorn.worker_pids())
    assert len(served_by) == 2, f"one worker served every request ({served_by})"
    # One count for the API, one for the reports; none says who or where.
    entries = stored_cache_entries(gunicorn.env)
    assert len(entries) == 2
    assert not [entry for entry in entries if b"127.0.0.1" in entry or b"74103" in entry]

    gunicorn.stop()
    served_before_restart = len(gunicorn.worker_pids())
    gunicorn.start()
    assert [gunicorn.request("GET", search)[0] for _ in range(4)] == [429] * 4
    assert [post_report(gunicorn) for _ in range(4)] == [429] * 4
    assert not served_by & set(gunicorn.worker_pids()[served_before_restart:])

"""Against gunicorn as deployed (config/gunicorn.conf.py): slow clients cannot starve the service, an
over-long URL is refused, and a database outage answers 503 with Retry-After, serves what it kept, and
heals by itself when the database returns."""

import json
import os
import socket
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from tests.test_limits import Gunicorn, free_port, prepare_database

POSTGRES_ADMIN_URL = os.environ.get("LOCATOR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _service_env(tmp_path, database_url: str, **extra: str) -> dict[str, str]:
    return {
        **{name: value for name, value in os.environ.items() if name != "CACHE_URL"},
        "DATABASE_URL": database_url,
        "LOCATOR_CACHE_DIR": str(tmp_path / "cache"),
        "GUNICORN_ACCESS_LOG": "off",
        **extra,
    }


@pytest.fixture
def sqlite_gunicorn(tmp_path) -> Iterator[Gunicorn]:
    env = _service_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", GUNICORN_WORKERS="2")
    prepare_database(env)
    server = Gunicorn(tmp_path, env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _dribble(port: int, stop: threading.Event) -> None:
    """A client on a bad line: a request's first line, then a header byte now and then, never the end."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
        slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.wait(0.5):
            slow.sendall(b"X-Slow: a\r\n")


def test_four_slow_clients_do_not_keep_healthz_waiting(sqlite_gunicorn):
    stop = threading.Event()
    slow_clients = [threading.Thread(target=_dribble, args=(sqlite_gunicorn.port, stop)) for _ in range(4)]
    for client in slow_clients:
        client.start()
    try:
        time.sleep(1)
        for _ in range(5):
            started = time.monotonic()
            status = sqlite_gunicorn.request("GET", "/healthz")[0]
            assert status == 200 and time.monotonic() - started < 1.0
    finally:
        stop.set()
        for client in slow_clients:
            client.join()


def test_an_over_long_url_is_refused_by_gunicorn(sqlite_gunicorn):
    status, _body, _headers = sqlite_gunicorn.request("GET", "/?near=" + "7" * 9_000)
    assert status in (400, 414)
    assert sqlite_gunicorn.request("GET", "/?near=74103")[0] == 200


class SwitchableProxy:
    """A TCP relay to PostgreSQL that the test can cut and restore: a database outage the test owns,
    without stopping the PostgreSQL other tests use."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.open_sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuses new connections and breaks the open ones, as a database that went away."""
        if self.listener is None:
            return
        # shutdown() wakes the thread blocked in accept(); close() alone leaves it accepting.
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.listener = None
        with self.lock:
            for open_socket in self.open_sockets:
                try:
                    open_socket.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                open_socket.close()
            self.open_sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open_sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for either in (source, sink):
                try:
                    either.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A database of its own on the local PostgreSQL, dropped afterwards; its name."""
    name = f"locator_outage_{os.getpid()}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        message = f"no PostgreSQL answers at {POSTGRES_ADMIN_URL} ({error})"
        if os.environ.get("LOCATOR_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{message}, and LOCATOR_REQUIRE_POSTGRES=1 requires it")
        pytest.skip(f"{message} (start PostgreSQL, or set LOCATOR_REQUIRE_POSTGRES=1 to fail instead)")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield name
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_database_outage_answers_503_serves_kept_answers_and_heals(tmp_path, postgres_database):
    server_info = psycopg.conninfo.conninfo_to_dict(POSTGRES_ADMIN_URL)
    proxy = SwitchableProxy((server_info.get("host", "127.0.0.1"), int(server_info.get("port", 5432))))
    proxy.start()
    user = server_info.get("user", "postgres")
    # One worker, so that the answer kept before the outage is in the process asked during it.
    env = _service_env(tmp_path, f"postgres://{user}@127.0.0.1:{proxy.port}/{postgres_database}", GUNICORN_WORKERS="1")
    provider_path = prepare_database(env)
    server = Gunicorn(tmp_path, env)
    server.start()
    try:
        kept_api, kept_page = "/api/v1/providers/?near=74103", "/?near=74103"
        assert server.request("GET", kept_api)[0] == 200 and server.request("GET", kept_page)[0] == 200

        proxy.stop()
        time.sleep(1.2)  # past the kept answers' check of the directory's version
        assert server.request("GET", kept_api)[0] == 200
        assert server.request("GET", kept_page)[0] == 200
        status, body, headers = server.request("GET", "/api/v1/providers/?near=74104")
        assert status == 503 and int(headers["Retry-After"]) > 0
        assert json.loads(body)["error"]["code"] == "unavailable"
        for path in ("/?near=74104", provider_path):
            status, body, headers = server.request("GET", path)
            assert status == 503 and "Retry-After" in headers and "1-800-662-4357" in body, path
        assert server.request("GET", "/healthz")[0] == 503

        proxy.start()
        for _ in range(50):
            if server.request("GET", "/healthz")[0] == 200:
                break
            time.sleep(0.1)
        assert server.request("GET", "/api/v1/providers/?near=74104")[0] == 200
        assert server.request("GET", provider_path)[0] == 200
    finally:
        server.stop()
        proxy.stop()

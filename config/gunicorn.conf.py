"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`. Each value can come from the environment."""

import ctypes
import ctypes.util
import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
# Threads, so that a few clients sending their request slowly cannot hold every worker: with sync workers
# two connections dribbling headers kept /healthz waiting 32 s. A thread waits on a slow client while the
# others answer. Searches are short; in production a buffering proxy (deploy/nginx.conf) sends only
# complete requests, and this is the defence when it does not.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Request line and headers as gunicorn bounds them by default (a longer URL answers 414), said here
# because the service relies on it.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Recycle workers now and then, so that no slow growth in one process lasts.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
preload_app = True
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# "-" is standard output; GUNICORN_ACCESS_LOG=off turns the access log off (a load test, say).
accesslog = None if os.environ.get("GUNICORN_ACCESS_LOG") == "off" else os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# One JSON object per request, without the query string, the client's address or the referrer.
logger_class = "config.access_log.PrivateJsonLogger"


def when_ready(server) -> None:
    # The app is preloaded in this master process: read the ZIP gazetteer (a few seconds) once here,
    # before the workers fork, instead of in each worker on its first search.
    from locator import gazetteer

    gazetteer.load()
    # What is loaded now lives as long as the process: out of the garbage collector's sight, a full
    # collection no longer walks it. Each walked the gazetteer's hundreds of thousands of objects and
    # stopped a worker for 250 ms, the p99 of a load test.
    gc.freeze()


def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc: nothing to hand back this way


MALLOC_TRIM = _malloc_trim()
TRIM_EVERY_REQUESTS = 1000


def post_request(worker, req, environ, resp) -> None:
    # Kept answers (10-15 KB each) come and go among short-lived allocations and leave free gaps in glibc's
    # heap that still count as the worker's memory: measured +2 MiB a minute under load while Python's own
    # memory stayed flat. Handing the gaps back to the system every thousand requests costs about 1 ms.
    worker.requests_since_trim = getattr(worker, "requests_since_trim", 0) + 1
    if MALLOC_TRIM is not None and worker.requests_since_trim >= TRIM_EVERY_REQUESTS:
        worker.requests_since_trim = 0
        MALLOC_TRIM(0)

"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`. Each value can come from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
# Searches are short and CPU-bound: plain sync workers, one request each, no threads to share the GIL.
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
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

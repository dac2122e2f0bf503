"""Load test: gunicorn (2 workers, production settings) on a throwaway database holding all of
../shared/data, driven by wrk for a bounded time and request count with mixed API and page searches.

    .venv/bin/python bench/load.py [--seconds 60] [--max-requests 200000] [--workers 2]

Needs wrk (apt-get install wrk). Prints a table: requests/s, p50/p99 latency, errors, the
machine's speed before and after the run (a fixed Python loop), and the workers' memory every tenth of
the run, from after a warm-up that fills the bounded kept answers.
DATABASE_URL chooses the database, as for the other benchmarks; the workers are gthread ones with 8 threads
as deployed, or sync ones with GUNICORN_WORKER_CLASS=sync GUNICORN_THREADS=1.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import PROJECT_DIR, throwaway_database  # noqa: I001  (sets up Django first)
from django.conf import settings
from django.db import connection

from locator import gazetteer
from locator.importing.importer import import_files

WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local counter = 0
local limit = %(limit)d
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
function response(status, headers, body)
  if counter >= limit then wrk.thread:stop() end
end
"""


# The page form's checkbox for OTPs sends "on".
PAGE_FILTERS = {"&otp=true": "&otp=on"}


def search_paths(kind: str, count: int, seed: int, popular_share: float) -> list[str]:
    """Searches at real ZIP codes, with the radii and filters people use. A `popular_share` of them ask
    about 300 places, the most popular far more often (1/rank), as a helpline's or a city's callers do;
    the rest ask about any ZIP code at random."""
    rng = random.Random(seed)
    zip_codes = sorted(place.zip_code for place in gazetteer._zip_places().values())
    popular = rng.sample(zip_codes, 300)
    weights = [1 / rank for rank in range(1, len(popular) + 1)]
    filters = ["", "&medication=buprenorphine", "&medication=methadone", "&otp=true", "&payment=medicaid"]
    radii = [10, 25, 25, 50]
    paths = []
    for _ in range(count):
        if rng.random() < popular_share:
            zip_code = rng.choices(popular, weights)[0]
            extra, radius = filters[0], 25
        else:
            zip_code, extra, radius = rng.choice(zip_codes), rng.choice(filters), rng.choice(radii)
        if kind == "api":
            paths.append(f"/api/v1/providers/?near={zip_code}&radius={radius}{extra}")
        else:
            paths.append(f"/?near={zip_code}&radius={radius}{PAGE_FILTERS.get(extra, extra)}")
    return paths


def worker_kind() -> str:
    """The workers gunicorn runs with config/gunicorn.conf.py: a sync worker with more than one thread is a
    gthread worker (GUNICORN_THREADS=1 for sync ones)."""
    kind = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
    threads = int(os.environ.get("GUNICORN_THREADS", "8"))
    if kind == "sync" and threads > 1:
        kind = "gthread"
    return f"gthread ({threads} threads)" if kind == "gthread" else kind


def database_url() -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{settings_dict['USER']}{password}@{host}:{port}/{settings_dict['NAME']}"


def warm_up(base_url: str, paths: list[str]) -> int:
    """Ask every path once, four at a time; how many did not answer 200. (wrk cannot stop at a request
    count before its time is up.)"""

    def status(path: str) -> int:
        try:
            with urllib.request.urlopen(base_url + path, timeout=30) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(4) as pool:
        return sum(code != 200 for code in pool.map(status, paths))


def cpu_reference_ms() -> float:
    """The best of three runs of a fixed pure-Python loop: this machine's speed at the moment, which drifted by a
    third within minutes on these shared machines, so that two runs' requests/s can be compared."""
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(1_000_000):
            total += number * number % 7
        timings.append(time.perf_counter() - started)
    return min(timings) * 1000


def worker_memory_mib(master_pid: int) -> list[float]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


def run_wrk(base_url: str, paths_file: Path, connections: int, seconds: int, limit: int, scratch: Path) -> dict:
    script = scratch / f"{paths_file.stem}.lua"
    script.write_text(WRK_SCRIPT % {"paths": paths_file, "limit": limit})
    return subprocess.Popen(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base_url],
        stdout=subprocess.PIPE,
        text=True,
    )


def parse_wrk(output: str) -> dict:
    def milliseconds(text: str) -> float:
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests": requests,
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--max-requests", type=int, default=200_000, help="per kind of search")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--api-connections", type=int, default=8)
    parser.add_argument("--page-connections", type=int, default=2)
    parser.add_argument(
        "--popular-share",
        type=float,
        default=0.8,
        help="share of searches about 300 popular places (0: every search at a random ZIP code)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk); nothing measured.")
        return
    with throwaway_database() as vendor, tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        started = time.monotonic()
        import_files([settings.LOCATOR_SHARED_DATA_DIR])
        print(f"imported ../shared/data into {vendor} in {time.monotonic() - started:.0f} s")
        connection.close()
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "load-test-only-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_ROOT": str(scratch / "static"),
            "LOCATOR_API_RATE_LIMIT": "off",
            "GUNICORN_BIND": "127.0.0.1:8765",
            "GUNICORN_WORKERS": str(args.workers),
            "GUNICORN_ACCESS_LOG": "off",
            "GUNICORN_MAX_REQUESTS": "0",
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=PROJECT_DIR, env=env, check=True
        )
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base_url = "http://127.0.0.1:8765"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{base_url}/healthz", timeout=2).read()
                    break
                except OSError:
                    if gunicorn.poll() is not None:
                        raise SystemExit("gunicorn did not start; run it by hand with the same settings to see why")
                    time.sleep(0.2)
            api_file, page_file = scratch / "api.txt", scratch / "pages.txt"
            api_file.write_text("\n".join(search_paths("api", 50_000, 1, args.popular_share)) + "\n")
            page_file.write_text("\n".join(search_paths("page", 20_000, 2, args.popular_share)) + "\n")
            # Warm up until each worker's kept answers are full and hold what the run will ask: memory measured
            # before that would count the bounded caches filling as growth. New places first, then every
            # popular search a few times, so that each worker holds the popular answers as the freshest.
            warm_count = args.workers * settings.LOCATOR_RECENT_ANSWERS
            started = time.monotonic()
            warm_paths = [
                *search_paths("api", warm_count, 3, 0),
                *search_paths("page", warm_count, 4, 0),
                *[*dict.fromkeys(search_paths("api", 20_000, 1, 1))] * args.workers * 2,
                *[*dict.fromkeys(search_paths("page", 20_000, 2, 1))] * args.workers * 2,
            ]
            warm_failures = warm_up(base_url, warm_paths)
            print(
                f"warmed up with {len(warm_paths)} searches in {time.monotonic() - started:.0f} s, "
                f"{warm_failures} failed"
            )
            memory = [(0, worker_memory_mib(gunicorn.pid))]
            reference_before = cpu_reference_ms()
            api = run_wrk(base_url, api_file, args.api_connections, args.seconds, args.max_requests, scratch)
            pages = run_wrk(base_url, page_file, args.page_connections, args.seconds, args.max_requests, scratch)
            step = max(1, args.seconds // 6)
            for elapsed in range(step, args.seconds, step):
                time.sleep(step)
                memory.append((elapsed, worker_memory_mib(gunicorn.pid)))
            results = {
                "API searches": parse_wrk(api.communicate()[0]),
                "page searches": parse_wrk(pages.communicate()[0]),
            }
            memory.append((args.seconds, worker_memory_mib(gunicorn.pid)))
            reference_after = cpu_reference_ms()
        finally:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
    print(
        f"\ngunicorn, {args.workers} {worker_kind()} workers, {vendor}, "
        f"{args.seconds} s of mixed load on 127.0.0.1, "
        f"{args.popular_share:.0%} of searches about 300 popular places\n"
    )
    print("| | requests | requests/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for name, result in results.items():
        print(
            f"| {name} | {result['requests']} | {result['rate']:.0f} | {result['p50']:.1f} | {result['p99']:.1f} "
            f"| {result['errors']} |"
        )
    print(
        f"\nCPU reference (a fixed Python loop, smaller is faster): {reference_before:.0f} ms before the run, "
        f"{reference_after:.0f} ms after"
    )
    print("\nworker memory (RSS MiB) during the run:\n")
    print("| second | " + " | ".join(f"worker {number}" for number in range(1, args.workers + 1)) + " |")
    print("|---|" + "---|" * args.workers)
    for elapsed, sizes in memory:
        print(f"| {elapsed} | " + " | ".join(f"{size:.0f}" for size in sizes) + " |")
    growth = [end - start for start, end in zip(memory[0][1], memory[-1][1])]
    print("\ngrowth from start to end (MiB): " + ", ".join(f"{size:+.1f}" for size in growth))


if __name__ == "__main__":
    main()

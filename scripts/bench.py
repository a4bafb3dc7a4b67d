"""Benchmark the public pages through gunicorn on the current database (``make bench``).

Starts gunicorn (DEBUG=0, the settings of production) on a free port, then for each public page
measures, with concurrent clients (threads and keep-alive ``http.client`` connections):

- requests/s and p50/p99 latency with the public page cache on (what visitors get),
- p50/p95 of uncached requests (PAGE_CACHE=0 server),
- the queries one uncached request makes (counted in-process with Django's test client),
- HTML size,

each throughput as a ratio to a trivial Django view (``/health/``, the load balancers' health check) served by the same
gunicorn in the same run, and checks the targets of issue #12. Environment: BENCH_SECONDS (per
page, default 5), BENCH_CLIENTS (default 8), BENCH_WORKERS (gunicorn workers, default 4).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def environment(**extra) -> dict:
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    env.update(
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def start_server(port: int, **extra) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "ogptracker.wsgi",
        f"--bind={HOST}:{port}",
        f"--workers={WORKERS}",
        "--timeout=120",
        "--keep-alive=5",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=environment(**extra))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def hammer(port: int, path: str, seconds: float, clients: int) -> tuple[float, list[float], int]:
    """requests/s, latencies (s) and errors for ``clients`` keep-alive clients for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept-Language": "en"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return len(latencies) / elapsed, latencies, errors[0]


def warm(port: int, path: str, limit: float = 120) -> None:
    """Fill every worker's cache: ask until several answers in a row come from the cache."""
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    in_a_row, deadline = 0, time.monotonic() + limit
    while in_a_row < 4 * WORKERS and time.monotonic() < deadline:
        connection.request("GET", path, headers={"Accept-Language": "en"})
        response = connection.getresponse()
        response.read()
        in_a_row = in_a_row + 1 if response.getheader("X-Page-Cache") == "hit" else 0
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=120)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def pages() -> list[tuple[str, str]]:
    """The public pages to measure, on the current database's largest objects."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogptracker.settings")
    for key, value in environment().items():
        os.environ.setdefault(key, value)
    django.setup()
    from commitments.models import Commitment
    from commitments.rollups import Rollup
    from plans.models import ActionPlan, Institution, Member

    def largest(scope, model, field="n_commitments"):
        row = Rollup.objects.filter(scope=scope).order_by(f"-{field}", "object_id").first()
        return model.objects.filter(pk=row.object_id).first() if row else model.objects.first()

    member = largest("member", Member)
    plan = largest("plan", ActionPlan)
    institution = largest("institution", Institution, "n_led")
    commitment = Commitment.objects.published().order_by("-pk").only("pk", "ogp_id").first()
    if not (member and plan and institution and commitment):
        raise SystemExit("The database is empty: run loaddemo or generate_scale first.")
    return [
        ("home", "/en/"),
        ("member", f"/en/members/{member.slug}/"),
        ("plan", f"/en/plans/{plan.slug}/"),
        ("commitment", f"/en/commitments/{commitment.key}/"),
        ("institution", f"/en/institutions/{institution.slug}/"),
        ("explorer", "/en/commitments/"),
        ("explorer ?status", "/en/commitments/?status=stuck"),
        ("explorer ?q", "/en/commitments/?q=participacion"),
        ("explorer page 200", "/en/commitments/?page=200"),
        ("feed", "/en/feeds/updates/"),
        ("API list", "/api/v1/commitments/"),
    ]


def queries_and_size(path: str) -> tuple[int, int]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE = False
    client = Client()
    client.get(path, HTTP_HOST="127.0.0.1")  # warm per-process caches, as a running server has
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST="127.0.0.1")
    return len(captured), len(response.content)


def main() -> int:
    targets = pages()
    measured = {name: queries_and_size(path) for name, path in targets}
    cached_port, fresh_port = free_port(), free_port()
    cached = start_server(cached_port)
    fresh = start_server(fresh_port, PAGE_CACHE="0")
    rows = []
    try:
        trivial_rps, trivial_lat, _errors = hammer(cached_port, "/health/", SECONDS, CLIENTS)
        for name, path in targets:
            warm(cached_port, path)
            rps, lat, errors = hammer(cached_port, path, SECONDS, CLIENTS)
            # Uncached latency: one client at a time, so the figure is a request's own cost.
            _rps, fresh_lat, fresh_errors = hammer(fresh_port, path, SECONDS, 1)
            rows.append((name, path, rps, lat, errors + fresh_errors, fresh_lat))
    finally:
        for process in (cached, fresh):
            process.terminate()
            process.wait(timeout=30)
    print(
        f"\nTrivial Django view: {trivial_rps:.0f} req/s, p50 "
        f"{percentile(trivial_lat, 0.5) * 1000:.1f} ms ({CLIENTS} clients, {WORKERS} workers)\n"
    )
    header = (
        "| page | cached req/s | ratio to trivial | cached p50 / p99 ms | uncached p50 / p95 ms "
        "| queries | HTML KB | targets |"
    )
    print(header)
    print("|---|---|---|---|---|---|---|---|")
    all_met = True
    for name, _path, rps, lat, errors, fresh_lat in rows:
        queries, size = measured[name]
        ratio = rps / trivial_rps if trivial_rps else 0
        p50_fresh = percentile(fresh_lat, 0.5) * 1000
        p95_fresh = percentile(fresh_lat, 0.95) * 1000
        checks = {
            "queries ≤ 12": queries <= 12,
            "uncached p50 ≤ 50 ms": p50_fresh <= 50,
            "cached ≥ 50 % of trivial": ratio >= 0.5,
            "< 100 KB": size < 100 * 1024 or name == "API list",
            "no errors": errors == 0,
        }
        if name == "explorer ?q":
            checks["search p95 ≤ 100 ms"] = p95_fresh <= 100
        missed = [label for label, ok in checks.items() if not ok]
        all_met = all_met and not missed
        print(
            f"| {name} | {rps:.0f} | {ratio:.0%} | {percentile(lat, 0.5) * 1000:.1f} / "
            f"{percentile(lat, 0.99) * 1000:.1f} | {p50_fresh:.1f} / {p95_fresh:.1f} | {queries} "
            f"| {size / 1024:.0f} | {'met' if not missed else 'missed: ' + ', '.join(missed)} |"
        )
    print("\nEvery target met." if all_met else "\nSome targets missed (see the last column).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark the public pages through gunicorn on the current database (``make bench``).

Starts gunicorn (DEBUG=0, the settings of production) on a free port, then for each public page
measures (``http.client`` connections from threads):

- p50/p95 of uncached requests, one client at a time (PAGE_CACHE=0 server, each worker having
  answered the page twice; the slowest of those first answers is reported too), all measured
  first, before any run that saturates the machine,
- the queries one uncached request makes (counted in-process with Django's test client),
- HTML size, and the bytes a cached answer sends (compressed, as browsers ask: every request
  carries a browser's ``Accept-Encoding``),
- then requests/s and p50/p99 latency with the public page cache on (what visitors get), with
  concurrent clients, as a ratio to a trivial Django view (``/health/``, the load balancers'
  health check) served by the same gunicorn, measured again right before each page;

the admin's changelists and change pages as a secretariat member, one request at a time
(p50/p95 and queries), and the full downloads (time to the first byte,
to the end, size, the end-of-data row, the worker's peak memory); and checks the targets of issue
#12. Environment: BENCH_SECONDS (per page, default 5), BENCH_CLIENTS (default 8), BENCH_WORKERS
(gunicorn workers, default 4), BENCH_DOWNLOADS=0 to leave the downloads out.
"""

from __future__ import annotations

import gzip
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
# What a browser sends: the cached pages' figures are those of what visitors get.
BROWSER = {"Accept-Language": "en", "Accept-Encoding": "gzip, deflate, br, zstd"}


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


def start_server(port: int, workers: int = WORKERS, **extra) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "ogptracker.wsgi",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
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


def hammer(
    port: int, path: str, seconds: float, clients: int, headers: dict | None = None
) -> tuple[float, list[float], int]:
    """requests/s, latencies (s) and errors for ``clients`` keep-alive clients for ``seconds``."""
    headers = {**BROWSER, **(headers or {})}
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
                connection.request("GET", path, headers=headers)
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


def warm(port: int, path: str, limit: float = 120) -> int:
    """Fill every worker's cache: ask until several answers in a row come from the cache.
    Returns the bytes of the last answer's body, as sent (compressed when it is), after
    checking that it decompresses whole."""
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    in_a_row, deadline, sent = 0, time.monotonic() + limit, 0
    while in_a_row < 4 * WORKERS and time.monotonic() < deadline:
        connection.request("GET", path, headers=BROWSER)
        response = connection.getresponse()
        body = response.read()
        sent = len(body)
        if response.getheader("Content-Encoding") == "gzip":
            gzip.decompress(body)  # raises on a broken stream
        in_a_row = in_a_row + 1 if response.getheader("X-Page-Cache") == "hit" else 0
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=120)
    return sent


def settle(port: int, path: str, headers: dict | None = None) -> float:
    """Ask an uncached server for ``path`` twice per worker before it is measured, each time on
    a new connection (so every worker answers): templates compiled, per-process caches filled,
    as a running server's are. Returns the slowest of those first answers, in seconds: what a
    worker's first request for the page costs, reported beside the steady figures."""
    headers = {**BROWSER, **(headers or {})}
    slowest = 0.0
    for _ in range(2 * WORKERS):
        connection = http.client.HTTPConnection(HOST, port, timeout=120)
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        connection.getresponse().read()
        slowest = max(slowest, time.perf_counter() - started)
        connection.close()
    return slowest


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


def admin_pages() -> list[tuple[str, str]]:
    """The secretariat's busiest admin pages, on the current database's largest objects."""
    from django.db.models import Count

    from commitments.models import Commitment, Milestone

    commitment = (
        Commitment.objects.annotate(n=Count("milestones")).order_by("-n", "pk").only("pk").first()
    )
    milestone = Milestone.objects.order_by("-pk").only("pk").first()
    return [
        ("commitments", "/admin/commitments/commitment/"),
        ("commitments ?q", "/admin/commitments/commitment/?q=participacion"),
        ("commitments page 100", "/admin/commitments/commitment/?p=100"),
        ("commitment change", f"/admin/commitments/commitment/{commitment.pk}/change/"),
        ("milestones", "/admin/commitments/milestone/"),
        ("milestones ?status", "/admin/commitments/milestone/?status__exact=stuck"),
        ("milestone change", f"/admin/commitments/milestone/{milestone.pk}/change/"),
        ("milestone updates", "/admin/commitments/milestoneupdate/"),
        ("action plans", "/admin/plans/actionplan/"),
        ("institutions", "/admin/plans/institution/"),
        ("members", "/admin/plans/member/"),
        ("documents", "/admin/plans/document/"),
        ("comments", "/admin/commitments/comment/"),
    ]


def secretariat_session() -> str:
    """A signed-in session of a secretariat member kept for the benchmark (made if missing)."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    user, _ = get_user_model().objects.get_or_create(
        username="bench-secretariat",
        defaults={"is_staff": True, "first_name": "Bench", "last_name": "Secretariat"},
    )
    user.groups.add(Group.objects.get(name="Secretariat"))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def queries_and_size(path: str, session_key: str | None = None) -> tuple[int, int]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE = False
    client = Client()
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    client.get(path, HTTP_HOST="127.0.0.1")  # warm per-process caches, as a running server has
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST="127.0.0.1")
    return len(captured), len(response.content)


def worker_peak_kb(master: subprocess.Popen) -> int:
    """The largest peak resident memory (VmHWM) of the gunicorn master's workers, in KB."""
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master.pid) and "VmHWM" in fields:
            peak = max(peak, int(fields["VmHWM"].split()[0]))
    return peak


def download(port: int, path: str) -> tuple[float, float, int, bool, int]:
    """Seconds to the first byte and to the end, bytes, whether it ends with the end row, status."""
    connection = http.client.HTTPConnection(HOST, port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - started
    size, tail = len(first), first
    while chunk := response.read(1 << 16):
        size += len(chunk)
        tail = (tail + chunk)[-200:]
    total = time.perf_counter() - started
    complete = b"# end of data: " in tail.rsplit(b"\n", 2)[-2] if b"\n" in tail else False
    return first_byte, total, size, complete, response.status


DOWNLOADS = [
    ("commitments.csv", "/data/commitments.csv"),
    ("milestones.csv", "/data/milestones.csv"),
]


def bench_downloads() -> list[tuple]:
    """Each full download on its own one-worker server, to read that worker's peak memory."""
    rows = []
    for name, path in DOWNLOADS:
        port = free_port()
        server = start_server(port, workers=1)
        try:
            idle_kb = worker_peak_kb(server)
            first_byte, total, size, complete, status = download(port, path)
            peak_kb = worker_peak_kb(server)
            rows.append((name, first_byte, total, size, complete, status, idle_kb, peak_kb))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return rows


def verdict(checks: dict[str, bool]) -> str:
    """The targets column: "met", or which were missed."""
    missed = [label for label, ok in checks.items() if not ok]
    return "met" if not missed else "missed: " + ", ".join(missed)


def main() -> int:
    targets = pages()
    measured = {name: queries_and_size(path) for name, path in targets}
    session_key = secretariat_session()
    admin_targets = admin_pages()
    admin_measured = {name: queries_and_size(path, session_key) for name, path in admin_targets}
    cached_port, fresh_port = free_port(), free_port()
    cached = start_server(cached_port)
    fresh = start_server(fresh_port, PAGE_CACHE="0")
    rows = []
    try:
        # Uncached latency first, one client at a time, so the figure is a request's own cost:
        # on a shared machine, right after the saturating runs below, the same request took
        # up to half as long again.
        uncached = {}
        for name, path in targets:
            first = settle(fresh_port, path)
            _rps, fresh_lat, fresh_errors = hammer(fresh_port, path, SECONDS, 1)
            uncached[name] = (fresh_lat, fresh_errors, first)
        admin_rows = []
        cookie = {"Cookie": f"sessionid={session_key}"}
        for name, path in admin_targets:
            settle(fresh_port, path, headers=cookie)
            _rps, lat, errors = hammer(fresh_port, path, SECONDS, 1, headers=cookie)
            admin_rows.append((name, lat, errors))
        trivial_rps, trivial_lat, _errors = hammer(cached_port, "/health/", SECONDS, CLIENTS)
        for name, path in targets:
            sent = warm(cached_port, path)
            # The trivial view again right before each page: a shared machine's speed drifts
            # within a run, and a ratio compares two figures of the same moment.
            beside_rps, _lat, _errors = hammer(cached_port, "/health/", SECONDS / 2, CLIENTS)
            rps, lat, errors = hammer(cached_port, path, SECONDS, CLIENTS)
            fresh_lat, fresh_errors, first = uncached[name]
            rows.append(
                (name, path, rps, lat, errors + fresh_errors, fresh_lat, beside_rps, first, sent)
            )
    finally:
        for process in (cached, fresh):
            process.terminate()
            process.wait(timeout=30)
    print(
        f"\nTrivial Django view: {trivial_rps:.0f} req/s, p50 "
        f"{percentile(trivial_lat, 0.5) * 1000:.1f} ms ({CLIENTS} clients, {WORKERS} workers)\n"
    )
    header = (
        "| page | cached req/s | trivial req/s beside it | ratio to trivial "
        "| cached p50 / p99 ms | uncached p50 / p95 ms | a worker's first, ms | queries "
        "| HTML KB | KB sent cached | targets |"
    )
    print(header)
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    all_met = True
    for name, _path, rps, lat, errors, fresh_lat, beside_rps, first, sent in rows:
        queries, size = measured[name]
        ratio = rps / beside_rps if beside_rps else 0
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
        all_met = all_met and all(checks.values())
        print(
            f"| {name} | {rps:.0f} | {beside_rps:.0f} | {ratio:.0%} "
            f"| {percentile(lat, 0.5) * 1000:.1f} / "
            f"{percentile(lat, 0.99) * 1000:.1f} | {p50_fresh:.1f} / {p95_fresh:.1f} "
            f"| {first * 1000:.0f} | {queries} "
            f"| {size / 1024:.0f} | {sent / 1024:.0f} | {verdict(checks)} |"
        )
    print("\nThe admin, signed in as a secretariat member, one request at a time:\n")
    print("| page | p50 / p95 ms | queries | HTML KB | targets |")
    print("|---|---|---|---|---|")
    for name, lat, errors in admin_rows:
        queries, size = admin_measured[name]
        p50, p95 = percentile(lat, 0.5) * 1000, percentile(lat, 0.95) * 1000
        checks = {"≤ 300 ms": p50 <= 300, "queries ≤ 20": queries <= 20, "no errors": not errors}
        all_met = all_met and all(checks.values())
        print(
            f"| {name} | {p50:.0f} / {p95:.0f} | {queries} | {size / 1024:.0f} | {verdict(checks)} |"
        )
    if os.environ.get("BENCH_DOWNLOADS", "1") != "0":
        print("\nFull downloads, each from a one-worker server (gunicorn --timeout=120):\n")
        print(
            "| file | first byte s | complete s | MB | ends with its end row | worker peak MB "
            "| targets |"
        )
        print("|---|---|---|---|---|---|---|")
        for name, first_byte, total, size, complete, status, idle_kb, peak_kb in bench_downloads():
            checks = {
                "first byte < 1 s": first_byte < 1,
                "complete < 120 s": total < 120,
                "ends with its end row": complete and status == 200,
                "peak < 150 MB": peak_kb < 150 * 1024,
            }
            all_met = all_met and all(checks.values())
            print(
                f"| {name} | {first_byte:.2f} | {total:.1f} | {size / 1e6:.0f} "
                f"| {'yes' if complete else 'no'} | {peak_kb / 1024:.0f} (idle {idle_kb / 1024:.0f}) "
                f"| {verdict(checks)} |"
            )
    print("\nEvery target met." if all_met else "\nSome targets missed (see the last column).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

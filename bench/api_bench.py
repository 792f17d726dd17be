"""API throughput and latency under gunicorn at 2,000 roles: the role list, the tree and pay-estimate.

Run with `make bench`. Builds a scratch SQLite catalogue, starts `gunicorn shopconfig.wsgi:application`
on a free loopback port (2 workers, DEBUG off) and, per endpoint, sends BENCH_WARMUP uncounted requests,
then BENCH_REQUESTS requests from BENCH_CLIENTS threads, each with its own http.client connection.
Prints req/s, p50 and p99 (client side: connect, send, full response read; a request waiting for a free
worker counts its wait). Targets (issue 5): pay-estimate p99 ≤ 10 ms; tree at 2,000 roles p50 ≤ 15 ms.
"""

import http.client
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.mkdtemp())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopconfig.settings")
from bench.serving import free_port, production_like_env, start_server, stop_server, wait_until_up  # noqa: E402

# Also given to the server explicitly: importing bench.pages_bench points DATABASE_URL elsewhere.
SERVER_ENV = {
    "DATABASE_URL": f"sqlite:///{SCRATCH}/api.sqlite3",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    **production_like_env(),
}
os.environ.update(SERVER_ENV)

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.pages_bench import build_catalogue  # noqa: E402
from roles.apps import HR_GROUP  # noqa: E402
from roles.models import Role  # noqa: E402

ROLES = int(os.environ.get("BENCH_ROLES", "2000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "40"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
PAY_FACTS = {"performance_score": "92", "late_count": 1, "leave_count": 0, "sales_amount": "120000"}


def prepare():
    """Scratch catalogue, an HR user with a token, and pay amounts on the promotion specialist."""
    call_command("migrate", verbosity=0)
    build_catalogue(ROLES, random.Random(2026))
    hr = User.objects.create_user("bench-hr", is_staff=True)
    hr.groups.add(Group.objects.get(name=HR_GROUP))
    token = Token.objects.create(user=hr).key
    specialist = Role.objects.get(slug="promotion-specialist")
    assert specialist.pay_scheme_id, "the promotion specialist needs its pay scheme for pay-estimate"
    Role.objects.filter(pk=specialist.pk).update(base_salary="3000.00", performance_bonus_amount="800.00")
    count = Role.objects.count()
    connection.close()  # the server's workers open their own connections
    return token, specialist.pk, count


def load(port, method, path, body, headers, count):
    """`count` requests shared by CLIENTS threads; seconds of wall time and each request's latency."""
    latencies, errors = [], []
    barrier = threading.Barrier(CLIENTS + 1)
    per_thread = [count // CLIENTS + (i < count % CLIENTS) for i in range(CLIENTS)]

    def client(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # reconnects if the server closes
        mine = []
        barrier.wait()
        try:
            for _ in range(n):
                start = time.perf_counter()
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response_body = response.read()
                mine.append(time.perf_counter() - start)
                if response.status != 200:
                    errors.append((response.status, response_body[:200]))
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            conn.close()
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in per_thread]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    if errors:
        sys.exit(f"{method} {path}: {len(errors)} failed, e.g. {errors[0]}")
    return wall, latencies


def main():
    token, specialist, count = prepare()
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    post_headers = {**headers, "Content-Type": "application/json"}
    endpoints = [
        ("GET /api/v1/roles/ (page of 50)", "GET", "/api/v1/roles/", None, headers),
        ("GET /api/v1/tree/", "GET", "/api/v1/tree/", None, headers),
        (
            "POST /api/v1/roles/{id}/pay-estimate/",
            "POST",
            f"/api/v1/roles/{specialist}/pay-estimate/",
            json.dumps(PAY_FACTS),
            post_headers,
        ),
    ]
    port = free_port()
    server = start_server(port, {**os.environ, **SERVER_ENV}, SCRATCH / "gunicorn.log", WORKERS)
    results = {}
    try:
        wait_until_up(server, port, "/api/v1/tree/", headers)
        print(
            f"{count} roles, SQLite, DEBUG off; gunicorn {WORKERS} sync workers on loopback, {CLIENTS} client threads, "
            f"{REQUESTS} requests per endpoint after {WARMUP} warm-up (client-side latency, as HR with a token)"
        )
        print(f"{'endpoint':40} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}")
        for label, method, path, body, hdrs in endpoints:
            load(port, method, path, body, hdrs, WARMUP)
            wall, latencies = load(port, method, path, body, hdrs, REQUESTS)
            p50 = statistics.median(latencies) * 1000
            p99 = statistics.quantiles(latencies, n=100)[98] * 1000
            results[path] = (p50, p99)
            print(f"{label:40} {len(latencies) / wall:7.0f} {p50:7.1f} {p99:7.1f}")
    finally:
        stop_server(server)
    shutil.rmtree(SCRATCH)
    tree_p50 = results["/api/v1/tree/"][0]
    pay_p99 = results[f"/api/v1/roles/{specialist}/pay-estimate/"][1]
    print(
        f"targets: pay-estimate p99 {pay_p99:.1f} ms (≤ 10 ms: {'met' if pay_p99 <= 10 else 'NOT met'}); "
        f"tree p50 {tree_p50:.1f} ms (≤ 15 ms: {'met' if tree_p50 <= 15 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()

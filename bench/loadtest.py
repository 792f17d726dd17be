"""Load test: concurrent clients against gunicorn and PostgreSQL for a bounded time, with targets.

Run with `make loadtest` (not part of `make test`). Starts a private PostgreSQL cluster (bench/serving.py;
the machine's own server is never touched), builds a scratch catalogue of LOAD_ROLES roles (the seed
included), serves it with gunicorn (LOAD_WORKERS sync workers, DEBUG off) on a free loopback port and
runs LOAD_CLIENTS clients for LOAD_SECONDS seconds, each sending its next request as soon as the last
one is answered (no think time) on its own connection, with a timeout of LOAD_TIMEOUT seconds:

- LOAD_MOVERS clients are HR with a token. Each moves leaf roles of its own between a few managers,
  alternately with POST /api/v1/roles/{id}/move/ and PATCH {"parent": …}, and one time in ten tries to
  put a manager under its own subordinate, which must be refused (400 or 409).
- The others mix anonymous page views (/roles/, a role's page, /orgchart/, /orgchart/data.json), API
  reads as a manager with a token (/api/v1/roles/, /api/v1/tree/) and pay estimates
  (POST /api/v1/roles/{id}/pay-estimate/).

Targets: no 5xx, no timeouts, no unexpected status; p95 of all requests under 1 s; every acknowledged
move is in its role's history, in order, and each role's superior is the last one acknowledged;
`manage.py check_tree` clean. Prints a Markdown table per kind of request; exits 1 when a target is
missed. bench/faulttest.py runs the same load with PostgreSQL stopped in the middle.
"""

import http.client
import json
import math
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import PrivatePostgres, free_port, start_server, stop_server, wait_until_up  # noqa: E402

PG = PrivatePostgres("roleatlas_load")
SERVER_ENV = {
    "DATABASE_URL": PG.url,
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
    # Plain HTTP on loopback, as behind a proxy that ends TLS.
    "DJANGO_SECURE_SSL_REDIRECT": "0",
}
os.environ.update(SERVER_ENV)
os.environ["BENCH_DATABASE_URL"] = PG.url  # bench.pages_bench points Django at it too
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopconfig.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.pages_bench import build_catalogue  # noqa: E402
from roles.apps import HR_GROUP, MANAGER_GROUP  # noqa: E402
from roles.models import Role  # noqa: E402

ROLES = int(os.environ.get("LOAD_ROLES", "400"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "30"))
MOVERS = int(os.environ.get("LOAD_MOVERS", "3"))
WORKERS = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
TIMEOUT = float(os.environ.get("LOAD_TIMEOUT", "5"))
P95_TARGET = 1.0  # seconds, over all requests
MANAGERS = 4
LEAVES_PER_MOVER = 8
CYCLE_SHARE = 0.1

# Kinds of request, in the order of the summary table; readers pick one by weight.
READS = {
    "page /roles/": 15,
    "page /roles/<slug>/": 25,
    "page /orgchart/": 10,
    "page /orgchart/data.json": 10,
    "API GET /api/v1/roles/": 15,
    "API GET /api/v1/tree/": 10,
    "API POST pay-estimate": 15,
}
MOVE = "API POST move/"
PATCH = "API PATCH parent"
CYCLE = "API POST move/ (cycle)"
KINDS = [*READS, MOVE, PATCH, CYCLE]
# A cycle is refused: 400 (the target field is wrong) or 409 (a conflict with the tree). Others: 200.
EXPECTED = {CYCLE: (400, 409)}


@dataclass
class Plan:
    """What the clients work on, chosen once from the scratch catalogue."""

    manager_token: str
    hr_token: str
    slugs: list
    pay_roles: list
    pages: int  # of /api/v1/roles/
    managers: list
    cycles: list  # (manager, one of its subordinates that never moves)
    leaves: list  # per mover: {leaf role: its superior before the load}


@dataclass
class Result:
    kind: str
    status: object  # the HTTP status, or "timeout" / an exception's name when there was no response
    start: float  # time.monotonic()
    end: float
    detail: str = ""  # the start of an unexpected answer


@dataclass
class Move:
    role: int
    target: int
    status: object


def acknowledged_status(status):
    return isinstance(status, int) and 200 <= status < 300


def ok(kind, status):
    return status in EXPECTED.get(kind, (200,))


def prepare(rng):
    """Scratch catalogue, a manager and an HR user with tokens, and the roles the clients will use."""
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # with DEBUG off, pages need the manifest
    build_catalogue(ROLES, rng)
    tokens = {}
    for name, group in (("load-manager", MANAGER_GROUP), ("load-hr", HR_GROUP)):
        user = User.objects.create_user(name, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        tokens[group] = Token.objects.create(user=user).key
    pay_roles = list(
        Role.objects.filter(pay_scheme__isnull=False, base_salary__isnull=False, performance_bonus_amount__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert pay_roles, "the seed's roles with pay schemes and example amounts are needed for pay estimates"
    parents = dict(Role.objects.values_list("pk", "parent_id"))
    children = defaultdict(list)
    for pk, parent in sorted(parents.items()):
        if parent is not None:
            children[parent].append(pk)
    managers = rng.sample(sorted(pk for pk in children if parents[pk] is not None), MANAGERS)
    cycles = [(manager, children[manager][0]) for manager in managers]
    fixed = set(managers) | {below for _, below in cycles}
    candidates = sorted(pk for pk, parent in parents.items() if parent and pk not in children and pk not in fixed)
    chosen = rng.sample(candidates, MOVERS * LEAVES_PER_MOVER)
    plan = Plan(
        manager_token=tokens[MANAGER_GROUP],
        hr_token=tokens[HR_GROUP],
        slugs=list(Role.objects.published().values_list("slug", flat=True)),
        pay_roles=pay_roles,
        pages=math.ceil(len(parents) / 50),
        managers=managers,
        cycles=cycles,
        leaves=[{pk: parents[pk] for pk in chosen[i::MOVERS]} for i in range(MOVERS)],
    )
    connection.close()  # the server's workers open their own connections
    return plan


class Client:
    """One simulated user: its own connection, random stream and record of requests."""

    def __init__(self, port, seed, token):
        self.port = port
        self.rng = random.Random(seed)
        self.token = token  # sent to the API only: the pages are viewed anonymously
        self.conn = None
        self.results = []
        self.moves = []

    def send(self, kind, method, path, data=None):
        headers = {"Accept-Language": "zh-hans"}
        if path.startswith("/api/"):
            headers |= {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        body = None
        if data is not None:
            body = json.dumps(data)
            headers["Content-Type"] = "application/json"
        start = time.monotonic()
        try:
            if self.conn is None:  # http.client reconnects by itself after the server closes; not after an error
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
            status = response.status
        except TimeoutError:
            status, content = "timeout", b""
        except (OSError, http.client.HTTPException) as error:
            status, content = type(error).__name__, str(error).encode()
        if not isinstance(status, int):
            self.conn.close()
            self.conn = None
        detail = "" if ok(kind, status) else content[:300].decode(errors="replace")
        self.results.append(Result(kind, status, start, time.monotonic(), detail))
        return status


def read_once(client, plan):
    rng = client.rng
    kind = rng.choices(list(READS), weights=list(READS.values()))[0]
    if kind == "page /roles/":
        client.send(kind, "GET", "/roles/")
    elif kind == "page /roles/<slug>/":
        client.send(kind, "GET", f"/roles/{rng.choice(plan.slugs)}/")
    elif kind == "page /orgchart/":
        client.send(kind, "GET", "/orgchart/")
    elif kind == "page /orgchart/data.json":
        client.send(kind, "GET", "/orgchart/data.json")
    elif kind == "API GET /api/v1/roles/":
        client.send(kind, "GET", f"/api/v1/roles/?page={rng.randint(1, plan.pages)}")
    elif kind == "API GET /api/v1/tree/":
        client.send(kind, "GET", "/api/v1/tree/")
    else:
        facts = {
            "performance_score": str(rng.randint(40, 100)),
            "late_count": rng.randint(0, 3),
            "leave_count": rng.randint(0, 1),
            "sales_amount": str(rng.randint(0, 200_000)),
        }
        client.send(kind, "POST", f"/api/v1/roles/{rng.choice(plan.pay_roles)}/pay-estimate/", facts)


def move_once(client, plan, believed):
    """Move one of this client's leaves under another manager, or try a cycle."""
    rng = client.rng
    if rng.random() < CYCLE_SHARE:
        manager, below = rng.choice(plan.cycles)
        client.send(CYCLE, "POST", f"/api/v1/roles/{manager}/move/", {"target": below, "position": "last-child"})
        return
    role = rng.choice(sorted(believed))
    target = rng.choice([m for m in plan.managers if m != believed[role]])
    if len(client.moves) % 2:
        status = client.send(PATCH, "PATCH", f"/api/v1/roles/{role}/", {"parent": target})
    else:
        status = client.send(MOVE, "POST", f"/api/v1/roles/{role}/move/", {"target": target, "position": "last-child"})
    client.moves.append(Move(role, target, status))
    believed[role] = target


def run_load(port, plan, seconds):
    """All clients until the deadline; returns them with their records."""
    deadline = time.monotonic() + seconds
    movers = [Client(port, i, plan.hr_token) for i in range(MOVERS)]
    readers = [Client(port, 1000 + i, plan.manager_token) for i in range(CLIENTS - MOVERS)]

    def move_loop(client, leaves):
        believed = dict(leaves)
        while time.monotonic() < deadline:
            move_once(client, plan, believed)

    def read_loop(client):
        while time.monotonic() < deadline:
            read_once(client, plan)

    threads = [
        threading.Thread(target=move_loop, args=(c, leaves), daemon=True)
        for c, leaves in zip(movers, plan.leaves, strict=True)
    ]
    threads += [threading.Thread(target=read_loop, args=(c,), daemon=True) for c in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + TIMEOUT + 30)
    if any(thread.is_alive() for thread in threads):
        sys.exit("a client is still running long after the deadline")
    return movers + readers


def nearest_rank(sorted_values, q):
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def latency_cells(results):
    """p50, p95 and p99 in milliseconds, as table cells."""
    durations = sorted(r.end - r.start for r in results)
    if not durations:
        return ["", "", ""]
    return [f"{nearest_rank(durations, q) * 1000:.0f}" for q in (0.5, 0.95, 0.99)]


def status_counts(results):
    """e.g. "503×12, timeout×1"; an em dash when there are none."""
    counts = Counter(r.status for r in results)
    return ", ".join(f"{status}×{n}" for status, n in sorted(counts.items(), key=str)) or "—"


def examples(results):
    """One answer of each unexpected status, for the failure message."""
    first = {}
    for r in results:
        first.setdefault(r.status, f"{r.kind}: {r.status} {r.detail!r}")
    return "; ".join(first.values())


def markdown(header, rows):
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def load_table(results, seconds):
    """Per kind of request: count, unexpected answers, req/s, p50/p95/p99; then all kinds together."""
    rows = []
    for kind in [*KINDS, None]:
        mine = [r for r in results if kind is None or r.kind == kind]
        label = (
            "all" if kind is None else kind + (" → " + "/".join(map(str, EXPECTED[kind])) if kind in EXPECTED else "")
        )
        errors = status_counts(r for r in mine if not ok(r.kind, r.status))
        rows.append([label, len(mine), errors, f"{len(mine) / seconds:.1f}", *latency_cells(mine)])
    return markdown(["requests", "count", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"], rows)


def lost_moves(plan, clients):
    """Acknowledged moves that did not stick; also the number of moves acknowledged.

    Each acknowledged move must be in its role's history, in the order the client made them, and each
    role's superior now must be the last one acknowledged, or one asked for afterwards without an
    answer (a write may commit and its response still fail).
    """
    originals = {role: parent for leaves in plan.leaves for role, parent in leaves.items()}
    attempts = defaultdict(list)
    for client in clients:
        for move in client.moves:
            attempts[move.role].append(move)
    history = defaultdict(list)
    rows = Role.history.filter(id__in=originals).order_by("history_id").values_list("id", "parent_id")
    for role, parent in rows:
        history[role].append(parent)
    parents = dict(Role.objects.filter(pk__in=originals).values_list("pk", "parent_id"))
    problems, acknowledged = [], 0
    for role, original in sorted(originals.items()):
        tries = attempts[role]
        acked = [i for i, move in enumerate(tries) if acknowledged_status(move.status)]
        acknowledged += len(acked)
        recorded = iter(history[role])
        if not all(tries[i].target in recorded for i in acked):
            problems.append(
                f"role {role}: acknowledged moves {[tries[i].target for i in acked]}, history {history[role]}"
            )
        last = acked[-1] if acked else -1
        allowed = {tries[last].target if acked else original} | {move.target for move in tries[last + 1 :]}
        if parents.get(role) not in allowed:
            problems.append(f"role {role}: superior {parents.get(role)}, expected one of {sorted(allowed)}")
    return problems, acknowledged


def tree_check():
    """`manage.py check_tree` against the scratch database: (clean?, its output)."""
    done = subprocess.run(
        [sys.executable, "manage.py", "check_tree"],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        capture_output=True,
        text=True,
    )
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def after_load_checks(plan, clients):
    """The checks both tests make once the load is over: moves kept, tree sound. Returns failures, notes."""
    connection.close()  # the database may have restarted since this process last used it
    failures, notes = [], []
    problems, acknowledged = lost_moves(plan, clients)
    failures += [f"move lost: {problem}" for problem in problems[:10]]
    notes.append(f"{acknowledged} moves acknowledged, {'all kept' if not problems else f'{len(problems)} roles wrong'}")
    clean, output = tree_check()
    notes.append(f"check_tree: {output.splitlines()[-1] if output else '(no output)'}")
    if not clean:
        failures.append(f"check_tree failed:\n{output}")
    return failures, notes


@contextmanager
def served_catalogue():
    """The private PostgreSQL with the scratch catalogue, served by gunicorn: yields (plan, port, server)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))  # so the servers get stopped
    server = None
    try:
        PG.create()
        plan = prepare(random.Random(2026))
        port = free_port()
        server = start_server(port, {**os.environ, **SERVER_ENV}, PG.dir / "gunicorn.log", WORKERS)
        wait_until_up(server, port, "/roles/", {})
        yield plan, port, server
    finally:
        if server is not None:
            stop_server(server)
        PG.destroy()


def server_log_tail(server, lines=40):
    text = Path(server.log_path).read_text(errors="replace").splitlines()
    return "\n".join(text[-lines:]) or "(empty)"


def machine():
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    return f"{os.cpu_count()} cores ({model})"


def report(title, failures, notes):
    """Print the verdict; exit 1 when a target was missed."""
    for note in notes:
        print(note)
    if failures:
        print(f"\n{title}: FAILED")
        for failure in failures:
            print(f"- {failure}")
        sys.exit(1)
    print(f"\n{title}: all targets met")


def main():
    with served_catalogue() as (plan, port, server):
        roles = len(plan.slugs)
        print(
            f"{roles} published roles on PostgreSQL (private, loopback); gunicorn {WORKERS} sync workers, DEBUG off; "
            f"{CLIENTS} clients ({MOVERS} HR movers) for {SECONDS:.0f} s without think time, timeout {TIMEOUT:.0f} s; "
            f"{machine()}"
        )
        started, cpu = time.monotonic(), time.process_time()
        clients = run_load(port, plan, SECONDS)
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
        results = [r for c in clients for r in c.results]
        print(load_table(results, seconds))
        failures = []
        bad = [r for r in results if not ok(r.kind, r.status)]
        if bad:
            failures.append(f"{len(bad)} unexpected answers: {status_counts(bad)}; e.g. {examples(bad)}")
        if any(isinstance(r.status, int) and r.status >= 500 for r in results):
            failures.append(f"server errors; the server's log ends:\n{server_log_tail(server)}")
        p95 = nearest_rank(sorted(r.end - r.start for r in results), 0.95)
        if p95 >= P95_TARGET:
            failures.append(f"p95 of all requests {p95 * 1000:.0f} ms, target < {P95_TARGET * 1000:.0f} ms")
        more_failures, notes = after_load_checks(plan, clients)
        notes[:0] = [
            f"p95 of all requests: {p95 * 1000:.0f} ms (target < {P95_TARGET * 1000:.0f} ms)",
            f"the clients themselves used {cpu / seconds:.0%} of one core",
        ]
        report("load test", failures + more_failures, notes)


if __name__ == "__main__":
    main()

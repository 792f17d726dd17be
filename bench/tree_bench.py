"""Tree-write and admin figures at catalogue scale. Run with `make bench`.

Uses a throw-away database: a temporary SQLite file, or the PostgreSQL named by
BENCH_DATABASE_URL (a database it may drop and recreate).
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopconfig.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from roles import services  # noqa: E402
from roles.models import Role  # noqa: E402
from roles.seed import load_seed  # noqa: E402
from roles.treecheck import tree_problems  # noqa: E402

ROLES = int(os.environ.get("BENCH_ROLES", "2000"))
MOVES = int(os.environ.get("BENCH_MOVES", "200"))


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def main():
    if connection.vendor == "postgresql":
        call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", verbosity=0)
    load_seed()
    rng = random.Random(7)
    department, grade = Role.objects.first().department, Role.objects.first().grade
    ids = list(Role.objects.values_list("pk", flat=True))

    create_times = []
    for i in range(ROLES - len(ids)):
        parent_id = rng.choice(ids)
        role = Role(title=f"岗位{i}", slug=f"bench-{i}", department=department, grade=grade, parent_id=parent_id)
        seconds, role = timed(lambda role=role: services.save_role(role))
        create_times.append(seconds)
        ids.append(role.pk)

    move_times = []
    for _ in range(MOVES):
        role_id, target_id = rng.sample(ids, 2)
        position = rng.choice(services.MOVE_POSITIONS)
        try:
            seconds, _ = timed(lambda r=role_id, t=target_id, p=position: services.move_role(r, t, p))
            move_times.append(seconds)
        except Exception:  # a move under its own subtree is refused; not timed
            pass

    rows = list(Role.objects.values_list("id", "parent_id", "tree_id", "lft", "rght", "level"))
    check_seconds, problems = timed(lambda: tree_problems(rows))

    User.objects.filter(username="bench").delete()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.create_superuser("bench", password="x"))
    client.get("/admin/roles/role/")
    with CaptureQueriesContext(connection) as queries:
        page_seconds, response = timed(lambda: client.get("/admin/roles/role/"))
    assert response.status_code == 200

    print(f"database: {connection.vendor}; roles: {Role.objects.count()}; tree problems: {len(problems)}")
    print(
        f"create a role (median / p95): {ms(statistics.median(create_times))} / {ms(sorted(create_times)[int(len(create_times) * 0.95)])}"
    )
    print(
        f"move a role   (median / p95): {ms(statistics.median(move_times))} / {ms(sorted(move_times)[int(len(move_times) * 0.95)])} over {len(move_times)} moves"
    )
    print(f"check_tree over all roles:    {ms(check_seconds)}")
    print(
        f"admin changelist, all roles:  {ms(page_seconds)}, {len(queries)} queries, {len(response.content) // 1024} KiB"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

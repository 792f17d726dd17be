"""The organisation in time at 2,000 roles with 20,000 dated changes over three years (issue 12).

Measures, as a manager, the chart data today and as of a past day through the one read path
(periods table), against the alternative the periods replace: replaying the change log up to that
day; the changes list of a year (page and API); one dated move and one back-dated rename at that
size; a reorganisation plan of 200 changes: its diff and its approval. Query counts are of one request each. Run with `make bench` (BENCH_DATABASE_URL: PostgreSQL);
prints a table. `--plan-only` measures only the plan (its diff and approval) after building the history.
"""

import datetime
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import pages_bench  # noqa: E402  (sets up Django on a scratch database)
from orgchart import plans  # noqa: E402
from roles import dated, services, timeline  # noqa: E402
from roles.models import Department, Grade, Role, RoleChange, RolePeriod  # noqa: E402
from shopconfig.models import CatalogueRevision  # noqa: E402

ROLES, CHANGES, REPEAT = 2000, 20000, 15


def build_history(rng, today):
    """2,000 roles and 20,000 dated changes over the three years before `today` (a few scheduled after)."""
    pages_bench.build_catalogue(ROLES, rng)
    RoleChange.objects.all().delete()
    start = today - datetime.timedelta(days=3 * 365)
    roles = list(
        Role.objects.values_list("pk", "parent_id", "title", "department_id", "grade_id", "headcount", "level")
    )
    level = {r[0]: r[6] for r in roles}
    by_level = {}
    for r in roles:
        by_level.setdefault(r[6], []).append(r[0])
    departments = list(Department.objects.values_list("pk", flat=True))
    grades = list(Grade.objects.values_list("pk", flat=True))
    dotted = {}
    for a, b in Role.dotted_line_superiors.through.objects.values_list("from_role_id", "to_role_id"):
        dotted.setdefault(a, []).append(b)
    rows = []
    for pk, parent, title, department, grade, headcount, _level in roles:
        state = {"parent": parent, "title": title, "department": department, "grade": grade}
        state.update(headcount=headcount, dotted=sorted(dotted.get(pk, [])), archived=False)
        rows.append(RoleChange(role_id=pk, kind="created", value=state, effective_date=start, applied=True))
    movable = [r[0] for r in roles if r[6] > 0]
    for n in range(CHANGES):
        pk = rng.choice(movable)
        day = start + datetime.timedelta(days=rng.randint(1, 3 * 365 + 90))  # the last 90 days are scheduled
        kind = rng.choice(["parent", "title", "headcount", "grade", "department"])
        if kind == "parent":  # only under a role of a lower original level: never a loop, whatever the order
            value = rng.choice(by_level[rng.randint(0, level[pk] - 1)])
        elif kind == "title":
            value = f"岗位{pk}-{n}"
        elif kind == "headcount":
            value = rng.randint(1, 6)
        else:
            value = rng.choice(departments if kind == "department" else grades)
        rows.append(RoleChange(role_id=pk, kind=kind, value=value, effective_date=day, applied=day <= today))
    rng.shuffle(rows[len(roles) :])  # recorded in any order
    RoleChange.objects.bulk_create(rows, batch_size=2000)
    dated._rebuild_periods([r[0] for r in roles])
    # The present rows as the changes say today (written directly: moving 2,000 roles one by one is not the point).
    states = timeline.organisation_on(dated._changes_of(None), today)
    Role.objects.bulk_update(
        [
            Role(pk=pk, parent_id=s["parent"], title=s["title"], department_id=s["department"], grade_id=s["grade"])
            for pk, s in states.items()
        ]
        + [],
        ["parent_id", "title", "department_id", "grade_id"],
        batch_size=500,
    )
    for pk, s in states.items():
        Role.objects.filter(pk=pk).exclude(headcount=s["headcount"]).update(headcount=s["headcount"])
    Role.objects.rebuild()
    problems = dated.present_problems(today)
    assert not problems, problems[:5]
    if connection.vendor == "postgresql":
        # What autovacuum does in production (this machine's server runs without it): without it the
        # dead row versions of the build and of earlier runs stay, and every write and scan wades through them.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def timed(action, repeat=REPEAT, before=None):
    """`action()` timed as "median (best) ms"; `before()` runs untimed ahead of each. The best of the
    runs shows what the code costs when the shared machine is busy with other work."""
    action()
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return f"{statistics.median(times) * 1000:.1f} ({min(times) * 1000:.1f}) ms"


def queries_of(client, url, before=None):
    """SQL queries of one request, counted as soon as it ends (the next request empties Django's query log)."""
    client.get(url)  # per-process caches warm, as in the timed requests
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def main(plan_only=False):
    call_command("migrate", verbosity=0)
    rng = random.Random(12)
    today = dated.today()
    build_history(rng, today)
    if connection.vendor == "postgresql":  # after a bulk load, as autovacuum would do moments later, not while timing
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    past = today - datetime.timedelta(days=400)
    client = Client(HTTP_HOST="127.0.0.1")
    from django.contrib.auth.models import User

    from tests.factories import make_manager  # a reader who may see the scheduled future too

    User.objects.filter(username="bench-manager").delete()  # BENCH_DATABASE_URL may hold a previous run
    client.force_login(make_manager("bench-manager"))
    print(f"\n## The organisation in time: {ROLES:,} roles, {RoleChange.objects.count():,} dated changes, "
          f"{RolePeriod.objects.count():,} periods ({connection.vendor}; load average "
          f"{os.getloadavg()[0]:.2f})\n")  # fmt: skip
    if plan_only:
        print("| what | p50 (best) | cold: p50 (best) | queries (cold) |")
        print("|---|---|---|---|")
        plan_figures(rng, today)
        return
    # The reader keeps the rows of a day per catalogue revision: "cold" is the first request after a write.
    print("| what | p50 (best) | cold: p50 (best) | queries (cold) |")
    print("|---|---|---|---|")
    year_ago = today - datetime.timedelta(days=365)
    for label, url in [
        ("chart data today", "/orgchart/data.json"),
        (f"chart data as of {past} (periods)", f"/orgchart/data.json?as_of={past}"),
        ("API tree as of a past day", f"/api/v1/tree/?as_of={past}"),
    ]:
        warm = timed(lambda u=url: client.get(u))
        cold = timed(lambda u=url: client.get(u), before=CatalogueRevision.bump)
        queries = f"{queries_of(client, url)} ({queries_of(client, url, CatalogueRevision.bump)})"
        print(f"| {label} | {warm} | {cold} | {queries} |")
    for label, url in [  # nothing kept per revision: one figure
        (f"changes list page, {year_ago} to {today}", f"/orgchart/changes/?from={year_ago}&to={today}"),
        ("API changes list, the same year (first page)", f"/api/v1/changes/?from={year_ago}&to={today}"),
    ]:
        print(f"| {label} | | {timed(lambda u=url: client.get(u), 5)} | {queries_of(client, url)} |")

    def replay():
        rows = RoleChange.objects.filter(effective_date__lte=past).values_list(
            "role_id", "kind", "value", "effective_date", "id"
        )
        return timeline.organisation_on([timeline.Change(*r) for r in rows], past)

    print(f"| alternative: replay the change log to {past} | | {timed(replay, 5)} | 1 |")
    promo = Role.objects.filter(level=3).values_list("pk", flat=True).first()
    target = Role.objects.filter(level=1).values_list("pk", flat=True).first()
    print(
        "| a move scheduled for next month | | "
        f"{timed(lambda: services.move_role(promo, target, effective_date=today + datetime.timedelta(days=30)), 5)} | |"
    )

    def rename():
        role = Role.objects.get(pk=promo)
        role.title = f"更正{time.perf_counter_ns()}"
        services.save_role(role, effective_date=past)

    print(f"| a back-dated rename | | {timed(rename, 5)} | |")
    plan_figures(rng, today)


class RolledBack(Exception):
    """Raised to undo an approval once it has been timed."""


def plan_of_200(rng, user, today):
    """A submitted plan of 200 changes on today's organisation: 80 moves, 60 renames, 55 headcounts,
    5 added roles. A move goes under a role of a lower original level (as the history's moves do),
    so no day of the history has a loop."""
    original = {c.role_id: c.value["parent"] for c in dated._changes_of(None) if c.kind == timeline.CREATED}

    def depth(pk):
        """How far below the top the role was created."""
        return 0 if original[pk] is None else 1 + depth(original[pk])

    by_depth = {}
    for pk in original:
        by_depth.setdefault(depth(pk), []).append(pk)
    movable = sorted(pk for pk in original if depth(pk) > 0)
    plan = plans.create_plan(user, f"bench {time.perf_counter_ns()}", today)
    department, grade = Department.objects.first().pk, Grade.objects.first().pk
    for n in range(200):
        role = rng.choice(movable)
        if n < 80:
            superior = rng.choice(by_depth[rng.randint(0, depth(role) - 1)])
            plans.add_change(plan.pk, user, "move", role, parent=superior)
        elif n < 140:
            plans.add_change(plan.pk, user, "rename", role, title=f"计划岗位{role}-{n}")
        elif n < 195:
            plans.add_change(plan.pk, user, "headcount", role, headcount=rng.randint(1, 6))
        else:
            plans.add_change(
                plan.pk, user, "add", title=f"新岗位{n}", parent=role, department=department, grade=grade, headcount=1
            )
    return plans.submit(plan.pk, user)


def plan_figures(rng, today):
    """The diff of a 200-change plan (p50) and its approval, each approval rolled back after timing
    and after `check_tree` found the tree sound and in step with the dated changes."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from tests.factories import make_user

    User.objects.filter(username="bench-approver").delete()
    approver = make_user("bench-approver", superuser=True)
    plan = plan_of_200(rng, approver, today)
    print(f"| a plan of 200 changes: its diff | | {timed(lambda: plans.plan_diff(plan), 5)} | |")
    times = []
    for _ in range(3):
        start = time.perf_counter()
        try:
            with transaction.atomic():
                plans.approve(plan.pk, approver, today)
                times.append(time.perf_counter() - start)
                call_command("check_tree", stdout=io.StringIO())  # CommandError when not
                raise RolledBack
        except RolledBack:
            pass
    approval = f"{statistics.median(times) * 1000:.0f} ({min(times) * 1000:.0f}) ms"
    print(f"| the same plan approved, effective today (then check_tree: clean) | | {approval} | |")


if __name__ == "__main__":
    main(plan_only="--plan-only" in sys.argv[1:])

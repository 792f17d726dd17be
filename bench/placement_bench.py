"""One placement check against the active headcount plan at 2,000 roles and 20,000 employees (issue 13).
Target: ≤ 20 ms.

An active plan covering today has a line per role and caps on every top department (the deepest check:
a role line and a cap above it); the 20,000 people are spread over the roles, some with later start
dates (预增) and last days (预减). Measured: `placement.check()` of a new hire (the locks and counts, no
write), `placement.place()` of a new hire (check and save; rolled back each time), and the same for a
move (调动), each the median (best) of BENCH_REPEAT runs, with the queries of one. Run with
`python bench/placement_bench.py` (BENCH_DATABASE_URL: PostgreSQL); prints a table with the load average.
"""

import datetime
import os
import platform
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import pages_bench  # noqa: E402  (sets up Django on a scratch database)
from bench.timeline_bench import timed  # noqa: E402
from orgchart import placement  # noqa: E402
from orgchart.models import Employee, HeadcountLine, HeadcountPlan  # noqa: E402
from roles import dated  # noqa: E402
from roles.models import Department, Role  # noqa: E402

ROLES, PEOPLE = 2000, 20000
REPEAT = int(os.environ.get("BENCH_REPEAT", "25"))


def build(rng, today):
    pages_bench.build_catalogue(ROLES, rng)
    HeadcountPlan.objects.all().delete()
    Employee.objects.all().delete()
    roles = list(Role.objects.values_list("pk", flat=True))
    day = datetime.timedelta(days=1)
    people = []
    for n in range(PEOPLE):
        start, end = today - rng.randint(30, 2000) * day, None
        if rng.random() < 0.05:
            start = today + rng.randint(1, 60) * day
        elif rng.random() < 0.1:
            end = today + rng.randint(0, 60) * day
        role = rng.choice(roles)
        people.append(Employee(name=f"员工{n}", employee_number=f"P{n}", role_id=role, start_date=start, end_date=end))
    Employee.objects.bulk_create(people, batch_size=2000)
    plan = HeadcountPlan.objects.create(
        name="年度编制",
        start_date=today.replace(month=1, day=1),
        end_date=today.replace(month=12, day=31),
        status=HeadcountPlan.Status.ACTIVE,
        control_mode=HeadcountPlan.ControlMode.WARN,
    )
    placement.add_lines_from_roles(plan)
    HeadcountLine.objects.filter(plan=plan).update(seats=1000)  # room everywhere: every check counts, none warns
    HeadcountLine.objects.bulk_create(
        HeadcountLine(plan=plan, department_id=pk, seats=100_000)
        for pk in Department.objects.filter(parent=None).values_list("pk", flat=True)
    )
    return roles


def rolled_back(action):
    """Run `action` in a transaction that is rolled back: the database is the same for the next run."""

    def run():
        with transaction.atomic():
            action()
            transaction.set_rollback(True)

    return run


def queries(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def main():
    call_command("migrate", verbosity=0)
    rng, today = random.Random(13), dated.today()
    roles = build(rng, today)
    role = Role.objects.get(pk=rng.choice(roles))
    hire = Employee(name="新人", employee_number="NEW", role=role, start_date=today)
    someone = Employee.objects.filter(end_date=None).exclude(role=role).first()

    def moved():
        return placement.move(someone.pk, role)

    cases = [
        ("check a new hire", rolled_back(lambda: placement.check(hire))),
        ("place a new hire (check + save)", rolled_back(lambda: placement.place(Employee(**hire_fields(hire))))),
        ("move someone (调动)", rolled_back(moved)),
    ]
    print(f"placement checks, {ROLES} roles, {PEOPLE} employees, {connection.vendor}, {platform.machine()}")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(f"{'operation':<34} {'median (best)':>18} {'queries':>8}")
    for name, action in cases:
        print(f"{name:<34} {timed(action, repeat=REPEAT):>18} {queries(action):>8}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def hire_fields(hire):
    return {
        "name": hire.name,
        "employee_number": hire.employee_number,
        "role": hire.role,
        "start_date": hire.start_date,
    }


if __name__ == "__main__":
    main()

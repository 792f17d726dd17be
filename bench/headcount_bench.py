"""The headcount report (编制报表) at 2,000 roles and 20,000 employees (issue 13). Target: page p50 ≤ 150 ms.

The data of bench/placement_bench.py (an active plan covering today with a line per role and caps on the
top departments; 20,000 people spread over the roles, some hired to start later (预增), some with a last
day ahead (预减)), with the lines' seats 1–12 and modes mixed (the plan's, none, warn, deny, ratio
80–120 %), a tenth of the people gone and 200 placements saved over the plan. Measured as a manager through Django's test client: the page, its Excel file and
GET /api/v1/headcount/, median (best) of BENCH_REPEAT requests warm (the roles' rows cached per catalogue
revision, as repeated reads get them) and cold (the revision changed before each request, as after any
write to a role), with the queries of one request. Run with `make bench` (BENCH_DATABASE_URL:
PostgreSQL); prints a table with the machine's load average.
"""

import datetime
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench import placement_bench  # noqa: E402  (sets up Django on a scratch database)
from bench.timeline_bench import queries_of, timed  # noqa: E402
from orgchart.models import Employee, HeadcountLine, HeadcountPlan, OverPlanPlacement  # noqa: E402
from roles import dated  # noqa: E402
from roles.models import Role  # noqa: E402
from shopconfig.models import CatalogueRevision  # noqa: E402

ROLES, PEOPLE = 2000, 20000
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def build(rng, today):
    """placement_bench's 2,000 roles, 20,000 people and active plan, with its lines' seats and modes mixed, a
    tenth of the people gone and 200 placements saved over the plan (see the module's docstring)."""
    roles = placement_bench.build(rng, today)
    plan = HeadcountPlan.objects.get()
    rng.shuffle(roles)
    modes, seats = ["", "none", "warn", "deny", "ratio"], range(1, 13)
    for n, (mode, count) in enumerate((m, s) for m in modes for s in seats):
        some = roles[n :: len(modes) * len(seats)]
        percent = rng.choice([80, 100, 120]) if mode == "ratio" else None
        lines = HeadcountLine.objects.filter(plan=plan, role_id__in=some)
        lines.update(seats=count, control_mode=mode, ratio_percent=percent)
    HeadcountLine.objects.filter(plan=plan, department__isnull=False).update(seats=4000)
    settled = Employee.objects.filter(start_date__lte=today - datetime.timedelta(days=30), end_date=None)
    gone = list(settled.values_list("pk", flat=True)[: PEOPLE // 10])
    Employee.objects.filter(pk__in=gone).update(end_date=today - datetime.timedelta(days=5))
    OverPlanPlacement.objects.bulk_create(
        OverPlanPlacement(
            plan=plan,
            line_name=person.role.title,
            employee=person,
            employee_name=person.name,
            employee_number=person.employee_number,
            role=person.role,
            role_title=person.role.title,
            action=OverPlanPlacement.Action.ADD,
            day=today,
            planned=3,
            allowed=3,
            occupied=4,
        )
        for person in Employee.objects.select_related("role")[:200]
    )
    if connection.vendor == "postgresql":  # fresh statistics after the updates
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def processor():
    """The CPU's model name (Linux), else what the platform module knows."""
    try:
        with open("/proc/cpuinfo") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def main():
    call_command("migrate", verbosity=0)
    rng = random.Random(13)
    today = dated.today()
    build(rng, today)
    from django.contrib.auth.models import User

    from tests.factories import make_manager

    User.objects.filter(username="bench-manager").delete()  # BENCH_DATABASE_URL may hold a previous run
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(make_manager("bench-manager"))

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\n## Headcount report: {Role.objects.count():,} roles, {Employee.objects.count():,} employees, "
        f"{HeadcountLine.objects.count():,} plan lines ({connection.vendor}, {os.cpu_count()} cores, "
        f"{processor()}, load average {load} at the start)"
    )
    print(
        f"{'request (as a manager)':34} {'warm median (best)':>22} {'cold median (best)':>22} {'queries':>8} {'KiB':>6}"
    )
    for url in ["/orgchart/headcount/", "/orgchart/headcount.xlsx", "/api/v1/headcount/"]:

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        size = len(get().content) // 1024
        warm = timed(get, REPEAT)
        cold_time = timed(get, REPEAT, before=CatalogueRevision.bump)
        print(f"{url:34} {warm:>22} {cold_time:>22} {queries_of(client, url):8} {size:6}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load} at the end; {time.strftime('%Y-%m-%d %H:%M %Z')}")


if __name__ == "__main__":
    main()

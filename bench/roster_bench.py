"""Roster import (花名册导入) of 5,000 rows into 2,000 roles and 20,000 employees. Target (issue 13): ≤ 10 s.

The file: 2,000 new hires (a tenth starting later), 2,000 people as they are, 700 moves (调动) and 300
leavers given a 离职日期, in random order, roles named by title or role number. An active headcount plan
(提醒, one line per role from start_plan, so every placement is checked and the over-plan ones are
recorded) covers today. Timed, best and median of BENCH_REPEAT runs, each on the same data:

- read: the .xlsx into rows (parser);
- preview: what the page shows (no writes);
- import: the preview again inside the transaction, then the writes (rolled back after each run but
  the last);
- again: the same file once more (nothing changes);
- page: the upload-and-preview request and the import request, through Django's test client as HR.

Scratch SQLite database, or the PostgreSQL database BENCH_DATABASE_URL names (emptied).
"""

import datetime
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopconfig.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/roster.sqlite3"
from bench.serving import use_production_like_env  # noqa: E402

use_production_like_env()

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bench.pages_bench import build_catalogue  # noqa: E402
from orgchart import placement  # noqa: E402
from orgchart.models import Employee, HeadcountPlan, OverPlanPlacement  # noqa: E402
from orgchart.roster.parser import parse_xlsx  # noqa: E402
from orgchart.roster.service import import_roster, preview  # noqa: E402
from roles import dated  # noqa: E402
from roles.apps import HR_GROUP  # noqa: E402
from roles.models import Role, Shift  # noqa: E402

ROLES = int(os.environ.get("BENCH_ROLES", "2000"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "20000"))
ROWS = int(os.environ.get("BENCH_ROSTER_ROWS", "5000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
HEADER = ["工号", "姓名", "岗位", "班次", "入职日期", "离职日期"]


def build(rng):
    build_catalogue(ROLES, rng)
    roles = list(Role.objects.values_list("pk", flat=True))
    for pk in list(Role.objects.filter(code="").values_list("pk", flat=True))[::2]:
        Role.objects.filter(pk=pk).update(code=f"R-{pk}")  # half the roles named by number in the file
    today = dated.today()
    have = Employee.objects.count()
    Employee.objects.bulk_create(
        (
            Employee(
                name=f"在职{i}",
                employee_number=f"P{i}",
                role_id=rng.choice(roles),
                start_date=today - datetime.timedelta(days=rng.randint(30, 2000)),
            )
            for i in range(PEOPLE - have)
        ),
        batch_size=1000,
    )
    plan = HeadcountPlan(
        name="年度编制",
        start_date=today.replace(month=1, day=1),
        end_date=today.replace(month=12, day=31),
        status=HeadcountPlan.Status.ACTIVE,
        control_mode=HeadcountPlan.ControlMode.WARN,
    )
    placement.start_plan(plan)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def roster_file(rng):
    """The .xlsx bytes of ROWS rows (see the module docstring)."""
    today = dated.today()
    roles = list(Role.objects.exclude(status=Role.Status.ARCHIVED).values_list("pk", "title", "code"))
    shifts = [""] + list(Shift.objects.values_list("name", flat=True))
    people = list(
        Employee.objects.select_related("role", "shift").order_by("?")[: ROWS * 3 // 5]
    )  # unchanged, moved, leaving
    rows = []
    for i in range(ROWS * 2 // 5):
        _pk, title, code = rng.choice(roles)
        start = today + datetime.timedelta(days=rng.randint(-300, -1) if rng.random() < 0.9 else rng.randint(1, 60))
        rows.append([f"N{i}", f"新员工{i}", code or title, rng.choice(shifts), start, None])
    for n, person in enumerate(people):
        role_text = person.role.code or person.role.title
        end = person.end_date
        if n < ROWS * 7 // 50:  # moved
            _pk, title, code = rng.choice(roles)
            role_text = code or title
        elif n < ROWS // 5:  # leaving
            end = today + datetime.timedelta(days=rng.randint(1, 90))
        shift = person.shift.name if person.shift else ""
        rows.append([person.employee_number, person.name, role_text, shift, person.start_date, end])
    rng.shuffle(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(action, *, keep=False):
    """Best and median seconds of REPEAT runs of `action`, each rolled back unless `keep` (then run once more,
    kept); and the queries of one run."""
    times = []
    for _ in range(REPEAT):
        with transaction.atomic():
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        action()
        transaction.set_rollback(not keep)
    return min(times), statistics.median(times), len(queries)


def main():
    rng = random.Random(2026)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # a PostgreSQL database keeps other benches' data
    build(rng)
    data = roster_file(rng)
    roster = parse_xlsx(data)
    result = preview(roster)
    counts = result.counts
    print(
        f"{Role.objects.count()} roles, {Employee.objects.count()} employees, an active plan (提醒) with "
        f"{HeadcountPlan.objects.get().lines.count()} lines; {connection.vendor}"
    )
    print(
        f"file: {len(roster.rows)} rows, {len(data) / 1024:.0f} KiB: {counts['new']} new, {counts['changed']} changed, "
        f"{counts['unchanged']} unchanged, {counts['error']} errors, "
        f"{sum(bool(o.warnings) for o in result.outcomes)} over plan (warned)"
    )
    print(f"best / median of {REPEAT}")
    print(f"{'step':34} {'best':>8} {'median':>8} {'queries':>8}")
    hr = User.objects.create_user("bench-hr", is_staff=True)
    hr.groups.add(Group.objects.get(name=HR_GROUP))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(hr)

    def page():
        response = client.post(
            "/orgchart/roster/import/", {"step": "preview", "file": SimpleUploadedFile("花名册.xlsx", data)}
        )
        assert response.status_code == 200, response.status_code
        signed = response.content.decode().split('name="roster" value="', 1)[1].split('"', 1)[0]
        response = client.post("/orgchart/roster/import/", {"step": "import", "roster": signed})
        assert response.status_code == 200, response.status_code

    steps = [
        ("read the .xlsx", lambda: parse_xlsx(data)),
        ("preview", lambda: preview(roster)),
        ("page: upload + preview, import", page),
        ("read + import", lambda: import_roster(parse_xlsx(data), user=hr)),
    ]
    for label, action in steps:
        best, median, queries = timed(action, keep=label == "read + import")
        print(f"{label:34} {best:7.2f}s {median:7.2f}s {queries:8d}")
    again = import_roster(roster)
    assert again.counts["new"] == again.counts["changed"] == 0, again.counts
    best, median, queries = timed(lambda: import_roster(parse_xlsx(data), user=hr))
    print(f"{'read + import again (no change)':34} {best:7.2f}s {median:7.2f}s {queries:8d}")
    print(f"over-plan placements recorded: {OverPlanPlacement.objects.count()}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

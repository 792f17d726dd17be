"""Pay against band (issue 14, item 4) at 2,000 roles, 30 pay grades and 12 job families. Targets: /roles/bands/
p50 ≤ 150 ms with constant queries; the lint over all roles (`lint_roles`) ≤ 2 s.

pages_bench's catalogue of 2,000 roles, every role placed on a random pay grade and family and given one of
the seed's pay schemes, a base salary and a full performance bonus (so every role is drawn on the page, some
outside their band). Measured as a manager through Django's test client: the page's median of BENCH_REPEAT
requests and its queries, again after 20 more such roles; `linting.catalogue_findings()` and the command
`lint_roles --format json`, median of BENCH_LINT_REPEAT runs. Run with `make bench` (BENCH_DATABASE_URL:
PostgreSQL); prints a table with the machine's load average.
"""

import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench import pages_bench  # noqa: E402  (sets up Django on a scratch database)
from roles import linting  # noqa: E402
from roles.apps import MANAGER_GROUP  # noqa: E402
from roles.models import JobFamily, PayGrade, PayScheme, Role  # noqa: E402

ROLES, PAY_GRADES, FAMILIES = 2000, 30, 12
LINT_REPEAT = int(os.environ.get("BENCH_LINT_REPEAT", "5"))


def build(rng):
    pages_bench.build_catalogue(ROLES, rng)
    for number in range(PayGrade.objects.count() + 1, PAY_GRADES + 1):
        low = Decimal(1500 + 400 * number)
        PayGrade.objects.create(number=number, name=f"{number}等", band_min=low, band_max=low * Decimal("1.5"))
    for n in range(JobFamily.objects.count(), FAMILIES):
        JobFamily.objects.create(code=f"bench-family-{n}", name=f"序列{n}", order=100 + n)
    grades = list(PayGrade.objects.values_list("pk", "band_min"))
    families = list(JobFamily.objects.values_list("pk", flat=True))
    schemes = list(PayScheme.objects.values_list("pk", flat=True))
    placed = []
    for pk in Role.objects.values_list("pk", flat=True):
        grade, low = rng.choice(grades)
        base = (low * Decimal(rng.uniform(0.6, 1.3))).quantize(Decimal("1"))
        placed.append(
            Role(pk=pk, pay_grade_id=grade, job_family_id=rng.choice(families), pay_scheme_id=rng.choice(schemes),
                 base_salary=base, performance_bonus_amount=Decimal(rng.choice([0, 500, 800, 1500])))
        )  # fmt: skip
    fields = ["pay_grade", "job_family", "pay_scheme", "base_salary", "performance_bonus_amount"]
    Role.objects.bulk_update(placed, fields, batch_size=500)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return grades, families, schemes


def timed_ms(action, repeat):
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main():
    from django.contrib.auth.models import Group, User

    call_command("migrate", verbosity=0)
    rng = random.Random(14)
    grades, families, schemes = build(rng)
    User.objects.filter(username="bench-manager").delete()
    manager = User.objects.create_user("bench-manager", is_staff=True)
    manager.groups.add(Group.objects.get(name=MANAGER_GROUP))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(manager)

    with open("/proc/loadavg") as load:
        print(
            f"\n## Pay against band: {Role.objects.count():,} roles, {PayGrade.objects.count()} pay grades, "
            f"{JobFamily.objects.count()} job families ({connection.vendor}, {os.cpu_count()} cores, load "
            f"{load.read().split()[0]} at the start; median of {pages_bench.REPEAT} requests)"
        )
    url = "/roles/bands/"
    ms, queries, size = pages_bench.measure(client, url)
    print(f"{url:32} manager  p50 {ms:7.1f} ms  {queries} queries  {size} KiB  (target ≤ 150 ms)")
    findings = linting.catalogue_findings()
    lint_ms = timed_ms(linting.catalogue_findings, LINT_REPEAT)
    print(f"linting.catalogue_findings()     p50 {lint_ms:7.1f} ms  {len(findings)} findings  (target ≤ 2000 ms)")
    command_ms = timed_ms(lambda: call_command("lint_roles", "--format", "json", stdout=io.StringIO()), LINT_REPEAT)
    print(f"lint_roles --format json         p50 {command_ms:7.1f} ms")

    parent = Role.objects.filter(level=3).first()
    for i in range(20):
        grade, low = rng.choice(grades)
        Role.objects.create(title=f"新增岗位{i}", slug=f"bands-bench-{i}", parent=parent, department=parent.department,
                            grade=parent.grade, status=Role.Status.PUBLISHED, pay_grade_id=grade,
                            job_family_id=rng.choice(families), pay_scheme_id=rng.choice(schemes), base_salary=low,
                            performance_bonus_amount=Decimal(800))  # fmt: skip
    after = pages_bench.measure(client, url)[1]
    print(f"{url}: {queries} queries, {after} after 20 more roles ({'constant' if after == queries else 'GROWS'})")
    with open("/proc/loadavg") as load:
        print(f"load {load.read().split()[0]} at the end; {time.strftime('%Y-%m-%d %H:%M %Z')}")


if __name__ == "__main__":
    main()

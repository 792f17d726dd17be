"""Server time and SQL queries of the catalogue pages at 200, 2,000 and 5,000 roles, the chart
with people's names at 2,000 roles and 20,000 employees, and the job-architecture matrix at 2,000
roles, 30 pay grades and 12 job families.

Run with `make bench` (`python bench/pages_bench.py people` or `… architecture` for one part alone). Each size
gets a scratch SQLite database (or the PostgreSQL database named by BENCH_DATABASE_URL, which it
empties). Prints one table per size.
"""

import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopconfig.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/pages.sqlite3"
from bench.serving import free_port, use_production_like_env  # noqa: E402

use_production_like_env()

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, Permission, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from orgchart.models import Employee  # noqa: E402
from roles.apps import MANAGER_GROUP  # noqa: E402
from roles.models import Department, Duty, Grade, JobFamily, PayGrade, Role  # noqa: E402
from roles.seed import load_seed  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "200,2000,5000").split(",")]
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def build_catalogue(size, rng):
    """The seed plus generated roles up to `size`, several levels deep, with people and dotted lines."""
    Employee.objects.all().delete()
    Role.dotted_line_superiors.through.objects.all().delete()
    for level in sorted(set(Role.objects.values_list("level", flat=True)), reverse=True):
        Role.objects.filter(level=level).delete()
    load_seed()
    departments, grades = list(Department.objects.all()), list(Grade.objects.all())
    existing = list(Role.objects.values_list("pk", "level"))
    generated, now = [], timezone.now()
    for i in range(size - len(existing)):
        parent_pk, level = rng.choice([r for r in existing[-400:] if r[1] < 7] or existing)
        role = Role(
            title=f"生成岗位{i}",
            slug=f"gen-{i}",
            department=rng.choice(departments),
            grade=rng.choice(grades),
            parent_id=parent_pk,
            headcount=rng.randint(1, 4),
            status=Role.Status.PUBLISHED,
            summary="负责店铺日常运营与数据分析。" * 3,
            lft=0,
            rght=0,
            tree_id=0,
            level=0,
            created_at=now,
            updated_at=now,
        )
        generated.append(role)
        role.save_base(raw=True)  # scratch data: the tree is rebuilt once below
        existing.append((role.pk, level + 1))
    Role.objects.rebuild()
    Duty.objects.bulk_create(
        Duty(role=r, order=n, text=f"职责{n}:处理订单与客户咨询") for r in generated for n in range(1, 5)
    )
    Employee.objects.bulk_create(
        Employee(name=f"员工{i}", employee_number=f"B{i}", role_id=pk)
        for i, (pk, _level) in enumerate(existing)
        if rng.random() < 0.7
    )
    through = Role.dotted_line_superiors.through
    through.objects.bulk_create(
        through(from_role_id=a, to_role_id=b)
        for (a, _), (b, _) in (rng.sample(existing, 2) for _ in range(size // 100))
    )
    if connection.vendor == "postgresql":  # fresh statistics, as autovacuum keeps them in production
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(client, url):
    """Median milliseconds (timed without query capture, which slows Django down), queries, KiB."""
    client.get(url)  # warm up; the first request also opens the connection
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    count = len(queries)  # read now: the next request resets Django's query log
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, count, len(response.content) // 1024


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def browser_first_draw(base_url, repeat=7):
    """Median ms from the chart data being parsed to the chart drawn, and from the response to drawn."""
    from playwright.sync_api import sync_playwright

    after_data, after_response = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        for _ in range(repeat + 1):  # the first load warms the browser's caches and is not counted
            page.goto(f"{base_url}/orgchart/")
            page.wait_for_selector('#orgchart-app[data-state="ready"]', timeout=30000)
            draw, response_end = page.evaluate(
                """() => [performance.getEntriesByName('orgchart-first-draw')[0].duration,
                          performance.getEntriesByName('orgchart-drawn')[0].startTime
                          - performance.getEntriesByType('navigation')[0].responseEnd]"""
            )
            after_data.append(draw)
            after_response.append(response_end)
        browser.close()
    return statistics.median(after_data[1:]), statistics.median(after_response[1:])


@contextmanager
def live_server():
    """The app served by Django's development server on loopback, for the browser."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/roles/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建红文辉力鹏飞晨雪琳浩宇欣怡子轩梓涵一诺"


def add_people(count, rng):
    """`count` more people in random roles: 2- and 3-character names, most with a start date."""
    roles = list(Role.objects.values_list("pk", flat=True))
    first = Employee.objects.count()
    Employee.objects.bulk_create(
        (
            Employee(
                name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
                employee_number=f"P{first + i:06d}",
                role_id=rng.choice(roles),
                start_date=None
                if rng.random() < 0.1
                else datetime.date(2020, 1, 1) + datetime.timedelta(rng.randint(0, 2000)),
            )
            for i in range(count)
        ),
        batch_size=2000,
    )


def people_on_the_chart(rng, roles=2000, people=20000):
    """Issue 13: the chart data with people's names (the "people" column) at `roles` roles and `people`
    employees, for a visitor (counts only), a manager (names and pay costs) and a reader who may see
    names but not pay (names only); then each reader's queries again after adding roles and people,
    which must not change them. Warm: names are kept per catalogue revision."""
    build_catalogue(roles, rng)
    add_people(people - Employee.objects.count(), rng)
    User.objects.filter(username__startswith="bench-").delete()
    manager = User.objects.create_user("bench-manager", is_staff=True)
    manager.groups.add(Group.objects.get(name=MANAGER_GROUP))
    names_only = User.objects.create_user("bench-names")
    names_only.user_permissions.add(Permission.objects.get(content_type__app_label="roles", codename="view_role"))
    readers = {"visitor": Client(HTTP_HOST="127.0.0.1")}
    for label, user in (("manager (names, pay)", manager), ("names, no pay", names_only)):
        readers[label] = Client(HTTP_HOST="127.0.0.1")
        readers[label].force_login(user)
    with open("/proc/loadavg") as load:
        print(
            f"\nchart with people: {Role.objects.count()} roles, {Employee.objects.count()} people; load {load.read().split()[0]}"
        )
    print(f"{'page':22} {'reader':22} {'p50 ms':>8} {'queries':>8} {'KiB':>6}")
    queries = {}
    for url in ("/orgchart/data.json", "/orgchart/"):
        for label, client in readers.items():
            ms, count, size = measure(client, url)
            queries[url, label] = count
            print(f"{url:22} {label:22} {ms:8.1f} {count:8} {size:6}")
    parent = Role.objects.filter(level=3).first()
    for i in range(20):
        Role.objects.create(title=f"新增岗位{i}", slug=f"people-bench-{i}", parent=parent, department=parent.department,
                            grade=parent.grade, status=Role.Status.PUBLISHED)  # fmt: skip
    add_people(1000, rng)
    for (url, label), before in queries.items():
        after = measure(readers[label], url)[1]
        verdict = "constant" if after == before else "GROWS"
        print(f"{url} {label}: {before} queries, {after} after 20 more roles and 1,000 more people ({verdict})")


def job_architecture(rng, roles=2000, pay_grades=30, families=12):
    """Issue 14, item 3: the job-architecture matrix at `roles` roles, `pay_grades` 职等 and `families`
    序列, every role placed at random and one career path for every other role; for a visitor (no
    bands) and a manager (bands), plain and with the paths drawn, and its Excel file; then the
    queries again after 20 more placed roles, which must not change them."""
    build_catalogue(roles, rng)
    for number in range(PayGrade.objects.count() + 1, pay_grades + 1):
        low = Decimal(1500 + 400 * number)
        PayGrade.objects.create(number=number, name=f"{number}等", band_min=low, band_max=low * Decimal("1.5"))
    for n in range(JobFamily.objects.count(), families):
        JobFamily.objects.create(code=f"bench-family-{n}", name=f"序列{n}", order=100 + n)
    grade_ids, family_ids = (
        list(PayGrade.objects.values_list("pk", flat=True)),
        list(JobFamily.objects.values_list("pk", flat=True)),
    )
    placed = [Role(pk=pk, pay_grade_id=rng.choice(grade_ids), job_family_id=rng.choice(family_ids))
              for pk in Role.objects.values_list("pk", flat=True)]  # fmt: skip
    Role.objects.bulk_update(placed, ["pay_grade", "job_family"], batch_size=500)
    Role.leads_to.through.objects.all().delete()
    ids = [role.pk for role in placed]
    Role.leads_to.through.objects.bulk_create(
        {(a, b): Role.leads_to.through(from_role_id=a, to_role_id=b) for a, b in (rng.sample(ids, 2) for _ in range(roles // 2))}.values()
    )  # fmt: skip
    User.objects.filter(username="bench-manager").delete()
    manager = User.objects.create_user("bench-manager", is_staff=True)
    manager.groups.add(Group.objects.get(name=MANAGER_GROUP))
    readers = {"visitor": Client(HTTP_HOST="127.0.0.1"), "manager (bands)": Client(HTTP_HOST="127.0.0.1")}
    readers["manager (bands)"].force_login(manager)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    with open("/proc/loadavg") as load:
        print(
            f"\njob architecture: {Role.objects.count()} roles, {PayGrade.objects.count()} pay grades, "
            f"{JobFamily.objects.count()} job families; load {load.read().split()[0]}"
        )
    print(f"{'page':32} {'reader':18} {'p50 ms':>8} {'queries':>8} {'KiB':>6}")
    queries = {}
    for url in ("/roles/architecture/", "/roles/architecture/?paths=1", "/roles/architecture.xlsx"):
        for label, client in readers.items():
            ms, count, size = measure(client, url)
            queries[url, label] = count
            print(f"{url:32} {label:18} {ms:8.1f} {count:8} {size:6}")
    parent = Role.objects.filter(level=3).first()
    for i in range(20):
        Role.objects.create(title=f"新增岗位{i}", slug=f"architecture-bench-{i}", parent=parent, department=parent.department,
                            grade=parent.grade, status=Role.Status.PUBLISHED, pay_grade_id=rng.choice(grade_ids),
                            job_family_id=rng.choice(family_ids))  # fmt: skip
    for (url, label), before in queries.items():
        after = measure(readers[label], url)[1]
        verdict = "constant" if after == before else "GROWS"
        print(f"{url} {label}: {before} queries, {after} after 20 more roles ({verdict})")


def main():
    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    if sys.argv[1:] in (["people"], ["architecture"]):
        print(f"database: {connection.vendor}; median of {REPEAT} requests, server side (Django test client)")
        (people_on_the_chart if sys.argv[1] == "people" else job_architecture)(rng)
        return
    print(f"database: {connection.vendor}; median of {REPEAT} requests, server side (Django test client)")
    for size in SIZES:
        build_catalogue(size, rng)
        User.objects.filter(username="bench-manager").delete()
        manager = User.objects.create_user("bench-manager", is_staff=True)
        manager.groups.add(Group.objects.get(name=MANAGER_GROUP))
        deep = Role.objects.filter(level__gte=4).order_by("pk").first() or Role.objects.last()
        urls = ["/roles/", f"/roles/{deep.slug}/", "/orgchart/", "/orgchart/data.json", "/api/v1/roles/"]
        print(f"\n{Role.objects.count()} roles")
        print(f"{'page':32} {'anonymous ms':>13} {'queries':>8} {'manager ms':>11} {'queries':>8} {'KiB':>6}")
        for url in urls:
            anonymous = measure(Client(HTTP_HOST="127.0.0.1"), url)
            staff = Client(HTTP_HOST="127.0.0.1")
            staff.force_login(manager)
            managed = measure(staff, url)
            label = url if len(url) < 32 else url[:29] + "..."
            print(f"{label:32} {anonymous[0]:13.1f} {anonymous[1]:8} {managed[0]:11.1f} {managed[1]:8} {managed[2]:6}")
        connection.close()
        with live_server() as base_url:
            after_data, after_response = browser_first_draw(base_url)
        print(
            f"chart first draw in Chromium: {after_data:.0f} ms after the data is parsed, {after_response:.0f} ms after the page arrived"
        )
    people_on_the_chart(rng)
    job_architecture(rng)


if __name__ == "__main__":
    main()

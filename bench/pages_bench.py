"""Server time and SQL queries of the catalogue pages at 200, 2,000 and 5,000 roles.

Run with `make bench`. Each size gets a scratch SQLite database (or the PostgreSQL
database named by BENCH_DATABASE_URL, which it empties). Prints one table per size.
"""

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopconfig.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/pages.sqlite3"
from bench.serving import free_port, use_production_like_env  # noqa: E402

use_production_like_env()

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from orgchart.models import Employee  # noqa: E402
from roles.apps import MANAGER_GROUP  # noqa: E402
from roles.models import Department, Duty, Grade, Role  # noqa: E402
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


def main():
    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
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


if __name__ == "__main__":
    main()

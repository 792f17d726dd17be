"""Export figures at 2,000 roles: the chart as SVG/PNG/PDF, one DOCX, and the XLSX of every role.

Prints median time over BENCH_REPEAT requests through the views, the Python heap's peak
(tracemalloc) for one request, and the file size. Target (issue 4): chart SVG ≤ 1 s.
"""

import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopconfig.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/exports.sqlite3"
from bench.serving import use_production_like_env  # noqa: E402

use_production_like_env()

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench.pages_bench import build_catalogue  # noqa: E402
from roles.apps import HR_GROUP  # noqa: E402
from roles.models import Role  # noqa: E402

ROLES = int(os.environ.get("BENCH_ROLES", "2000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def measure(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    size = len(b"".join(response) if response.streaming else response.content)
    tracemalloc.start()
    client.get(url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response)
        times.append(time.perf_counter() - start)
    return statistics.median(times), peak, size


def main():
    call_command("migrate", verbosity=0)
    build_catalogue(ROLES, random.Random(2026))
    hr = User.objects.create_user("bench-hr", is_staff=True)
    hr.groups.add(Group.objects.get(name=HR_GROUP))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(hr)
    print(f"{Role.objects.count()} roles, as HR; median of {REPEAT}")
    print(f"{'export':28} {'time':>9} {'heap peak':>10} {'size':>10}")
    for label, url in [
        ("chart SVG", "/orgchart.svg"),
        ("chart PDF (A3 tiles)", "/orgchart.pdf"),
        ("chart PNG", "/orgchart.png"),
        ("one role DOCX", "/roles/promotion-specialist.docx"),
        ("all roles XLSX", "/roles.xlsx"),
    ]:
        seconds, peak, size = measure(client, url)
        print(f"{label:28} {seconds * 1000:7.0f} ms {peak / 2**20:7.1f} MiB {size / 1024:7.0f} KiB")


if __name__ == "__main__":
    main()

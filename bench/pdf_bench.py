"""PDF export figures: one job description (warm), the seed handbook and a 100-role handbook.

Targets (issue 4): one JD PDF ≤ 400 ms warm and ≤ 400 KB; a 100-role handbook ≤ 15 s,
≤ 500 MiB peak memory and ≤ 2 MB. The handbooks are rendered by `manage.py export_handbook`
in a child process, so its peak RSS is the renderer's alone. Uses a scratch SQLite database.
Issue 17: one JD PDF ≤ 150 ms warm, timed beside the engine's old path (render_pdf(optimised=False))
in the same run, old and new requests taking turns, so the ratio holds on a loaded machine.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopconfig.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/pdf.sqlite3"
from bench.serving import use_production_like_env  # noqa: E402

use_production_like_env()

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from roles import services  # noqa: E402
from roles.exports import pdf  # noqa: E402
from roles.exports.pdf import render_roles_pdf  # noqa: E402
from roles.models import KPI, Duty, Requirement, Role, Skill  # noqa: E402
from roles.seed import load_seed  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))
HANDBOOK_ROLES = int(os.environ.get("BENCH_HANDBOOK_ROLES", "100"))


def grow_catalogue(size):
    """Copies of the seed's roles (duties, skills, KPIs, requirements) under the store manager, up to `size` roles."""
    templates = list(Role.objects.exclude(slug="general-manager").prefetch_related("duties", "skills", "kpis"))
    store_manager = Role.objects.get(slug="store-manager")
    leader, n = store_manager, 0
    while Role.objects.count() < size:
        source = templates[n % len(templates)]
        n += 1
        copy = Role(
            title=f"{source.title}{n}",
            slug=f"{source.slug}-{n}",
            department=source.department,
            grade=source.grade,
            parent=store_manager if n % 10 == 1 else leader,  # teams of ten under the store manager
            summary=source.summary,
            headcount=source.headcount,
            benefits=source.benefits,
            pay_scheme=source.pay_scheme,
            base_salary=Decimal("3500"),
            status=Role.Status.PUBLISHED,
        )
        services.save_role(copy)
        if n % 10 == 1:
            leader = copy
        Duty.objects.bulk_create(Duty(role=copy, order=d.order, text=d.text) for d in source.duties.all())
        Skill.objects.bulk_create(Skill(role=copy, order=s.order, text=s.text) for s in source.skills.all())
        KPI.objects.bulk_create(
            KPI(role=copy, order=k.order, name=k.name, weight=k.weight, target=k.target, measurement=k.measurement)
            for k in source.kpis.all()
        )
        requirement = getattr(source, "requirement", None)
        if requirement is not None:
            requirement.pk, requirement.role = None, copy
            Requirement.objects.create(**{f.name: getattr(requirement, f.name) for f in Requirement._meta.fields})


def jd_pdf():
    """{"old": (median seconds, bytes), "new": (...)}: the same request through either engine path."""
    client = Client(HTTP_HOST="localhost")
    url = "/roles/promotion-specialist.pdf"
    paths = {
        "old": lambda: mock.patch.object(pdf, "render_roles_pdf", partial(render_roles_pdf, optimised=False)),
        "new": nullcontext,
    }
    times, sizes = {name: [] for name in paths}, {}
    for round_ in range(REPEAT + 1):  # round 0 is the cold one: fonts, templates, stylesheet
        for name, path in paths.items():
            with path():
                started = time.perf_counter()
                response = client.get(url)
                seconds = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            if round_:
                times[name].append(seconds)
            sizes[name] = len(response.content)
    return {name: (statistics.median(times[name]), sizes[name]) for name in paths}


# Peak RSS is read by a small fresh interpreter that starts the command: a child forked straight
# from this (large) process would report this process's memory as its own peak.
MEASURE = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:])
_pid, status, usage = os.wait4(process.pid, 0)
print(usage.ru_maxrss // 1024, status)
"""


def handbook(out, *args):
    """(seconds, peak RSS in MiB, bytes) of export_handbook in a child process."""
    command = [sys.executable, str(ROOT / "manage.py"), "export_handbook", str(out), *args]
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    *output, measured = result.stdout.strip().splitlines()
    rss, status = measured.split()
    assert status == "0", result.stdout + result.stderr
    print("   ", *output)
    return seconds, int(rss), out.stat().st_size


def main():
    call_command("migrate", verbosity=0)
    load_seed()
    out = Path(tempfile.mkdtemp())
    jd = jd_pdf()
    (old, old_size), (new, new_size) = jd["old"], jd["new"]
    print(
        f"JD PDF (推广专员, warm, median of {REPEAT}): old {old * 1000:.0f} ms, {old_size / 1024:.0f} KiB;"
        f" new {new * 1000:.0f} ms, {new_size / 1024:.0f} KiB ({new / old:.2f}×; target ≤ 150 ms)"
        f" · load average {os.getloadavg()[0]:.1f}"
    )
    seconds, rss, size = handbook(out / "seed.pdf")
    print(f"Seed handbook: {seconds:.1f} s, peak RSS {rss:.0f} MiB, {size / 1024:.0f} KiB")
    grow_catalogue(HANDBOOK_ROLES)
    seconds, rss, size = handbook(out / "big.pdf", "--with-pay")
    print(f"{HANDBOOK_ROLES}-role handbook: {seconds:.1f} s, peak RSS {rss:.0f} MiB, {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()

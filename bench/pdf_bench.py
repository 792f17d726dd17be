"""PDF export figures: one job description (warm), the seed handbook and a 100-role handbook.

Targets (issue 4): one JD PDF ≤ 400 ms warm and ≤ 400 KB; a 100-role handbook ≤ 15 s,
≤ 500 MiB peak memory and ≤ 2 MB. Uses a scratch SQLite database and exports folder.
Issue 17: one JD PDF ≤ 150 ms warm, timed beside the engine's old path (render_pdf(optimised=False))
in the same run, old and new requests taking turns, so the ratio holds on a loaded machine; the
100-role handbook ≤ 8 s and ≤ 500 MiB for the whole process tree, in a warm worker: a fresh process
(`--render MODE`) renders it once, then again while this one samples the memory of it and its
children (the sum of their PSS: pages they share counted once; the sum of RSS counts them in each).
Modes: "old" (one piece, the engine before issue 17), "one piece" (today's engine), "parts" (side by
side, settings.PDF_WORKERS). Then a real `manage.py db_worker` makes it from the queue, and is killed
half-way through another: the export must show "failed" within a minute, with no file left.
"""

import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopconfig.settings")
# A child started with --render (and the worker) reads the same scratch database and exports folder.
SCRATCH = Path(os.environ.get("BENCH_PDF_SCRATCH") or tempfile.mkdtemp())
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}/pdf.sqlite3"
os.environ["DJANGO_MEDIA_ROOT"] = str(SCRATCH / "media")
from bench.serving import use_production_like_env  # noqa: E402

use_production_like_env()

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

from django.conf import settings  # noqa: E402
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


def render_in_warm_process(mode):
    """(--render MODE, in a fresh process) Render the 100-role handbook twice, printing "warm" after the
    first and the seconds of the second: what a worker that has made a handbook before takes."""
    from orgchart import handbook
    from roles.exports.pdfengine import render_pdf

    old = mock.patch.object(handbook, "render_pdf", partial(render_pdf, optimised=False))
    workers = {"old": 1, "one piece": 1, "parts": None}[mode]
    with old if mode == "old" else nullcontext():
        for round_ in range(2):
            started = time.perf_counter()
            handbook.build_handbook(io.BytesIO(), language="zh-hans", with_pay=True, workers=workers)
            print(f"seconds {time.perf_counter() - started:.2f}" if round_ else "warm", flush=True)


def process_tree(pid):
    """The process and its children, grandchildren…"""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [p for child in (task / "children").read_text().split() for p in process_tree(int(child))]
        except OSError:
            pass
    return found


def memory_of(pids):
    """(sum of PSS, sum of RSS) in MiB of these processes, from /proc/PID/smaps_rollup."""
    pss = rss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                name, _sep, value = line.partition(":")
                if name == "Pss":
                    pss += int(value.split()[0])
                elif name == "Rss":
                    rss += int(value.split()[0])
        except OSError:
            pass
    return pss / 1024, rss / 1024


class Sampler(threading.Thread):
    """Peak memory of a process tree, sampled every 0.1 s from outside it."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, (0, 0), True

    def run(self):
        while self.running:
            self.peak = max(self.peak, memory_of(process_tree(self.pid)))
            time.sleep(0.1)

    def reset(self):
        self.peak = (0, 0)


def handbook_in_warm_process(mode):
    """(seconds, peak PSS MiB, peak RSS MiB) of the timed render of render_in_warm_process(mode)."""
    command = [sys.executable, __file__, "--render", mode]
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, env={**os.environ, "BENCH_PDF_SCRATCH": str(SCRATCH)}
    )
    sampler = Sampler(child.pid)
    sampler.start()
    seconds = None
    for line in child.stdout:
        if line.strip() == "warm":
            sampler.reset()
        elif line.startswith("seconds"):
            seconds = float(line.split()[1])
    sampler.running = False
    assert child.wait() == 0 and seconds is not None, mode
    return seconds, *sampler.peak


def worker_makes_and_survives_a_kill():
    """A real `manage.py db_worker`: (seconds it took over the 100-role handbook, seconds until an export
    whose worker was killed half-way shows failed, files left behind)."""
    from django.test import Client

    from orgchart.handbook import build_handbook_task, start_handbook
    from orgchart.models import HandbookExport

    env = {**os.environ, "BENCH_PDF_SCRATCH": str(SCRATCH)}
    command = [sys.executable, str(ROOT / "manage.py"), "db_worker", "--interval", "0.1"]
    worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        export = start_handbook(language="zh-hans", with_pay=True)
        while not HandbookExport.objects.get(pk=export.pk).finished:
            time.sleep(0.1)
        export.refresh_from_db()
        assert export.status == HandbookExport.Status.DONE, export.error
        result = build_handbook_task.get_result(export.task_id)
        made = (result.finished_at - result.started_at).total_seconds()

        export = start_handbook(language="en", with_pay=True)  # another handbook: not joined
        while (HandbookExport.objects.get(pk=export.pk).page or 0) < 60:  # a third of the way through the layout
            time.sleep(0.05)
        children = process_tree(worker.pid)[1:]
        worker.kill()
        worker.wait()
        killed = time.monotonic()
        client = Client(HTTP_HOST="localhost")
        client.force_login(export_reader())
        while HandbookExport.objects.get(pk=export.pk).status != HandbookExport.Status.FAILED:
            assert client.get(f"/handbook/{export.task_id}/").status_code == 200  # the page the user watches
            assert time.monotonic() - killed < 120, "still not failed after two minutes"
            time.sleep(2)
        failed_after = time.monotonic() - killed
        time.sleep(1)
        left = [pid for pid in children if Path(f"/proc/{pid}").exists()]
        files = [
            p.name
            for p in export.path.parent.iterdir()
            if p.name.startswith(f".{export.path.name}") or p == export.path
        ]
        return made, failed_after, files, left
    finally:
        worker.kill()
        worker.wait()


def export_reader():
    """A user who may read the handbook with pay (the status page of a with-pay export)."""
    from tests.factories import make_hr_user

    return make_hr_user("bench-hr")


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
    print(f"Seed handbook: {seconds:.1f} s, peak RSS of its main process {rss:.0f} MiB, {size / 1024:.0f} KiB")
    grow_catalogue(HANDBOOK_ROLES)
    seconds, rss, size = handbook(out / "big.pdf", "--with-pay")
    print(
        f"{HANDBOOK_ROLES}-role handbook, export_handbook (starts Python and Django first): {seconds:.1f} s,"
        f" peak RSS of its main process {rss:.0f} MiB, {size / 1024:.0f} KiB"
    )
    print(
        f"{HANDBOOK_ROLES}-role handbook in a warm process ({os.cpu_count()} cores, settings.PDF_WORKERS"
        f" {settings.PDF_WORKERS}; target ≤ 8 s, ≤ 500 MiB for the process tree):"
    )
    for mode in ("old", "one piece", "parts"):
        seconds, pss, rss = handbook_in_warm_process(mode)
        print(
            f"    {mode:9}: {seconds:5.2f} s, peak PSS {pss:4.0f} MiB (RSS summed {rss:4.0f} MiB)"
            f" · load average {os.getloadavg()[0]:.1f}"
        )
    made, failed_after, files, left = worker_makes_and_survives_a_kill()
    print(f"    manage.py db_worker: {made:.2f} s from the task's start to its end")
    print(
        f"    worker killed half-way through a handbook: shown failed after {failed_after:.0f} s (target ≤ 60 s);"
        f" files left {files or 'none'}; part processes left {left or 'none'}"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--render"]:
        render_in_warm_process(sys.argv[2])
    else:
        main()

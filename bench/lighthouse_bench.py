"""Lighthouse mobile scores of the public pages, served as `make serve` serves them (issue 16).

Run with `make lighthouse` (or as part of `make bench`). Migrates and seeds a scratch SQLite database,
collects the static files into a scratch STATIC_ROOT (WhiteNoise serves them compressed and hashed),
starts gunicorn with DEBUG off on a free loopback port, and runs Lighthouse (the npm package pinned in
package-lock.json, on Debian's Chromium) in Chinese against the catalogue, a job description
(推广专员), the org chart and, when it is public, the vacancies page, LIGHTHOUSE_RUNS times each
(default 3; the run with the median performance score is reported, as Lighthouse advises for its
variance; LIGHTHOUSE_PAGES=chart,jd measures only the pages named). Prints the four scores per page
and, for each score under TARGET, the audits that did not pass. Reports (JSON and HTML) go to
test-artifacts/lighthouse/. Scores are figures, not a test: the exit status is non-zero only when
Lighthouse itself fails to run.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.serving import free_port, production_like_env, start_server, stop_server, wait_until_up  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
REPORTS = ROOT / "test-artifacts" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGET = 95
# Lighthouse counts an audit as passed from a score of 0.9.
PASSED = 0.9
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
# LIGHTHOUSE_PAGES=chart,jd: only those pages (catalogue, jd, chart, vacancies); all by default.
ONLY = {name for name in os.environ.get("LIGHTHOUSE_PAGES", "").split(",") if name}


def server_env(scratch):
    """Production settings (README.md "Production") on plain HTTP, with a scratch database and static root."""
    return {
        **os.environ,
        **production_like_env(),
        "DJANGO_STATIC_MANIFEST": "1",  # hashed, compressed files with year-long cache headers, as make serve
        "DJANGO_STATIC_ROOT": str(scratch / "static"),
        "DJANGO_MEDIA_ROOT": str(scratch / "media"),
        "DATABASE_URL": f"sqlite:///{scratch}/lighthouse.sqlite3",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "shopconfig.settings",
    }


def manage(env, *args):
    """`manage.py ARGS` in its own process; its standard output, or exit with its errors."""
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def status_of(port, path):
    """The status an anonymous visitor gets for `path` (redirects not followed): is the page public?"""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Accept-Language": "zh-CN"})
    status = conn.getresponse().status
    conn.close()
    return status


def warm_up(port, path, workers):
    """Requests enough for every gunicorn worker to have answered the page once, as a running server has."""
    for _ in range(2 * workers):
        status_of(port, path)


def run_lighthouse(url, out):
    """One Lighthouse run (mobile, default throttling) in Chinese; its JSON report, or None if it failed."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--form-factor=mobile",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox",
        '--extra-headers={"Accept-Language": "zh-CN,zh;q=0.9"}',
        "--output=json",
        "--output=html",
        f"--output-path={out}",
        "--no-enable-error-reporting",
        "--quiet",
    ]
    done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROME}, capture_output=True, text=True)
    report = out.with_suffix(".report.json")
    if done.returncode or not report.exists():
        print(f"Lighthouse failed on {url} (exit {done.returncode}):\n{done.stdout}\n{done.stderr}", file=sys.stderr)
        return None
    result = json.loads(report.read_text())
    if result.get("runtimeError"):
        print(f"Lighthouse could not load {url}: {result['runtimeError']}", file=sys.stderr)
        return None
    return result


def scores(result):
    """The four category scores out of 100 (None when Lighthouse could not score one)."""
    found = {}
    for key in CATEGORIES:
        score = result["categories"][key]["score"]
        found[key] = None if score is None else round(score * 100)
    return found


def failing_audits(result, category):
    """The audits of one category that did not pass, heaviest first: what to fix to raise its score."""
    audits = result["audits"]
    failing = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if audit["score"] is not None and audit["score"] < PASSED:
            failing.append((ref.get("weight", 0), audit))
    failing.sort(key=lambda pair: (-pair[0], pair[1]["score"]))
    return [audit for _, audit in failing]


def broken_audits(result):
    """Audits Lighthouse could not compute (12.2's trace reader and a newer Chromium disagree on some trace
    events); none counts towards a score, but they are listed so nobody reads them as passed."""
    return sorted(key for key, audit in result["audits"].items() if audit["scoreDisplayMode"] == "error")


def median_run(name, url):
    """RUNS runs of one page; the one with the median performance score (its reports copied to
    <name>.report.json and .html), and every run's performance score."""
    runs = []
    for run in range(1, RUNS + 1):
        out = REPORTS / f"{name}-run{run}"
        result = run_lighthouse(url, out)
        if result is None:
            return None, []
        runs.append((result["categories"]["performance"]["score"] or 0, run, out, result))
    runs.sort(key=lambda r: r[:2])
    _, _, out, result = runs[len(runs) // 2]
    for kind in ("json", "html"):
        shutil.copyfile(out.with_suffix(f".report.{kind}"), REPORTS / f"{name}.report.{kind}")
    return result, [(scores(r[3])["performance"], r[3]["environment"]["benchmarkIndex"]) for r in runs]


def print_results(rows):
    """The scores table (Markdown, for README.md), each run's performance, and what failed under TARGET."""
    if not rows:
        return
    first = rows[0][2]
    print(
        f"\nLighthouse {first['lighthouseVersion']}, mobile (simulated throttling), zh-CN, "
        f"median of {RUNS} run(s); {first['environment']['hostUserAgent']}"
    )
    print(f"\n| page | {' | '.join(CATEGORIES)} |")
    print(f"|---|{'---:|' * len(CATEGORIES)}")
    for name, path, result, _ in rows:
        found = scores(result)
        cells = " | ".join("–" if found[key] is None else str(found[key]) for key in CATEGORIES)
        print(f"| {name} `{path}` | {cells} |")
    # Lighthouse measures the machine's speed before each run (its benchmark index; it expects about
    # 1,000 or more): a busy machine gives a low index and long main-thread tasks, so a lower score.
    print("\nPerformance of each run (Lighthouse's CPU benchmark index):")
    for name, _, _, performance in rows:
        print(f"  {name}: {', '.join(f'{score} ({index:.0f})' for score, index in performance)}")
    broken = sorted({key for row in rows for key in broken_audits(row[2])})
    if broken:
        print(f"Audits Lighthouse could not compute on this Chromium (no score depends on them): {', '.join(broken)}")
    for name, path, result, _ in rows:
        for key, score in scores(result).items():
            if score is not None and score >= TARGET:
                continue
            print(f"\n{name} {path}: {key} {score}")
            for audit in failing_audits(result, key):
                extra = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                print(f"  {audit['id']}: {audit['title']} [{audit['score']:.2f}]{extra}")
    print(f"\nReports: {REPORTS.relative_to(ROOT)}/<page>.report.html and .report.json (the median run)")


def main():
    """Serve, run Lighthouse on each page, print the table and the failing audits."""
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `make vendor` (npm ci) first.")
    if not Path(CHROME).exists():
        sys.exit(f"No Chromium at {CHROME} (Debian: apt-get install chromium), or set CHROME_PATH.")
    REPORTS.mkdir(parents=True, exist_ok=True)
    for old in REPORTS.glob("*.report.*"):
        old.unlink()
    scratch = Path(tempfile.mkdtemp(prefix="roleatlas-lighthouse-"))
    env = server_env(scratch)
    server = None
    try:
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "seed")
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        slug = manage(
            env, "shell", "--verbosity", "0", "--command",
            "from roles.models import Role; print(Role.objects.get(title='推广专员').slug)",
        ).strip()  # fmt: skip
        port = free_port()
        workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
        server = start_server(port, env, REPORTS / "gunicorn.log", workers=workers)
        wait_until_up(server, port, "/roles/", {"Accept-Language": "zh-CN"})

        pages = [("catalogue", "/roles/"), ("jd", f"/roles/{slug}/"), ("chart", "/orgchart/")]
        vacancies = status_of(port, "/orgchart/vacancies/")
        if vacancies == 200:
            pages.append(("vacancies", "/orgchart/vacancies/"))
        else:
            print(f"Vacancies page skipped: an anonymous visitor gets HTTP {vacancies}, so it is not public.")
        if ONLY:
            pages = [(name, path) for name, path in pages if name in ONLY]

        rows, failed = [], []
        for name, path in pages:
            warm_up(port, path, workers)
            result, performance = median_run(name, f"http://127.0.0.1:{port}{path}")
            if result is None:
                failed.append(path)
                continue
            rows.append((name, path, result, performance))
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(scratch, ignore_errors=True)

    print_results(rows)
    if failed:
        sys.exit(f"Lighthouse failed on: {', '.join(failed)}")


if __name__ == "__main__":
    main()

"""Layers the build enforces (issue 11): shopconfig ← roles ← orgchart.

import-linter (.importlinter, run by `make lint`) checks the Python imports; it cannot see an app named in a
string (apps.get_model("orgchart", "Employee"), "orgchart.Employee", reverse("orgchart:chart")), so the
string checks below read the source. The project's entry modules (shopconfig's urls, settings, wsgi, asgi)
wire the apps together and are exempt from both.
"""

import io
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
# The virtualenv's script, beside the interpreter running the tests.
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
ROOT_PACKAGES = ["shopconfig", "roles", "orgchart", "bench", "tests"]
ENTRY_MODULES = {"urls.py", "settings.py", "wsgi.py", "asgi.py"}


def naming(*apps):
    """An app named at the start of a string ("orgchart", 'orgchart:chart', "orgchart.Employee") or in a dotted
    path (orgchart.models); a sentence ending in the word ("…in orgchart.") is not a path."""
    names = "|".join(apps)
    return re.compile(rf"""["'](?:{names})\b|\b(?:{names})\.\w""")


def offending_lines(path, pattern):
    """Lines of path where pattern matches, in code or in a string; comments are left out (one may explain
    the layers)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row, column = token.start
            lines[row - 1] = lines[row - 1][:column] + "\n"
    code = "".join(lines)
    rows = sorted({code.count("\n", 0, match.start()) + 1 for match in pattern.finditer(code)})
    shown = source.splitlines()
    return [f"{path.relative_to(ROOT)}:{row}: {shown[row - 1].strip()}" for row in rows]


def python_files(package, exempt=()):
    return sorted(p for p in (ROOT / package).rglob("*.py") if p.relative_to(ROOT / package).as_posix() not in exempt)


def test_roles_names_no_orgchart():
    hits = [hit for path in python_files("roles") for hit in offending_lines(path, naming("orgchart"))]
    assert not hits, "roles must not name the orgchart app, not even in a string:\n" + "\n".join(hits)


def test_shopconfig_names_neither_app():
    files = python_files("shopconfig", exempt=ENTRY_MODULES)
    hits = [hit for path in files for hit in offending_lines(path, naming("roles", "orgchart"))]
    assert not hits, "only shopconfig's urls, settings, wsgi and asgi may name roles or orgchart:\n" + "\n".join(hits)


@pytest.mark.parametrize(
    "line, named",
    [
        ('apps.get_model("orgchart", "Employee")', True),
        ("ForeignKey('orgchart.Employee')", True),
        ('reverse("orgchart:chart")', True),
        ("from orgchart.models import Employee", True),
        ('"""The people live in orgchart."""', False),
        ('"the orgchart app"', False),
        ("orgcharts = []", False),
    ],
)
def test_the_string_check_sees_an_app_named(line, named):
    assert bool(naming("orgchart").search(line)) is named


def lint_imports(cwd):
    # Wide columns: rich wraps at 80 without a terminal, which could split an import in two.
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [LINT_IMPORTS, "--config", CONFIG, "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_imports_keep_the_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_wrong_import_breaks_the_build(tmp_path):
    for package in ROOT_PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    with open(tmp_path / "roles" / "rules.py", "a", encoding="utf-8") as rules:
        rules.write("\nimport orgchart.models  # noqa\n")
    with open(tmp_path / "shopconfig" / "checks.py", "a", encoding="utf-8") as checks:
        checks.write("\nfrom roles import models  # noqa\n")

    result = lint_imports(tmp_path)

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "roles.rules -> orgchart.models" in output
    assert "shopconfig.checks -> roles.models" in output
    # The root URLconf's imports of both apps stay exempt.
    assert "shopconfig.urls ->" not in output

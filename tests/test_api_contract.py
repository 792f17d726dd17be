"""The API keeps its contract as an integrator checks it: schemathesis with every check against gunicorn (issue 15).

The app runs under gunicorn on a free loopback port (DEBUG off, 2 workers) on a scratch SQLite database of
its own, migrated, seeded and given what only staff see (people in post, pay, a draft: tests/pages.py), with
a manager and an HR user who have tokens; whichever database the suite itself runs on. The schemathesis
command line then runs as an integrator would run it, `schemathesis run URL/api/schema/ --checks all`, with
the project's schemathesis.toml, once per audience: anonymous, the manager, HR (last: HR's writes change
the catalogue the others read). Every phase runs: the schema's examples, coverage, fuzzing, and stateful
sequences that follow the schema's links from a list or a create to one object. A fixed seed and a bounded
number of examples keep it the same and within the suite's time (about a minute on two cores); set
API_CONTRACT_EXAMPLES to run more. Any failure fails the test with schemathesis' report, which says how to
reproduce each one (a curl command).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.served import ROOT, served_app

SEED = 15
EXAMPLES = int(os.environ.get("API_CONTRACT_EXAMPLES", "20"))
PREPARE = """
import json
from rest_framework.authtoken.models import Token
from roles.seed import load_seed
from tests.factories import make_hr_user, make_manager
from tests.pages import add_internal_data
load_seed()
add_internal_data()
print(json.dumps({
    "manager": Token.objects.create(user=make_manager("contract-manager")).key,
    "hr": Token.objects.create(user=make_hr_user("contract-hr")).key,
}))
"""


def schemathesis_program():
    """The schemathesis command beside this Python (the virtualenv's), else the one on PATH."""
    beside = Path(sys.executable).with_name("schemathesis")
    return str(beside) if beside.exists() else shutil.which("schemathesis")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn on a prepared scratch catalogue: its base URL, the tokens by audience, its log file."""
    with served_app(tmp_path_factory.mktemp("api-contract"), PREPARE) as (url, printed, log):
        yield url, {"anonymous": None, **json.loads(printed)}, log


@pytest.mark.parametrize("who", ["anonymous", "manager", "hr"])
def test_schemathesis_with_every_check_finds_no_disagreement_between_schema_and_server(server, who, tmp_path):
    base_url, tokens, log = server
    program = schemathesis_program()
    assert program, "the schemathesis command is not installed (requirements-dev.txt)"
    command = [
        program,
        "--config-file",
        str(ROOT / "schemathesis.toml"),
        "run",
        f"{base_url}/api/schema/",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    if tokens[who]:
        command += ["--header", f"Authorization: Token {tokens[who]}"]
    # Its own folder: schemathesis keeps a cache of past failures in the working directory (.schemathesis/),
    # which would replay them first and make the run depend on the runs before it.
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    server_log = log.read_text(errors="replace")[-3000:]
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}\n--- gunicorn log (end) ---\n{server_log}"
    print(done.stdout)  # shown with -s or -rP: the operations, phases and cases of the run
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in done.stdout, done.stdout

"""The app served by gunicorn on a free loopback port, as integrations meet it, for the API tests.

Its database is a scratch SQLite file of its own, whichever database the suite itself runs on.
"""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.serving import free_port, production_like_env, start_server, stop_server, wait_until_up

ROOT = Path(__file__).resolve().parent.parent


def manage(env, *args):
    """`manage.py ARGS` in its own process against the served database; its standard output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@contextmanager
def served_app(scratch, prepare, ready_path="/api/v1/"):
    """gunicorn (2 workers, DEBUG off) on a migrated scratch database that the Python code `prepare`
    has filled (run by `manage.py shell`). Yields the base URL, the last line `prepare` printed and
    the server's log file."""
    env = {
        **os.environ,
        **production_like_env(),
        "DATABASE_URL": f"sqlite:///{scratch}/api.sqlite3",  # also when the suite runs on PostgreSQL
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "shopconfig.settings",
    }
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    printed = manage(env, "shell", "--verbosity", "0", "--command", prepare).strip().splitlines()
    port = free_port()
    log = scratch / "gunicorn.log"
    process = start_server(port, env, log, workers=2)
    try:
        try:
            wait_until_up(process, port, ready_path, {"Accept": "application/json"})
        except SystemExit as failure:  # bench.serving exits the script; here it is a failed fixture
            pytest.fail(str(failure))
        yield f"http://127.0.0.1:{port}", printed[-1] if printed else "", log
    finally:
        stop_server(process)

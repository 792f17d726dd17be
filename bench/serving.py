"""Servers for the benchmarks and load tests: gunicorn on a free loopback port, a private PostgreSQL.

Importing this module has no side effects (unlike the bench scripts, it neither sets up Django nor
changes the environment), so any script may use it before deciding which database to point Django at.
"""

import http.client
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_like_env():
    """Settings as production runs them (DEBUG off), for a benchmark on plain HTTP without collectstatic."""
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # production settings refuse the development key
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, as behind a proxy that ends TLS
        "DJANGO_STATIC_MANIFEST": "0",
    }


def use_production_like_env():
    """Point this process at production_like_env(), keeping what the caller's environment already sets."""
    for name, value in production_like_env().items():
        os.environ.setdefault(name, value)


def free_port():
    """A loopback port nobody listens on (a leftover server would serve another database)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port, env, log_path, workers):
    """gunicorn in its own process group, so the master and its workers can be stopped together."""
    log = open(log_path, "wb")  # closed by stop_server
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "shopconfig.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--error-logfile",
            "-",
            "--no-control-socket",  # gunicorn 27 would otherwise open one under ~/.gunicorn/
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server.log = log
    server.log_path = log_path
    return server


def stop_server(server):
    """SIGTERM to the master (it stops its workers), SIGKILL to the group if that takes too long."""
    try:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(5)
        for _ in range(50):  # the workers leave with their master; make sure none lingers
            try:
                os.killpg(server.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.killpg(server.pid, signal.SIGKILL)
    finally:
        server.log.close()


def wait_until_up(server, port, path, headers):
    """Wait (30 s at most) until `path` answers 200; exit with the server's log otherwise."""
    for _ in range(300):
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}:\n{Path(server.log_path).read_text()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path, headers=headers)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
            sys.exit(f"GET {path} answered {status}; server log in {server.log_path}")
        except OSError:
            time.sleep(0.1)
    sys.exit("gunicorn did not answer within 30 s")


def postgres_bin():
    """The newest PostgreSQL server binaries (PG_BIN overrides), as Debian installs them."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        sys.exit(
            "No PostgreSQL server binaries under /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql-15), "
            "or set PG_BIN to the folder holding initdb and pg_ctl."
        )
    return found[-1].parent


class PrivatePostgres:
    """A throwaway PostgreSQL cluster of its own, on a free loopback port, that may be stopped and restarted.

    The machine's own server (5432) is never touched. initdb refuses to run as root, so as root the
    cluster belongs to the `postgres` system user (PG_USER overrides), as in .ci/run.
    """

    def __init__(self, database):
        self.bin = postgres_bin()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="roleatlas-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{database}"
        self.database = database
        self.as_user = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam(os.environ.get("PG_USER", "postgres"))
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", owner.pw_name, "--"]

    def _run(self, program, *args):
        subprocess.run([*self.as_user, str(self.bin / program), *args], check=True, stdout=subprocess.DEVNULL)

    def create(self):
        """initdb, start, and an empty database."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.database)

    def start(self):
        """Returns once the server accepts connections."""
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode="fast"):
        """`fast` ends every session at once (clients see their connection closed) and shuts down cleanly."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def destroy(self):
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

"""Production settings and the security headers of pages and API responses.

The production checks start Django in a subprocess with DJANGO_DEBUG=0 and the variables that
README.md ("Production") documents, since settings are read once per process.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **overrides):
    """The environment of a production server (README.md, "Production"), without the test run's DJANGO_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="roleatlas.example.com",
        DJANGO_SECURE_PROXY_SSL_HEADER="1",
        DJANGO_PROXY_COUNT="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run(args, env):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def manage(*args, env):
    return run([sys.executable, "manage.py", *args], env)


# ------------------------------------------------------------------------- production settings


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", [None, "", "dev-only-insecure-key-change-me"])
def test_production_refuses_to_start_without_its_own_secret_key(tmp_path, key):
    result = manage("check", env=production_env(tmp_path, DJANGO_SECRET_KEY=key))
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_variables_set_the_timeouts_and_the_proxy(tmp_path):
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.AXES_COOLOFF_TIME.total_seconds(), s.SESSION_COOKIE_AGE, s.ROLEATLAS_PROXY_COUNT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT]))"
    )
    env = production_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="shopconfig.settings",
        LOGIN_COOLOFF_MINUTES="30",
        SESSION_IDLE_MINUTES="20",
        DJANGO_PROXY_COUNT="2",
        DJANGO_HSTS_SECONDS="600",
        DJANGO_HSTS_PRELOAD="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    result = run([sys.executable, "-c", script], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [1800, 1200, 2, 600, False, False]


# Requests made inside a production process: Django's test client against /api/schema/, which
# reads no table, so the subprocess needs no migrated database.
PRODUCTION_REQUESTS = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)  # as `make serve` does before starting
from django.test import Client
client = Client(HTTP_HOST="roleatlas.example.com")
plain = client.get("/api/schema/")
proxied = client.get("/api/schema/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.headers.get("Location")],
    "proxied": [proxied.status_code, dict(proxied.headers)],
}))
"""


def test_production_redirects_to_https_and_sends_hsts_behind_the_proxy(tmp_path):
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="shopconfig.settings")
    result = run([sys.executable, "-c", PRODUCTION_REQUESTS], env)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)

    assert answers["plain"] == [301, "https://roleatlas.example.com/api/schema/"]
    status, headers = answers["proxied"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "object-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


# ----------------------------------------------------------------------------- every response


def directives(policy):
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/roles/", "/orgchart/", "/accounts/login/", "/api/v1/roles/", "/api/docs/"])
def test_pages_and_api_responses_carry_the_security_headers(seeded, client, url):
    response = client.get(url)
    assert response.status_code == 200

    policy = directives(response["Content-Security-Policy"])
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_swagger_ui_starts_from_a_script_file_not_an_inline_script(db, client):
    html = client.get("/api/docs/").content.decode()
    assert "<script>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()

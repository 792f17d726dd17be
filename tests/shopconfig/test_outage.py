"""Database outages answer 503 and recover by themselves; exports that fail half-way leave no file."""

import logging
import socket
import time
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, close_old_connections, connection
from django.test import Client

from orgchart.models import HandbookExport
from roles.models import Role
from shopconfig.models import ShopProfile
from tests.factories import make_hr_user

pytestmark = pytest.mark.django_db(transaction=True)  # the tests close and reopen the connection

ENGLISH_MESSAGE = "The system cannot connect to the database at the moment. Please try again shortly."
IS_POSTGRES = connection.vendor == "postgresql"
requires_postgres = pytest.mark.skipif(not IS_POSTGRES, reason="terminates a PostgreSQL server process")


def closed_port():
    """A loopback port nobody listens on: connecting to it is refused, as to a stopped server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def unreachable_database(tmp_path):
    """Make the default database unreachable the way an outage does, then bring it back.

    PostgreSQL: the connection is closed and the next one goes to a port where nothing listens
    (connection refused). SQLite: the test database lives in memory and would vanish if its
    connection closed, so the open connection is put aside and the next one opens a file in a
    folder that does not exist ("unable to open database file").
    """
    settings_dict = connection.settings_dict
    saved_settings = dict(settings_dict)
    held = None
    if IS_POSTGRES:
        connection.close()
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        connection.ensure_connection()
        held, connection.connection = connection.connection, None
        settings_dict["NAME"] = str(tmp_path / "missing-folder" / "db.sqlite3")
    try:
        with pytest.raises(OperationalError):
            connection.ensure_connection()  # really unreachable
        yield
    finally:
        settings_dict.clear()
        settings_dict.update(saved_settings)
        if held is not None:
            connection.connection = held


# During an outage the session middleware fails too, outside the view: Django sends
# got_request_exception, which the test client would re-raise instead of returning the response.


@pytest.fixture
def visitor(seeded):
    return Client(raise_request_exception=False)


@pytest.fixture
def staff_client(seeded):
    staff = Client(raise_request_exception=False)
    staff.force_login(make_hr_user())
    return staff


def assert_friendly_503(response):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert body.count(ENGLISH_MESSAGE) == 1  # then in Chinese once translated, never twice in English
    for leak in ["Traceback", "OperationalError", "Error", "SECRET_KEY", "DATABASES", connection.settings_dict["NAME"]]:
        assert leak not in body


def outage_records(caplog):
    return [r for r in caplog.records if r.name == "roleatlas.outage"]


def test_pages_the_chart_the_api_and_the_admin_answer_503_and_recover(visitor, staff_client, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    pages = [(visitor, "/roles/"), (visitor, "/orgchart/"), (visitor, "/api/v1/roles/"), (staff_client, "/admin/")]
    with unreachable_database(tmp_path):
        for browser, url in pages:
            response = browser.get(url)
            assert_friendly_503(response)
            if url.startswith("/api/"):
                assert response["Content-Type"] == "application/json"
                assert ENGLISH_MESSAGE in response.json()["detail"]
            else:
                assert response["Content-Type"].startswith("text/html")
                assert '<meta http-equiv="refresh"' in response.content.decode()

        # A form sent during the outage is not sent again by a reload.
        response = staff_client.post("/admin/logout/")
        assert_friendly_503(response)
        assert 'http-equiv="refresh"' not in response.content.decode()

    # Back as soon as the database is: the next request of each kind works.
    for browser, url in pages:
        assert browser.get(url).status_code == 200, url

    # One WARNING line per failed request, and no traceback or ERROR record from Django.
    lines = outage_records(caplog)
    assert len(lines) == len(pages) + 1
    assert all(r.levelno == logging.WARNING and r.exc_info is None and "\n" not in r.getMessage() for r in lines)
    assert "GET /orgchart/" in lines[1].getMessage()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def reads_the_database_first(get_response):
    """Test middleware: touches the database before the view, as the session and django-axes may."""

    def middleware(request):
        Role.objects.exists()
        return get_response(request)

    return middleware


@pytest.mark.parametrize("debug", [False, True])
def test_an_outage_inside_another_middleware_answers_503_too(seeded, settings, tmp_path, caplog, debug):
    settings.DEBUG = debug  # not even Django's debug page shows a traceback
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.shopconfig.test_outage.reads_the_database_first"]
    browser = Client(raise_request_exception=False)  # created after the change of MIDDLEWARE
    with unreachable_database(tmp_path):
        response = browser.get("/roles/")
        assert_friendly_503(response)
        json_response = browser.get("/api/v1/roles/")
    assert_friendly_503(json_response)
    assert ENGLISH_MESSAGE in json_response.json()["detail"]
    assert json_response.json()["code"] == "service_unavailable"
    assert len(outage_records(caplog)) == 2
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert browser.get("/roles/").status_code == 200


def test_other_errors_are_still_server_errors(seeded, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(ShopProfile, "load", broken)
    response = Client(raise_request_exception=False).get("/roles/")
    assert response.status_code == 500


# ------------------------------------------------------------------ a connection that died


def terminate_our_database_session():
    """As a restart of PostgreSQL does: the server ends the connection Django holds open."""
    import psycopg2

    pid = connection.connection.info.backend_pid
    admin = psycopg2.connect(**connection.get_connection_params())
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _attempt in range(100):  # the server process takes a moment to go
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.05)
        raise AssertionError("the server process did not end")
    finally:
        admin.close()


@pytest.fixture
def persistent_connection():
    """A connection kept between requests (CONN_MAX_AGE), as production may configure."""
    saved = connection.settings_dict["CONN_MAX_AGE"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 600
    connection.ensure_connection()
    yield
    connection.settings_dict["CONN_MAX_AGE"] = saved
    connection.close()


@requires_postgres
@pytest.mark.postgres_only
def test_a_persistent_connection_that_died_while_idle_is_replaced_before_use(seeded, client, persistent_connection):
    terminate_our_database_session()
    close_old_connections()  # what a real server does as each request starts (the test client skips it)
    assert client.get("/roles/").status_code == 200


@requires_postgres
@pytest.mark.postgres_only
def test_a_connection_that_failed_is_not_reused_by_the_next_request(seeded, client, persistent_connection):
    terminate_our_database_session()  # no health check runs: the test client skips the request signals
    assert_friendly_503(client.get("/roles/"))
    assert client.get("/roles/").status_code == 200


# ------------------------------------------------------------------ exports that fail half-way


class HalfWrittenPdf:
    """WeasyPrint lays the document out, writes half the PDF, then fails (as a crash would).

    `files_while_writing` lists the watched folder at the moment of the failure.
    """

    def __init__(self, write_pdf):
        self.write_pdf = write_pdf
        self.folder = None
        self.files_while_writing = None

    def __call__(self, document, target=None, *args, **kwargs):
        content = self.write_pdf(document, None, *args, **kwargs)
        target.write(content[: len(content) // 2])
        target.flush()
        self.files_while_writing = sorted(p.name for p in self.folder.iterdir())
        raise RuntimeError("renderer crashed")


@pytest.fixture
def half_written_pdf(monkeypatch):
    from weasyprint.document import Document

    fake = HalfWrittenPdf(Document.write_pdf)
    monkeypatch.setattr(Document, "write_pdf", lambda document, *args, **kwargs: fake(document, *args, **kwargs))
    return fake


def test_a_handbook_that_fails_half_way_leaves_no_file_and_says_why(seeded, client, settings, half_written_pdf):
    half_written_pdf.folder = settings.EXPORTS_ROOT
    client.cookies["django_language"] = "en"
    response = client.get("/handbook.pdf", {"root": "distribution-supervisor"})
    export = HandbookExport.objects.get()
    # The half-written PDF went to a temporary file beside the export, never to the export's name.
    during = half_written_pdf.files_while_writing
    assert len(during) == 1 and during[0].startswith(".handbook-") and during[0].endswith(".part")

    assert export.status == HandbookExport.Status.FAILED
    assert export.error == "The PDF could not be created: RuntimeError"
    assert list(settings.EXPORTS_ROOT.iterdir()) == []  # neither the PDF nor the temporary file
    status_page = client.get(response["Location"]).content.decode()
    assert "The PDF could not be created: RuntimeError" in status_page and "/download/" not in status_page
    assert client.get(f"/handbook/{export.task_id}/download/").status_code == 404


def test_the_handbook_command_failing_half_way_keeps_the_previous_file(seeded, tmp_path, half_written_pdf):
    out = tmp_path / "handbook.pdf"
    out.write_bytes(b"%PDF-1.7 the complete handbook of last week")
    half_written_pdf.folder = tmp_path
    with pytest.raises(CommandError, match="The PDF could not be created: RuntimeError"):
        call_command("export_handbook", str(out), "--root", "distribution-supervisor", "--lang", "en")
    assert any(name.endswith(".part") for name in half_written_pdf.files_while_writing)
    assert out.read_bytes() == b"%PDF-1.7 the complete handbook of last week"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

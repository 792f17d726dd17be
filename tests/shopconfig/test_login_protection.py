"""Login protection: lockout after repeated failures (django-axes), the security log, and sessions
(a new key at login, none left after logout, expiry after idleness)."""

import logging
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from shopconfig.security import client_ip, session_needs_renewal
from tests.factories import make_hr_user, make_user

PASSWORD = "pw-Secret-123"  # what tests.factories.make_user gives every user
WRONG = "Wrong-Guess-Of-The-Day-7731"
SITE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def log_in(client, username, password, url=SITE_LOGIN, address="203.0.113.7"):
    return client.post(
        url,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def logged_in(client):
    return SESSION_KEY in client.session


# ----------------------------------------------------------------------------- lockout


@pytest.mark.parametrize("url", [SITE_LOGIN, ADMIN_LOGIN])
def test_the_sixth_attempt_is_refused_with_429_even_with_the_right_password(db, client, url):
    make_hr_user("clerk")
    statuses = [log_in(client, "clerk", WRONG, url).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure already shows the lockout page

    response = log_in(client, "clerk", PASSWORD, url)

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    html = response.content.decode()
    assert "Too many failed logins" in html
    assert "Please wait 15 minutes, then try again." in html
    assert PASSWORD not in html and WRONG not in html
    assert not logged_in(client)


def test_four_failures_still_let_the_right_password_in_and_start_the_count_again(db, client):
    make_user("clerk")
    for _ in range(4):
        log_in(client, "clerk", WRONG)
    assert log_in(client, "clerk", PASSWORD).status_code == 302
    assert logged_in(client)
    client.logout()
    for _ in range(4):
        assert log_in(client, "clerk", WRONG).status_code == 200


def test_the_lockout_is_for_one_username_from_one_address(db):
    make_user("clerk")
    make_user("buyer")
    attacker = Client()
    for _ in range(5):
        log_in(attacker, "clerk", WRONG, address="198.51.100.9")

    assert log_in(attacker, "buyer", PASSWORD, address="198.51.100.9").status_code == 302
    colleague = Client()
    assert log_in(colleague, "clerk", PASSWORD, address="203.0.113.7").status_code == 302
    assert logged_in(colleague)


def test_the_right_password_works_again_after_the_cooling_off_period(db, client):
    make_user("clerk")
    for _ in range(5):
        log_in(client, "clerk", WRONG)
    assert log_in(client, "clerk", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert log_in(client, "clerk", PASSWORD).status_code == 302
    assert logged_in(client)


def test_a_proxy_forwarded_address_is_the_one_locked_out(db, settings):
    settings.ROLEATLAS_PROXY_COUNT = 1  # behind one nginx: every request comes from 127.0.0.1
    make_user("clerk")
    attacker, colleague = Client(), Client()
    for _ in range(5):
        attacker.post(
            SITE_LOGIN,
            {"username": "clerk", "password": WRONG},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.250, 198.51.100.9",  # the first entry is the client's own lie
        )
    response = colleague.post(
        SITE_LOGIN,
        {"username": "clerk", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "198.51.100.9"


@pytest.mark.parametrize(
    "remote, forwarded, proxies, expected",
    [
        ("203.0.113.7", None, 0, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", 0, "203.0.113.7"),  # no proxy: the header is the client's own
        ("127.0.0.1", "198.51.100.1", 1, "198.51.100.1"),
        ("127.0.0.1", "10.0.0.1, 198.51.100.1", 1, "198.51.100.1"),
        ("127.0.0.1", "198.51.100.1, 10.0.0.2", 2, "198.51.100.1"),
        ("127.0.0.1", None, 1, "127.0.0.1"),  # the proxy did not say: its own address
        ("127.0.0.1", "", 1, "127.0.0.1"),
        ("127.0.0.1", "not-an-address", 1, "127.0.0.1"),
        ("127.0.0.1", "198.51.100.1", 2, "127.0.0.1"),  # fewer hops than proxies: misconfigured
        ("127.0.0.1", "2001:db8::1", 1, "2001:db8::1"),
    ],
)
def test_the_client_address(remote, forwarded, proxies, expected):
    assert client_ip(remote, forwarded, proxies) == expected


addresses = st.ip_addresses().map(str)


@given(st.lists(st.text(alphabet="0123456789abcdef.:, x", max_size=20), max_size=4), addresses, addresses)
def test_what_a_client_writes_into_x_forwarded_for_never_becomes_its_address(lies, real, proxy):
    forwarded = ", ".join([*lies, real])  # nginx appends the address it saw to whatever came in
    assert client_ip(proxy, forwarded, 1) == real
    assert client_ip(proxy, forwarded, 0) == proxy


# ------------------------------------------------------------------------ security log


def test_logins_are_logged_with_user_address_and_time_but_no_password(db, client, caplog):
    make_user("clerk")
    with caplog.at_level(logging.DEBUG):
        log_in(client, "clerk", WRONG)
        log_in(client, "clerk", PASSWORD)

    security = [r for r in caplog.records if r.name == "roleatlas.security"]
    assert [r.getMessage() for r in security] == [
        "login failed user='clerk' ip=203.0.113.7",
        "login succeeded user='clerk' ip=203.0.113.7",
    ]
    (handler,) = logging.getLogger("roleatlas.security").handlers
    assert re.match(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} WARNING roleatlas\.security login failed", handler.format(security[0])
    )
    everything = "\n".join(r.getMessage() for r in caplog.records) + repr([r.args for r in caplog.records])
    assert WRONG not in everything and PASSWORD not in everything
    # The attempt shown in the admin (django-axes' records) keeps the form data without the password.
    assert not AccessAttempt.objects.filter(post_data__contains=WRONG).exists()


def test_a_lockout_is_logged(db, client, caplog):
    make_user("clerk")
    with caplog.at_level(logging.INFO, logger="roleatlas.security"):
        for _ in range(6):
            log_in(client, "clerk", WRONG)
    messages = [r.getMessage() for r in caplog.records if r.name == "roleatlas.security"]
    assert "login locked out user='clerk' ip=203.0.113.7" in messages
    assert messages.count("login failed user='clerk' ip=203.0.113.7") == 6


# ----------------------------------------------------------------------------- sessions


def test_logging_in_gives_a_new_session_key(db, client):
    make_user("clerk")
    session = client.session
    session["visited"] = True
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    log_in(client, "clerk", PASSWORD)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["visited"] is True  # what was in the session is carried over


def test_after_logout_the_old_session_cookie_opens_nothing(db, client):
    make_hr_user("clerk")
    log_in(client, "clerk", PASSWORD)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/admin/").status_code == 200

    client.post("/accounts/logout/")

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = replay.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not Session.objects.filter(session_key=stolen).exists()


@pytest.fixture
def clock(monkeypatch):
    """Moves Django's idea of now (sessions and their expiry read timezone.now)."""
    start = timezone.now()

    class Clock:
        offset = timedelta()

        def advance(self, **delta):
            self.offset += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: start + clock.offset)
    return clock


def test_a_session_left_idle_expires_and_one_in_use_does_not(db, client, settings, clock):
    settings.SESSION_COOKIE_AGE = 10 * 60  # SESSION_IDLE_MINUTES=10
    client.force_login(make_hr_user("clerk"))

    clock.advance(minutes=9)
    assert client.get("/admin/").status_code == 200
    clock.advance(minutes=9)  # 18 minutes after login, 9 after the last page
    assert client.get("/admin/").status_code == 200

    clock.advance(minutes=11)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_session_is_saved_at_most_once_a_minute_while_in_use(db, client, settings, clock):
    client.force_login(make_hr_user("clerk"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    at_login = expiry()
    clock.advance(seconds=30)
    client.get("/admin/")
    assert expiry() == at_login
    clock.advance(seconds=31)
    client.get("/admin/")
    assert expiry() == at_login + timedelta(seconds=61)


@pytest.mark.parametrize(
    "renewed_at, now, expected",
    [(None, 1000, True), (1000, 1000, False), (1000, 1059, False), (1000, 1060, True), (1000, 5000, True)],
)
def test_when_a_session_is_renewed(renewed_at, now, expected):
    assert session_needs_renewal(renewed_at, now) is expected

"""Login protection and sessions: the client's address, the idle timeout, the security log.

django-axes counts failed logins per username and address (settings: AXES_*); this module
tells it the address, keeps idle sessions short-lived, and writes every login outcome to the
`roleatlas.security` log without credentials.
"""

import ipaddress
import logging
import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import render, resolve_url
from django.utils import timezone

log = logging.getLogger("roleatlas.security")

# A session in use is renewed (saved, so its expiry moves) at most this often, not on every request.
SESSION_RENEW_SECONDS = 60
RENEWED_AT = "_roleatlas_renewed_at"


def client_ip(remote_addr, forwarded_for, proxy_count):
    """The client's address, given `proxy_count` trusted proxies that each append to X-Forwarded-For.

    Entries left of the proxies' own are whatever the client sent, so they are never trusted.
    A missing or malformed entry falls back to the connecting address.
    """
    if proxy_count <= 0:
        return remote_addr
    hops = [hop.strip() for hop in (forwarded_for or "").split(",")]
    if len(hops) < proxy_count:
        return remote_addr
    candidate = hops[-proxy_count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def request_client_ip(request):
    """django-axes' AXES_CLIENT_IP_CALLABLE, and the address in the security log."""
    return client_ip(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        settings.ROLEATLAS_PROXY_COUNT,
    )


def session_needs_renewal(renewed_at, now, interval=SESSION_RENEW_SECONDS):
    """Whether a logged-in session last renewed at `renewed_at` (seconds) is saved again at `now`."""
    return renewed_at is None or now - renewed_at >= interval


def session_idle_middleware(get_response):
    """Keeps a logged-in session alive while it is used; unused for SESSION_COOKIE_AGE, it expires.

    Django stores a session's expiry when the session is saved; saving every request
    (SESSION_SAVE_EVERY_REQUEST) would cost a database write per page, so this saves it once a minute.
    """

    def middleware(request):
        response = get_response(request)
        session = request.session
        if SESSION_KEY in session:
            now = int(timezone.now().timestamp())
            if session_needs_renewal(session.get(RENEWED_AT), now):
                session[RENEWED_AT] = now
        return response

    return middleware


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the friendly 429 page, with Retry-After."""
    seconds = int(get_cool_off(request).total_seconds())
    context = {"minutes": math.ceil(seconds / 60), "login_url": resolve_url(settings.LOGIN_URL)}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def mark_session_renewed(request):
    """A login saves the session anyway: start its renewal clock there, not on the next page."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_AT] = int(timezone.now().timestamp())


# ------------------------------------------------------------------------- the security log


def _address(request):
    return request_client_ip(request) if request is not None else None


def log_login_succeeded(sender, request, user, **kwargs):
    mark_session_renewed(request)
    log.info("login succeeded user=%r ip=%s", user.get_username(), _address(request))


def log_login_failed(sender, credentials, request=None, **kwargs):
    # Django passes the credentials with the password already masked; only the username is read.
    log.warning("login failed user=%r ip=%s", credentials.get("username"), _address(request))


def log_locked_out(sender, request, username, ip_address, **kwargs):
    log.warning("login locked out user=%r ip=%s", username, ip_address)


def log_logged_out(sender, request, user, **kwargs):
    username = user.get_username() if user is not None else None
    log.info("logout user=%r ip=%s", username, _address(request))


def connect_signals():
    from axes.signals import user_locked_out
    from django.contrib.auth import signals

    signals.user_logged_in.connect(log_login_succeeded, dispatch_uid="roleatlas.security.login")
    signals.user_login_failed.connect(log_login_failed, dispatch_uid="roleatlas.security.failed")
    signals.user_logged_out.connect(log_logged_out, dispatch_uid="roleatlas.security.logout")
    user_locked_out.connect(log_locked_out, dispatch_uid="roleatlas.security.locked_out")

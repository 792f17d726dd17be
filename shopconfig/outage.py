"""Database outages: a friendly 503 instead of a server error, and recovery without a restart.

While PostgreSQL is down or restarting, every request that touches the database fails with
OperationalError or InterfaceError (Django wraps the driver's errors, psycopg2's and sqlite3's
alike, in these). DatabaseOutageMiddleware, first in MIDDLEWARE, answers such a request with a
503 and Retry-After: a page in Chinese and English, or JSON `{"detail": ..., "code": ...}` for the API. The
page is rendered without the database: no request context (so no context processors), no
request.user, no session.

Django turns an exception into a 500 response inside every middleware layer
(convert_exception_to_response), so a try/except around get_response would never see one.
Two hooks catch the error instead:

- process_exception, for errors raised by a view (DRF's views re-raise every exception that is
  not an API error, so the API's errors arrive here too);
- the got_request_exception signal, for errors raised by other middleware (the session, the
  idle-session renewal, django-axes): it marks the request, and the middleware replaces the
  resulting 500 with the 503.

Each failed request is logged once, as one WARNING line on `roleatlas.outage`; Django's own
records of it (a traceback, "Service Unavailable: /path") are filtered out.

Recovery: a connection that failed is closed at once when it is no longer usable, so the next
request opens a new one; CONN_HEALTH_CHECKS (settings) checks a persistent connection that
died while idle before it is reused.
"""

import logging
import sys
from http import HTTPStatus

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("roleatlas.outage")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
# Set on the request when the database failed while answering it.
ERROR_ATTRIBUTE = "_database_error"

TITLE = _("Service temporarily unavailable")
MESSAGE = _("The system cannot connect to the database at the moment. Please try again shortly.")
TRY_AGAIN = _("Try again")


def in_every_language(**messages):
    """The messages in each of the site's languages, Chinese first.

    The reader's language may not be known yet (the failure can come before LocaleMiddleware)
    and must not be looked up in the database, so the page says it in every language. A
    language whose translation is missing or incomplete is left out: its text would repeat
    the English (the msgids) in part or whole.
    """
    with translation.override("en"):
        english = {name: str(message) for name, message in messages.items()}
    versions = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts = {name: str(message) for name, message in messages.items()}
        if code == "en" or all(texts[name] != english[name] for name in messages):
            versions.append({"lang": code, **texts})
    return versions


def wants_json(request):
    return request.path.startswith("/api/") or request.path.endswith(".json")


def unavailable_response(request):
    """The 503 answer, built from the request's path and method only."""
    if wants_json(request):
        detail = " / ".join(version["message"] for version in in_every_language(message=MESSAGE))
        response = JsonResponse(
            {"detail": detail, "code": "service_unavailable"},  # the API's error shape
            status=HTTPStatus.SERVICE_UNAVAILABLE,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        context = {
            "versions": in_every_language(title=TITLE, message=MESSAGE, try_again=TRY_AGAIN),
            # A reload repeats a GET harmlessly; a form is never sent again by itself.
            "reload": request.method in ("GET", "HEAD"),
            "retry_after": RETRY_AFTER_SECONDS,
        }
        # No request: without it no context processor runs, so nothing reads the database.
        html = render_to_string("503.html", context)
        response = HttpResponse(html, status=HTTPStatus.SERVICE_UNAVAILABLE)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def discard_broken_connections():
    """Close connections that failed (or outlived CONN_MAX_AGE), so the next query opens a new one.

    Django does this itself when a request finishes; doing it now as well keeps a dead
    connection from serving anything else. A connection inside a transaction is left alone:
    its atomic block decides.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def note_database_error(sender, request=None, **kwargs):
    """got_request_exception receiver: remember a database error raised outside a view."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        setattr(request, ERROR_ATTRIBUTE, error)


def not_an_outage_record(record):
    """Logging filter for `django.request`: the outage log already has one line per failed request."""
    return getattr(getattr(record, "request", None), ERROR_ATTRIBUTE, None) is None


def one_line(text):
    """Log text on a single line: whitespace collapsed, other control characters escaped."""
    return " ".join(str(text).split()).encode("unicode_escape").decode("ascii")


class DatabaseOutageMiddleware:
    """503 with Retry-After while the database cannot be reached (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(note_database_error, dispatch_uid="roleatlas.outage")
        logging.getLogger("django.request").addFilter(not_an_outage_record)  # added once

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, ERROR_ATTRIBUTE, None)
        if error is None:
            return response
        logger.warning(
            "Database unavailable, answered 503 to %s %s: %s: %s",
            request.method,
            one_line(request.path),
            type(error).__name__,
            one_line(error),
        )
        discard_broken_connections()
        if response.status_code != HTTPStatus.SERVICE_UNAVAILABLE:  # the 500 of another middleware's error
            response = unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        setattr(request, ERROR_ATTRIBUTE, exception)
        return unavailable_response(request)

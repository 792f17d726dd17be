"""Schemathesis fuzzes every operation of the OpenAPI schema in-process (WSGI), as a visitor and as HR.

No request may end in a server error, and every response must match what the schema declares.
The number of examples is bounded and the generation derandomized, so CI runs the same cases each time.
tests/test_api_contract.py runs every check of schemathesis against gunicorn on a SQLite database of its
own; this test runs on the suite's database, so PostgreSQL's refusals (a NUL character…) are fuzzed too.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.factories import make_hr_user

CHECKS = [not_a_server_error, response_schema_conformance]

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def keep_the_test_connection_open():
    """Schemathesis calls the WSGI app directly, which closes the database connection at the end of
    each request; inside a test's transaction that breaks the next request (PostgreSQL). Django's
    test client avoids it the same way: by not closing connections between requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def hr_token(seeded):
    return Token.objects.create(user=make_hr_user()).key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@pytest.mark.parametrize("who", ["anonymous", "hr"])
def test_the_api_never_errors_and_matches_its_schema(case, who, hr_token):
    headers = {"Authorization": f"Token {hr_token}"} if who == "hr" else None
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    if who == "hr":
        assert response.status_code != 401, "the HR token was not accepted: the run would not test HR at all"

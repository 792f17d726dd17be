"""One way to prove a page, an export or an endpoint costs no query per row."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def captured_sql(action):
    """The SQL of each query `action()` runs, in order."""
    with CaptureQueriesContext(connection) as queries:
        action()
    return [query["sql"] for query in queries.captured_queries]


def count_queries(action):
    """The number of SQL queries `action()` runs."""
    return len(captured_sql(action))


def assert_constant_queries(action, grow, *, at_most=None):
    """Run `action()`, then `grow()` (which adds rows), then `action()` again: both must cost the same
    number of queries (and no more than `at_most`, when given). Returns that number.

    `action` runs once before counting, so per-process caches (permissions, the catalogue
    revision) are warm in both counts.
    """
    action()
    before = count_queries(action)
    grow()
    action()
    after = count_queries(action)
    assert before == after, f"{before} queries before adding rows, {after} after: a query per row somewhere"
    if at_most is not None:
        assert after <= at_most, f"{after} queries, expected at most {at_most}"
    return after

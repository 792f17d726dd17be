"""The changes list in pages (issue 12's benchmark): 100 rows a page on the page, the API's page size in
the API, links that keep the filters, and the same number of queries however many changes there are."""

import datetime
import re

import pytest
import time_machine

from roles import dated, services
from roles.models import Role
from tests.factories import make_manager
from tests.queries import assert_constant_queries

START = datetime.date(2026, 1, 1)


@pytest.fixture
def reader(seeded, client):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 4, 0, tzinfo=datetime.UTC), tick=False):
        client.force_login(make_manager())
        yield client


def seat_changes(count, offset=0):
    """`count` headcount changes, one a day from START + offset days, spread over the seed's roles."""
    roles = list(Role.objects.order_by("pk").values_list("pk", flat=True))
    with services.tree_lock():
        for n in range(count):
            day = START + datetime.timedelta(days=offset + n)
            dated.record(roles[n % len(roles)], {"headcount": 10 + offset + n}, day)


def shown(response):
    """The effective dates of the rows a page shows, in its order."""
    return re.findall(r'<td data-label="[^"]*">(\d{4}-\d\d-\d\d)</td>', response.content.decode())


def test_a_year_of_changes_comes_in_pages_of_100_with_links_that_keep_the_filters(reader):
    seat_changes(130)
    query = "from=2026-01-01&to=2026-12-31&kind=headcount"
    first = reader.get(f"/orgchart/changes/?{query}", HTTP_ACCEPT_LANGUAGE="zh-CN")
    days = [(START + datetime.timedelta(days=n)).isoformat() for n in range(130)]
    assert shown(first) == days[:100]
    assert "130 项变更" in first.content.decode()  # the count is of every change, not of the page
    link = 'href="?from=2026-01-01&amp;to=2026-12-31&amp;kind=headcount&amp;page=2" rel="next"'
    assert link in first.content.decode()
    second = reader.get(f"/orgchart/changes/?{query}&page=2", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert shown(second) == days[100:]
    assert 'rel="next"' not in second.content.decode()
    assert 'kind=headcount&amp;page=1" rel="prev"' in second.content.decode()
    # The page's rows for a file or a test are every row.
    assert len(reader.get(f"/orgchart/changes/?{query}").context["rows"]) == 130


def test_the_api_pages_the_changes_with_the_value_each_replaced(reader):
    seat_changes(60)
    second = reader.get("/api/v1/changes/?from=2026-01-01&to=2026-12-31&kind=headcount&page=2").json()
    assert second["count"] == 60
    assert [row["effective_date"] for row in second["results"]] == [
        (START + datetime.timedelta(days=n)).isoformat() for n in range(50, 60)
    ]
    # The 51st change (seats 60) replaced the seats its role was given one round of the roles earlier.
    roles = Role.objects.count()
    assert roles <= 50
    assert (second["results"][0]["before"], second["results"][0]["after"]) == (str(60 - roles), "60")


@pytest.mark.parametrize(
    "url",
    ["/orgchart/changes/?from=2026-01-01&to=2026-12-31", "/api/v1/changes/?from=2026-01-01&to=2026-12-31&page=1"],
)
def test_a_page_of_changes_costs_the_same_queries_however_many_there_are(reader, url):
    seat_changes(5)
    assert_constant_queries(lambda: reader.get(url), lambda: seat_changes(150, offset=5), at_most=20)

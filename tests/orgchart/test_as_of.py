"""The org chart as of any day (issue 12): ?as_of= on the chart page, its data, its files and the API tree."""

import datetime

import pytest
import time_machine

from roles import services
from roles.models import Role
from tests.factories import make_manager

TODAY = datetime.date(2026, 3, 16)
NEXT_MONTH = datetime.date(2026, 4, 1)


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 4, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def moved_next_month(seeded, clock):
    """推广专员 moves from 推广主管 to 店长 on the 1st of next month."""
    promo = Role.objects.get(slug="promotion-specialist")
    services.move_role(promo.pk, Role.objects.get(slug="store-manager").pk, effective_date=NEXT_MONTH)
    return promo


def superiors(client, query=""):
    data = client.get(f"/orgchart/data.json{query}").json()
    by_id = {row[0]: row for row in data["rows"]}
    return {
        row[3]: by_id[row[1]][3] if row[1] else None for row in data["rows"]
    }  # titles (columns: id, parentId, slug, title…)


def test_the_seed_is_in_force_from_its_day_so_last_month_shows_the_same_organisation(seeded, clock, client):
    assert superiors(client, "?as_of=2026-02-16") == superiors(client)
    assert superiors(client, "?as_of=2025-01-01") == superiors(client)


def test_a_scheduled_move_shows_on_its_day_to_managers_and_never_to_visitors(moved_next_month, client):
    assert superiors(client)["推广专员"] == "推广主管"
    assert superiors(client, "?as_of=2026-04-01")["推广专员"] == "推广主管"  # visitors: no scheduled future
    client.force_login(make_manager())
    assert superiors(client, "?as_of=2026-03-31")["推广专员"] == "推广主管"
    assert superiors(client, "?as_of=2026-04-01")["推广专员"] == "店长"
    tree = {row["title"]: row["parent"] for row in client.get("/api/v1/tree/?as_of=2026-04-01").json()}
    assert tree["推广专员"] == Role.objects.get(slug="store-manager").pk
    tree = {row["title"]: row["parent"] for row in client.get("/api/v1/tree/").json()}
    assert tree["推广专员"] == Role.objects.get(slug="promotion-supervisor").pk


def test_the_chart_page_says_which_day_it_shows(moved_next_month, client):
    client.force_login(make_manager())
    page = client.get("/orgchart/?as_of=2026-04-01", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'value="2026-04-01"' in page
    assert "2026-04-01" in page and "不是今天" in page
    assert "?as_of=2026-04-01" in page  # the downloads carry the day
    today = client.get("/orgchart/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'value="2026-03-16"' in today and "不是今天" not in today


def test_before_the_first_record_the_earliest_day_is_shown_with_a_note(seeded, clock, client):
    client.force_login(make_manager())
    page = client.get("/orgchart/?as_of=2020-05-01", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "2025-01-01" in page and "2020-05-01" in page and "最早" in page


@pytest.mark.parametrize("value", ["yesterday", "2026-02-30", "1899-12-31", "2101-01-01"])
def test_a_day_that_is_not_a_date_is_a_400_naming_the_parameter(seeded, client, value):
    page = client.get(f"/orgchart/?as_of={value}", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 400
    assert "YYYY-MM-DD" in page.content.decode() and "日期" in page.content.decode()
    assert client.get(f"/orgchart/data.json?as_of={value}").status_code == 400
    api = client.get(f"/api/v1/tree/?as_of={value}", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 400
    assert list(api.json()) == ["as_of"] and "YYYY-MM-DD" in api.json()["as_of"][0]


def test_the_chart_file_of_a_day(moved_next_month, client):
    client.force_login(make_manager())
    svg = client.get("/orgchart.svg?as_of=2026-04-01").content.decode()
    assert "推广专员" in svg
    assert client.get("/orgchart.svg?as_of=nonsense").status_code == 400


# ---------------------------------------------------------------------------- API writes carry dates


@pytest.fixture
def hr_api(seeded, clock):
    from rest_framework.test import APIClient

    from tests.factories import make_hr_user

    api = APIClient()
    api.force_authenticate(make_hr_user())
    return api


def api_superiors(api, query=""):
    rows = api.get(f"/api/v1/tree/{query}").json()
    titles = {row["id"]: row["title"] for row in rows}
    return {row["title"]: titles.get(row["parent"]) for row in rows}


def test_an_api_edit_dated_next_month_leaves_today_alone(hr_api):
    promo = Role.objects.get(slug="promotion-specialist")
    boss = Role.objects.get(slug="store-manager")
    answer = hr_api.patch(
        f"/api/v1/roles/{promo.pk}/",
        {"parent": boss.pk, "title": "推广经理", "effective_date": "2026-04-01"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["title"] == "推广专员"  # today
    assert "effective_date" not in answer.json()  # write only
    assert api_superiors(hr_api)["推广专员"] == "推广主管"
    assert api_superiors(hr_api, "?as_of=2026-04-01")["推广经理"] == "店长"


def test_an_api_move_dated_next_month(hr_api):
    promo = Role.objects.get(slug="promotion-specialist")
    boss = Role.objects.get(slug="store-manager")
    answer = hr_api.post(
        f"/api/v1/roles/{promo.pk}/move/", {"target": boss.pk, "effective_date": "2026-04-01"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert api_superiors(hr_api)["推广专员"] == "推广主管"
    assert api_superiors(hr_api, "?as_of=2026-04-01")["推广专员"] == "店长"


@pytest.mark.parametrize(
    ("day", "message"),
    [("2101-01-01", "2100-12-31"), ("1899-12-31", "1900-01-01"), ("2026-13-01", "YYYY"), ("2024-06-01", "2025-01-01")],
)
def test_an_api_write_with_an_impossible_day_is_a_400_naming_effective_date(hr_api, day, message):
    promo = Role.objects.get(slug="promotion-specialist")
    before = list(Role.objects.values_list("pk", "parent_id", "title", "lft"))
    answer = hr_api.patch(f"/api/v1/roles/{promo.pk}/", {"title": "改名", "effective_date": day}, format="json")
    assert answer.status_code == 400
    assert list(answer.json()) == ["effective_date"] and message in answer.json()["effective_date"][0]
    assert list(Role.objects.values_list("pk", "parent_id", "title", "lft")) == before


@pytest.mark.parametrize("url", ["/orgchart/data.json?as_of=2026-04-01", "/api/v1/tree/?as_of=2026-04-01"])
def test_a_day_costs_the_same_queries_however_many_roles(moved_next_month, client, url):
    from tests.pages import add_roles, page_view
    from tests.queries import assert_constant_queries

    client.force_login(make_manager())
    assert_constant_queries(page_view(client, url), lambda: add_roles(30))


# ---------------------------------------------------------------------------- what changed


def test_the_changes_list_shows_each_step_with_what_it_replaced(moved_next_month, client):
    from tests.factories import make_hr_user

    hr = make_hr_user()
    promo = Role.objects.get(pk=moved_next_month.pk)
    promo.headcount = 3
    services.save_role(promo, effective_date=NEXT_MONTH, user=hr)
    client.force_login(make_manager())
    page = client.get("/orgchart/changes/?from=2026-04-01&to=2026-04-30", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(r["role"].title, r["kind"], r["before"], r["after"]) for r in rows] == [
        ("推广专员", "parent", "推广主管", "店长"),
        ("推广专员", "headcount", "1", "3"),
    ]
    assert rows[1]["recorded_by"] == "hr"
    assert "2 项变更" in page.content.decode() or "2 changes" in page.content.decode()
    # the seed's day: every role created
    created = client.get("/orgchart/changes/?from=2025-01-01&to=2025-01-01&kind=created").context["rows"]
    assert len(created) == Role.objects.count() and {r["before"] for r in created} == {"—"}
    api = client.get("/api/v1/changes/?from=2026-04-01&to=2026-04-30").json()
    assert [(r["role_title"], r["kind"], r["before"], r["after"]) for r in api["results"]] == [
        ("推广专员", "parent", "推广主管", "店长"),
        ("推广专员", "headcount", "1", "3"),
    ]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("from=2026-05-01&to=2026-04-01", "from"),
        ("from=someday", "from"),
        ("to=2026-02-30", "to"),
        ("kind=moved", "kind"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_parameter(seeded, client, query, parameter):
    client.force_login(make_manager())
    assert client.get(f"/orgchart/changes/?{query}").status_code == 400
    api = client.get(f"/api/v1/changes/?{query}")
    assert api.status_code == 400 and list(api.json()) == [parameter]


def test_only_managers_and_hr_read_the_changes(seeded, client):
    assert client.get("/orgchart/changes/").status_code == 404
    assert client.get("/api/v1/changes/").status_code in (401, 403)


def test_the_admin_says_when_a_back_dated_edit_is_overtaken_by_a_later_change(seeded, clock, client):
    from tests.admin_forms import change_form_data
    from tests.factories import make_hr_user

    promo = Role.objects.get(slug="promotion-specialist")
    promo.headcount = 4
    services.save_role(promo, effective_date=datetime.date(2026, 3, 1))
    client.force_login(make_hr_user())
    url = f"/admin/roles/role/{promo.pk}/change/"
    data = change_form_data(client.get(url))
    data.update(headcount="2", effective_date="2026-02-01")
    answer = client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert answer.status_code == 200
    shown = [str(m) for m in answer.context["messages"]]
    assert any("2026-03-01" in m and "编制" in m and "历史" in m for m in shown), shown
    assert Role.objects.get(pk=promo.pk).headcount == 4
    assert (
        client.get("/orgchart/changes/?from=2026-02-01&to=2026-02-01&kind=headcount").context["rows"][0]["after"] == "2"
    )

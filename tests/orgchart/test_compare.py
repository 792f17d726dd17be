"""The chart compares two days (issue 12, item 3) and shows pay costs to pay readers (item 5).

`/orgchart/?as_of=D1&compare=D2`: roles added, removed, moved or changed from D2 to D1 are marked,
removed ones drawn faded where they were, with a summary and a link to the changes of the period.
"""

import datetime
import json

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from roles import services, workflow
from roles.models import Role
from roles.timeline import Difference, compare, tally
from tests.factories import make_hr_user, make_manager, make_role
from tests.pages import add_roles, page_view
from tests.queries import assert_constant_queries

TODAY = datetime.date(2026, 3, 16)
NEXT_MONTH = datetime.date(2026, 4, 1)

# ---------------------------------------------------------------------------- the pure comparison


def state(parent=None, title="客服", department=1, grade=1, headcount=1, dotted=()):
    return {
        "parent": parent,
        "title": title,
        "department": department,
        "grade": grade,
        "headcount": headcount,
        "dotted": list(dotted),
    }


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({}, {}, {}),
        ({1: state()}, {1: state()}, {}),
        ({}, {1: state()}, {1: Difference("added")}),
        ({1: state()}, {}, {1: Difference("removed")}),
        ({1: state(parent=2)}, {1: state(parent=3)}, {1: Difference("moved", ("parent",))}),
        ({1: state(parent=2)}, {1: state(parent=None)}, {1: Difference("moved", ("parent",))}),
        ({1: state(title="客服")}, {1: state(title="店铺客服")}, {1: Difference("changed", ("title",))}),
        (
            {1: state(headcount=1, grade=1)},
            {1: state(headcount=3, grade=2)},
            {1: Difference("changed", ("grade", "headcount"))},
        ),
        ({1: state(dotted=[4, 5])}, {1: state(dotted=[5, 4])}, {}),  # the order of dotted lines is no change
        ({1: state(dotted=[4])}, {1: state(dotted=[4, 5])}, {1: Difference("changed", ("dotted",))}),
        (
            {1: state(parent=2, department=1)},
            {1: state(parent=3, department=2)},
            {1: Difference("moved", ("parent", "department"))},
        ),
    ],
)
def test_what_differs_between_two_days(before, after, expected):
    assert compare(before, after) == expected


def test_the_tally_counts_every_mark_even_when_none_carries_it():
    differences = {1: Difference("added"), 2: Difference("added"), 3: Difference("moved", ("parent",))}
    assert tally(differences) == {"added": 2, "removed": 0, "moved": 1, "changed": 0}


states = st.dictionaries(
    st.integers(1, 8),
    st.builds(
        state,
        parent=st.none() | st.integers(1, 8),
        title=st.sampled_from(["客服", "美工", "推广专员"]),
        department=st.integers(1, 3),
        grade=st.integers(1, 3),
        headcount=st.integers(0, 3),
        dotted=st.lists(st.integers(1, 8), max_size=2, unique=True),
    ),
    max_size=8,
)


@given(states)
def test_a_day_compared_with_itself_differs_in_nothing(day):
    assert compare(day, day) == {}


@given(states, states)
def test_comparing_the_other_way_round_swaps_added_and_removed_and_keeps_the_rest(before, after):
    forth, back = compare(before, after), compare(after, before)
    swap = {"added": "removed", "removed": "added", "moved": "moved", "changed": "changed"}
    assert {role_id: (swap[d.mark], d.fields) for role_id, d in forth.items()} == {
        role_id: (d.mark, d.fields) for role_id, d in back.items()
    }
    assert set(forth) == {r for r in before.keys() | after.keys() if before.get(r) is None or after.get(r) is None} | {
        r for r in before.keys() & after.keys() if compare({r: before[r]}, {r: after[r]})
    }
    assert sum(tally(forth).values()) == len(forth)


# ---------------------------------------------------------------------------- the chart page


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 4, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def april(seeded, clock):
    """A new 直播主播 under 推广主管 today (16 March); on 1 April 推广专员 moves under 店长, 仓库员
    becomes 仓管员 with 3 seats and 公关员 is archived."""
    hr = make_hr_user()
    by_slug = {role.slug: role for role in Role.objects.all()}
    services.move_role(by_slug["promotion-specialist"].pk, by_slug["store-manager"].pk, effective_date=NEXT_MONTH)
    clerk = by_slug["warehouse-clerk"]
    clerk.title, clerk.headcount = "仓管员", 3
    services.save_role(clerk, effective_date=NEXT_MONTH, user=hr)
    workflow.archive(by_slug["pr-clerk"].pk, hr, effective_date=NEXT_MONTH)
    streamer = Role(
        title="直播主播",
        slug="streamer",
        parent=by_slug["promotion-supervisor"],
        department=by_slug["promotion-supervisor"].department,
        grade=by_slug["promotion-specialist"].grade,
        status=Role.Status.PUBLISHED,
    )
    services.save_role(streamer, user=hr)
    return by_slug


def compared(client, query, **headers):
    """The data.json of a comparison: marks by title ({title: [mark, fields]}) and the removed roles
    as (title, title of the superior they had)."""
    data = client.get(f"/orgchart/data.json?{query}", **headers).json()
    titles = {row[0]: row[3] for row in data["rows"] + data["compare"]["ghosts"]}
    marks = {titles[int(role_id)]: mark for role_id, mark in data["compare"]["marks"].items()}
    ghosts = [(row[3], titles.get(row[1])) for row in data["compare"]["ghosts"]]
    return marks, ghosts, data


def test_a_manager_sees_what_changed_from_last_month_to_next_month(april, client):
    client.force_login(make_manager())
    marks, ghosts, data = compared(client, "as_of=2026-04-01&compare=2026-03-01")
    assert marks == {
        "推广专员": ["moved", ["parent"]],
        "仓管员": ["changed", ["title", "headcount"]],
        "公关员": ["removed", []],
        "直播主播": ["added", []],
    }
    assert ghosts == [("公关员", "分销主管")]  # drawn where it was
    assert data["compare"]["day"] == "2026-03-01"
    assert str(Role.objects.get(slug="pr-clerk").department_id) in data["departments"]
    # the other way round: what next month undoes
    marks, ghosts, _data = compared(client, "as_of=2026-03-01&compare=2026-04-01")
    assert marks["公关员"] == ["added", []] and marks["直播主播"] == ["removed", []]
    assert ghosts == [("直播主播", "推广主管")]


def test_the_page_sums_up_the_comparison_and_links_the_changes_of_the_period(april, client):
    client.force_login(make_manager())
    page = client.get("/orgchart/?as_of=2026-04-01&compare=2026-03-01", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 200
    counts = {mark: count for mark, _label, count in page.context["comparison"]["counts"]}
    assert counts == {"added": 1, "removed": 1, "moved": 1, "changed": 1}
    html = page.content.decode()
    assert "与 2026-03-01 相比" in html
    for word in ("新增", "撤销", "调整上级", "有变更", "取消对比"):
        assert word in html, word
    link = "/orgchart/changes/?from=2026-03-02&amp;to=2026-04-01"
    assert f'href="{link}"' in html
    # the changes list of that link lists the same steps
    listed = client.get(link.replace("&amp;", "&")).context["rows"]
    assert {(r["role"].pk, r["kind"]) for r in listed} >= {
        (april["promotion-specialist"].pk, "parent"),
        (april["warehouse-clerk"].pk, "title"),
        (april["pr-clerk"].pk, "archived"),
        (Role.objects.get(slug="streamer").pk, "created"),
    }
    # both date controls keep the other day; the stop link drops the comparison only
    assert 'name="compare" value="2026-03-01"' in html and 'name="as_of" value="2026-04-01"' in html
    assert 'href="/orgchart/?as_of=2026-04-01">取消对比' in html


def test_visitors_compare_only_what_they_may_see(april, client):
    # no scheduled future for visitors: both days read as today, nothing differs, no changes link
    marks, ghosts, _data = compared(client, "compare=2026-04-01")
    assert marks == {} and ghosts == []
    page = client.get("/orgchart/?compare=2026-04-01", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "/orgchart/changes/" not in page
    # a draft created since last month is not "added" for a visitor, but is for a manager
    make_role("直播运营", parent=Role.objects.get(slug="store-manager"), slug="live-ops", status=Role.Status.DRAFT)
    marks, _ghosts, _data = compared(client, "compare=2026-02-16")
    assert "直播运营" not in marks
    client.force_login(make_manager())
    marks, _ghosts, _data = compared(client, "compare=2026-02-16")
    assert marks["直播运营"] == ["added", []]


@pytest.mark.parametrize("value", ["", "last-month", "2026-02-30", "1899-12-31"])
def test_a_compare_day_that_is_no_date_is_a_400_naming_the_parameter(seeded, client, value):
    page = client.get(f"/orgchart/?compare={value}", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 400 and "YYYY-MM-DD" in page.content.decode() and "日期" in page.content.decode()
    data = client.get(f"/orgchart/data.json?compare={value}")
    assert data.status_code == 400


@pytest.mark.parametrize(
    "url", ["/orgchart/data.json?as_of=2026-04-01&compare=2026-03-01", "/orgchart/?compare=2026-04-01"]
)
def test_a_comparison_costs_the_same_queries_however_many_roles(april, client, url):
    client.force_login(make_manager())
    assert_constant_queries(page_view(client, url), lambda: add_roles(10))


# ---------------------------------------------------------------------------- pay cost


@pytest.fixture
def priced(seeded, clock):
    """推广主管 (2 seats, 3500–8000 a month) over 推广专员 (1 seat, 4000–6000, no scheme)."""
    Role.objects.filter(slug="promotion-specialist").update(
        pay_scheme=None, base_salary=None, pay_min=4000, pay_max=6000
    )
    return Role.objects.get(slug="promotion-supervisor"), Role.objects.get(slug="promotion-specialist")


def page_data(page):
    html = page.content.decode()
    start = html.index('<script id="orgchart-data" type="application/json">') + len(
        '<script id="orgchart-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_pay_readers_see_subtree_and_department_costs(priced, client):
    supervisor, specialist = priced
    client.force_login(make_manager())
    page = client.get("/orgchart/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    cost = page_data(page)["cost"]
    # 2 × 5,750.00 + 1 × 5,000.00
    assert cost[str(supervisor.pk)] == {"amount": "16,500.00", "unknown": 0, "roles": 2}
    assert cost[str(specialist.pk)] == {"amount": "5,000.00", "unknown": 0, "roles": 1}
    departments = {d["name"]: d for d in page.context["costs"]["departments"]}
    assert departments[supervisor.department.name]["amount"] == "16,500.00"
    html = page.content.decode()
    assert "各部门月度人力成本" in html and "¥16,500.00" in html and "口径" in html
    # a role nobody priced is counted and listed, never taken as 0
    specialist.pay_min = specialist.pay_max = None
    specialist.save()
    page = client.get("/orgchart/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    cost = page_data(page)["cost"]
    assert cost[str(supervisor.pk)] == {"amount": "11,500.00", "unknown": 1, "roles": 2}
    assert cost[str(specialist.pk)] == {"amount": None, "unknown": 1, "roles": 1}  # unknown, not ¥0.00
    assert "推广专员" in page.context["costs"]["unknown_roles"]
    assert "未知成本" in page.content.decode()


def test_costs_follow_the_headcount_of_the_day_shown(priced, client):
    supervisor, specialist = priced
    specialist.headcount = 3
    services.save_role(specialist, effective_date=NEXT_MONTH)
    client.force_login(make_manager())
    cost = client.get("/orgchart/data.json?as_of=2026-04-01").json()["cost"]
    assert cost[str(specialist.pk)]["amount"] == "15,000.00"
    assert client.get("/orgchart/data.json").json()["cost"][str(specialist.pk)]["amount"] == "5,000.00"


@pytest.mark.parametrize("who", ["anonymous", "employee"])
def test_no_cost_for_readers_who_may_not_see_pay(priced, client, who):
    from tests.factories import make_user

    if who == "employee":
        client.force_login(make_user("clerk"))
    page = client.get("/orgchart/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    html = page.content.decode()
    assert "cost" not in page_data(page) and page.context["costs"] is None
    assert "人力成本" not in html and "16,500" not in html and "未知成本" not in html
    assert "cost" not in client.get("/orgchart/data.json").json()


def test_costs_cost_the_same_queries_however_many_roles(priced, client):
    client.force_login(make_manager())
    assert_constant_queries(page_view(client, "/orgchart/data.json"), lambda: add_roles(10))

"""The org chart's data, outline, and the vacancy list."""

import datetime
import json
import re

import pytest

from orgchart.chartfile.layout import CARD_H, CARD_W, page_geometry
from orgchart.models import Employee, HeadcountLine, HeadcountPlan
from orgchart.staffing import chart_nodes
from roles import dated
from roles.models import Role
from roles.treecheck import nearest_visible_ancestors
from tests.factories import make_manager, make_role
from tests.pages import add_roles, page_view
from tests.queries import assert_constant_queries


def chart(client, **params):
    """The chart data as the browser unpacks it: one dict per role."""
    data = json.loads(client.get("/orgchart/data.json", params).content)
    return {"nodes": list(chart_nodes(data)), "dotted": data["dotted"]}


def test_the_chart_data_is_flat_tree_ordered_and_counts_seats(catalogue, client):
    data = chart(client)
    by_slug = {n["slug"]: n for n in data["nodes"]}
    assert data["nodes"][0]["slug"] == "general-manager" and data["nodes"][0]["parentId"] is None
    cs = by_slug["store-cs"]
    assert (cs["headcount"], cs["filled"]) == (1, 1)
    designer = by_slug["designer"]
    assert (designer["headcount"], designer["filled"]) == (2, 1)
    assert by_slug["promotion-specialist"]["parentId"] == by_slug["promotion-supervisor"]["id"]
    assert by_slug["cs-supervisor"]["department"] == {"name": "客服组", "color": "#f28e2b"}
    assert by_slug["cs-supervisor"]["grade"] == "主管" and not by_slug["cs-supervisor"]["draft"]
    assert by_slug["store-cs"]["url"] == "/roles/store-cs/"
    assert data["dotted"] == [[by_slug["promotion-specialist"]["id"], by_slug["operations-director"]["id"]]]


def test_a_hidden_draft_does_not_cut_its_subordinates_off_the_public_chart(catalogue, client):
    draft = Role.objects.get(slug="live-ops")
    make_role("主播", parent=draft, slug="anchor")
    by_slug = {n["slug"]: n for n in chart(client)["nodes"]}
    assert "live-ops" not in by_slug
    assert by_slug["anchor"]["parentId"] == by_slug["store-manager"]["id"]


def test_a_subtree_chart_starts_at_the_chosen_role(catalogue, client):
    nodes = chart(client, root="distribution-supervisor")["nodes"]
    assert [n["title"] for n in nodes] == ["分销主管", "渠道员", "分销客服", "公关员"]
    assert nodes[0]["parentId"] is None


def test_the_chart_data_takes_two_small_queries_however_many_roles(catalogue, client):
    queries = assert_constant_queries(page_view(client, "/orgchart/data.json"), lambda: add_roles(50))
    # the catalogue revision, read once (the roles' rows, the plan's seats, departments, grades and dotted
    # lines are kept per revision), and the people in post counted by role
    assert queries == 2


def test_what_the_chart_keeps_per_revision_changes_with_every_write_to_it(catalogue, client):
    """Departments, grades, dotted lines and the headcount plan's seats are kept between requests: a write
    to any of them shows on the next one."""
    from roles.models import Department, Grade

    def node(slug="pr-clerk"):
        data = chart(client)
        return next(n for n in data["nodes"] if n["slug"] == slug), data

    pr, _data = node()
    department = Department.objects.get(name=pr["department"]["name"])
    department.name, department.color = "公共关系部", "#123456"
    department.save()
    grade = Grade.objects.get(name=pr["grade"])
    grade.name = "专员级"
    grade.save()
    today = dated.today()
    plan = HeadcountPlan.objects.create(
        name="年度编制",
        start_date=today.replace(month=1, day=1),
        end_date=today.replace(month=12, day=31),
        status=HeadcountPlan.Status.ACTIVE,
    )
    line = HeadcountLine.objects.create(plan=plan, role=Role.objects.get(slug="pr-clerk"), seats=4)
    Role.objects.get(slug="pr-clerk").dotted_line_superiors.add(Role.objects.get(slug="store-manager"))
    pr, data = node()
    assert pr["department"] == {"name": "公共关系部", "color": "#123456"} and pr["grade"] == "专员级"
    assert pr["headcount"] == 4
    links = {tuple(pair) for pair in data["dotted"]}
    assert (pr["id"], Role.objects.get(slug="store-manager").pk) in links

    line.seats = 5
    line.save()
    Role.objects.get(slug="pr-clerk").dotted_line_superiors.clear()
    pr, data = node()
    assert pr["headcount"] == 5 and not [pair for pair in data["dotted"] if pair[0] == pr["id"]]


def test_overstaffed_roles_are_flagged(catalogue, client):
    pr = Role.objects.get(slug="pr-clerk")
    Employee.objects.create(name="甲", employee_number="X1", role=pr)
    Employee.objects.create(name="乙", employee_number="X2", role=pr)
    node = next(n for n in chart(client)["nodes"] if n["slug"] == "pr-clerk")
    assert (node["headcount"], node["filled"]) == (1, 2)
    text = client.get("/orgchart/vacancies/").content.decode()
    assert "超编岗位" in text and "在岗 2 人，编制 1 人" in text


def test_where_the_active_headcount_plan_has_a_line_the_chart_and_vacancies_use_its_seats(catalogue, client):
    pr = Role.objects.get(slug="pr-clerk")  # headcount 1
    for n in (1, 2):
        Employee.objects.create(name=f"公关{n}", employee_number=f"PR{n}", role=pr)
    today = dated.today()
    plan = HeadcountPlan.objects.create(
        name="年度编制", start_date=today.replace(month=1, day=1), end_date=today.replace(month=12, day=31)
    )
    HeadcountLine.objects.create(plan=plan, role=pr, seats=3)

    def shown():
        node = next(n for n in chart(client)["nodes"] if n["slug"] == "pr-clerk")
        return node["headcount"], node["filled"], client.get("/orgchart/vacancies/").content.decode()

    seats, filled, text = shown()
    assert (seats, filled) == (1, 2) and "在岗 2 人，编制 1 人" in text  # a draft plan changes nothing
    plan.status = HeadcountPlan.Status.ACTIVE
    plan.save()
    seats, filled, text = shown()
    assert (seats, filled) == (3, 2) and "在岗 2 人" not in text
    row = text[text.index("公关员") : text.index("</tr>", text.index("公关员"))]
    assert [int(n) for n in re.findall(r'class="num[^"]*"[^>]*>(\d+)<', row)] == [3, 2, 1]


def test_people_who_left_free_their_seat_the_day_after_their_last_day(catalogue, client):
    Employee.objects.filter(name="王小明").update(end_date=dated.today())
    node = next(n for n in chart(client)["nodes"] if n["slug"] == "store-cs")
    assert node["filled"] == 1  # still in post on their last day
    Employee.objects.filter(name="王小明").update(end_date=dated.today() - datetime.timedelta(days=1))
    node = next(n for n in chart(client)["nodes"] if n["slug"] == "store-cs")
    assert node["filled"] == 0


def test_the_vacancy_list_shows_open_seats_and_names_only_to_staff(catalogue, client):
    text = client.get("/orgchart/vacancies/").content.decode()
    assert "美工" in text and "店铺客服" not in text and "李红" not in text
    client.force_login(make_manager())
    assert "李红" in client.get("/orgchart/vacancies/").content.decode()


def test_without_javascript_the_chart_page_shows_the_hierarchy_as_nested_lists(catalogue, client):
    text = client.get("/orgchart/").content.decode()
    outline = text[text.index('id="orgchart-outline"') :]
    assert outline.index("总经理") < outline.index("<ul>", outline.index("总经理")) < outline.index("运营总监")
    assert outline.count("<ul>") == outline.count("</ul>")
    assert '<a href="/roles/promotion-specialist/">推广专员</a>' in outline


def test_the_chart_page_hands_chart_js_the_server_layouts_card_geometry(catalogue, client):
    text = client.get("/orgchart/").content.decode()
    start = text.index('<script id="orgchart-geometry" type="application/json">')
    geometry = json.loads(text[text.index(">", start) + 1 : text.index("</script>", start)])
    assert geometry == page_geometry()
    assert (geometry["cardWidth"], geometry["cardHeight"]) == (CARD_W, CARD_H)


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([], {}),
        ([(1, 1, 1, 4), (2, 1, 2, 3)], {1: None, 2: 1}),
        # 2 is hidden: 3 attaches to 1, its nearest visible ancestor
        ([(1, 1, 1, 6), (3, 1, 3, 4)], {1: None, 3: 1}),
        ([(1, 1, 1, 2), (5, 2, 1, 2)], {1: None, 5: None}),
        ([(1, 1, 1, 4), (2, 1, 2, 3), (4, 1, 5, 6)],
         {1: None, 2: 1, 4: None}),
    ],
)  # fmt: skip
def test_a_role_hangs_from_its_nearest_visible_superior(rows, expected):
    parents = {
        role_id: above[0] if above else None for role_id, (above, _depth) in nearest_visible_ancestors(rows).items()
    }
    assert parents == expected

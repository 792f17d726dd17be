"""The headcount report (编制报表, issue 13 item 7): /orgchart/headcount/, /orgchart/headcount.xlsx and
GET /api/v1/headcount/ show a small hand-built plan's figures per department and role, each column as the
counting rule (口径, printed above the table) says, to managers and HR only."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from orgchart.models import Employee, HeadcountLine, HeadcountPlan, OverPlanPlacement
from roles.models import Role
from tests.downloads import attachment_filename
from tests.factories import make_department, make_grade, make_hr_user, make_manager, make_role, make_user
from tests.orgchart.test_plan_pages import table_rows
from tests.pages import page_view
from tests.queries import assert_constant_queries

DAY = datetime.date(2026, 3, 15)
BEFORE, AFTER = DAY - datetime.timedelta(days=1), DAY + datetime.timedelta(days=1)
LONG_AGO = datetime.date(2025, 1, 1)
QUERY = "?as_of=2026-03-15"
HEADER = [
    "部门 / 岗位",
    "控制方式",
    "编制",
    "允许",
    "在岗",
    "预增（待入职）",
    "预减（待离职）",
    "占编",
    "空编",
    "超编",
]


def person(role, name, start=LONG_AGO, end=None, recorded=LONG_AGO):
    return Employee.objects.create(
        name=name,
        employee_number=f"E-{name}",
        role=role,
        start_date=start,
        end_date=end,
        recorded_on=recorded,
    )


def over_plan(plan, employee, placed_by=None, line=None, line_name=None):
    """A placement of `employee` saved over `plan` under warn on DAY: 2 planned and allowed, 3 with them."""
    return OverPlanPlacement.objects.create(
        plan=plan,
        line=line,
        line_name=line_name or employee.role.title,
        employee=employee,
        employee_name=employee.name,
        employee_number=employee.employee_number,
        role=employee.role,
        role_title=employee.role.title,
        action=OverPlanPlacement.Action.ADD,
        day=DAY,
        planned=2,
        allowed=2,
        occupied=3,
        placed_by=placed_by,
    )


@pytest.fixture
def shop(db):
    """电商部 with its team 客服部. 店长 (电商部) has no line; 美工 (电商部) 2 seats under deny, three people in
    post (one leaving: 预减); 客服 (客服部) 3 seats by ratio 150 %, two in post and a hire who starts tomorrow
    (预增); 客服主管 (客服部) has no line of its own and counts under 客服部's cap of 4 (warn)."""
    ecommerce = make_department("电商部", order=1)
    service = make_department("客服部", parent=ecommerce)
    make_department("空部门")  # nothing in it: not in the report
    grade = make_grade("专员")
    boss = make_role("店长", department=ecommerce, grade=grade, slug="boss")
    designer = make_role("美工", parent=boss, department=ecommerce, grade=grade, slug="designer")
    lead = make_role("客服主管", parent=boss, department=service, grade=grade, slug="cs-lead")
    agent = make_role("客服", parent=lead, department=service, grade=grade, slug="cs")
    plan = HeadcountPlan.objects.create(
        name="2026年编制",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        status=HeadcountPlan.Status.ACTIVE,
        control_mode=HeadcountPlan.ControlMode.WARN,
    )
    HeadcountLine.objects.create(plan=plan, role=designer, seats=2, control_mode="deny")
    HeadcountLine.objects.create(plan=plan, role=agent, seats=3, control_mode="ratio", ratio_percent=Decimal(150))
    HeadcountLine.objects.create(plan=plan, department=service, seats=4)
    person(boss, "赵店长")
    person(boss, "钱已离职", end=BEFORE)  # left before the day: not counted
    person(designer, "孙美工")
    person(designer, "李美工")
    person(designer, "周美工", end=AFTER)  # 预减
    person(agent, "吴客服")
    person(agent, "郑客服", start=DAY)  # starts on the day: in post
    person(agent, "王新人", start=AFTER, recorded=BEFORE)  # 预增
    person(agent, "冯未录", start=AFTER, recorded=AFTER)  # recorded after the day: nothing yet
    person(lead, "陈主管")
    return plan


def get_page(client, query=QUERY):
    response = client.get(f"/orgchart/headcount/{query}", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200
    return response


def page(client, query=QUERY):
    return get_page(client, query).content.decode()


def rows_of(client, css_class="hc-table", query=QUERY):
    """The rows of one of the page's tables, each as its cells' words."""
    return table_rows(get_page(client, query), css_class)


# ----------------------------------------------------------------------------- the page


def test_each_column_of_the_page_follows_the_counting_rule(shop, client):
    client.force_login(make_manager())
    assert rows_of(client) == [
        # name, control, planned, allowed, in post, 预增, 预减, occupied, vacant, over
        ["电商部 超编", "—", "6", "6", "7", "1", "1", "8", "0", "1"],
        ["店长", "不控制（无编制行）", "—", "—", "1", "0", "0", "1", "—", "—"],
        ["美工 超编", "禁止", "2", "2", "3", "0", "1", "3", "0", "1"],
        ["客服部", "部门编制：提醒", "4", "4", "3", "1", "0", "4", "0", "0"],
        ["客服主管", "受客服部部门编制控制：提醒", "—", "—", "1", "0", "0", "1", "—", "—"],
        ["客服", "按比例 150%", "3", "4", "2", "1", "0", "3", "0", "0"],
        ["合计 超编", "—", "6", "6", "7", "1", "1", "8", "0", "1"],
    ]


def test_the_header_is_chinese_and_the_counting_rule_is_printed_above_the_table(shop, client):
    client.force_login(make_manager())
    html = page(client)
    header = re.search(r'<table class="[^"]*hc-table.*?<thead>(.*?)</thead>', html, re.S).group(1)
    assert [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", header)] == HEADER
    rule = html.index("口径")
    assert 0 < rule < html.index('class="role-table role-cards hc-table"')
    assert "预增" in html[rule : rule + 2000] and "预减" in html[rule : rule + 2000]


def test_a_plan_counting_hires_from_their_start_leaves_the_pre_hire_out_of_occupied(shop, client):
    shop.occupy_from = HeadcountPlan.OccupyFrom.START_DATE
    shop.save()
    client.force_login(make_hr_user())
    rows = {row[0]: row for row in rows_of(client)}
    assert rows["客服"][4:8] == ["2", "1", "0", "2"]  # in post 2, 预增 1 shown, occupied 2
    assert rows["客服部"][7:] == ["3", "1", "0"]  # occupied 3 of 4: one vacant


def test_over_plan_is_marked_by_colour_and_word(shop, client):
    client.force_login(make_manager())
    html = page(client)
    designer = re.search(r'<tr class="hc-role is-over"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert "美工" in designer and '<span class="hc-flag">超编</span>' in designer
    assert re.search(r'class="num hc-over">1</td>', designer)


def test_the_day_moves_the_counts(shop, client):
    client.force_login(make_manager())
    rows = {row[0]: row for row in rows_of(client, query="?as_of=2026-03-17")}
    assert rows["美工"][4:] == ["2", "0", "0", "2", "0", "0"]  # 周美工's last day was the 16th
    assert rows["客服 超编"][4:] == ["4", "0", "0", "4", "0", "1"]  # 王新人 and 冯未录 started on the 16th


def test_the_plan_defaults_to_the_active_plan_covering_the_day_and_can_be_picked(shop, client):
    client.force_login(make_manager())
    draft = HeadcountPlan.objects.create(
        name="2027年草案", start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2027, 12, 31)
    )
    HeadcountLine.objects.create(plan=draft, role=Role.objects.get(slug="boss"), seats=5)
    assert "“2026年编制”" in page(client)
    query = f"?plan={draft.pk}&as_of=2026-03-15"
    html = page(client, query)
    assert "“2027年草案”" in html and "不在方案的期间内" in html
    assert rows_of(client, query=query)[1][:4] == ["店长", "提醒", "5", "5"]
    assert "没有生效的编制方案覆盖 2026-06-01" not in page(client, "?as_of=2026-06-01")
    assert "没有生效的编制方案覆盖 2027-06-01" in page(client, "?as_of=2027-06-01")


@pytest.mark.parametrize("query", ["?plan=abc", "?plan=", "?as_of=2026-13-01"])
def test_a_bad_plan_or_day_is_a_400(shop, client, query):
    client.force_login(make_manager())
    assert client.get(f"/orgchart/headcount/{query}").status_code == 400
    assert client.get(f"/orgchart/headcount.xlsx{query}").status_code == 400


def test_an_unknown_plan_is_a_404(shop, client):
    client.force_login(make_manager())
    assert client.get("/orgchart/headcount/?plan=999999").status_code == 404


def test_placements_saved_over_the_plan_are_listed_with_who_where_by_whom_and_when(shop, client):
    line = HeadcountLine.objects.get(plan=shop, department__name="客服部")
    newcomer = person(Role.objects.get(slug="cs-lead"), "何超编")
    over_plan(shop, newcomer, make_hr_user(), line=line, line_name="客服部（部门编制）")
    client.force_login(make_manager())
    [row] = rows_of(client, "hc-placement-table")
    with translation.override("zh-hans"):
        added = str(OverPlanPlacement.Action.ADD.label)
    assert row[:4] == ["何超编 E-何超编", "客服主管", "客服部（部门编制）", added]
    assert "2026-03-15" in row[4] and "5" in row[4] and row[5] == "hr"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[6])


def test_the_page_lists_the_newest_fifty_placements_and_the_workbook_all(shop, client):
    designer = Role.objects.get(slug="designer")
    for n in range(52):
        over_plan(shop, person(designer, f"美工{n:02}", end=BEFORE))
    client.force_login(make_manager())
    html = page(client)
    names = [row[0] for row in rows_of(client, "hc-placement-table")]
    assert names[0] == "美工51 E-美工51" and names[-1] == "美工02 E-美工02" and len(names) == 50
    assert "另有 2 条更早的记录见 Excel 文件。" in html
    _response, book = workbook(client)
    assert book["超编记录"].max_row == 53  # the header and all 52


def test_the_chart_and_the_menu_link_the_report_for_managers_and_hr_only(shop, client):
    assert "/orgchart/headcount/" not in client.get("/orgchart/").content.decode()
    client.force_login(make_user("clerk"))
    assert "/orgchart/headcount/" not in client.get("/orgchart/").content.decode()
    client.force_login(make_manager())
    html = client.get("/orgchart/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert html.count('href="/orgchart/headcount/"') == 2 and "编制报表" in html


# ----------------------------------------------------------------------------- the Excel file


def workbook(client, query=QUERY):
    response = client.get(f"/orgchart/headcount.xlsx{query}", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response, load_workbook(io.BytesIO(response.content))


def test_the_workbook_has_the_page_table_as_numbers_under_the_counting_rule(shop, client):
    client.force_login(make_manager())
    response, book = workbook(client)
    sheet = book.worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "2026年编制" in values[0][0] and "2026-03-15" in values[0][0]
    assert "口径" in values[1][0] and "预增" in values[1][0]
    assert values[2] == HEADER
    body = values[3:]
    assert [row[0].strip("\u3000") for row in body] == ["电商部", "店长", "美工", "客服部", "客服主管", "客服", "合计"]
    assert body[2] == ["\u3000美工", "禁止", 2, 2, 3, 0, 1, 3, 0, 1]  # numbers, not text
    assert body[1][2:] == [None, None, 1, 0, 0, 1, None, None]  # nothing planned: empty, not 0
    assert body[-1][2:] == [6, 6, 7, 1, 1, 8, 0, 1]
    assert sheet.freeze_panes == "C4" and sheet.auto_filter.ref == "A3:J10"
    assert "A2:J2" in {str(r) for r in sheet.merged_cells.ranges}
    assert attachment_filename(response) == "编制报表 2026年编制 2026-03-15.xlsx"
    assert book.sheetnames[1] == "超编记录"


def test_the_page_links_the_workbook_of_the_plan_and_day_it_shows(shop, client):
    client.force_login(make_manager())
    assert f'href="/orgchart/headcount.xlsx?plan={shop.pk}&amp;as_of=2026-03-15"' in page(client)


def test_without_a_plan_for_the_day_there_is_no_workbook(shop, client):
    client.force_login(make_manager())
    assert client.get("/orgchart/headcount.xlsx?as_of=2030-01-01").status_code == 404


# ----------------------------------------------------------------------------- the API


def api_rows(user, query="?as_of=2026-03-15"):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/headcount/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_api_gives_one_row_per_role_with_the_figures_as_integers(shop):
    rows = {row["title"]: row for row in api_rows(make_manager())}
    assert set(rows) == {"店长", "美工", "客服主管", "客服"}
    designer = rows["美工"]
    assert designer == {
        "role": Role.objects.get(slug="designer").pk,
        "title": "美工",
        "department": Role.objects.get(slug="designer").department_id,
        "control_mode": "deny",
        "cap_department": None,
        "planned": 2,
        "allowed": 2,
        "in_post": 3,
        "pre_hire": 0,
        "pre_leave": 1,
        "occupied": 3,
        "vacant": 0,
        "over": 1,
    }
    assert [rows["客服"][k] for k in ("planned", "allowed", "in_post", "pre_hire", "occupied", "vacant", "over")] == [
        3,
        4,
        2,
        1,
        3,
        0,
        0,
    ]
    lead = rows["客服主管"]
    assert (lead["planned"], lead["control_mode"], lead["occupied"]) == (None, "warn", 1)
    assert lead["cap_department"] == Role.objects.get(slug="cs-lead").department_id
    assert rows["店长"]["control_mode"] is None


def test_the_api_answers_404_when_no_plan_covers_the_day_and_400_for_a_bad_plan(shop):
    client = APIClient()
    client.force_authenticate(make_hr_user())
    assert client.get("/api/v1/headcount/?as_of=2030-01-01").status_code == 404
    assert client.get(f"/api/v1/headcount/?plan={shop.pk}&as_of=2030-01-01").status_code == 200
    assert client.get("/api/v1/headcount/?plan=x").json()["plan"]
    assert client.get("/api/v1/headcount/?plan=99999").status_code == 404


# ----------------------------------------------------------------------------- who sees it


@pytest.mark.parametrize("url", ["/orgchart/headcount/", "/orgchart/headcount.xlsx", "/api/v1/headcount/"])
def test_anonymous_visitors_and_plain_users_get_no_figures_and_no_names(shop, client, url):
    anonymous = client.get(url + QUERY)
    assert anonymous.status_code in (401, 404)
    client.force_login(make_user("clerk"))
    logged_in = client.get(url + QUERY)
    assert logged_in.status_code in (403, 404)
    for response in (anonymous, logged_in):
        text = response.content.decode(errors="replace")
        assert not any(name in text for name in ("孙美工", "美工", "客服主管", "2026年编制"))


# ----------------------------------------------------------------------------- queries


def grow(plan):
    """A team with a cap and more roles in it, each with a line, people in post, a hire to start and a leaver,
    and a placement over plan."""
    service = Role.objects.get(slug="cs").department
    lead = Role.objects.get(slug="cs-lead")

    def add():
        team = make_department(parent=service)
        HeadcountLine.objects.create(plan=plan, department=team, seats=3)
        for _ in range(5):
            n = Role.objects.count()
            role = make_role(f"客服{n}", parent=lead, department=team, grade=lead.grade)
            HeadcountLine.objects.create(plan=plan, role=role, seats=1)
            person(role, f"在岗{n}")
            person(role, f"预增{n}", start=AFTER, recorded=BEFORE)
            leaver = person(role, f"预减{n}", end=AFTER)
            over_plan(plan, leaver, make_hr_user(f"hr{n}"))

    return add


@pytest.mark.parametrize("url", ["/orgchart/headcount/", "/orgchart/headcount.xlsx", "/api/v1/headcount/"])
def test_the_report_costs_the_same_queries_whatever_the_number_of_roles_lines_and_people(shop, client, url):
    client.force_login(make_manager())
    assert_constant_queries(page_view(client, url + QUERY), grow(shop), at_most=20)

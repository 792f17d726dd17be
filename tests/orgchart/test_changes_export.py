"""The changes list as an Excel workbook (/orgchart/changes.xlsx, issue 12 item 3): what the page lists."""

import datetime

import pytest
import time_machine

from roles import services
from roles.models import Role
from tests.downloads import attachment_filename
from tests.factories import make_hr_user, make_manager, make_user
from tests.pages import add_roles, page_view
from tests.queries import assert_constant_queries
from tests.roles.test_office_exports import fetch_workbook

NEXT_MONTH = datetime.date(2026, 4, 1)
HEADER = ["生效日期", "岗位", "变更项", "原值", "新值", "记录人", "记录时间", "原因"]


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 4, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def april(seeded, clock):
    """推广专员 moves under 店长 and gets 3 seats on 1 April; HR records the seats with a reason."""
    promo = Role.objects.get(slug="promotion-specialist")
    services.move_role(promo.pk, Role.objects.get(slug="store-manager").pk, effective_date=NEXT_MONTH)
    promo = Role.objects.get(pk=promo.pk)
    promo.headcount = 3
    services.save_role(promo, "=1+1 双11备战", effective_date=NEXT_MONTH, user=make_hr_user())
    return promo


def test_the_workbook_lists_what_the_page_lists_with_chinese_headers(april, client):
    client.force_login(make_manager())
    query = "?from=2026-04-01&to=2026-04-30"
    page = client.get(f"/orgchart/changes/{query}", HTTP_ACCEPT_LANGUAGE="zh-CN")
    response, sheet, header, rows = fetch_workbook(client, f"/orgchart/changes.xlsx{query}")
    assert header == HEADER
    assert [(r["生效日期"].date(), r["岗位"], r["变更项"], r["原值"], r["新值"], r["记录人"]) for r in rows] == [
        (NEXT_MONTH, "推广专员", "上级", "推广主管", "店长", None),
        (NEXT_MONTH, "推广专员", "编制", "1", "3", "hr"),
    ]
    # recorded on 16 March at 12:00 in Shanghai; a reason that looks like a formula stays text
    assert rows[1]["记录时间"] == datetime.datetime(2026, 3, 16, 12, 0)
    assert rows[1]["原因"] == "'=1+1 双11备战"
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref == "A1:H3"
    assert sheet.column_dimensions["A"].width >= 10 and sheet["A2"].number_format == "yyyy-mm-dd"
    assert attachment_filename(response) == "组织变更 2026-04-01–2026-04-30.xlsx"
    assert len(page.context["rows"]) == len(rows)
    assert 'href="/orgchart/changes.xlsx?from=2026-04-01&amp;to=2026-04-30"' in page.content.decode()


def test_the_workbook_keeps_the_kind_and_department_filters(april, client):
    client.force_login(make_manager())
    _response, _sheet, _header, rows = fetch_workbook(
        client, "/orgchart/changes.xlsx?from=2026-04-01&to=2026-04-30&kind=headcount"
    )
    assert [(r["变更项"], r["新值"]) for r in rows] == [("编制", "3")]
    promo_department = Role.objects.get(slug="promotion-specialist").department
    other = Role.objects.exclude(department=promo_department).filter(parent=None).first().department
    for code, count in [(promo_department.code, 2), (other.code, 0)]:
        _r, _s, _h, rows = fetch_workbook(
            client, f"/orgchart/changes.xlsx?from=2026-04-01&to=2026-04-30&department={code}"
        )
        assert len(rows) == count, code


def test_the_page_links_the_workbook_of_the_period_it_shows(seeded, clock, client):
    client.force_login(make_manager())
    page = client.get("/orgchart/changes/?kind=created", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'href="/orgchart/changes.xlsx?from=2026-02-14&amp;to=2026-03-16&amp;kind=created"' in page


def test_only_managers_and_hr_get_the_workbook(april, client):
    assert client.get("/orgchart/changes.xlsx").status_code == 404
    client.force_login(make_user("clerk"))
    assert client.get("/orgchart/changes.xlsx").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-05-01&to=2026-04-01", "起始日期不能晚于截止日期"),
        ("from=someday", "YYYY-MM-DD"),
        ("kind=moved", "moved"),
    ],
)
def test_a_bad_period_is_a_400_in_chinese_on_the_page_and_the_file(april, client, query, message):
    client.force_login(make_manager())
    for url in (f"/orgchart/changes/?{query}", f"/orgchart/changes.xlsx?{query}"):
        answer = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
        assert answer.status_code == 400, url
        assert message in answer.content.decode(), url


def test_the_workbook_costs_the_same_queries_however_many_changes(april, client):
    client.force_login(make_manager())
    view = page_view(client, "/orgchart/changes.xlsx?from=2026-03-01&to=2026-04-30")
    assert len(fetch_workbook(client, "/orgchart/changes.xlsx?from=2026-03-16&to=2026-03-16")[3]) == 0
    assert_constant_queries(view, lambda: add_roles(30))
    assert len(fetch_workbook(client, "/orgchart/changes.xlsx?from=2026-03-16&to=2026-03-16")[3]) == 30

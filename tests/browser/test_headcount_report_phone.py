"""The headcount report (/orgchart/headcount/) on a phone and on a desk, as a manager opens it.

On a phone (360 and 390 px, Chinese and English) it passes the checks of test_phone_layout.py — no
sideways scrolling, no squeezed text, 44 px tap targets, 14 px type, no serious axe-core finding — with
every row a card: its name on top, then each figure under its label. On a desk the table keeps its
columns and a row over plan shows the word 超编 beside a red figure.
"""

import pytest
from playwright.sync_api import expect

from orgchart import placement
from orgchart.models import Employee, HeadcountLine, HeadcountPlan, OverPlanPlacement
from roles import dated
from roles.models import Role
from tests.browser.test_catalogue import log_in
from tests.browser.test_phone_layout import PHONES, layout_problems, phone, report, serious_axe_violations
from tests.factories import make_hr_user, make_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(catalogue):
    """This year's active plan from the roles' headcounts, 美工 one seat under deny with its one person, 店铺客服
    two seats and three people (one over, saved with a warning) and a cap on its department."""
    today = dated.today()
    plan = placement.start_plan(
        HeadcountPlan(
            name="年度编制",
            start_date=today.replace(month=1, day=1),
            end_date=today.replace(month=12, day=31),
            status=HeadcountPlan.Status.ACTIVE,
        )
    )
    cs = Role.objects.get(slug="store-cs")
    HeadcountLine.objects.filter(plan=plan, role=cs).update(seats=2)
    HeadcountLine.objects.filter(plan=plan, role__slug="designer").update(seats=1, control_mode="deny")
    HeadcountLine.objects.create(plan=plan, department=cs.department, seats=30)
    Employee.objects.create(name="客服甲", employee_number="K1", role=cs)
    late = Employee.objects.create(name="张超编", employee_number="K9", role=cs)
    OverPlanPlacement.objects.create(
        plan=plan,
        line_name=cs.title,
        employee=late,
        employee_name=late.name,
        employee_number=late.employee_number,
        role=cs,
        role_title=cs.title,
        action=OverPlanPlacement.Action.ADD,
        day=today,
        planned=2,
        allowed=2,
        occupied=3,
        placed_by=make_hr_user(),
    )
    return plan


@pytest.mark.parametrize("size", PHONES)
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_report_reads_on_a_phone_row_by_row(live_server, plan, browser, artifacts, size, locale):
    context = phone(browser, size, locale)
    try:
        page = context.new_page()
        log_in(page, live_server, make_manager())
        page.goto(live_server.url + "/orgchart/headcount/")
        problems = layout_problems(page, PHONES[size]["width"])
        if axe := serious_axe_violations(page):
            problems["axe-core"] = axe
        assert not problems, f"At {size} px in {locale}:\n{report({'/orgchart/headcount/': problems})}"
        row = page.locator(".hc-table tr.hc-role", has_text="店铺客服")
        name, figure = row.locator("th"), row.locator("td").nth(1)  # after the control: planned
        # a card: the name on a line of its own above the figures, each figure labelled
        assert name.bounding_box()["y"] + name.bounding_box()["height"] <= figure.bounding_box()["y"] + 1
        label = figure.evaluate("td => getComputedStyle(td, '::before').content")
        assert ("编制" if locale == "zh-CN" else "planned") in label
        if size == "360":
            page.screenshot(path=artifacts / f"phone-{locale[:2]}-headcount.png", full_page=True)
    finally:
        context.close()


def test_on_a_desk_the_table_keeps_its_columns_and_marks_over_plan(live_server, plan, browser, artifacts):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        log_in(page, live_server, make_manager())
        page.goto(live_server.url + "/orgchart/headcount/")
        cs = page.locator(".hc-table tr.hc-role", has_text="店铺客服")
        expect(cs).to_have_class("hc-role is-over")
        expect(cs.locator(".hc-flag")).to_have_text("超编")
        over = cs.locator("td.hc-over")
        expect(over).to_have_text("1")
        assert over.evaluate("td => getComputedStyle(td).color") == "rgb(192, 57, 43)"  # --accent
        tops = {round(cell.bounding_box()["y"]) for cell in cs.locator("th, td").all()}
        assert len(tops) == 1  # one line: the columns are kept
        rule = page.locator(".hc-rule")
        assert "口径" in rule.inner_text()
        assert rule.bounding_box()["y"] < page.locator(".hc-table").bounding_box()["y"]
        page.screenshot(path=artifacts / "desk-zh-headcount.png", full_page=True)
    finally:
        context.close()

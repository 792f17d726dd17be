"""Reorganisation plans in Chromium (issue 12, item 4 and "Done when"), on the seed catalogue: HR makes a plan
that moves 推广组 under a new role 推广经理 (added with the form, then DRAGGED with the mouse) and adds two 美工,
sees the diff and the cost change, submits; an approver approves it from the 1st of next month; today's chart is
unchanged, that day's chart shows the new structure and the changes list of next month lists every step."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from orgchart import plan_views
from roles import dated
from tests.browser.test_catalogue import assert_accessible, log_in, open_chart, wait_for_chart_at_rest, watch
from tests.browser.test_phone_layout import layout_problems, phone, report
from tests.factories import make_hr_manager, make_hr_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def node(page, role_id):
    return page.locator(f'#orgchart-app g.node[data-id="{role_id}"]')


def drag_card(page, source, target):
    """Press a card with the mouse, move it in steps onto another card and let go there."""
    start = source.locator(".oc-card").bounding_box()
    end = target.locator(".oc-card").bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 12)
    page.mouse.down()
    steps = 12
    for i in range(1, steps + 1):
        page.mouse.move(
            start["x"] + start["width"] / 2 + (end["x"] - start["x"]) * i / steps,
            start["y"] + 12 + (end["y"] - start["y"]) * i / steps,
        )
    expect(target.locator(".oc-card.is-drop-target")).to_have_count(1)  # the card under the pointer is marked
    with page.expect_navigation():
        page.mouse.up()


def table(page, selector):
    """The cells' words of a table's body, row by row."""
    return page.locator(f"{selector} tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent.trim()))"
    )


def select_by_text(page, field, text):
    """Choose the option whose words (without the tree's indentation) are `text`."""
    value = (
        page.locator(f"{field} option").filter(has_text=re.compile(rf"^\s*{re.escape(text)}$")).get_attribute("value")
    )
    page.locator(field).select_option(value)


def test_hr_plans_drags_and_submits_an_approver_approves_and_next_month_changes(live_server, seeded, page, artifacts):
    seen = watch(page)
    page.emulate_media(reduced_motion="reduce")
    today = dated.today()
    first = plan_views.first_of_next_month(today)
    hr, approver = make_hr_user(), make_hr_manager()
    log_in(page, live_server, hr)

    # The chart page leads HR to the plans; a new plan starts from today's organisation.
    open_chart(page, f"{live_server.url}/orgchart/")
    with page.expect_navigation():
        page.get_by_role("link", name="组织调整方案").click()
    expect(page.get_by_role("heading", name="组织调整方案")).to_be_visible()
    page.get_by_label("方案名称").fill("推广组调整")
    with page.expect_navigation():
        page.get_by_role("button", name="创建方案").click()
    expect(page.locator("h1")).to_have_text("组织调整方案: 推广组调整")
    expect(page.locator("#plan-status")).to_contain_text(f"基于 {today.isoformat()} 的组织")

    # A new role, 推广经理, under 店长 in 推广组, with a reference pay range that prices it.
    page.locator("summary", has_text="新增岗位").click()
    form = page.locator("#plan-form-add")
    form.get_by_label("岗位名称").fill("推广经理")
    select_by_text(page, "#id_add-parent", "店长")
    form.get_by_label("部门").select_option(label="推广组")
    form.get_by_label("职级").select_option(label="经理/店长")
    form.get_by_label("编制").fill("1")
    form.get_by_label("参考月薪下限（元）").fill("9000")
    form.get_by_label("参考月薪上限（元）").fill("11000")
    with page.expect_navigation():
        form.get_by_role("button", name="加入方案").click()
    expect(page.locator(".messages")).to_contain_text("已将这项调整加入方案。")

    # DRAG 推广主管 onto 推广经理 in the plan's chart.
    expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")
    page.get_by_role("button", name="全部展开").click()
    wait_for_chart_at_rest(page)
    new_role = page.locator('#orgchart-app g.node[data-mark="added"]')
    expect(new_role).to_contain_text("推广经理")
    promotion = page.locator('#orgchart-app g.node[data-slug="promotion-supervisor"]')
    drag_card(page, promotion, new_role)
    expect(page.locator(".plan-changes li")).to_have_count(2)
    expect(page.locator(".plan-changes li").nth(1)).to_contain_text("调整上级 推广主管 · 上级: 推广经理")
    page.get_by_role("button", name="全部展开").click()
    expect(page.locator('#orgchart-app g.node[data-mark="moved"]')).to_contain_text("推广主管")

    # Dragging a role under its own subordinate is refused beside the form, nothing added.
    page.get_by_role("button", name="全部展开").click()
    wait_for_chart_at_rest(page)
    drag_card(page, new_role, page.locator('#orgchart-app g.node[data-slug="promotion-specialist"]'))
    expect(page.locator("#plan-form-move .error")).to_have_text(
        "“推广经理”不能向自己或自己的下属岗位（推广专员）汇报。"
    )
    expect(page.locator(".plan-changes li")).to_have_count(2)

    # Two more 美工, without a mouse: the headcount form.
    page.locator("summary", has_text="调整编制").click()
    select_by_text(page, "#id_headcount-role", "美工")
    page.locator("#id_headcount-headcount").fill("4")
    with page.expect_navigation():
        page.locator("#plan-form-headcount").get_by_role("button", name="加入方案").click()
    expect(page.locator(".plan-changes li")).to_have_count(3)

    # The diff: each role's before → after, headcount and pay cost by department.
    assert sorted(table(page, ".plan-diff-roles")) == [
        ["推广主管", "上级", "店长", "推广经理"],
        ["推广经理", "新增", "—", "店长"],
        ["美工", "编制", "2", "4"],
    ]
    design = page.locator(".plan-diff-departments tr", has_text="美工组")
    expect(design.locator("td").nth(0)).to_have_text("4 → 6 (+2)")
    expect(design.locator("td").nth(2)).to_contain_text("+¥")
    promotion_dept = page.locator(".plan-diff-departments tr", has_text="推广组")
    expect(promotion_dept.locator("td").nth(0)).to_have_text("3 → 4 (+1)")
    expect(promotion_dept.locator("td").nth(2)).to_contain_text("+¥10,000.00")  # 推广经理: the middle of 9000–11000
    expect(page.locator(".plan-total td").nth(0)).to_contain_text("(+3)")

    # The plan page on a desktop and a phone, looked at by people: kept as screenshots.
    page.locator("#orgchart-app").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "plan-desktop.png")
    page.screenshot(path=artifacts / "plan-desktop-full.png", full_page=True)
    assert_accessible(page, "a plan's page")

    with page.expect_navigation():
        page.get_by_role("button", name="提交审批").click()
    expect(page.locator("#plan-status")).to_contain_text("已提交审批")
    plan_url = page.url

    # An approver approves it from the 1st of next month (the form suggests that day).
    page.context.clear_cookies()
    log_in(page, live_server, approver)
    page.goto(plan_url)
    expect(page.get_by_label("生效日期")).to_have_value(first.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="批准").click()
    expect(page.locator("#plan-status")).to_contain_text(f"已批准 · {first.isoformat()} 起生效")

    # Today's chart is unchanged: 推广主管 under 店长, two 美工. (Staff also see 推广经理 today, as an
    # archived card: a known bug, see test_plan_pages.test_todays_chart_for_staff_has_no_role_a_plan_adds_later.)
    open_chart(page, f"{live_server.url}/orgchart/")
    expect(
        page.locator('#orgchart-outline li:has(> a:text-is("店长")) > ul > li[data-slug="promotion-supervisor"]')
    ).to_have_count(1)
    expect(page.locator('#orgchart-outline li[data-slug="designer"] > .meta')).to_contain_text("编制 2，")
    page.context.clear_cookies()  # the public's chart: no 推广经理 today
    open_chart(page, f"{live_server.url}/orgchart/")
    page.evaluate("window.roleChart.expandAll()")
    expect(page.locator("#orgchart-app .oc-card", has_text="推广主管")).to_have_count(1)
    expect(page.locator("#orgchart-app .oc-card", has_text="推广经理")).to_have_count(0)
    log_in(page, live_server, approver)
    open_chart(page, f"{live_server.url}/orgchart/?as_of={first.isoformat()}")
    page.evaluate("window.roleChart.expandAll()")
    expect(page.locator("#orgchart-app .oc-card", has_text="推广经理")).to_have_count(1)
    expect(
        page.locator('#orgchart-outline li:has(> a:text-is("推广经理")) > ul > li[data-slug="promotion-supervisor"]')
    ).to_have_count(1)
    expect(page.locator('#orgchart-outline li[data-slug="designer"] > .meta')).to_contain_text("编制 4，")

    # The changes list of next month lists every step.
    page.goto(
        f"{live_server.url}/orgchart/changes/?from={first.isoformat()}&to={(first + datetime.timedelta(days=27)).isoformat()}"
    )
    rows = page.locator(".changes-table tbody tr")
    expect(rows.filter(has_text="推广经理").first).to_be_visible()
    expect(rows.filter(has_text="推广主管")).to_contain_text("推广经理")
    expect(rows.filter(has_text="美工")).to_contain_text("4")
    assert seen["dialogs"] == []
    assert [e for e in seen["errors"] if " 400 " not in f" {e} "] == []


def test_the_plan_page_reads_on_a_phone(live_server, seeded, browser, artifacts):
    """At 390 px the plan's page passes the phone layout checks (44 px tap targets, nothing off screen)."""
    from orgchart import plans
    from roles.models import Role

    hr = make_hr_user()
    plan = plans.create_plan(hr, "美工扩编")
    designer = Role.objects.get(slug="designer")
    plans.add_change(plan.pk, hr, "headcount", designer.pk, headcount=4)
    context = phone(browser, "390", "zh-CN")
    try:
        page = context.new_page()
        log_in(page, live_server, hr)
        page.goto(f"{live_server.url}/orgchart/plans/{plan.pk}/")
        expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")
        page.locator("summary", has_text="调整编制").tap()
        problems = layout_problems(page, 390)
        page.screenshot(path=artifacts / "plan-phone.png", full_page=True)
        assert not problems, report({"the plan page": problems})
        page.goto(f"{live_server.url}/orgchart/plans/")
        page.screenshot(path=artifacts / "plan-list-phone.png", full_page=True)
        problems = layout_problems(page, 390)
        assert not problems, report({"the plan list": problems})
    finally:
        context.close()

"""The chart compares two days in Chromium (issue 12, item 3): marks, faded removed roles, summary, costs."""

import datetime

import pytest
from playwright.sync_api import expect

from roles import dated, services, workflow
from roles.models import Role
from tests.browser.test_catalogue import assert_accessible, log_in, open_chart, wait_for_chart_at_rest, watch
from tests.factories import make_hr_user, make_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def next_month(seeded):
    """In 20 days 推广专员 moves under 店长, 仓库员 becomes 仓管员 and 公关员 is archived."""
    hr = make_hr_user()
    day = dated.today() + datetime.timedelta(days=20)
    by_slug = {role.slug: role for role in Role.objects.all()}
    services.move_role(by_slug["promotion-specialist"].pk, by_slug["store-manager"].pk, effective_date=day)
    clerk = by_slug["warehouse-clerk"]
    clerk.title = "仓管员"
    services.save_role(clerk, effective_date=day, user=hr)
    workflow.archive(by_slug["pr-clerk"].pk, hr, effective_date=day)
    return day


def test_a_manager_compares_next_month_with_today_using_the_keyboard(live_server, next_month, page, artifacts):
    seen = watch(page)
    log_in(page, live_server, make_manager())
    today = dated.today().isoformat()
    open_chart(page, f"{live_server.url}/orgchart/?as_of={next_month.isoformat()}")
    expect(page.locator("#orgchart-comparison")).to_have_count(0)

    # the comparison's date control, without a mouse: focus, type the day, Enter
    page.locator("#orgchart-compare").focus()
    year, month, day = today.split("-")
    page.keyboard.type(month + day + year)  # headless Chromium's date field reads mm/dd/yyyy whatever the locale
    expect(page.locator("#orgchart-compare")).to_have_value(today)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/orgchart/?as_of={next_month.isoformat()}&compare={today}")
    expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")

    summary = page.locator("#orgchart-comparison")
    expect(summary).to_contain_text(f"与 {today} 相比")
    expect(summary.locator(".comparison-count")).to_have_text(["新增 0", "撤销 1", "调整上级 1", "有变更 1"])
    expect(summary.get_by_role("link", name="这段时间生效的变更")).to_be_visible()
    legend = page.locator("#orgchart-legend")
    for word in ("新增", "撤销", "调整上级", "有变更"):
        expect(legend.get_by_text(word, exact=True)).to_be_visible()

    page.evaluate("window.roleChart.expandAll()")
    wait_for_chart_at_rest(page)
    moved = page.locator('#orgchart-app g.node[data-mark="moved"] .oc-card')
    expect(moved).to_have_count(1)
    expect(moved).to_contain_text("推广专员")
    expect(moved.locator(".oc-badge-moved")).to_have_text("调整上级")
    changed = page.locator('#orgchart-app g.node[data-mark="changed"] .oc-card')
    expect(changed).to_contain_text("仓管员")
    expect(changed).to_have_attribute("title", "仓管员\n仓储组 · 员\n有变更\n自 " + today + " 以来变更：岗位名称")
    ghost = page.locator('#orgchart-app [data-ghost="pr-clerk"]')
    expect(ghost).to_be_visible()
    expect(ghost.locator(".oc-badge-removed")).to_have_text("撤销")
    assert ghost.evaluate("e => e.tagName") == "DIV"  # no link to a role that is gone
    assert ghost.evaluate("e => getComputedStyle(e).borderTopStyle") == "dashed"
    assert ghost.locator(".oc-title").evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    # the faded card sits under the superior it had
    distribution = page.locator('#orgchart-app g.node[data-slug="distribution-supervisor"]').bounding_box()
    faded = ghost.bounding_box()
    assert faded["y"] > distribution["y"] + distribution["height"]
    # a manager may see pay: every card carries its subtree's monthly cost
    expect(page.locator('#orgchart-app g.node[data-slug="promotion-supervisor"] .oc-cost')).to_contain_text("月成本 ¥")
    expect(page.locator("#orgchart-costs")).to_contain_text("各部门月度人力成本")

    page.screenshot(path=artifacts / "chart-compare.png")
    page.evaluate("window.roleChart.reveal('store-manager'); window.roleChart.zoomIn()")
    wait_for_chart_at_rest(page)
    page.locator("#orgchart-app").screenshot(path=artifacts / "chart-compare-cards.png")
    assert_accessible(page, "the chart comparing two days")
    assert seen["errors"] == [] and seen["dialogs"] == []

    # stop comparing: back to the day alone
    with page.expect_navigation():
        summary.get_by_role("link", name="取消对比").click()
    expect(page).to_have_url(f"{live_server.url}/orgchart/?as_of={next_month.isoformat()}")
    expect(page.locator('#orgchart-app g.node[data-mark="moved"]')).to_have_count(0)


def test_a_comparison_fits_a_phone(live_server, next_month, browser, artifacts):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True, reduced_motion="reduce"
    )
    try:
        page = context.new_page()
        log_in(page, live_server, make_manager())
        open_chart(
            page, f"{live_server.url}/orgchart/?as_of={next_month.isoformat()}&compare={dated.today().isoformat()}"
        )
        expect(page.locator("#orgchart-comparison .comparison-count")).to_have_count(4)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        for link in page.locator("#orgchart-comparison a, .orgchart-cost-total a").all():
            assert link.bounding_box()["height"] >= 44, link.inner_text()
        page.screenshot(path=artifacts / "chart-compare-phone.png", full_page=True)
    finally:
        context.close()

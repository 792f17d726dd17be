"""People on the chart in Chromium (issue 13, item 4): a manager finds a person by name, the chart
opens to their role, centres it, highlights it and shows the name on its card; the card's names
open the list of its people with their start dates. A visitor's page holds no name at all.

Screenshots of cards with names, desktop and phone, go to test-artifacts/ (chart-people-*.png).
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from orgchart.models import Employee
from roles import dated
from roles.models import Role
from tests.browser.test_catalogue import assert_accessible, card, log_in, open_chart, wait_for_chart_at_rest, watch
from tests.factories import make_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DISTRIBUTION_CS = "distribution-cs"  # 分销客服: five levels down, not drawn at first
DESIGNER = "designer"  # 美工
WANTED = "欧阳娜娜"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people(catalogue):
    """欧阳娜娜 and two colleagues in 分销客服; six people in 美工 (2- and 3-character names, one longer)."""
    today = dated.today()
    cs = Role.objects.get(slug=DISTRIBUTION_CS)
    for number, (name, days) in enumerate([("张伟", 900), (WANTED, 400), ("李娜", 30)]):
        Employee.objects.create(
            name=name, employee_number=f"F{number:03d}", role=cs, start_date=today - datetime.timedelta(days=days)
        )
    designer = Role.objects.get(slug=DESIGNER)
    for number, name in enumerate(["司马相如", "王芳", "刘洋", "陈静", "阿卜杜热合曼·买买提"]):
        Employee.objects.create(name=name, employee_number=f"M{number:03d}", role=designer)
    return cs


def names_on_card(page, slug):
    return page.locator(f'#orgchart-app g.node[data-slug="{slug}"] button.oc-people')


def centre_offset(page, slug):
    """How far (px) the card's centre is from the drawing's centre."""
    return page.evaluate(
        """slug => {
            const c = document.querySelector(`#orgchart-app a.oc-card[data-slug="${slug}"]`).getBoundingClientRect();
            const a = document.getElementById("orgchart-app").getBoundingClientRect();
            return Math.hypot(c.x + c.width / 2 - (a.x + a.width / 2), c.y + c.height / 2 - (a.y + a.height / 2));
        }""",
        slug,
    )


OVERFLOWS = """() => [...document.querySelectorAll("#orgchart-app .node-foreign-object-div")].flatMap(box => {
    const line = box.querySelector(".oc-people");
    if (!line) return [];
    const card = box.querySelector(".oc-card").getBoundingClientRect();
    const slug = box.querySelector(".oc-card").dataset.slug;
    const stats = box.querySelector(".oc-stats").getBoundingClientRect();
    const parts = [line, ...line.querySelectorAll(".oc-person, .oc-more")].map(e => e.getBoundingClientRect());
    return parts.flatMap(r => {
        const out = r.left < card.left || r.right > card.right - 1 || r.bottom > card.bottom || r.top < stats.bottom - 1;
        return out ? [`${slug}: ${JSON.stringify(r)} outside ${JSON.stringify(card)}`] : [];
    });
})"""


def test_a_manager_finds_a_person_and_their_role_is_revealed_with_the_name(live_server, people, page, artifacts):
    seen = watch(page)
    page.emulate_media(reduced_motion="reduce")
    log_in(page, live_server, make_manager())
    open_chart(page, live_server.url + "/orgchart/")
    expect(card(page, DISTRIBUTION_CS)).to_have_count(0)  # below the first three levels

    search = page.locator("#orgchart-search")
    expect(search).to_have_attribute("placeholder", "查找岗位或人员")
    search.click()
    search.press_sequentially("欧阳")
    option = page.locator("#orgchart-search-results li.is-person")
    expect(option).to_have_count(1)
    expect(option.locator(".result-title")).to_have_text(WANTED)
    expect(option.locator(".result-meta")).to_have_text("F001")
    expect(option.locator(".result-path")).to_have_text(re.compile(r"分销主管 › 分销客服$"))
    search.press("Enter")

    expect(card(page, DISTRIBUTION_CS)).to_have_class(re.compile(r"\bis-highlighted\b"))
    names = names_on_card(page, DISTRIBUTION_CS)
    expect(names.locator(".oc-person").first).to_have_text(WANTED)  # first on the card, marked
    expect(names.locator(".oc-person.is-found")).to_have_text(WANTED)
    expect(names).to_be_in_viewport()
    wait_for_chart_at_rest(page)
    assert centre_offset(page, DISTRIBUTION_CS) < 40
    page.screenshot(path=artifacts / "chart-people-found.png")

    # A 工号 finds the person too.
    search.fill("")
    search.press_sequentially("f002")
    expect(page.locator("#orgchart-search-results li.is-person .result-title")).to_have_text("李娜")
    search.press("Escape")

    # The card's names open the list of its people, earliest start first, with the dates.
    names.click()
    panel = page.locator("#orgchart-people")
    expect(panel).to_be_visible()
    expect(panel.locator(".people-role")).to_have_text("分销客服")
    expect(panel.locator(".person-name")).to_have_text(["张伟", WANTED, "李娜"])
    started = (dated.today() - datetime.timedelta(days=900)).isoformat()
    expect(panel.locator(".person-start").first).to_have_text(f"{started} 入职")
    expect(panel.locator(".person-number").first).to_have_text("工号 F000")
    expect(panel.locator(".people-open")).to_have_attribute("href", f"/roles/{DISTRIBUTION_CS}/")
    assert_accessible(page, "the list of a role's people")
    page.screenshot(path=artifacts / "chart-people-list.png")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(names).to_be_focused()

    # Enter on the focused names opens the list again and does not fold the card's reports.
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    panel.locator(".people-close").click()
    expect(panel).to_be_hidden()
    assert seen == {"errors": [], "dialogs": []}


def test_cards_with_names_read_well_on_a_desktop_and_a_phone(live_server, people, browser, artifacts):
    manager = make_manager()
    for name, options in {
        "desktop": {"viewport": {"width": 1440, "height": 900}},
        "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    }.items():
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", reduced_motion="reduce", **options)
        page = context.new_page()
        try:
            log_in(page, live_server, manager)
            open_chart(page, live_server.url + "/orgchart/")
            page.evaluate("roleChart.expandAll()")
            page.evaluate(f"roleChart.reveal('{DESIGNER}')")
            wait_for_chart_at_rest(page)
            designer = names_on_card(page, DESIGNER)
            expect(designer.locator(".oc-person")).to_have_count(2)
            expect(designer.locator(".oc-more")).to_have_text("+4")  # 李红 and five more
            expect(names_on_card(page, "warehouse-clerk")).to_have_count(0)
            expect(page.locator('g.node[data-slug="warehouse-clerk"] .oc-people.is-empty')).to_have_text("暂无在岗人员")
            assert page.evaluate(OVERFLOWS) == []
            smallest = page.evaluate(
                "() => Math.min(...[...document.querySelectorAll('.oc-person')].map(e => parseFloat(getComputedStyle(e).fontSize)))"
            )
            assert smallest >= (14 if name == "phone" else 11)
            page.locator("#orgchart-app").evaluate("app => app.scrollIntoView({block: 'end'})")
            page.screenshot(path=artifacts / f"chart-people-{name}.png")
        finally:
            context.close()


def test_a_visitors_page_has_no_names(live_server, people, page):
    open_chart(page, live_server.url + "/orgchart/")
    page.evaluate("roleChart.expandAll()")
    expect(page.locator("#orgchart-app g.node[data-slug]")).to_have_count(Role.objects.published().count())
    html = page.content()
    for person in Employee.objects.all():
        assert person.name not in html and person.employee_number not in html
    expect(page.locator("#orgchart-app .oc-people")).to_have_count(0)
    expect(page.locator("#orgchart-people")).to_have_count(0)
    search = page.locator("#orgchart-search")
    expect(search).to_have_attribute("placeholder", "查找岗位")
    search.click()
    search.press_sequentially(WANTED)
    expect(page.locator("#orgchart-search-status")).to_have_text("没有匹配的岗位")

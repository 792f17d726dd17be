"""Pay against band (/roles/bands/) in a browser, as a manager opens it, with one role paid above its band.

On a desk each role's bar shows the band and the three markers inside the bar, the target right of the
midpoint for a role above it, and the finding in words; on a 390 px phone (Chinese and English) it passes the
phone layout checks of test_phone_layout.py (no sideways scrolling, no squeezed text, 44 px tap targets, 14 px
type, no serious axe-core finding), each role a card. Printed, the bars keep their colours. Screenshots in
test-artifacts/.
"""

from decimal import Decimal

import pytest

from roles.models import Role
from tests.browser.test_catalogue import log_in
from tests.browser.test_phone_layout import PHONES, layout_problems, phone, report, serious_axe_violations
from tests.factories import make_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def above_band(catalogue):
    role = Role.objects.get(slug="promotion-specialist")
    role.base_salary = Decimal("4000")  # target 5200, above 四等's 4800
    role.save()
    return role


def box(locator):
    return locator.bounding_box()


def test_the_bars_read_at_a_glance_on_a_desk(live_server, above_band, browser, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        log_in(page, live_server, make_manager())
        page.goto(live_server.url + "/roles/bands/")
        assert page.locator("h1").inner_text() == "薪酬带宽对照"
        row = page.locator('tr[data-role="promotion-specialist"]')
        assert "目标月薪 5200 元" in row.locator(".pb-finding").inner_text()
        bar, band = box(row.locator(".pb-bar")), box(row.locator(".pb-range"))
        marks = {name: box(row.locator(f".pb-{name}")) for name in ("floor", "lowest", "target", "mid")}
        for name, mark in marks.items():  # every mark inside its bar
            assert bar["x"] <= mark["x"] and mark["x"] + mark["width"] <= bar["x"] + bar["width"] + 1, name
        assert marks["target"]["x"] > band["x"] + band["width"] - 1  # above the band: right of its end
        assert marks["floor"]["x"] < marks["lowest"]["x"] < marks["target"]["x"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        page.screenshot(path=artifacts / "desk-zh-pay-bands.png", full_page=True)
        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible()
        colour = row.locator(".pb-range").evaluate("e => getComputedStyle(e).printColorAdjust")
        assert colour == "exact"
        page.screenshot(path=artifacts / "print-zh-pay-bands.png", full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_page_reads_on_a_phone_role_by_role(live_server, above_band, browser, artifacts, locale):
    context = phone(browser, "390", locale)
    try:
        page = context.new_page()
        log_in(page, live_server, make_manager())
        page.goto(live_server.url + "/roles/bands/")
        problems = layout_problems(page, PHONES["390"]["width"])
        if axe := serious_axe_violations(page):
            problems["axe-core"] = axe
        assert not problems, f"In {locale}:\n{report({'/roles/bands/': problems})}"
        row = page.locator('tr[data-role="promotion-specialist"]')
        name, chart = box(row.locator("th")), box(row.locator(".pb-bar"))
        assert name["y"] + name["height"] <= chart["y"] + 1  # a card: the name above, the bar below
        assert chart["width"] > 250  # the bar as wide as the card
        page.screenshot(path=artifacts / f"phone-{locale[:2]}-pay-bands.png", full_page=True)
    finally:
        context.close()

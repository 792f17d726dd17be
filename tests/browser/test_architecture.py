"""The job-architecture matrix (/roles/architecture/) in a browser.

On a phone (360 and 390 px, Chinese and English) the page passes the checks of test_phone_layout.py
(no sideways scrolling of the page, no squeezed text, 44 px tap targets, 14 px type, no serious
axe-core finding) while the matrix, wider than the screen, scrolls sideways inside its own box with
the pay grade column staying in view. On a desk, "显示晋升通道" draws an arrow for each career path.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.test_catalogue import log_in
from tests.browser.test_phone_layout import PHONES, layout_problems, phone, report, serious_axe_violations
from tests.factories import make_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/roles/architecture/"


@pytest.mark.parametrize("size", PHONES)
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_on_a_phone_the_matrix_scrolls_in_its_box_with_the_pay_grades_in_view(
    live_server, seeded, browser, artifacts, size, locale
):
    context = phone(browser, size, locale)
    try:
        page = context.new_page()
        log_in(page, live_server, make_manager())
        page.goto(live_server.url + URL)
        width = PHONES[size]["width"]
        problems = layout_problems(page, width)
        if axe := serious_axe_violations(page):
            problems["axe-core"] = axe
        assert not problems, f"At {size} px in {locale}:\n{report({URL: problems})}"
        box = page.locator(".architecture-scroll")
        assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # wider than the phone: it scrolls
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # the page does not
        first = page.locator(".architecture tbody th.pay-grade").first
        left = first.bounding_box()["x"]
        if size == "360":
            page.screenshot(path=artifacts / f"phone-{locale[:2]}-architecture.png", full_page=True)
        box.evaluate("el => el.scrollLeft = el.scrollWidth")
        page.wait_for_timeout(100)
        assert abs(first.bounding_box()["x"] - left) < 1  # sticky: the pay grades stay where they were
        band = page.locator(".architecture tbody td.band").first
        assert band.bounding_box()["x"] + band.bounding_box()["width"] <= width  # the far end came into view
        if size == "360":
            page.screenshot(path=artifacts / f"phone-{locale[:2]}-architecture-scrolled.png", full_page=True)
    finally:
        context.close()


def test_on_a_desk_the_toggle_draws_an_arrow_for_each_career_path(live_server, seeded, browser, artifacts):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(live_server.url + URL)
        expect(page.locator(".path-arrows")).to_have_count(0)
        page.get_by_role("link", name="显示晋升通道").click()
        arrows = page.locator(".path-arrows path[marker-end]")
        expect(arrows).to_have_count(2)  # 推广专员 → 推广主管 → 店长
        box = page.locator(".architecture-scroll").bounding_box()

        def middle(title, edge):
            """Where an arrow meets a role, in the box's coordinates: the middle of its top or bottom edge."""
            chip = page.locator(".role-chip", has_text=title).bounding_box()
            y = chip["y"] + (chip["height"] if edge == "bottom" else 0)
            return round(chip["x"] + chip["width"] / 2 - box["x"]), round(y - box["y"])

        def ends(d):
            """The first and last points of an arrow's path ("M x,y C … x,y")."""
            points = [tuple(round(float(n)) for n in p.lstrip("MC").split(",")) for p in d.split(" ") if "," in p]
            return points[0], points[-1]

        drawn = sorted(ends(arrow.get_attribute("d")) for arrow in arrows.all())
        # each arrow leaves a role from its top edge and goes up to the bottom edge of the next role
        expected = sorted(
            [
                (middle("推广专员", "top"), middle("推广主管", "bottom")),
                (middle("推广主管", "top"), middle("店长", "bottom")),
            ]
        )
        close = all(
            abs(a - b) <= 1
            for pair, want in zip(drawn, expected, strict=True)
            for p, q in zip(pair, want, strict=True)
            for a, b in zip(p, q, strict=True)
        )
        assert close, (drawn, expected)
        page.screenshot(path=artifacts / "desk-zh-architecture-paths.png", full_page=True)
        page.get_by_role("link", name="隐藏晋升通道").click()
        expect(page.locator(".path-arrows")).to_have_count(0)
    finally:
        context.close()

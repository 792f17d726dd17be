"""Issue 16, item 2: the org chart on a touch screen.

Phones are Chromium contexts with mobile emulation and touch (360 × 640 and 390 × 844). Fingers
are real touch events sent through DevTools (Input.dispatchTouchEvent): the browser turns them
into pointer events, taps, clicks, scrolling and pinch-zooming of the page exactly as it would
for a finger, so a chart that let the page scroll or zoom instead would fail here. What is
checked is what a person sees: the drawing's transform, the cards shown, the address and the
heading of the page opened, the page's scroll position and width.

The on-screen keyboard is approximated by a viewport 300 px tall (what is left above a phone's
keyboard).
"""

import re
import weakref

import pytest
from playwright.sync_api import expect

from roles.models import Role
from tests.browser.test_catalogue import STORE_MANAGER, SUPERVISOR, assert_accessible, card, log_in, toggle, watch
from tests.factories import make_manager, make_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONES = {"360x640": {"width": 360, "height": 640}, "390x844": {"width": 390, "height": 844}}
SMALL = PHONES["360x640"]
KEYBOARD_UP = {"width": 360, "height": 300}
DIRECTOR = "operations-director"  # 运营总监
SPECIALIST = "promotion-specialist"  # 推广专员
FINGER = 44  # px: the smallest tap target
SMALLEST_TYPE = 14  # px


# ------------------------------------------------------------------------------ phones


@pytest.fixture(scope="module")
def phones(browser):
    """One browser context per (viewport, language), made when first asked for and kept for the module."""
    made = {}

    def phone(viewport=SMALL, language="zh-CN"):
        key = (viewport["width"], viewport["height"], language)
        if key not in made:
            context = browser.new_context(
                locale=language,
                timezone_id="Asia/Shanghai",
                viewport=viewport,
                is_mobile=True,
                has_touch=True,
                reduced_motion="reduce",  # the chart moves without animating: nothing to wait for
            )
            context.set_default_timeout(10_000)
            made[key] = context
        return made[key]

    yield phone
    for context in made.values():
        context.close()


@pytest.fixture
def open_phone(request, phones, artifacts):
    """A new tab in a phone's context (cookies cleared); a screenshot is kept when the test fails."""
    tabs = []

    def open_tab(viewport=SMALL, language="zh-CN"):
        context = phones(viewport, language)
        context.clear_cookies()
        tab = context.new_page()
        tabs.append(tab)
        return tab

    yield open_tab
    failed = getattr(request.node, "rep_call", None)
    for i, tab in enumerate(tabs):
        if failed is not None and failed.failed:
            tab.screenshot(path=artifacts / f"FAILED-{request.node.name}-{i}.png")
        tab.close()


def open_chart(page, url):
    """Open the chart and bring its drawing on screen, as a reader scrolls down to it."""
    page.goto(url)
    expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")
    page.locator("#orgchart-app").scroll_into_view_if_needed()


# ----------------------------------------------------------------------------- fingers


_sessions = weakref.WeakKeyDictionary()


def touch(page, kind, points=()):
    """One touch event (touchStart, touchMove, touchEnd) with the given fingers down, in CSS pixels."""
    if page not in _sessions:
        _sessions[page] = page.context.new_cdp_session(page)
    _sessions[page].send(
        "Input.dispatchTouchEvent",
        {"type": kind, "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]},
    )


def pinch(page, x, y, start=40, end=160, steps=10):
    """Two fingers put down `start` px apart around (x, y) and moved apart to `end` px."""
    touch(page, "touchStart", [(x - start / 2, y), (x + start / 2, y)])
    for step in range(1, steps + 1):
        half = (start + (end - start) * step / steps) / 2
        touch(page, "touchMove", [(x - half, y), (x + half, y)])
    touch(page, "touchEnd")


def drag(page, x, y, dx, dy, steps=10):
    """One finger put down at (x, y) and moved by (dx, dy)."""
    touch(page, "touchStart", [(x, y)])
    for step in range(1, steps + 1):
        touch(page, "touchMove", [(x + dx * step / steps, y + dy * step / steps)])
    touch(page, "touchEnd")


def visible_part(page, locator):
    """(left, top, right, bottom) of the part of an element a finger can reach: in the drawing, on screen."""
    box = locator.bounding_box()
    canvas = page.locator("#orgchart-app").bounding_box()
    view = page.viewport_size
    left = max(box["x"], canvas["x"], 0)
    right = min(box["x"] + box["width"], canvas["x"] + canvas["width"], view["width"])
    top = max(box["y"], canvas["y"], 0)
    bottom = min(box["y"] + box["height"], canvas["y"] + canvas["height"], view["height"])
    assert right - left > 20 and bottom - top > 20, f"not on screen: {box} in {canvas} and {view}"
    return left, top, right, bottom


def on_screen(page, locator):
    """The middle of the visible part of an element."""
    left, top, right, bottom = visible_part(page, locator)
    return (left + right) / 2, (top + bottom) / 2


def tap_card(page, slug):
    """Tap a card where it shows: a third from its left, half-way down (clear of its two buttons)."""
    box = card(page, slug).bounding_box()
    left, top, right, bottom = visible_part(page, card(page, slug))
    x = min(max(box["x"] + box["width"] / 3, left + 10), right - 10)
    y = min(max(box["y"] + box["height"] / 2, top + 10), bottom - 10)
    page.touchscreen.tap(x, y)


def transform(page):
    """(x, y, k) of the drawing, read off its SVG transform."""
    text = page.locator("#orgchart-app svg g.chart").get_attribute("transform")
    x, y, k = re.fullmatch(r"translate\(([-\d.e]+),([-\d.e]+)\) scale\(([-\d.e]+)\)", text).groups()
    return float(x), float(y), float(k)


def page_position(page):
    """How far the page is scrolled and zoomed: (scrollX, scrollY, visual viewport scale)."""
    return tuple(page.evaluate("[scrollX, scrollY, visualViewport.scale]"))


def assert_no_sideways_scrolling(page, what):
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{what}: the page is {width[0]} px wide on a {width[1]} px screen"


# ------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("size", PHONES)
def test_two_fingers_zoom_and_one_pans_the_chart_not_the_page(live_server, seeded, open_phone, size):
    page = open_phone(PHONES[size])
    open_chart(page, live_server.url + "/orgchart/")
    canvas = page.locator("#orgchart-app").bounding_box()
    x, y = canvas["x"] + canvas["width"] / 2, canvas["y"] + min(canvas["height"], 300) / 2
    before = page_position(page)
    _, _, k0 = transform(page)

    pinch(page, x, y)
    tx, ty, k = transform(page)
    assert k > k0 * 2, f"spreading two fingers 40 → 160 px should zoom in: scale {k0} → {k}"
    assert page.evaluate("roleChart.scale()") == pytest.approx(k)
    assert page_position(page) == before, "the page itself scrolled or zoomed"

    drag(page, x, y, -60, -90)
    tx2, ty2, k2 = transform(page)
    assert k2 == k
    assert (tx2 - tx, ty2 - ty) == (pytest.approx(-60, abs=12), pytest.approx(-90, abs=12))
    assert page_position(page) == before, "the page scrolled instead of the drawing"
    assert_no_sideways_scrolling(page, "after zooming and panning")

    # Outside the drawing a finger scrolls the page as usual.
    page.evaluate("scrollTo(0, 0)")
    heading = page.locator("h1").bounding_box()
    drag(page, heading["x"] + 20, heading["y"] + heading["height"] / 2, 0, -100)
    page.wait_for_function("scrollY >= 50")
    assert transform(page) == (tx2, ty2, k2)


def test_a_tap_on_a_card_opens_or_closes_its_reports(live_server, seeded, open_phone):
    page = open_phone()
    seen = watch(page)
    open_chart(page, live_server.url + "/orgchart/")
    reports = [r.slug for r in Role.objects.get(slug=STORE_MANAGER).get_children()]
    expect(card(page, SUPERVISOR)).to_have_count(0)

    tap_card(page, STORE_MANAGER)
    expect(toggle(page, STORE_MANAGER)).to_have_attribute("aria-expanded", "true")
    for slug in reports:
        expect(card(page, slug)).to_have_count(1)
    assert page.url == live_server.url + "/orgchart/"  # a tap is not the link

    tap_card(page, STORE_MANAGER)
    expect(toggle(page, STORE_MANAGER)).to_have_attribute("aria-expanded", "false")
    expect(card(page, SUPERVISOR)).to_have_count(0)

    # A press that moves is a pan: nothing opens, nothing closes.
    x, y = on_screen(page, card(page, DIRECTOR))
    before = transform(page)
    drag(page, x, y, 40, 30)
    assert transform(page) != before
    expect(toggle(page, DIRECTOR)).to_have_attribute("aria-expanded", "true")
    assert page.url == live_server.url + "/orgchart/"

    # A role without reports has nothing to open: a tap follows its link.
    tap_card(page, STORE_MANAGER)
    tap_card(page, SUPERVISOR)
    expect(card(page, SPECIALIST)).to_have_count(1)
    with page.expect_navigation():
        tap_card(page, SPECIALIST)
    expect(page).to_have_url(f"{live_server.url}/roles/{SPECIALIST}/")
    assert seen == {"errors": [], "dialogs": []}


def test_a_long_press_or_the_cards_button_opens_its_job_description(live_server, seeded, open_phone):
    page = open_phone()
    open_chart(page, live_server.url + "/orgchart/")

    # Held still for half a second: the job description.
    x, y = on_screen(page, card(page, DIRECTOR))
    touch(page, "touchStart", [(x, y)])
    page.wait_for_url(f"{live_server.url}/roles/{DIRECTOR}/")
    touch(page, "touchEnd")
    expect(page.locator(".jd-header h1")).to_contain_text("运营总监")

    # The button in the card's corner: a real link, a finger wide at life size.
    open_chart(page, live_server.url + "/orgchart/")
    assert transform(page)[2] == 1
    button = page.locator(f'#orgchart-app g.node[data-slug="{STORE_MANAGER}"] a.oc-open')
    expect(button).to_have_attribute("href", f"/roles/{STORE_MANAGER}/")
    expect(button).to_have_attribute("aria-label", re.compile("店长"))
    box = button.bounding_box()
    assert box["width"] >= FINGER and box["height"] >= FINGER, box
    with page.expect_navigation():
        button.tap()
    expect(page).to_have_url(f"{live_server.url}/roles/{STORE_MANAGER}/")
    expect(page.locator(".jd-header h1")).to_contain_text("店长")

    # A keyboard on the same phone: Enter on the toggle opens the reports, on a card its link.
    open_chart(page, live_server.url + "/orgchart/")
    toggle(page, STORE_MANAGER).focus()
    page.keyboard.press("Enter")
    expect(toggle(page, STORE_MANAGER)).to_have_attribute("aria-expanded", "true")
    card(page, SUPERVISOR).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/roles/{SUPERVISOR}/")


@pytest.mark.parametrize("size", PHONES)
def test_the_chart_opens_fitted_to_the_phones_width(live_server, seeded, open_phone, artifacts, size):
    # A second director makes the first levels two cards wide: wider than a phone at life size.
    make_role("行政总监", parent=Role.objects.get(slug="general-manager"), slug="admin-director")
    page = open_phone(PHONES[size])
    open_chart(page, live_server.url + "/orgchart/")
    canvas = page.locator("#orgchart-app").bounding_box()
    boxes = [c.bounding_box() for c in page.locator("#orgchart-app a.oc-card").all()]
    assert len(boxes) == 4  # 总经理, its two directors, 店长
    left = min(b["x"] for b in boxes)
    right = max(b["x"] + b["width"] for b in boxes)
    top = min(b["y"] for b in boxes)
    assert canvas["x"] <= left and right <= canvas["x"] + canvas["width"], "a card is cut off at the side"
    assert right - left >= canvas["width"] * 0.85, "the drawing should fill the screen's width"
    assert 0.6 <= transform(page)[2] <= 1, "cards smaller than readable, or larger than life"
    assert canvas["y"] <= top <= canvas["y"] + 40, "the top of the chart should show first"
    page.screenshot(path=artifacts / f"chart-touch-fitted-{size}.png")


def test_toolbar_legend_search_and_list_fit_a_360_screen_with_the_keyboard_up(
    live_server, seeded, open_phone, artifacts
):
    for language in ("zh-CN", "en-US"):
        page = open_phone(SMALL, language)
        open_chart(page, live_server.url + "/orgchart/")
        page.evaluate("scrollTo(0, 0)")
        assert_no_sideways_scrolling(page, language)
        controls = page.locator("#orgchart-toolbar button, #orgchart-search, .downloads a").all()
        assert len(controls) == 10
        for control in controls:
            box = control.bounding_box()
            name = control.get_attribute("id") or control.inner_text()
            assert box["width"] >= FINGER and box["height"] >= FINGER, (language, name, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= SMALL["width"], (language, name, box)
        texts = page.locator(
            "#orgchart-toolbar button, #orgchart-search, .orgchart-summary, .downloads, .legend-item"
        ).all()
        for element in texts:
            size = element.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            assert size >= SMALLEST_TYPE, (language, element.inner_text(), size)
            box = element.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= SMALL["width"], (language, element.inner_text(), box)
        expect(page.locator(".legend-touch")).to_be_visible()
        page.screenshot(path=artifacts / f"chart-touch-toolbar-{language}.png", full_page=True)
        if language == "zh-CN":
            assert_accessible(page, "the chart on a phone")

    # The on-screen keyboard takes all but 300 px: the results stay in what is left, scrolling.
    page = open_phone(SMALL)
    open_chart(page, live_server.url + "/orgchart/")
    page.evaluate("scrollTo(0, 0)")
    search = page.locator("#orgchart-search")
    search.tap()
    page.set_viewport_size(KEYBOARD_UP)
    try:
        search.press_sequentially("主管")
        results = page.locator("#orgchart-search-results li[role=option]")
        expect(results).to_have_count(Role.objects.filter(title__contains="主管").count())
        for element in (search, page.locator("#orgchart-search-panel")):
            box = element.bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= KEYBOARD_UP["height"], box
        last = results.last
        last.scroll_into_view_if_needed()
        assert page.locator("#orgchart-search-panel").evaluate("p => p.scrollTop") > 0
        expect(last).to_be_in_viewport()
        box = last.bounding_box()
        assert box["height"] >= FINGER and box["y"] + box["height"] <= KEYBOARD_UP["height"]
        page.screenshot(path=artifacts / "chart-touch-search-keyboard.png")
        slug = last.get_attribute("data-slug")
        last.tap()
        expect(card(page, slug)).to_have_class(re.compile(r"\bis-highlighted\b"))
        assert_no_sideways_scrolling(page, "the search with the keyboard up")

        # The list view: the same search opens the nested list at the role.
        page.locator("#orgchart-list-toggle").tap()
        expect(page.locator("#orgchart-outline")).to_be_visible()
        search.tap()
        search.fill("")
        search.press_sequentially("推广专员")
        option = page.locator(f'#orgchart-search-results li[data-slug="{SPECIALIST}"]')
        expect(option).to_be_in_viewport()
        option.tap()
        item = page.locator(f'#orgchart-outline li[data-slug="{SPECIALIST}"]')
        expect(item).to_have_class(re.compile(r"\bis-highlighted\b"))
        expect(item.locator(":scope > a")).to_be_in_viewport()
        assert item.locator(":scope > a").bounding_box()["height"] >= FINGER
        assert_no_sideways_scrolling(page, "the list view with the keyboard up")
        page.screenshot(path=artifacts / "chart-touch-list-keyboard.png")
    finally:
        page.set_viewport_size(SMALL)


def test_a_long_title_and_forty_reports_never_widen_the_page(live_server, seeded, open_phone, artifacts):
    long_title = "超长岗位名称" * 16 + "末尾"  # 98 characters, no space to break at
    long_title += "尾巴"[: 100 - len(long_title)]
    assert len(long_title) == 100
    wide = make_role(long_title, parent=Role.objects.get(slug=STORE_MANAGER), slug="long-title")
    for n in range(40):
        make_role(f"下属岗位{n + 1}", parent=wide, slug=f"report-{n + 1}")

    page = open_phone(SMALL)
    open_chart(page, live_server.url + "/orgchart/")
    tap_card(page, STORE_MANAGER)
    title = card(page, "long-title").locator(".oc-title")
    expect(title).to_have_text(long_title)  # all of it in the page, cut on screen with an ellipsis
    assert title.evaluate("t => t.scrollWidth > t.clientWidth && getComputedStyle(t).textOverflow === 'ellipsis'")
    expect(card(page, "long-title")).to_have_attribute("title", re.compile(long_title))
    button = page.locator('#orgchart-app g.node[data-slug="long-title"] a.oc-open')
    expect(button).to_have_attribute("aria-label", re.compile(long_title))
    assert_no_sideways_scrolling(page, "a card with a 100-character title")

    page.evaluate("roleChart.reveal('long-title')")
    tap_card(page, "long-title")
    expect(page.locator('#orgchart-app a.oc-card[data-slug^="report-"]')).to_have_count(40)
    assert_no_sideways_scrolling(page, "forty reports drawn")
    page.screenshot(path=artifacts / "chart-touch-forty-reports.png")

    search = page.locator("#orgchart-search")
    search.tap()
    search.press_sequentially("超长岗位")
    expect(page.locator('#orgchart-search-results li[data-slug="long-title"] .result-title')).to_have_text(long_title)
    panel = page.locator("#orgchart-search-panel").bounding_box()
    assert panel["x"] + panel["width"] <= SMALL["width"]
    assert_no_sideways_scrolling(page, "the search results")
    search.press("Escape")
    page.locator("#orgchart-list-toggle").tap()
    expect(page.locator('#orgchart-outline li[data-slug="long-title"] > a')).to_have_text(long_title)
    assert_no_sideways_scrolling(page, "the list view")

    with page.expect_navigation():
        page.locator('#orgchart-outline li[data-slug="long-title"] > a').tap()
    expect(page.locator(".jd-header h1")).to_contain_text(long_title)
    assert_no_sideways_scrolling(page, "the job description")

    page.goto(live_server.url + "/orgchart/?root=long-title")
    expect(page.locator("h1")).to_contain_text(long_title)
    expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")
    assert_no_sideways_scrolling(page, "the branch under the long title")


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_on_a_360_phone_a_manager_reads_a_role_then_finds_its_supervisor_in_the_chart(
    live_server, seeded, open_phone, artifacts, language
):
    """Issue 16's "done when": from a link to 推广专员 to the job description of 推广主管, by finger."""
    page = open_phone(SMALL, language)
    seen = watch(page)
    log_in(page, live_server, make_manager())

    # The link a colleague sent: the whole job description, read top to bottom, nothing to the side.
    page.goto(f"{live_server.url}/roles/{SPECIALIST}/")
    expect(page.locator(".jd-header h1")).to_contain_text("推广专员")
    assert_no_sideways_scrolling(page, "the job description")
    page.evaluate("scrollTo(0, document.documentElement.scrollHeight)")
    expect(page.locator(".duties li").last).to_be_visible()
    assert_no_sideways_scrolling(page, "the job description, read to the end")

    # To the chart through the site's menu.
    page.evaluate("scrollTo(0, 0)")
    chart_link = page.locator('header a[href="/orgchart/"]')
    if not chart_link.is_visible():
        page.locator("header button[aria-expanded]").first.tap()
    with page.expect_navigation():
        chart_link.tap()
    expect(page).to_have_url(live_server.url + "/orgchart/")
    expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")
    page.locator("#orgchart-app").scroll_into_view_if_needed()

    # Pinch out on 店长 and tap it: its branch opens.
    x, y = on_screen(page, card(page, STORE_MANAGER))
    k0 = transform(page)[2]
    pinch(page, x, y, start=60, end=110)
    assert transform(page)[2] > k0 * 1.4
    tap_card(page, STORE_MANAGER)
    expect(card(page, SUPERVISOR)).to_have_count(1)

    # Tap 推广主管: its report 推广专员 shows.
    expect(card(page, SPECIALIST)).to_have_count(0)
    tap_card(page, SUPERVISOR)
    expect(card(page, SPECIALIST)).to_have_count(1)
    expect(toggle(page, SUPERVISOR)).to_have_attribute("aria-expanded", "true")
    page.screenshot(path=artifacts / f"chart-touch-done-when-{language}.png")

    # Its job description, by the button on its card.
    button = page.locator(f'#orgchart-app g.node[data-slug="{SUPERVISOR}"] a.oc-open')
    with page.expect_navigation():
        page.touchscreen.tap(*on_screen(page, button))
    expect(page).to_have_url(f"{live_server.url}/roles/{SUPERVISOR}/")
    expect(page.locator(".jd-header h1")).to_contain_text("推广主管")
    assert_no_sideways_scrolling(page, "the supervisor's job description")
    assert seen == {"errors": [], "dialogs": []}

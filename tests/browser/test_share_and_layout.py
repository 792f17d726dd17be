"""Issue 16: the chart page keeps its place while it loads (no layout shift), and the icons
the pages link to are served.

Cumulative layout shift is measured as Lighthouse and web-vitals do: a PerformanceObserver for
'layout-shift' entries (buffered, so shifts before the observer started count too), summing the
values of those without recent input, until the chart has drawn and settled.
"""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLS_BUDGET = 0.05

# Added before any of the page's scripts run; records every shift, with what moved.
OBSERVE_SHIFTS = """
window.__shifts = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) {
    window.__shifts.push({
      value: e.value,
      input: e.hadRecentInput,
      sources: (e.sources || []).map(function (s) {
        var n = s.node;
        var name = n ? (n.id ? "#" + n.id : (n.nodeName + (n.className && n.className.baseVal === undefined ? "." + n.className : ""))) : "?";
        return name + " " + JSON.stringify(s.previousRect) + " -> " + JSON.stringify(s.currentRect);
      }),
    });
  });
}).observe({ type: "layout-shift", buffered: true });
"""


@pytest.mark.parametrize(
    "viewport", [{"width": 1440, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_chart_page_does_not_shift_while_it_draws(live_server, seeded, browser, viewport, language):
    context = browser.new_context(
        locale=language,
        timezone_id="Asia/Shanghai",
        viewport=viewport,
        is_mobile=viewport["width"] < 720,
        has_touch=viewport["width"] < 720,
    )
    context.set_default_timeout(10_000)
    context.add_init_script(OBSERVE_SHIFTS)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/orgchart/")
        expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")
        page.wait_for_function("performance.getEntriesByName('orgchart-drawn').length === 1")
        page.wait_for_timeout(600)  # the library's transitions and any late reflow
        shifts = page.evaluate("window.__shifts")
        cls = sum(s["value"] for s in shifts if not s["input"])
        assert cls <= CLS_BUDGET, f"CLS {cls:.3f} at {viewport}: {shifts}"
        # The space kept for the chart is the space it was drawn into.
        box = page.locator("#orgchart-app").bounding_box()
        svg = page.locator("#orgchart-app svg").first.bounding_box()
        assert box and svg and abs(svg["width"] - (box["width"] - 2)) <= 2 and svg["height"] >= 200
        expect(page.locator("#orgchart-outline")).to_be_hidden()
    finally:
        context.close()


def test_icons_are_linked_and_served(live_server, seeded, page):
    page.goto(live_server.url + "/roles/")
    for selector in (
        'link[rel="icon"][type="image/svg+xml"]',
        'link[rel="icon"][type="image/png"]',
        'link[rel="apple-touch-icon"]',
    ):
        href = page.locator(selector).get_attribute("href")
        response = page.request.get(live_server.url + href)
        assert response.ok, (selector, href, response.status)
        assert response.headers["content-type"].startswith("image/"), (selector, response.headers["content-type"])

"""Issue 16, item 1: the pages on a phone, as a manager opens them from a chat link.

At 360 × 640 and 390 × 844 (Chromium emulating a phone: mobile viewport, touch, a dense
screen), in Chinese and in English, each page must read without sideways scrolling, with no
text squeezed into a column narrower than three characters, tap targets of at least 44 × 44 px
outside running text, type of at least 14 px and no serious axe-core violation. The header
folds into a menu button that opens, closes and switches the language; without JavaScript its
links stay in view. A 100-character title, a 2,000-character duty and 40 subordinates wrap
instead of widening the page.

Each check is a small function evaluated in the page that returns the elements breaking it,
so a failure names them. Screenshots at 360 px go to test-artifacts/phone-*.png.
"""

import pytest
from playwright.sync_api import expect

from roles.models import Role
from tests.browser.test_catalogue import FAILING_IMPACTS, axe_violations, log_in
from tests.factories import make_manager, make_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPECIALIST = "promotion-specialist"  # 推广专员
PHONES = {"360": {"width": 360, "height": 640}, "390": {"width": 390, "height": 844}}
SCALE = {"360": 2, "390": 3}
PUBLIC_PAGES = ["/", "/roles/", f"/roles/{SPECIALIST}/", "/orgchart/"]
MANAGER_PAGES = ["/orgchart/vacancies/", "/roles/", f"/roles/{SPECIALIST}/"]

# Shared by the checks below: how an element is named in a failure, and whether it is shown.
HELPERS = r"""
const describe = el => {
  let s = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
  const cls = (el.getAttribute("class") || "").trim();
  if (cls) s += "." + cls.split(/\s+/).join(".");
  const text = (el.getAttribute("aria-label") || el.textContent || el.value || "").replace(/\s+/g, " ").trim();
  return text ? `${s} "${text.slice(0, 40)}"` : s;
};
const px = r => `${Math.round(r.width)}×${Math.round(r.height)} px`;
const blockOf = el => {
  let box = el;
  while (box.parentElement && ["inline", "contents"].includes(getComputedStyle(box).display)) box = box.parentElement;
  return box;
};
// Rendered, not transparent, bigger than a visually-hidden 1 px box, and not clipped away.
const shown = el => {
  if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
  const r = el.getBoundingClientRect();
  if (r.width <= 1 || r.height <= 1 || r.right + scrollX <= 0 || r.bottom + scrollY <= 0) return false;
  for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    const cs = getComputedStyle(a);
    if (cs.overflowX === "visible" && cs.overflowY === "visible" && cs.clip === "auto") continue;
    const b = a.getBoundingClientRect();
    if (b.width <= 1 || b.height <= 1 || r.right <= b.left || r.left >= b.right || r.bottom <= b.top || r.top >= b.bottom)
      return false;
  }
  return true;
};
const ownText = el => [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE && /\S/.test(n.data));
const textHolders = () => [...document.body.querySelectorAll("*")].filter(
  el => !["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "OPTION"].includes(el.tagName) && ownText(el).length && shown(el));
"""

# The page is no wider than the phone. Chromium's mobile emulation widens the layout viewport
# (innerWidth) to content that overflows, so the phone's own width is compared too.
SIDEWAYS = r"""(width) => {
  const doc = document.scrollingElement;
  if (doc.scrollWidth <= innerWidth && doc.scrollWidth <= width && innerWidth <= width) return [];
  const clipped = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
    if (getComputedStyle(a).overflowX !== "visible") return true; return false; };
  const wide = [...document.body.querySelectorAll("*")].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.right > width + 0.5 && !clipped(el);
  });
  const deepest = wide.filter(el => !wide.some(other => other !== el && el.contains(other)));
  return [`the page is ${doc.scrollWidth} px wide (innerWidth ${innerWidth}) on a ${width} px phone`,
          ...deepest.slice(0, 10).map(el => `${describe(el)} reaches ${Math.round(el.getBoundingClientRect().right)} px`)];
}"""

# Text whose line box (its own box, or the block around an inline element) is narrower than
# three characters of its font size while the text does not fit on one line there.
SQUEEZED = r"""() => textHolders().flatMap(el => {
  if (el instanceof SVGElement) return [];  // SVG text does not reflow
  const size = parseFloat(getComputedStyle(el).fontSize);
  const box = blockOf(el);
  const cs = getComputedStyle(box);
  const room = box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  if (room >= 3 * size) return [];
  const lines = new Set();
  let widest = 0;
  for (const node of ownText(el)) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 0) { lines.add(Math.round(r.top)); widest = Math.max(widest, r.width); }
  }
  return lines.size > 1 || widest > room + 1
    ? [`${describe(el)}: ${Math.round(room)} px of room for ${size} px text (${lines.size} lines)`] : [];
})"""

# Links, buttons and fields smaller than 44 × 44 px. Exempt, as in WCAG 2.5.5/2.5.8: a link
# inside running text, i.e. an inline link whose block also holds words outside links, unless it
# sits in a header, nav, form or toolbar; and the cards' links inside the org chart's drawing, which
# grow and shrink with the reader's pinch like a map's (a finger wide at life size: test_chart_touch).
SMALL_TARGETS = r"""() => {
  const INTERACTIVE = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], ' +
    '[role=link], [role=checkbox], [role=radio], [role=switch], [role=tab], [role=menuitem], [role=option], ' +
    '[tabindex]:not([tabindex^="-"])';
  const inRunningText = el => {
    if (getComputedStyle(el).display !== "inline") return false;
    if (el.closest("header, nav, form, [role=toolbar], [role=navigation], [role=search], [role=menu]")) return false;
    const walker = document.createTreeWalker(blockOf(el), NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());)
      if (!node.parentElement.closest(INTERACTIVE) && /[\p{L}\p{N}]/u.test(node.data)) return true;
    return false;
  };
  const inDrawing = el => el.closest("#orgchart-app svg") !== null;
  return [...document.querySelectorAll(INTERACTIVE)].filter(el => shown(el) && !inRunningText(el) && !inDrawing(el)).flatMap(el => {
    const r = el.getBoundingClientRect();
    return r.width < 43.9 || r.height < 43.9 ? [`${describe(el)} is ${px(r)}`] : [];
  });
}"""

SMALL_TYPE = r"""() => textHolders().flatMap(el => {
  const size = parseFloat(getComputedStyle(el).fontSize);
  return size < 14 ? [`${describe(el)} is set in ${size} px`] : [];
})"""

CHECKS = {
    "scrolls sideways": SIDEWAYS,
    "squeezed text": SQUEEZED,
    "tap target under 44 × 44 px": SMALL_TARGETS,
    "type under 14 px": SMALL_TYPE,
}


# ---------------------------------------------------------------------------- helpers


def phone(browser, size, locale, **options):
    """A fresh phone (mobile viewport, touch, a dense screen) with no animations to wait for."""
    context = browser.new_context(
        locale=locale,
        timezone_id="Asia/Shanghai",
        viewport=PHONES[size],
        is_mobile=True,
        has_touch=True,
        device_scale_factor=SCALE[size],
        reduced_motion="reduce",
        **options,
    )
    context.set_default_timeout(10_000)
    return context


def visit(page, live_server, path):
    """Open a page and wait until it is drawn (the chart draws after load)."""
    page.goto(live_server.url + path)
    if path.startswith("/orgchart/") and "vacancies" not in path:
        expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")
        page.wait_for_function("performance.getEntriesByName('orgchart-drawn').length === 1")


def layout_problems(page, width):
    """Every check of this module on the page as it is now: {check: [offending elements]}."""
    found = {}
    for check, script in CHECKS.items():
        offenders = page.evaluate(f"(width) => {{ {HELPERS}\n return ({script})(width); }}", width)
        if offenders:
            found[check] = offenders
    return found


def serious_axe_violations(page):
    """axe-core's serious and critical findings, one line per element."""
    return [
        f"[{v['impact']}] {v['id']}: {node['target']}"
        for v in axe_violations(page)
        if v["impact"] in FAILING_IMPACTS
        for node in v["nodes"]
    ]


def report(failures):
    """One readable message for every page and check that failed."""
    lines = []
    for where, problems in failures.items():
        lines.append(where)
        for check, offenders in problems.items():
            lines.append(f"  {check}:")
            lines.extend(f"    - {offender}" for offender in offenders)
    return "\n".join(lines)


SHOT_NAMES = {"/roles/": "catalogue", "/orgchart/": "chart", "/orgchart/vacancies/": "vacancies"}


@pytest.mark.parametrize("size", PHONES)
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_every_page_reads_on_a_phone(live_server, catalogue, browser, artifacts, size, locale):
    """A visitor, then a manager: each page and the open menu pass every check and axe-core."""
    width = PHONES[size]["width"]
    failures = {}

    def check(page, where):
        """Run the layout checks and axe-core; keep what fails under `where`."""
        problems = layout_problems(page, width)
        if axe := serious_axe_violations(page):
            problems["axe-core"] = axe
        if problems:
            failures[where] = problems

    context = phone(browser, size, locale)
    try:
        page = context.new_page()
        for who in ("visitor", "manager"):
            if who == "manager":
                log_in(page, live_server, make_manager())
            for path in PUBLIC_PAGES if who == "visitor" else MANAGER_PAGES:
                visit(page, live_server, path)
                if path == "/":
                    expect(page).to_have_url(live_server.url + "/roles/")
                    continue  # the catalogue, checked next
                check(page, f"{path} as a {who}")
                if size == "360":
                    name = SHOT_NAMES.get(path, "jd") + ("" if who == "visitor" else f"-{who}")
                    page.screenshot(path=artifacts / f"phone-{locale[:2]}-{name}.png", full_page=True)

        # The menu, open: its links, language switch and log-out button.
        page.locator(".menu-button").tap()
        expect(page.locator("#site-menu")).to_be_visible()
        check(page, "the open menu")
        if size == "360":
            page.screenshot(path=artifacts / f"phone-{locale[:2]}-menu.png")
    finally:
        context.close()
    assert not failures, f"At {size} px in {locale}:\n{report(failures)}"


def test_the_menu_button_opens_and_closes_the_menu_and_switches_the_language(live_server, seeded, browser):
    """On a phone the header's links are one tap away, and the language is switched from the menu."""
    context = phone(browser, "390", "zh-CN")
    try:
        page = context.new_page()
        visit(page, live_server, f"/roles/{SPECIALIST}/")
        button = page.locator(".menu-button")
        chart_link = page.locator(".site-nav a[href='/orgchart/']")
        expect(button).to_have_attribute("aria-controls", "site-menu")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(chart_link).to_be_hidden()

        button.tap()
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(chart_link).to_be_visible()
        expect(page.locator(".site-tools a[href^='/accounts/login/']")).to_be_visible()
        button.tap()
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(chart_link).to_be_hidden()

        # Escape closes it too, and the focus goes back to the button.
        button.tap()
        expect(chart_link).to_be_visible()
        page.keyboard.press("Escape")
        expect(chart_link).to_be_hidden()
        expect(button).to_be_focused()

        # The language switch inside it: the same page comes back in English, the menu folded.
        button.tap()
        with page.expect_navigation():
            page.locator(".language-switch button[lang=en]").tap()
        expect(page).to_have_url(f"{live_server.url}/roles/{SPECIALIST}/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator(".language-switch button[lang=en]")).to_have_attribute("aria-current", "true")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(chart_link).to_be_hidden()
        button.tap()
        expect(chart_link).to_have_text("Org chart")
    finally:
        context.close()


def test_without_javascript_the_header_links_stay_in_view(live_server, seeded, browser):
    """Progressive enhancement: a menu button that cannot work is not shown, the links are."""
    context = phone(browser, "360", "zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        visit(page, live_server, "/roles/")
        expect(page.locator(".menu-button")).to_be_hidden()
        for link in page.locator(".site-nav a, .site-tools a, .language-switch button").all():
            expect(link).to_be_visible()
        problems = layout_problems(page, PHONES["360"]["width"])
        assert not problems, report({"/roles/ without JavaScript": problems})
    finally:
        context.close()


def test_on_a_desktop_the_header_is_one_row_without_a_menu_button(live_server, seeded, page):
    """The phone's menu leaves the desktop header as it was: brand, links and tools in one row."""
    page.goto(live_server.url + "/roles/")
    expect(page.locator(".menu-button")).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    middle = header["y"] + header["height"] / 2
    for item in page.locator(".brand a, .site-nav a, .language-switch button, .site-tools a").all():
        box = item.bounding_box()
        assert abs(box["y"] + box["height"] / 2 - middle) < 4, (item.inner_text(), box, header)
    assert header["height"] < 64, header


LONG_TITLE = "超长岗位名称" + "LongTitleWithoutSpaces" * 3 + "0123456789" * 2 + "ABCDEFGH"
LONG_DUTY = "负责" + "很长的职责说明，" * 125 + "https://example.com/" + "x" * 978


def test_a_long_title_a_long_duty_and_forty_subordinates_wrap_on_a_phone(live_server, seeded, browser, artifacts):
    """Issue 16's bad input: long words wrap anywhere and long lists wrap; nothing widens the page."""
    assert len(LONG_TITLE) == 100 and len(LONG_DUTY) == 2000
    boss = make_role("大部门负责人", parent=Role.objects.get(slug="store-manager"), slug="big-boss", headcount=1)
    for n in range(1, 41):
        make_role(f"下属岗位{n}", parent=boss, slug=f"sub-{n}")
    long = make_role(LONG_TITLE, parent=boss, slug="long-title", headcount=3, summary=LONG_DUTY[:300])
    long.duties.create(text=LONG_DUTY, order=1)

    failures = {}
    context = phone(browser, "360", "zh-CN")
    try:
        page = context.new_page()
        log_in(page, live_server, make_manager())
        for path in [
            "/roles/",
            "/roles/long-title/",
            "/roles/big-boss/",
            "/orgchart/vacancies/",
            "/orgchart/?root=big-boss",
        ]:
            visit(page, live_server, path)
            if problems := layout_problems(page, PHONES["360"]["width"]):
                failures[path] = problems
            if path == "/roles/long-title/":
                # Everything is there to read, wrapped within the phone's width.
                expect(page.locator(".jd-header h1")).to_contain_text(LONG_TITLE)
                expect(page.locator(".duties li")).to_have_text([LONG_DUTY])
                page.screenshot(path=artifacts / "phone-zh-long-title.png", full_page=True)
            if path == "/roles/big-boss/":
                expect(page.locator(".jd-card td a[href^='/roles/sub-']")).to_have_count(40)
            if path == "/roles/":
                # The catalogue's card keeps the summary's first line; the title leads to the whole text.
                card = page.locator(".role-cards tr", has=page.locator("a[href='/roles/long-title/']"))
                expect(card.locator(".summary")).to_have_css("text-overflow", "ellipsis")
                expect(card.locator(".title a")).to_have_text(LONG_TITLE)
    finally:
        context.close()
    assert not failures, f"Long words and long lists at 360 px:\n{report(failures)}"

"""The catalogue in a real browser: the role list, a job description (screen, print, PDF),
the interactive org chart, the two languages, the page without JavaScript, escaping of
user text, and an axe-core accessibility check of every page.

Actions a person would take are done as a person would: typing into the search boxes,
clicking cards, toggles, links and the language buttons, pressing Enter. window.roleChart
is only read, to check what the drawing shows.

Artefacts (screenshots, the JD as PDF) go to test-artifacts/ at the project root.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from orgchart.models import Employee
from roles.models import Role
from tests.factories import make_hr_user, make_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # devDependency in package.json, installed by `make vendor`
FAILING_IMPACTS = ("serious", "critical")

SPECIALIST = "promotion-specialist"  # 推广专员
SUPERVISOR = "promotion-supervisor"  # 推广主管
STORE_MANAGER = "store-manager"  # 店长
XSS_TITLE = "<script>alert(1)</script>"
XSS_DUTY = '"><img src=x onerror=alert(1)>'


# ---------------------------------------------------------------------------- helpers


def watch(page):
    """Record uncaught page errors, failed requests, and any dialog (alert, confirm, prompt) the page opens."""
    seen = {"errors": [], "dialogs": []}
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("response", lambda r: r.status >= 400 and seen["errors"].append(f"{r.status} {r.url}"))

    def on_dialog(dialog):
        seen["dialogs"].append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return seen


def log_in(page, live_server, user):
    """A session made server-side and handed to the browser (the login form has its own test)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def use_language(page, live_server, code):
    """What the language buttons leave behind, for tests that are not about switching."""
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": live_server.url}])


def switch_language(page, label):
    """Click a language button in the header; the form posts to /i18n/setlang/ and comes back."""
    button = page.locator(".language-switch button", has_text=label)
    expect(button).to_be_enabled()
    with page.expect_navigation():
        button.click()
    expect(page.locator(".language-switch button", has_text=label)).to_have_attribute("aria-current", "true")


def open_chart(page, url):
    page.goto(url)
    expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")
    expect(page.locator("#orgchart-toolbar")).to_be_visible()


def card(page, slug):
    return page.locator(f'#orgchart-app a.oc-card[data-slug="{slug}"]')


def toggle(page, slug):
    """The expand/collapse button under a card (an SVG <g role=button>)."""
    return page.locator(f'#orgchart-app g.node[data-slug="{slug}"] g.node-button-g')


def click_toggle(page, slug):
    # The <rect> is transparent (opacity 0) and catches the pointer; force skips the visibility check.
    toggle(page, slug).locator(".node-button-rect").click(force=True)


def card_stats(page, slug):
    """(headcount, filled, vacant) as numbers and the three words after them, read off a card."""
    return card(page, slug).evaluate(
        """a => [...a.querySelectorAll(".oc-stats > span")].map(s => [
            Number(s.querySelector("b").textContent), s.textContent.replace(s.querySelector("b").textContent, "").trim()
        ])"""
    )


def seats(slug):
    role = Role.objects.get(slug=slug)
    filled = Employee.objects.in_post().filter(role=role).count()
    return role.headcount, filled, max(role.headcount - filled, 0)


def wait_for_chart_at_rest(page):
    """Expanding, zooming and fitting animate the SVG; screenshots wait until nothing moves."""
    page.wait_for_function(
        """() => new Promise(done => {
            const snapshot = () => [...document.querySelectorAll("#orgchart-app svg g.chart, #orgchart-app g.node")]
                .map(g => `${g.getAttribute("transform")} ${getComputedStyle(g).opacity}`).join("|");
            const before = snapshot();
            setTimeout(() => done(snapshot() === before), 150);
        })"""
    )


def tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"`{name}` (poppler-utils) is missing: `apt-get install -y poppler-utils` or `make install-test`.",
            pytrace=False,
        )
    return path


def pdf_text(page, path, *expected):
    """Print the page to an A4 PDF; check it is one A4 page holding the expected words; its text."""
    page.pdf(path=path, format="A4")
    info = subprocess.run([tool("pdfinfo"), path], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), f"{path.name}: the JD should print on exactly one A4 page:\n{info}"
    assert re.search(r"^Page size:.*\(A4\)", info, re.M), info
    text = subprocess.run([tool("pdftotext"), "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    for words in expected:
        assert words in text, f"{path.name} lacks {words!r}:\n{text}"
    return text


def axe_violations(page, ignore=()):
    """Run axe-core on the page as it is now; violations as plain dicts.

    ignore: (rule id, CSS selector) pairs; a node of that rule whose element matches the
    selector is dropped. Use only for a known, reported defect, with a comment saying which.
    """
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: run `make vendor` (npm ci installs the devDependencies).")
    # Evaluated through DevTools: the site's CSP (script-src 'self') refuses an inline <script> tag.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(
        """async (ignore) => {
            const result = await axe.run(document, {resultTypes: ["violations"], elementRef: true});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes
                    .filter(n => !ignore.some(([rule, selector]) => rule === v.id && n.element && n.element.matches(selector)))
                    .map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200), summary: n.failureSummary})),
            })).filter(v => v.nodes.length);
        }""",
        [list(pair) for pair in ignore],
    )


def assert_accessible(page, what, ignore=()):
    """Fail on serious or critical axe violations, listing each rule and the elements it names."""
    failing = [v for v in axe_violations(page, ignore) if v["impact"] in FAILING_IMPACTS]
    if failing:
        lines = [f"axe-core: {len(failing)} serious/critical rule(s) violated on {what} ({page.url}):"]
        for v in failing:
            lines.append(f"\n[{v['impact']}] {v['id']}: {v['help']}  ({v['helpUrl']})")
            for node in v["nodes"]:
                lines.append(f"  - {node['target']}\n      {node['html']}")
                lines.extend(f"      {line}" for line in node["summary"].splitlines())
        pytest.fail("\n".join(lines), pytrace=False)


# ------------------------------------------------- chart, job description, language and print


def test_chart_search_highlight_job_description_english_and_print(live_server, seeded, page, artifacts):
    """Open the chart, expand, find 推广专员 and see it highlighted, click through to its JD,
    switch to English, and print it: print stylesheet applied, one A4 page with the title."""
    seen = watch(page)
    page.emulate_media(reduced_motion="reduce")  # the chart moves instantly: stable screenshots
    open_chart(page, live_server.url + "/orgchart/")
    assert page.evaluate("performance.getEntriesByName('orgchart-drawn').length") == 1
    expect(card(page, SPECIALIST)).to_have_count(0)  # three levels on first draw; 推广专员 is the fifth

    page.locator("#orgchart-expand-all").click()
    expect(page.locator("#orgchart-app g.node[data-slug]")).to_have_count(Role.objects.count())
    expect(card(page, SPECIALIST)).to_be_visible()

    search = page.locator("#orgchart-search")
    search.click()
    search.press_sequentially("推广专员")
    option = page.locator(f'#orgchart-search-results li[role=option][data-slug="{SPECIALIST}"]')
    expect(option).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#orgchart-search-results li[role=option]").first).to_have_attribute("data-slug", SPECIALIST)
    option.click()
    expect(page.locator("#orgchart-search-panel")).to_be_hidden()

    expect(card(page, SPECIALIST)).to_have_class(re.compile(r"\bis-highlighted\b"))
    expect(page.locator("#orgchart-app a.oc-card.is-highlighted")).to_have_count(1)
    chain = ["general-manager", "operations-director", STORE_MANAGER, SUPERVISOR]
    expect(page.locator("#orgchart-app a.oc-card.is-path")).to_have_count(len(chain))
    for slug in chain:
        expect(card(page, slug)).to_have_class(re.compile(r"\bis-path\b"))
    expect(card(page, SPECIALIST)).to_be_in_viewport()
    wait_for_chart_at_rest(page)
    page.screenshot(path=artifacts / "catalogue-01-chart-search-highlight.png")

    with page.expect_navigation():
        card(page, SPECIALIST).click()
    expect(page).to_have_url(f"{live_server.url}/roles/{SPECIALIST}/")
    expect(page.locator(".jd-header h1")).to_contain_text("推广专员")
    expect(page.locator(".jd-header h1 small")).to_have_text("岗位说明书")
    page.screenshot(path=artifacts / "catalogue-02-jd-zh.png", full_page=True)
    pdf_text(page, artifacts / "catalogue-02-jd-zh.pdf", "推广专员", "岗位说明书")

    switch_language(page, "English")
    expect(page).to_have_url(f"{live_server.url}/roles/{SPECIALIST}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".jd-header h1")).to_contain_text("推广专员")  # the role's own words stay
    expect(page.locator(".jd-header h1 small")).to_have_text("job description")
    expect(page.locator(".site-nav")).to_contain_text("Org chart")
    card_headers = page.locator("table.jd-card").first.locator("th")
    expect(card_headers.first).to_have_text("title")
    expect(card_headers.filter(has_text="headcount")).to_have_count(1)
    expect(page.locator(".jd-section h2").filter(has_text="duties")).to_have_count(1)
    page.screenshot(path=artifacts / "catalogue-03-jd-en.png", full_page=True)

    # Print preview: the page chrome goes, the job description and its tables stay.
    for selector in (".site-header", ".site-nav", ".language-switch", ".site-footer", ".breadcrumb", ".jd-links"):
        expect(page.locator(selector)).to_be_visible()
    page.emulate_media(media="print")
    for selector in (".site-header", ".site-nav", ".language-switch", ".site-footer", ".breadcrumb", ".jd-links"):
        expect(page.locator(selector)).to_be_hidden()
    expect(page.locator("table.jd-card").first).to_be_visible()
    expect(page.locator(".jd-header h1")).to_be_visible()
    expect(page.locator(".duties li").first).to_be_visible()
    assert page.locator("main").evaluate("m => getComputedStyle(m).maxWidth") == "none"
    page.screenshot(path=artifacts / "catalogue-04-jd-print-preview.png", full_page=True)

    text = pdf_text(page, artifacts / "catalogue-05-jd-en.pdf", "推广专员", "job description")
    for chrome in ("RoleAtlas", "Org chart", "Show in the org chart"):
        assert chrome not in text, (chrome, text)

    assert seen == {"errors": [], "dialogs": []}


# ------------------------------------------------------------ the acceptance flow


def test_new_user_finds_a_role_reads_it_explores_the_chart_and_switches_to_english(
    live_server, seeded, page, artifacts
):
    seen = watch(page)
    Employee.objects.create(name="张三", employee_number="E0100", role=Role.objects.get(slug=SUPERVISOR))

    # / is the catalogue.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/roles/")
    expect(page.locator("h1")).to_have_text("岗位说明书")

    # Search by the form: type, press Enter.
    query = page.locator("form.filters input[name=q]")
    query.click()
    query.press_sequentially("推广专员")
    with page.expect_navigation():
        query.press("Enter")
    expect(page).to_have_url(re.compile(r"/roles/\?q=%E6%8E%A8%E5%B9%BF%E4%B8%93%E5%91%98"))
    expect(query).to_have_value("推广专员")
    result = page.locator(".role-table a", has_text=re.compile(r"^推广专员$"))
    expect(result).to_have_count(1)
    expect(page.locator(".role-table a", has_text="仓库员")).to_have_count(0)  # unrelated roles are filtered out

    # Its job description.
    with page.expect_navigation():
        result.click()
    expect(page).to_have_url(f"{live_server.url}/roles/{SPECIALIST}/")
    expect(page.locator(".jd-header h1")).to_contain_text("推广专员")
    jd = page.locator("table.jd-card").first
    expect(jd.locator("tr", has_text="上级")).to_contain_text("推广主管")
    expect(page.locator(".duties li").first).to_be_visible()

    # The org chart from the header; 店长's reports are closed until its toggle is clicked.
    with page.expect_navigation():
        page.locator(".site-nav a", has_text="组织架构图").click()
    expect(page).to_have_url(live_server.url + "/orgchart/")
    expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")
    expect(card(page, STORE_MANAGER)).to_be_visible()
    expect(card(page, SUPERVISOR)).to_have_count(0)
    reports = Role.objects.get(slug=STORE_MANAGER).get_children().count()
    expect(toggle(page, STORE_MANAGER)).to_have_attribute("aria-expanded", "false")
    expect(toggle(page, STORE_MANAGER)).to_have_attribute("aria-label", f"展开 {reports} 个直接下属")
    click_toggle(page, STORE_MANAGER)
    expect(toggle(page, STORE_MANAGER)).to_have_attribute("aria-expanded", "true")
    expect(card(page, SUPERVISOR)).to_be_visible()
    for child in Role.objects.get(slug=STORE_MANAGER).get_children():
        expect(card(page, child.slug)).to_be_visible()
    assert page.evaluate(f"roleChart.isExpanded('{STORE_MANAGER}')")

    # Headcount, filled and vacant seats on the cards, as in the database.
    for slug in [STORE_MANAGER, *Role.objects.get(slug=STORE_MANAGER).get_children().values_list("slug", flat=True)]:
        numbers, words = zip(*card_stats(page, slug), strict=True)
        assert numbers == seats(slug), slug
        assert words == ("编制", "在岗", "空缺"), words
    assert seats(SUPERVISOR) == (2, 1, 1)
    expect(card(page, SUPERVISOR).locator(".oc-vacant")).to_have_class(re.compile(r"\bhas-vacancy\b"))
    expect(page.locator("#orgchart-summary")).to_contain_text("编制")
    wait_for_chart_at_rest(page)
    page.screenshot(path=artifacts / "catalogue-06-chart-store-manager-open.png")

    # English: the page's words and the chart's own labels.
    switch_language(page, "English")
    expect(page).to_have_url(live_server.url + "/orgchart/")
    expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Org chart")
    expect(page.locator(".site-nav a").first).to_have_text("Job descriptions")
    expect(page.locator("#orgchart-expand-all")).to_have_text("Expand all")
    expect(page.locator("#orgchart-search")).to_have_attribute("placeholder", "Find a role")
    expect(page.locator("#orgchart-legend")).to_contain_text("dotted line")
    expect(page.locator("#orgchart-summary")).to_contain_text("headcount")
    numbers, words = zip(*card_stats(page, STORE_MANAGER), strict=True)
    assert numbers == seats(STORE_MANAGER)
    assert words == ("headcount", "filled", "vacant"), words
    expect(toggle(page, STORE_MANAGER)).to_have_attribute("aria-label", f"Show {reports} direct reports")
    click_toggle(page, STORE_MANAGER)
    numbers, words = zip(*card_stats(page, SUPERVISOR), strict=True)
    assert (numbers, words) == ((2, 1, 1), ("headcount", "filled", "vacant"))
    expect(page.locator("#orgchart-app")).not_to_contain_text("编制")
    wait_for_chart_at_rest(page)
    page.screenshot(path=artifacts / "catalogue-07-chart-en.png")

    assert seen == {"errors": [], "dialogs": []}


# ------------------------------------------------------------------ without JavaScript


def test_without_javascript_the_chart_is_a_nested_list(live_server, seeded, browser, artifacts):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, viewport={"width": 1280, "height": 1200})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/orgchart/")
        outline = page.locator("#orgchart-outline")
        expect(outline).to_be_visible()
        expect(page.locator("#orgchart-app")).to_be_hidden()
        expect(page.locator("#orgchart-toolbar")).to_be_hidden()
        expect(outline.locator("li[data-slug]")).to_have_count(Role.objects.count())

        supervisor = outline.locator(f'li[data-slug="{SUPERVISOR}"]')
        nested = supervisor.locator(f':scope > ul > li[data-slug="{SPECIALIST}"]')
        expect(nested).to_be_visible()
        expect(nested.locator(":scope > a")).to_have_text("推广专员")
        expect(nested.locator(":scope > .meta")).to_contain_text("编制 1")
        expect(outline.locator(f'li[data-slug="{STORE_MANAGER}"] > ul > li[data-slug="{SUPERVISOR}"]')).to_have_count(1)
        page.screenshot(path=artifacts / "catalogue-08-chart-without-javascript.png", full_page=True)

        with page.expect_navigation():
            nested.locator(":scope > a").click()
        expect(page).to_have_url(f"{live_server.url}/roles/{SPECIALIST}/")
        expect(page.locator(".jd-header h1")).to_contain_text("推广专员")
    except Exception:
        page.screenshot(
            path=artifacts / "FAILED-test_without_javascript_the_chart_is_a_nested_list.png", full_page=True
        )
        raise
    finally:
        context.close()


# -------------------------------------------------------------------------- escaping


def test_a_role_titled_like_a_script_is_shown_as_text_and_never_runs(live_server, seeded, page):
    seen = watch(page)
    xss = make_role(XSS_TITLE, parent=Role.objects.get(slug=STORE_MANAGER), slug="xss")
    xss.duties.create(text=XSS_DUTY, order=1)

    open_chart(page, live_server.url + "/orgchart/")
    # Keyboard: focus 店长's toggle and press Enter.
    toggle(page, STORE_MANAGER).focus()
    page.keyboard.press("Enter")
    expect(toggle(page, STORE_MANAGER)).to_have_attribute("aria-expanded", "true")
    expect(card(page, "xss").locator(".oc-title")).to_have_text(XSS_TITLE)
    expect(card(page, "xss")).to_have_attribute("title", re.compile(re.escape(XSS_TITLE)))
    expect(page.locator("#orgchart-app script")).to_have_count(0)

    # The search results show it as text too; Enter picks the first.
    search = page.locator("#orgchart-search")
    search.click()
    search.press_sequentially("<script>")
    expect(page.locator('#orgchart-search-results li[data-slug="xss"] .result-title')).to_have_text(XSS_TITLE)
    expect(page.locator("#orgchart-search-results script")).to_have_count(0)
    search.press("Enter")
    expect(card(page, "xss")).to_have_class(re.compile(r"\bis-highlighted\b"))

    # Its job description, where a duty tries to break out of an attribute.
    with page.expect_navigation():
        card(page, "xss").click()
    expect(page).to_have_url(live_server.url + "/roles/xss/")
    expect(page.locator(".jd-header h1")).to_contain_text(XSS_TITLE)
    expect(page.locator(".duties li")).to_have_text([XSS_DUTY])
    expect(page.locator("main img, main script")).to_have_count(0)

    page.goto(live_server.url + "/roles/?q=script")
    expect(page.locator(".role-table a", has_text=XSS_TITLE)).to_have_count(1)

    assert seen == {"errors": [], "dialogs": []}


# --------------------------------------------------------------------- accessibility


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("url", ["/roles/", f"/roles/{SPECIALIST}/", "/orgchart/", "/accounts/login/"])
def test_pages_have_no_serious_accessibility_violations(live_server, seeded, page, url, language):
    use_language(page, live_server, language)
    page.goto(live_server.url + url)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN" if language == "zh-hans" else "en")
    if url == "/orgchart/":
        expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")
    assert_accessible(page, url)


def test_chart_states_and_staff_pages_have_no_serious_accessibility_violations(live_server, catalogue, page):
    """What a staff member sees: drafts, pay, people, vacancies; the chart opened, searched, listed."""
    Employee.objects.create(name="赵六", employee_number="E0200", role=Role.objects.get(slug="warehouse-clerk"))
    Employee.objects.create(name="钱七", employee_number="E0201", role=Role.objects.get(slug="warehouse-clerk"))
    log_in(page, live_server, make_hr_user())
    page.emulate_media(reduced_motion="reduce")

    for url in ("/roles/", "/roles/store-cs/", "/roles/live-ops/", "/orgchart/vacancies/"):
        page.goto(live_server.url + url)
        expect(page.locator(".site-tools .user")).to_have_text("hr")
        assert_accessible(page, url)

    open_chart(page, live_server.url + "/orgchart/")
    page.locator("#orgchart-expand-all").click()
    expect(card(page, "live-ops")).to_have_class(re.compile(r"\bis-draft\b"))
    expect(card(page, "warehouse-clerk")).to_have_class(re.compile(r"\bis-overstaffed\b"))
    search = page.locator("#orgchart-search")
    search.click()
    search.press_sequentially("主管")
    expect(page.locator("#orgchart-search-results li[role=option]").first).to_be_visible()
    search.press("ArrowDown")
    expect(page.locator("#orgchart-search-results li[aria-selected=true]")).to_have_count(1)
    assert_accessible(page, "the chart, all open, with search results")

    search.press("Escape")
    page.locator("#orgchart-list-toggle").click()
    expect(page.locator("#orgchart-outline")).to_be_visible()
    expect(page.locator("#orgchart-outline .oc-badge-draft")).to_have_count(1)
    assert_accessible(page, "the chart's list view")


def test_expanded_toggle_names_its_visible_count(live_server, seeded, page):
    open_chart(page, live_server.url + "/orgchart/")
    click_toggle(page, STORE_MANAGER)
    button = toggle(page, STORE_MANAGER)
    expect(button).to_have_attribute("aria-expanded", "true")
    count = button.locator(".oc-toggle-count").inner_text()
    assert count == str(Role.objects.get(slug=STORE_MANAGER).get_children().count())
    assert count in button.get_attribute("aria-label")
    assert not [v for v in axe_violations(page) if v["id"] == "label-content-name-mismatch"]

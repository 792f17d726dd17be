"""One job description as a PDF: its text, fonts, page furniture, who sees pay, and what it may fetch."""

import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from roles.exports import pdf, pdfengine
from roles.models import Role
from roles.reading import Audience, RoleReader
from shopconfig.models import ShopProfile
from tests.downloads import attachment_filename
from tests.factories import make_hr_user, make_role
from tests.pages import add_roles, login
from tests.pdf_tools import embedded_files, outline, page_count, pdf_fonts, pdf_info, pdf_text, squeezed
from tests.queries import assert_constant_queries

SPECIALIST = "promotion-specialist"  # 推广专员
PAY_SECRETS = ["推广专员绩效考核制度", "3150", "实际收入=基本工资"]


@pytest.fixture
def specialist(seeded):
    role = Role.objects.get(slug=SPECIALIST)
    role.base_salary = Decimal("3150.00")
    role.save()
    return role


def get_pdf(client, slug=SPECIALIST, **headers):
    response = client.get(f"/roles/{slug}.pdf", **headers)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return response


class RecordingFetcher(pdfengine.SafeURLFetcher):
    """The real fetcher, remembering every URL WeasyPrint asks it for."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def fetch(self, url, headers=None):
        self.urls.append(url)
        return super().fetch(url, headers)


@pytest.fixture
def recording_fetcher(monkeypatch):
    fetcher = RecordingFetcher()
    monkeypatch.setattr(pdfengine, "SafeURLFetcher", lambda: fetcher)
    monkeypatch.setattr(pdfengine._resources, "stylesheets", {})  # parsed again, so fetched through this one
    return fetcher


# ------------------------------------------------------------------------------------- content


def test_the_pdf_has_the_title_and_every_duty_in_order(specialist, client):
    text = squeezed(pdf_text(get_pdf(client).content))
    assert "推广专员" in text
    position = text.index("推广专员")
    for duty in specialist.duties.all():
        found = text.find(squeezed(duty.text), position)
        assert found > position, f"duty missing or out of order: {duty.text}"
        position = found


def test_the_card_fields_requirements_and_skills_are_printed(specialist, client):
    text = squeezed(pdf_text(get_pdf(client).content))
    card = [
        "EC-011",
        "推广主管",
        "专员",
        "推广组",
        "有半年以上淘宝运营工作经验",
        "大专以上学历",
        "熟练使用PS、美图秀秀",
    ]
    for value in card:
        assert squeezed(value) in text, value


def test_fonts_are_embedded_subsets_and_never_type_3(specialist, client):
    fonts = pdf_fonts(get_pdf(client).content)
    assert fonts
    for font in fonts:
        assert font["emb"] and font["sub"] and font["uni"], font
        assert "Type 3" not in font["type"], font
    assert {f["name"].split("+", 1)[1] for f in fonts} <= {
        "Noto-Sans-CJK-SC",
        "Noto-Sans-CJK-SC-Bold",
        "Noto-Serif-CJK-SC",
        "Noto-Serif-CJK-SC-Bold",
    }


def test_pages_are_a4_with_the_shop_name_page_numbers_and_the_date(specialist, client):
    shop = ShopProfile.load()
    shop.company_name = "杭州小店电子商务有限公司"
    shop.save()
    content = get_pdf(client, HTTP_ACCEPT_LANGUAGE="en").content
    info = pdf_info(content)
    assert info["Page size"].startswith("595.276 x 841.89")  # A4 in points
    pages = page_count(content)
    for number in range(1, pages + 1):
        text = pdf_text(content, number)
        assert "杭州小店电子商务有限公司" in text
        assert f"Page {number} of {pages}" in text
        assert "Generated 20" in text
    assert info["Title"].startswith("推广专员")


def test_the_download_is_named_in_chinese(specialist, client):
    response = get_pdf(client)
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert attachment_filename(response) == "推广专员-岗位说明书.pdf"


def test_a_title_with_slashes_gives_a_safe_file_name(seeded, client):
    make_role("售前/售后客服", slug="pre-post-sales")
    assert attachment_filename(get_pdf(client, "pre-post-sales")) == "售前_售后客服-岗位说明书.pdf"


def test_english_labels_when_the_reader_chose_english(specialist, client):
    text = pdf_text(get_pdf(client, HTTP_ACCEPT_LANGUAGE="en").content)
    assert "Duties" in text  # the heading "duties", capitalised by the print stylesheet
    assert "推广专员" in text


def test_the_pdf_has_one_bookmark_the_role(specialist, client):
    assert outline(get_pdf(client).content) == [(0, "推广专员", 1)]


# ----------------------------------------------------------------------------------- who sees what


def test_anonymous_visitors_get_no_pay_section(specialist, client):
    text = pdf_text(get_pdf(client).content)
    for secret in PAY_SECRETS:
        assert secret not in text
    assert "薪资" not in text and "pay" not in text.lower().split()


def test_staff_who_may_see_pay_get_the_pay_section(specialist, client):
    client.force_login(make_hr_user())
    text = squeezed(pdf_text(get_pdf(client).content))
    for secret in PAY_SECRETS:
        assert squeezed(secret) in text


def test_the_public_pay_range_follows_the_shop_setting(seeded, client):
    role = Role.objects.get(slug="cs-supervisor")
    assert "2200" not in pdf_text(get_pdf(client, role.slug).content)
    shop = ShopProfile.load()
    shop.show_public_pay_range = True
    shop.save()
    text = pdf_text(get_pdf(client, role.slug).content)
    assert "2200–5000" in text
    assert "客服绩效考核制度" not in text


def test_drafts_are_404_for_visitors_but_staff_may_print_them(seeded, client):
    make_role("直播运营", slug="live-ops", status=Role.Status.DRAFT)
    assert client.get("/roles/live-ops.pdf").status_code == 404
    client.force_login(make_hr_user())
    assert "直播运营" in pdf_text(get_pdf(client, "live-ops").content)


def test_a_private_catalogue_gives_visitors_no_pdfs(specialist, client):
    shop = ShopProfile.load()
    shop.public_catalogue = False
    shop.save()
    assert client.get(f"/roles/{SPECIALIST}.pdf").status_code == 404


def test_an_unknown_role_is_404(seeded, client):
    assert client.get("/roles/no-such-role.pdf").status_code == 404


@pytest.mark.parametrize("who", ["visitor", "hr"])
def test_the_role_pdf_costs_the_same_queries_however_many_subordinates(catalogue, client, who):
    """客服主管's job description lists its subordinates; add_roles puts more (with people and
    dotted lines) under it."""
    login(client, who)
    assert_constant_queries(lambda: get_pdf(client, "cs-supervisor"), lambda: add_roles(30), at_most=12)


# ------------------------------------------------------------------------------------- failures


def test_a_character_no_font_has_gives_a_clear_error_page(specialist, client):
    specialist.summary = "爆款推广 \U0001f525"
    specialist.save()
    response = client.get(f"/roles/{SPECIALIST}.pdf")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "U+1F525" in response.content.decode()


def test_a_missing_font_gives_a_clear_error_page(specialist, client, monkeypatch):
    monkeypatch.setattr(pdfengine, "missing_fonts", lambda: ["Noto Sans CJK SC"])
    response = client.get(f"/roles/{SPECIALIST}.pdf")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Noto Sans CJK SC" in page and "fonts-noto-cjk" in page


def test_a_renderer_crash_gives_a_clear_error_page(specialist, client, monkeypatch):
    import weasyprint

    def broken(self, *args, **kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(weasyprint.HTML, "render", broken)
    response = client.get(f"/roles/{SPECIALIST}.pdf")
    assert response.status_code == 500
    page = response.content.decode()
    assert "MemoryError" in page and "Traceback" not in page


def test_the_installed_fonts_are_found():
    assert pdfengine.missing_fonts() == []


def test_fonts_are_subset_by_harfbuzz_not_the_35_times_slower_fonttools(specialist, client, caplog):
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    assert harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0)
    with caplog.at_level("WARNING", logger="weasyprint"):
        get_pdf(client)
    assert not [r for r in caplog.records if "fontTools" in r.getMessage()]


def test_disk_errors_are_described_without_server_paths():
    error = OSError(28, "No space left on device", "/srv/roleatlas/media/exports/.handbook-1.pdf.part")
    assert pdfengine.describe(error) == "No space left on device"


# ------------------------------------------------------------------------------------ the fetcher

HOSTILE = [
    '<img src="http://169.254.169.254/latest/meta-data/">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<a rel="attachment" href="file:///etc/passwd">passwd</a>',
    '<link rel="stylesheet" href="http://169.254.169.254/x.css">',
    '<style>@import url("file:///etc/passwd"); body { background: url("http://169.254.169.254/bg") }</style>',
    '<style>@font-face { font-family: x; src: url("http://169.254.169.254/font.woff") }</style>',
    '<object data="file:///etc/passwd"></object><embed src="ftp://169.254.169.254/x">',
    '<iframe src="http://169.254.169.254/"></iframe>',
    '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://169.254.169.254/svg"/></svg>',
]


def test_hostile_markup_in_role_text_is_escaped_so_nothing_is_fetched_or_attached(
    specialist, client, recording_fetcher
):
    specialist.summary = "".join(HOSTILE)
    specialist.save()
    specialist.duties.create(order=99, text='<img src="http://169.254.169.254/duty">')
    content = get_pdf(client).content
    assert recording_fetcher.urls, "the stylesheet is loaded through the fetcher"
    assert all(url.startswith("https://roleatlas.invalid/static/") for url in recording_fetcher.urls)
    assert embedded_files(content) == []
    assert "169.254.169.254" in pdf_text(content)  # shown as text, not followed


class _Recorder(BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        type(self).hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", "file:///etc/passwd")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listening_server():
    """A local web server that records every request (and answers with a redirect)."""
    _Recorder.hits = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Recorder.hits
    server.shutdown()
    server.server_close()


def test_unescaped_hostile_html_still_fetches_and_attaches_nothing(db, listening_server):
    """Defence in depth: even markup that reached WeasyPrint raw reaches no network and no file."""
    base, hits = listening_server
    html = (
        f'<html><head><link rel="stylesheet" href="/static/css/jd_pdf.css"><base href="{base}/base/">'
        f'<link rel="attachment" href="file:///etc/passwd"><link rel="stylesheet" href="{base}/style.css"></head>'
        f'<body><p>推广专员</p>{"".join(HOSTILE)}<img src="{base}/redirect"><img src="relative.png">'
        f'<a rel="attachment" href="/static/css/jd_pdf.css">css</a>'
        '<img src="data:image/svg+xml;utf8,<svg xmlns=%22http://www.w3.org/2000/svg%22>'
        f'<image href=%22{base}/inside-svg%22 width=%2210%22 height=%2210%22/></svg>"></body></html>'
    )
    fetcher = RecordingFetcher()
    content = pdfengine.render_pdf(html, url_fetcher=fetcher).content
    assert hits == []
    assert embedded_files(content) == []
    assert any("169.254.169.254" in url for url in fetcher.urls)  # asked, and refused
    assert any(url.startswith("file:") for url in fetcher.urls)
    assert "推广专员" in pdf_text(content)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/",
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "ftp://example.com/x",
        "gopher://127.0.0.1:6379/_INFO",
        "http://127.0.0.1:8000/static/css/jd_pdf.css",
        "https://roleatlas.invalid/media/shop/logo.png",
        "https://roleatlas.invalid/static/../../etc/passwd",
        "https://roleatlas.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://roleatlas.invalid/static/css/..%2f..%2fsettings.py",
        "https://roleatlas.invalid/static//etc/passwd",
        "https://roleatlas.invalid/static/css\\..\\..\\manage.py",
        "https://roleatlas.invalid/static/no-such-file.css",
        "https://roleatlas.invalid/static/css/",
        "https://roleatlas.invalid.example.com/static/css/jd_pdf.css",
        "https://user@evil.example/static/css/jd_pdf.css",
        "//169.254.169.254/static/css/jd_pdf.css",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files_and_data(url):
    with pytest.raises(PermissionError, match="refused"):
        pdfengine.SafeURLFetcher().fetch(url)


def test_the_fetcher_serves_the_stylesheet_and_data_urls():
    fetcher = pdfengine.SafeURLFetcher()
    css = fetcher.fetch("https://roleatlas.invalid/static/css/jd_pdf.css")
    assert css.content_type == "text/css" and b"@page" in css.read()
    data = fetcher.fetch("data:text/plain;base64,5o6o5bm/")
    assert data.read().decode() == "推广"


def test_the_print_stylesheets_refer_to_nothing_outside_themselves():
    """Fonts come from fontconfig (system packages), so the CSS has no url() and no @font-face to fetch."""
    for name in ["jd_pdf.css", "handbook_pdf.css"]:
        css = pdfengine.static_file_for(f"https://roleatlas.invalid/static/css/{name}").read_text()
        assert "url(" not in css and "@import" not in css and "@font-face" not in css


def test_the_fetcher_never_follows_redirects():
    assert pdfengine.SafeURLFetcher()._allowed_protocols == ("data",)
    handlers = {type(handler).__name__ for handler in pdfengine.SafeURLFetcher().handlers}
    assert "HTTPRedirectHandler" not in handlers


# --------------------------------------------------------------------------------- admin action


def test_the_admin_action_prints_the_selected_roles_in_one_pdf(seeded, client):
    client.force_login(make_hr_user())
    picked = list(Role.objects.filter(slug__in=[SPECIALIST, "store-cs", "designer"]).order_by("tree_id", "lft"))
    response = client.post(
        "/admin/roles/role/",
        {"action": "download_selected_pdf", "_selected_action": [r.pk for r in picked]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert attachment_filename(response).endswith(".pdf")
    content = response.content
    text = squeezed(pdf_text(content))
    for role in picked:
        assert role.title in text
    assert [title for _depth, title, _page in outline(content)] == [r.title for r in picked]
    # each job description starts on a new page
    starts = [page for _depth, _title, page in outline(content)]
    assert starts == sorted(set(starts))


def test_the_admin_action_with_one_role_gives_that_roles_pdf(specialist, client):
    client.force_login(make_hr_user())
    response = client.post(
        "/admin/roles/role/", {"action": "download_selected_pdf", "_selected_action": [specialist.pk]}
    )
    assert attachment_filename(response) == "推广专员-岗位说明书.pdf"
    assert "推广专员绩效考核制度" in pdf_text(response.content)


def test_the_admin_action_refuses_too_many_roles(seeded, client, monkeypatch):
    monkeypatch.setattr(pdf, "ADMIN_MAX_ROLES", 2)
    client.force_login(make_hr_user())
    response = client.post(
        "/admin/roles/role/",
        {"action": "download_selected_pdf", "_selected_action": list(Role.objects.values_list("pk", flat=True))},
        follow=True,
    )
    assert response["Content-Type"].startswith("text/html")
    assert "/handbook.pdf" in response.content.decode()


# ----------------------------------------------------------------------------------- the helpers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Page ", '"Page "'),
        ('a"b', '"a\\22 b"'),
        ("</style>", '"\\3c \\2f style\\3e "'),
        ("第 ", '"第 "'),
        ("\\", '"\\5c "'),
    ],
)
def test_css_strings_escape_everything_but_letters_digits_and_spaces(text, expected):
    assert pdfengine.css_string(text) == expected


def test_page_footer_patterns_become_css_content():
    assert pdfengine.css_content("第 {page} 页 / 共 {pages} 页", page="counter(page)", pages="counter(pages)") == (
        '"第 " counter(page) " 页 \\2f  共 " counter(pages) " 页"'
    )


def test_a_printed_role_names_its_nearest_visible_superior(seeded):
    manager = Role.objects.get(slug="store-manager")
    draft = make_role("运营助理", parent=manager, slug="ops-assistant", status=Role.Status.DRAFT)
    below = make_role("数据专员", parent=draft, slug="data-specialist")
    reader = RoleReader(Audience())
    role = reader.get(slug=below.slug)
    assert role.superior.title == "店长"  # the draft in between is skipped

"""The faster PDF engine (issue 17): the same pages as before, fonts still embedded subsets, one per face.

"Before" is the project as it was: the print stylesheet linked from the HTML, a new WeasyPrint
font configuration per render and WeasyPrint's own two-pass font subsetting.
"""

import threading

import pytest

from roles.exports import pdfengine, weasyprint_subset
from roles.exports.pdf import JD_STYLESHEETS, jd_context
from roles.exports.pdfengine import page_css
from roles.reading import Audience, RoleReader
from shopconfig.models import ShopProfile
from tests.factories import make_hr_user
from tests.pdf_tools import embedded_font_tables, page_count, page_pixels, pdf_fonts, pdf_text, render_as_before

ROLES = ["store-manager", "promotion-specialist", "store-cs"]


def test_the_subsetting_patch_is_for_the_installed_weasyprint():
    """Fails when WeasyPrint is upgraded or its Font._harfbuzz_subset changes: review
    roles/exports/weasyprint_subset.py (the architecture notes say how to drop it)."""
    import weasyprint
    from weasyprint.pdf.fonts import Font

    weasyprint_subset.install()
    assert weasyprint.__version__ == weasyprint_subset.WEASYPRINT_VERSION == "70.0"
    assert Font._harfbuzz_subset is weasyprint_subset._subset_once, "the patch is not installed"
    assert weasyprint_subset.source_sha256(weasyprint_subset._original) == weasyprint_subset.PATCHED_SOURCE_SHA256


def test_on_another_weasyprint_the_patch_stays_out_and_says_so(monkeypatch, caplog):
    """PDFs are still made (WeasyPrint's own subsetting, slower); the log says the patch is not installed."""
    from weasyprint.pdf.fonts import Font

    weasyprint_subset.install()
    monkeypatch.setattr(Font, "_harfbuzz_subset", weasyprint_subset._original)
    monkeypatch.setattr(weasyprint_subset, "_refused", False)
    monkeypatch.setattr(weasyprint_subset, "PATCHED_SOURCE_SHA256", "0" * 64)
    with caplog.at_level("WARNING", logger="roles.exports.weasyprint_subset"):
        weasyprint_subset.install()
        weasyprint_subset.install()
    assert Font._harfbuzz_subset is weasyprint_subset._original
    assert [r.getMessage() for r in caplog.records] == [
        "Font subsetting patch not installed: written for WeasyPrint 70.0 and its Font._harfbuzz_subset, found 70.0"
    ]


@pytest.fixture
def jd_html(seeded):
    """Three job descriptions (four pages or more) as HR sees them, pay included."""
    from django.template.loader import render_to_string
    from django.utils import translation

    shop = ShopProfile.load()
    audience = Audience.of(make_hr_user(), shop)
    reader = RoleReader(audience)
    roles = reader.load(reader.job_descriptions().filter(slug__in=ROLES).order_by("tree_id", "lft"))
    assert len(roles) == len(ROLES)
    with translation.override("zh-hans"):  # for the whole test: page_css() is translated too
        yield render_to_string("roles/jd_pdf.html", jd_context(roles, audience, shop=shop, title="岗位说明书"))


def render(html, footer=None, **options):
    """The job descriptions' PDF as roles.exports.pdf makes it (`footer`: page_css() of another thread)."""
    return pdfengine.render_pdf(html, stylesheets=JD_STYLESHEETS, css=[footer or page_css()], **options).content


def test_the_pages_look_exactly_as_before_page_for_page(jd_html):
    before = render_as_before(jd_html, JD_STYLESHEETS, [page_css()])
    after = render(jd_html)
    again = render(jd_html)  # warm: shared fonts and stylesheet
    slow = render(jd_html, optimised=False)  # the bench's "old"
    assert page_count(before) >= 4
    expected = page_pixels(before)
    for content in (after, again, slow):
        pixels = page_pixels(content)
        assert len(pixels) == len(expected)
        for number, (page, old_page) in enumerate(zip(pixels, expected, strict=True), start=1):
            assert page == old_page, f"page {number} differs"
        assert pdf_text(content) == pdf_text(before)


def test_fonts_are_embedded_subsets_one_per_face_without_vertical_metrics(jd_html):
    content = render(jd_html)
    fonts = pdf_fonts(content)
    faces = [font["name"].split("+", 1)[1] for font in fonts]
    assert sorted(faces) == ["Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"]  # one subset per face
    assert all(font["emb"] and font["sub"] and font["uni"] for font in fonts), fonts
    for tables in embedded_font_tables(content):
        assert {"CFF ", "cmap", "hmtx"} <= set(tables)
        assert not {"vhea", "vmtx", "VORG"} & set(tables), tables
    # WeasyPrint's own subsetting keeps them: the check above would notice the patch missing.
    assert all(
        "vmtx" in tables for tables in embedded_font_tables(render_as_before(jd_html, JD_STYLESHEETS, [page_css()]))
    )
    assert "店长" in pdf_text(content) and "推广专员" in pdf_text(content)


def test_threads_rendering_at_once_each_get_the_right_pdf(jd_html):
    """gunicorn threads and the export worker may render together: each thread has its own fonts."""
    footer = page_css()  # a new thread has Django's default language, not the test's
    expected = page_pixels(render(jd_html))
    results, configs, errors = [], [], []
    start = threading.Barrier(2)

    def work():
        try:
            start.wait(timeout=30)  # both threads render at the same time
            for _ in range(2):
                results.append(page_pixels(render(jd_html, footer)))
            configs.append(pdfengine._resources.font_config)  # kept alive, so no two share an id
        except Exception as error:  # reported below: an exception in a thread would not fail the test
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({id(config) for config in [*configs, pdfengine._resources.font_config]}) == 3
    assert len(results) == 4 and all(pixels == expected for pixels in results)


def test_the_architecture_pdf_looks_exactly_as_before(seeded, client, monkeypatch):
    """The job-architecture matrix (A3 landscape, its own stylesheet after jd_pdf.css) through the same engine."""
    from roles import architecture_views

    rendered = []

    def recording(html, *args, **kwargs):
        rendered.append((html, kwargs["css"]))
        return pdfengine.render_pdf(html, *args, **kwargs)

    monkeypatch.setattr(architecture_views, "render_pdf", recording)
    response = client.get("/roles/architecture.pdf")
    assert response.status_code == 200
    ((html, css),) = rendered
    before = render_as_before(html, architecture_views.ARCHITECTURE_STYLESHEETS, css)
    assert page_pixels(response.content) == page_pixels(before)
    assert pdf_text(response.content) == pdf_text(before)

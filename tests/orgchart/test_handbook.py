"""The handbook: a background task, its status page and download, the PDF's contents, and the command."""

import datetime
import io
import os
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from orgchart import handbook
from orgchart.models import HandbookExport
from roles import services
from roles.exports import pdfengine
from roles.models import Role
from shopconfig.models import ShopProfile
from tests.downloads import attachment_filename
from tests.factories import make_hr_user, make_role, tree_text
from tests.pages import add_roles
from tests.pdf_tools import (
    embedded_files,
    outline,
    page_count,
    page_pixels,
    pdf_fonts,
    pdf_text,
    render_as_before,
    squeezed,
)
from tests.queries import assert_constant_queries


def request_handbook(client, **params):
    """Ask for the handbook as a browser does; return (status page response, export)."""
    response = client.get("/handbook.pdf", params)
    assert response.status_code == 302
    match = re.fullmatch(r"/handbook/([^/]+)/", response["Location"])
    assert match, response["Location"]
    export = HandbookExport.objects.get(task_id=match.group(1))
    return client.get(response["Location"]), export


def download(client, export):
    response = client.get(f"/handbook/{export.task_id}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response, b"".join(response.streaming_content)


def toc_entries(content, titles):
    """(title, page) as printed in the contents, read from the pages after the cover."""
    entries, page = {}, 2
    while len(entries) < len(titles):
        for line in pdf_text(content, page).splitlines():
            words = line.split()
            if words and words[0] in titles and words[-1].isdigit():
                entries[words[0]] = int(words[-1])
        page += 1
        assert page < 10, f"contents not found: {set(titles) - set(entries)}"
    return entries


def test_the_handbook_has_every_published_role_bookmarks_and_a_true_contents(catalogue, client):
    status_page, export = request_handbook(client)
    assert status_page.status_code == 200
    page = status_page.content.decode()
    assert f"/handbook/{export.task_id}/download/" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more polling
    assert export.status == HandbookExport.Status.DONE and not export.with_pay

    response, content = download(client, export)
    assert attachment_filename(response).startswith("示例电子商务有限公司-")
    published = list(Role.objects.published().order_by("tree_id", "lft"))
    text = squeezed(pdf_text(content))
    for role in published:
        assert role.title in text
    assert "直播运营" not in text  # the draft
    assert "推广专员绩效考核制度" not in text and "3150" not in text  # pay is internal

    # Bookmarks: the contents, the chart, then the roles nested as in the tree.
    marks = outline(content)
    role_marks = [(depth, title) for depth, title, _page in marks if title in {r.title for r in published}]
    assert "\n".join("  " * depth + title for depth, title in role_marks) == tree_text(published)
    assert len(marks) == len(published) + 2

    # The contents name the page each job description starts on, and that page is the role's.
    pages = page_count(content)
    starts = toc_entries(content, {r.title for r in published})
    assert starts == {title: page for _depth, title, page in marks if title in starts}
    in_tree_order = [starts[r.title] for r in published]
    assert in_tree_order == sorted(set(in_tree_order)), "each job description starts on a page of its own"
    for title, start in starts.items():
        assert start <= pages and title in squeezed(pdf_text(content, start))
    assert export.pages == pages and export.roles_count == len(published)
    assert re.search(rf"\b{pages}\b.*\b{pages}\b", pdf_text(content, pages))  # "Page N of N", in any language

    fonts = pdf_fonts(content)
    assert all(f["emb"] and f["sub"] and "Type 3" not in f["type"] for f in fonts)
    assert embedded_files(content) == []


def test_the_handbook_includes_the_org_chart_drawing(catalogue, client):
    _status, export = request_handbook(client, root="distribution-supervisor")
    _response, content = download(client, export)
    chart_page = next(page for depth, title, page in outline(content) if title in ("组织架构图", "Org chart"))
    chart_text = squeezed(pdf_text(content, chart_page))
    for title in ["分销主管", "渠道员", "分销客服", "公关员"]:
        assert title in chart_text


def test_staff_who_may_see_pay_get_a_handbook_with_pay_that_visitors_cannot_open(catalogue, client):
    client.force_login(make_hr_user())
    _status, export = request_handbook(client, root="promotion-supervisor")
    assert export.with_pay and export.requested_by.username == "hr"
    _response, content = download(client, export)
    assert "推广专员绩效考核制度" in pdf_text(content)
    client.logout()
    assert client.get(f"/handbook/{export.task_id}/").status_code == 404
    assert client.get(f"/handbook/{export.task_id}/download/").status_code == 404


def test_english_readers_get_an_english_handbook(catalogue, client):
    client.cookies["django_language"] = "en"
    _status, export = request_handbook(client, root="distribution-supervisor")
    assert export.language == "en"
    _response, content = download(client, export)
    pages = page_count(content)
    assert f"Page {pages} of {pages}" in pdf_text(content, pages)
    assert "Contents" in pdf_text(content, 2)


def test_the_handbook_looks_exactly_as_before_the_faster_engine(catalogue, monkeypatch):
    """Issue 17: the print stylesheets given to the engine (no longer linked), shared fonts, one subsetting pass."""
    rendered = []

    def recording(html, *args, **kwargs):
        rendered.append(html)
        return pdfengine.render_pdf(html, *args, **kwargs)

    monkeypatch.setattr(handbook, "render_pdf", recording)
    out = io.BytesIO()
    handbook.build_handbook(out, language="zh-hans", workers=1)  # in one piece (in parts: test_handbook_parts.py)
    before = render_as_before(rendered[0], handbook.HANDBOOK_STYLESHEETS, [pdfengine.page_css()])
    assert page_count(out.getvalue()) == page_count(before) > 20
    for number, (page, old_page) in enumerate(zip(page_pixels(out.getvalue()), page_pixels(before), strict=True), 1):
        assert page == old_page, f"page {number} differs"
    assert pdf_text(out.getvalue()) == pdf_text(before)


def test_the_handbook_fetches_only_its_stylesheets_and_the_chart_drawing(catalogue, monkeypatch):
    monkeypatch.setattr(pdfengine._resources, "stylesheets", {})  # parsed again, so fetched through Recording
    role = Role.objects.get(slug="channel-clerk")
    role.summary = '<img src="http://169.254.169.254/"><link rel=attachment href="file:///etc/passwd">'
    role.save()
    fetched = []

    class Recording(pdfengine.SafeURLFetcher):
        def fetch(self, url, headers=None):
            fetched.append(url)
            return super().fetch(url, headers)

    out = io.BytesIO()
    handbook.build_handbook(out, language="zh-hans", root_slug="distribution-supervisor", url_fetcher=Recording())
    assert sorted(url for url in fetched if not url.startswith("data:")) == [
        "https://roleatlas.invalid/static/css/handbook_pdf.css",
        "https://roleatlas.invalid/static/css/jd_pdf.css",
    ]
    assert [url[:26] for url in fetched if url.startswith("data:")] == ["data:image/svg+xml;base64,"]
    assert embedded_files(out.getvalue()) == []


def test_a_running_handbook_is_joined_not_started_twice(catalogue, client):
    running = HandbookExport.objects.create(
        task_id="already-running", language="zh-hans", status=HandbookExport.Status.RUNNING, step="layout", page=37
    )
    status_page, export = request_handbook(client)
    assert export == running
    assert HandbookExport.objects.count() == 1
    page = status_page.content.decode()
    assert "37" in page and 'http-equiv="refresh"' in page
    assert "/download/" not in page


def test_a_stale_running_handbook_is_not_joined(catalogue, client):
    HandbookExport.objects.create(task_id="dead-worker", language="zh-hans", status=HandbookExport.Status.RUNNING)
    HandbookExport.objects.filter(task_id="dead-worker").update(updated_at=timezone.now() - timedelta(hours=1))
    _status, export = request_handbook(client, root="distribution-supervisor")
    assert export.task_id != "dead-worker" and export.status == HandbookExport.Status.DONE


def test_a_handbook_whose_worker_was_killed_shows_failed_within_a_minute(catalogue, client, settings):
    """Issue 17: a running task writes its progress every few seconds; silent for 45 s, it has died."""
    export = HandbookExport.objects.create(
        task_id="killed-now", language="zh-hans", status=HandbookExport.Status.RUNNING, step="layout", page=60
    )
    settings.EXPORTS_ROOT.mkdir(parents=True)
    partial = settings.EXPORTS_ROOT / f".{export.path.name}.k3x9.part"
    partial.write_bytes(b"%PDF-1.7 half")

    HandbookExport.objects.filter(pk=export.pk).update(updated_at=timezone.now() - timedelta(seconds=30))
    page = client.get(f"/handbook/{export.task_id}/").content.decode()
    assert 'http-equiv="refresh"' in page and partial.exists()  # still within the silence allowed

    HandbookExport.objects.filter(pk=export.pk).update(updated_at=timezone.now() - timedelta(seconds=50))
    page = client.get(f"/handbook/{export.task_id}/").content.decode()
    export.refresh_from_db()
    assert export.status == HandbookExport.Status.FAILED
    assert "导出中途停止，未完成。" in page and 'http-equiv="refresh"' not in page and "/download/" not in page
    assert not partial.exists() and not export.path.exists()


def test_a_queued_handbook_waits_for_a_busy_worker_and_is_joined(catalogue, client):
    queued = HandbookExport.objects.create(task_id="queued", language="zh-hans", status=HandbookExport.Status.QUEUED)
    HandbookExport.objects.filter(pk=queued.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    _status, export = request_handbook(client)
    assert export == queued and export.status == HandbookExport.Status.QUEUED


def test_leftovers_of_a_killed_worker_are_cleaned_up(catalogue, client, settings):
    HandbookExport.objects.create(task_id="killed", language="en", status=HandbookExport.Status.RUNNING)
    HandbookExport.objects.filter(task_id="killed").update(updated_at=timezone.now() - timedelta(hours=1))
    settings.EXPORTS_ROOT.mkdir(parents=True)
    leftover = settings.EXPORTS_ROOT / ".handbook-7.pdf.abc.part"
    leftover.write_bytes(b"%PDF-1.7 half")
    old = (timezone.now() - timedelta(hours=1)).timestamp()
    os.utime(leftover, (old, old))
    request_handbook(client, root="distribution-supervisor")
    assert HandbookExport.objects.get(task_id="killed").status == HandbookExport.Status.FAILED
    assert not leftover.exists()


def test_a_full_disk_gives_a_clear_error_and_no_file(catalogue, client, monkeypatch, settings):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device", str(settings.EXPORTS_ROOT / ".handbook-1.pdf.x.part"))

    monkeypatch.setattr("shopconfig.downloads.os.fsync", disk_full)  # the file is written, then cannot be kept
    status_page, export = request_handbook(client)
    assert export.status == HandbookExport.Status.FAILED
    page = status_page.content.decode()
    assert "No space left on device" in page and "/download/" not in page
    assert str(settings.EXPORTS_ROOT) not in page
    assert 'http-equiv="refresh"' not in page
    assert client.get(f"/handbook/{export.task_id}/download/").status_code == 404
    assert not any(settings.EXPORTS_ROOT.iterdir())  # not even a .part file


def test_a_missing_font_fails_the_handbook_clearly(catalogue, client, monkeypatch, settings):
    monkeypatch.setattr(pdfengine, "missing_fonts", lambda: ["Noto Sans CJK SC"])
    status_page, export = request_handbook(client)
    assert export.status == HandbookExport.Status.FAILED
    assert "fonts-noto-cjk" in status_page.content.decode()
    assert not any(settings.EXPORTS_ROOT.iterdir())


def test_a_newer_handbook_replaces_the_older_file(catalogue, client):
    _status, first = request_handbook(client, root="distribution-supervisor")
    _status, second = request_handbook(client, root="distribution-supervisor")
    assert first != second
    assert not HandbookExport.objects.filter(pk=first.pk).exists() and not first.path.exists()
    assert second.path.is_file()


def test_visitors_get_404_for_a_private_catalogue_or_an_unpublished_root(catalogue, client):
    assert client.get("/handbook.pdf", {"root": "live-ops"}).status_code == 404
    assert client.get("/handbook.pdf", {"root": "no-such-role"}).status_code == 404
    assert client.get("/handbook/unknown/").status_code == 404
    shop = ShopProfile.load()
    shop.public_catalogue = False
    shop.save()
    assert client.get("/handbook.pdf").status_code == 404


def test_the_handbook_costs_the_same_queries_with_more_roles(catalogue, monkeypatch):
    rendered = []
    monkeypatch.setattr(
        handbook, "render_pdf", lambda html, *a, **k: rendered.append(html) or pdfengine.RenderedPdf(None, 1)
    )

    def grow():
        add_roles(10)  # with people and dotted lines
        manager = Role.objects.get(slug="store-manager")
        for n in range(5):
            role = make_role(f"新岗位{n}", parent=manager, slug=f"new-{n}")
            role.duties.create(text="职责")
            role.kpis.create(name="指标")

    assert_constant_queries(lambda: handbook.build_handbook(None, language="zh-hans", with_pay=True, workers=1), grow)
    assert "新岗位4" in rendered[-1] and "客服9" in rendered[-1]


# ------------------------------------------------------------------------------- the database backend


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_page_waits_for_the_worker(client, settings):
    from roles.seed import load_seed

    load_seed()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    status_page, export = request_handbook(client, root="distribution-supervisor")
    assert export.status == HandbookExport.Status.QUEUED
    page = status_page.content.decode()
    assert 'http-equiv="refresh"' in page and "/download/" not in page
    call_command("db_worker", "--batch", "--queue-name", "default", verbosity=0)
    status_page = client.get(f"/handbook/{export.task_id}/")
    export.refresh_from_db()
    assert export.status == HandbookExport.Status.DONE, export.error
    assert f"/handbook/{export.task_id}/download/" in status_page.content.decode()
    _response, content = download(client, export)
    assert "公关员" in pdf_text(content)


# ------------------------------------------------------------------------------------- the command


def test_the_command_writes_a_branch_in_english(catalogue, tmp_path, capsys):
    out = tmp_path / "handbook.pdf"
    call_command("export_handbook", str(out), "--root", "promotion-supervisor", "--lang", "en")
    content = out.read_bytes()
    text = pdf_text(content)
    assert "推广主管" in text and "推广专员" in text and "总经理" not in text
    assert "推广专员绩效考核制度" not in text
    assert "Contents" in text
    assert "2 roles" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == [out]


def test_the_command_can_include_pay(catalogue, tmp_path):
    out = tmp_path / "internal.pdf"
    call_command("export_handbook", str(out), "--root", "promotion-supervisor", "--with-pay")
    assert "推广专员绩效考核制度" in pdf_text(out.read_bytes())


def test_the_command_fails_cleanly_and_writes_nothing(catalogue, tmp_path, monkeypatch):
    with pytest.raises(CommandError, match="no-such-role"):
        call_command("export_handbook", str(tmp_path / "a.pdf"), "--root", "no-such-role")
    monkeypatch.setattr(pdfengine, "missing_fonts", lambda: ["Noto Serif CJK SC"])
    with pytest.raises(CommandError, match="fonts-noto-cjk"):
        call_command("export_handbook", str(tmp_path / "b.pdf"))
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------- a day's handbook (issue 12)


@pytest.fixture
def renamed_today(catalogue):
    """推广专员 is renamed 推广经理 today; the seed's organisation is in force from 2025-01-01."""
    promo = Role.objects.get(slug="promotion-specialist")
    promo.title = "推广经理"
    services.save_role(promo)
    return promo


def test_a_past_days_handbook_prints_that_days_titles_and_says_which_day(renamed_today, client):
    status_page, export = request_handbook(client, root="promotion-supervisor", as_of="2026-03-01")
    assert export.as_of == datetime.date(2026, 3, 1) and export.status == HandbookExport.Status.DONE
    assert "2026-03-01" in status_page.content.decode()
    response, content = download(client, export)
    text = squeezed(pdf_text(content))
    assert "推广专员" in text and "推广经理" not in text
    assert attachment_filename(response).endswith("-2026-03-01.pdf")

    _status, today = request_handbook(client, root="promotion-supervisor")
    assert today.as_of is None
    response, content = download(client, today)
    text = squeezed(pdf_text(content))
    assert "推广经理" in text and "推广专员" not in text
    assert attachment_filename(response).endswith(f"-{timezone.localdate().isoformat()}.pdf")
    assert "2026-03-01" not in client.get(f"/handbook/{today.task_id}/").content.decode()
    assert export.path.is_file()  # today's handbook does not replace the past day's


def test_requests_for_different_days_do_not_share_an_export(renamed_today, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    _status, today = request_handbook(client)
    _status, past = request_handbook(client, as_of="2026-03-01")
    _status, past_again = request_handbook(client, as_of="2026-03-01")
    _status, today_again = request_handbook(client, as_of=timezone.localdate().isoformat())  # today by its date
    assert past != today and past == past_again and today_again == today
    assert (today.as_of, past.as_of) == (None, datetime.date(2026, 3, 1))
    page = client.get(f"/handbook/{past.task_id}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "2026-03-01" in page and 'http-equiv="refresh"' in page


def test_a_later_day_prints_todays_handbook_for_visitors_and_staff(renamed_today, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    later = timezone.localdate() + timedelta(days=30)
    _status, export = request_handbook(client, as_of=later.isoformat())
    assert export.as_of is None  # no scheduled future
    client.force_login(make_hr_user())
    _status, export = request_handbook(client, as_of=later.isoformat())
    assert export.as_of is None  # a printed handbook prints the published catalogue, no scheduled future


@pytest.mark.parametrize("value", ["yesterday", "2026-02-30", "", "2101-01-01"])
def test_a_handbook_for_a_day_that_is_not_a_date_is_a_400(catalogue, client, value):
    page = client.get("/handbook.pdf", {"as_of": value}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 400
    assert "YYYY-MM-DD" in page.content.decode() and "日期" in page.content.decode()
    assert not HandbookExport.objects.exists()


def test_a_past_days_handbook_costs_the_same_queries_with_more_roles(renamed_today, monkeypatch):
    rendered = []
    monkeypatch.setattr(
        handbook, "render_pdf", lambda html, *a, **k: rendered.append(html) or pdfengine.RenderedPdf(None, 1)
    )
    day = datetime.date(2026, 3, 1)
    assert_constant_queries(
        lambda: handbook.build_handbook(None, language="zh-hans", with_pay=True, as_of=day, workers=1),
        lambda: add_roles(10),
    )
    assert "推广专员" in rendered[-1] and "推广经理" not in rendered[-1]

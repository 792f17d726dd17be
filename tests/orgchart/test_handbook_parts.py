"""The handbook laid out in parts by parallel processes (issue 17): the same book as one WeasyPrint render.

The seed catalogue prints 16 roles: more than one part (handbook.ROLES_PER_PART) for two workers.
"""

import datetime
import io
import logging
import os

import pikepdf
import pytest
from django.utils import timezone

from orgchart import handbook
from roles.exports import pdfengine, pdfparts
from roles.models import Role
from tests.pdf_tools import page_count, page_pixels, pdf_fonts, pdf_text

GENERATED = timezone.make_aware(datetime.datetime(2026, 12, 7, 9, 30))


@pytest.fixture
def book(catalogue, monkeypatch):
    """Renders the handbook one way or the other, both at the same minute ("Generated …" is on every page)."""
    monkeypatch.setattr("roles.exports.pdf.timezone.localtime", lambda *args: GENERATED)
    used = []
    real = pdfparts.render_in_parts
    monkeypatch.setattr(pdfparts, "render_in_parts", lambda *args, **kwargs: used.append(1) or real(*args, **kwargs))

    def render(workers, **options):
        out = io.BytesIO()
        used.clear()
        roles, pages = handbook.build_handbook(out, language="zh-hans", workers=workers, **options)
        assert bool(used) == (workers > 1), "laid out in parts only with more than one worker"
        return out.getvalue(), pages

    return render


def structure(content):
    """What a reader clicks: bookmarks (depth, title, page, point), links (page, area, target page), named places."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        number = {page.obj.objgen: index + 1 for index, page in enumerate(pdf.pages)}
        names = {name: (number[dest[0].objgen], *map(float, dest[2:4])) for name, dest in
                 pikepdf.NameTree(pdf.Root.Names.Dests).items()}  # fmt: skip
        links = [
            (index + 1, tuple(round(float(v), 2) for v in link.Rect), names[str(link.Dest)][0])
            for index, page in enumerate(pdf.pages)
            for link in page.obj.get("/Annots", [])
        ]
        marks = []
        with pdf.open_outline() as outline:

            def walk(items, depth):
                for item in items:
                    dest = item.destination
                    marks.append((depth, item.title, number[dest[0].objgen], round(float(dest[3]), 2)))
                    walk(item.children, depth + 1)

            walk(outline.root, 0)
        return marks, links, names


def font_files(content):
    """{font name: size of its embedded font program}."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        found = {}
        for font in pdf.objects:
            if isinstance(font, pikepdf.Dictionary) and font.get("/Type") == "/FontDescriptor":
                program = font.get("/FontFile3") or font.get("/FontFile2")
                found.setdefault(str(font.FontName), []).append(len(program.read_bytes()))
        return found


def test_in_parts_the_handbook_has_the_same_pages_links_and_bookmarks(book):
    whole, whole_pages = book(1)
    parts, parts_pages = book(2)

    assert parts_pages == whole_pages == page_count(parts) == page_count(whole) > 20
    for number, (page, same) in enumerate(zip(page_pixels(parts), page_pixels(whole), strict=True), 1):
        assert page == same, f"page {number} differs"
    assert pdf_text(parts) == pdf_text(whole)
    assert f"第 {whole_pages} 页 / 共 {whole_pages} 页" in pdf_text(parts, whole_pages)

    marks, links, names = structure(parts)
    assert (marks, links, names) == structure(whole)
    titles = {role.title for role in Role.objects.published()}
    assert {title for _depth, title, _page, _y in marks} >= titles
    # The contents link every role to the page its job description starts on, across the parts.
    contents = [link for link in links if link[0] in (2, 3)]
    assert {target for _page, _area, target in contents} >= {
        names[f"role-{r.slug}"][0] for r in Role.objects.published()
    }


def test_in_parts_the_book_has_one_font_subset_per_face_as_small_as_in_one_piece(book):
    whole, _pages = book(1)
    parts, _pages = book(2)

    fonts = pdf_fonts(parts)
    assert sorted(f["name"] for f in fonts) == sorted(f["name"] for f in pdf_fonts(whole))
    assert len({f["name"] for f in fonts}) == len(fonts) == 2  # regular and bold, once each
    assert all(f["emb"] and f["sub"] and f["uni"] for f in fonts)
    for name, [size] in font_files(parts).items():
        [whole_size] = font_files(whole)[name]
        assert abs(size - whole_size) <= whole_size // 10, (name, size, whole_size)
    assert len(parts) <= len(whole) * 1.1


def test_in_parts_progress_counts_every_page_laid_out(book, monkeypatch):
    steps = []
    monkeypatch.setattr(handbook, "ROLES_PER_PART", 4)
    _content, pages = book(2, progress=lambda step, page=None: steps.append((step, page)))
    laid_out = [page for step, page in steps if step == "layout"]
    assert laid_out == sorted(laid_out) and 0 < laid_out[-1] < pages  # the parts' pages; the front matter comes last
    assert steps[-1] == ("pdf", None)


def test_a_character_no_font_has_fails_the_book_in_parts_as_in_one_piece(book):
    role = Role.objects.published().order_by("-tree_id", "-lft").first()  # printed in the last part
    role.summary = "负责直播 🎬 与短视频"
    role.save()
    messages = []
    for workers in (1, 2):
        with pytest.raises(pdfengine.PdfError, match=r"🎬 \(U\+1F3AC\)") as error:
            book(workers)
        messages.append(str(error.value))
    assert messages[0] == messages[1] == "已安装的字体无法显示这些字符：🎬 (U+1F3AC)。请修改文字后重试。"


def test_a_part_whose_process_dies_fails_the_book_and_leaves_no_process(book, monkeypatch):
    def dies(connection, *args):
        os._exit(9)

    monkeypatch.setattr(pdfparts, "_render_part", dies)
    children_before = set(os.listdir("/proc"))
    with pytest.raises(pdfengine.PdfError, match="无法生成 PDF：一个排版进程意外停止"):
        book(2)
    assert not [pid for pid in set(os.listdir("/proc")) - children_before if pid.isdigit() and _child_of_us(pid)]


def _child_of_us(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1]) == os.getpid()
    except OSError:
        return False


def test_when_the_page_numbers_change_the_contents_length_the_book_is_made_in_one_piece(book, monkeypatch, caplog):
    whole, _pages = book(1)
    monkeypatch.setattr(pdfparts, "PLACEHOLDER_PAGE", "8" * 300)  # contents measured far longer than they are
    with caplog.at_level(logging.WARNING, logger="orgchart.handbook"):
        out = io.BytesIO()
        handbook.build_handbook(out, language="zh-hans", workers=2)
    assert "rendered in one piece" in caplog.text
    assert page_pixels(out.getvalue()) == page_pixels(whole)

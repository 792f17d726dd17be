"""The org chart as a file: layout properties, and the SVG, PNG and PDF downloads."""

import io
import math
import re
import subprocess

import pytest
from defusedxml import ElementTree
from django.utils import translation
from django.utils.translation import gettext as _
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from orgchart.chartfile import png, scene
from orgchart.chartfile.layout import CARD_H, CARD_W, HANG_GAP, HANG_INDENT, LEVEL, MARGIN, ROW, STACK_DX, layout
from orgchart.chartfile.pages import MIN_SCALE, OVERLAP, PX_PER_MM, hang_size, plan_pages
from orgchart.chartfile.pdf import chart_pdf
from orgchart.chartfile.png import chart_png, png_scale
from orgchart.chartfile.scene import chart_scene, connectors
from orgchart.chartfile.svg import chart_svg
from orgchart.chartfile.text import text_width, title_lines
from roles.models import Role
from tests.downloads import attachment_filename
from tests.factories import make_manager, make_role
from tests.pages import add_roles, page_view
from tests.queries import assert_constant_queries

SVG = "{http://www.w3.org/2000/svg}"
A3_LANDSCAPE = "1190.55 x 841.89 pts (A3)"


# ------------------------------------------------------------------------------------ layout


@st.composite
def forests(draw, max_size=40):
    """(nodes, hang): (id, parent id) pairs in tree order, with ids that are not their positions."""
    size = draw(st.integers(0, max_size))
    parents = [draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None for i in range(size)]
    ids = draw(st.permutations(range(1000, 1000 + size)))
    nodes = [(ids[i], None if p is None else ids[p]) for i, p in enumerate(parents)]
    return nodes, draw(st.sampled_from([0, 2, 3, 5, 8, 1000]))


def centre(placed, node_id):
    return placed.x[node_id] + CARD_W / 2


@settings(max_examples=150, deadline=None)
@given(forests())
def test_no_two_cards_overlap_and_everything_is_inside_the_drawing(forest):
    nodes, hang = forest
    placed = layout(nodes, hang)
    assert set(placed.x) == {n for n, _p in nodes}
    boxes = [(placed.x[n], placed.y[n]) for n, _p in nodes]
    for i, (x1, y1) in enumerate(boxes):
        assert MARGIN - 0.01 <= x1 <= placed.width - CARD_W - MARGIN + 0.01
        assert MARGIN - 0.01 <= y1 <= placed.height - CARD_H - MARGIN + 0.01
        for x2, y2 in boxes[i + 1 :]:
            assert abs(x1 - x2) >= CARD_W - 0.01 or abs(y1 - y2) >= CARD_H - 0.01, (x1, y1, x2, y2)


@settings(max_examples=150, deadline=None)
@given(forests())
def test_reports_sit_below_their_manager_centred_stacked_or_hanging(forest):
    nodes, hang = forest
    placed = layout(nodes, hang)
    for manager, kids in placed.children.items():
        for kid in kids:
            assert placed.y[kid] >= placed.y[manager] + CARD_H + HANG_GAP - 0.01
        if not kids:
            continue
        if manager in placed.hanging:  # one indented column, in order
            assert {round(centre(placed, k) - centre(placed, manager), 2) for k in kids} == {HANG_INDENT}
            assert placed.y[kids[0]] == pytest.approx(placed.y[manager] + CARD_H + HANG_GAP)
            tops = [placed.y[k] for k in kids]
            assert tops == sorted(set(tops))
        elif manager in placed.stacked:  # pairs either side of the manager's centre line
            assert not any(placed.children[k] for k in kids)
            for i, kid in enumerate(kids):
                side = 1 if i % 2 else -1
                assert centre(placed, kid) == pytest.approx(centre(placed, manager) + side * STACK_DX)
                assert placed.y[kid] == pytest.approx(placed.y[manager] + LEVEL + (i // 2) * ROW)
        else:  # a tidy row, the manager centred over its first and last report
            assert all(placed.y[k] == pytest.approx(placed.y[manager] + LEVEL) for k in kids)
            middle = (centre(placed, kids[0]) + centre(placed, kids[-1])) / 2
            assert centre(placed, manager) == pytest.approx(middle, abs=0.02)
            lefts = [placed.x[k] for k in kids]
            assert lefts == sorted(lefts)


@settings(max_examples=100, deadline=None)
@given(forests())
def test_connectors_never_cross_a_card(forest):
    nodes, hang = forest
    placed = layout(nodes, hang)
    cards = [(placed.x[n], placed.y[n], placed.x[n] + CARD_W, placed.y[n] + CARD_H) for n, _p in nodes]
    for segments in connectors(placed):
        for x0, y0, x1, y1 in segments:
            assert x0 == x1 or y0 == y1  # square lines only
            sx0, sx1, sy0, sy1 = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
            for cx0, cy0, cx1, cy1 in cards:  # touching an edge is fine, passing inside is not
                assert not (sx0 < cx1 - 0.5 and sx1 > cx0 + 0.5 and sy0 < cy1 - 0.5 and sy1 > cy0 + 0.5)


@settings(max_examples=60, deadline=None)
@given(forests())
def test_the_layout_is_deterministic_and_ignores_the_ids(forest):
    nodes, hang = forest
    first, again = layout(nodes, hang), layout(list(nodes), hang)
    assert first == again
    renamed = layout([(f"r{n}", None if p is None else f"r{p}") for n, p in nodes], hang)
    assert [renamed.x[f"r{n}"] for n, _p in nodes] == [first.x[n] for n, _p in nodes]
    assert [renamed.y[f"r{n}"] for n, _p in nodes] == [first.y[n] for n, _p in nodes]


def test_several_roots_sit_side_by_side_and_a_lone_card_fits_tightly():
    placed = layout([(1, None), (2, None), (3, 1)])
    assert placed.y[1] == placed.y[2] == MARGIN and placed.x[1] < placed.x[2]
    single = layout([(1, None)])
    assert (single.width, single.height) == (CARD_W + 2 * MARGIN, CARD_H + 2 * MARGIN)
    assert layout([]).x == {}


def test_a_manager_of_many_agents_is_two_cards_wide_not_thirty():
    nodes = [(0, None)] + [(i, 0) for i in range(1, 31)]
    placed = layout(nodes)
    assert placed.stacked == {0}
    assert placed.width < 3 * CARD_W + 2 * MARGIN


def test_a_wide_bushy_tree_hangs_its_branches_to_fit_fewer_pages():
    nodes = [(0, None)] + [(i, 0) for i in range(1, 41)]
    nodes += [(100 * i + j, i) for i in range(1, 41) for j in range(3)]
    tidy = layout(nodes)
    hang = hang_size(nodes)
    hung = layout(nodes, hang)
    assert hang and hung.width < tidy.width * 0.6
    assert plan_pages(hung.width, hung.height).count < plan_pages(tidy.width, tidy.height).count


def test_every_card_is_placed_once_even_if_the_parents_loop():
    placed = layout([(1, 3), (2, 1), (3, 2), (4, None), (5, 9)])
    assert set(placed.x) == {1, 2, 3, 4, 5} and set(placed.roots) == {4, 5, 1}


def test_a_chain_of_thousands_does_not_overflow_the_stack():
    nodes = [(0, None)] + [(i, i - 1) for i in range(1, 3000)]
    placed = layout(nodes)
    assert placed.y[2999] == MARGIN + 2999 * LEVEL


@given(st.text(min_size=1, max_size=120), st.integers(40, 206))
def test_titles_are_fitted_to_the_card(title, room):
    size, lines = title_lines(title, room, 206)
    assert 1 <= len(lines) <= 2
    assert text_width(lines[0], size) <= room + 0.01
    if len(lines) == 2:
        assert text_width(lines[1], size) <= 206 + 0.01


@given(st.lists(st.tuples(st.integers(0, 99_999), st.text(min_size=1, max_size=16)), min_size=3, max_size=3))
def test_the_numbers_row_never_runs_off_the_card(stats):
    stats = [(str(n), label) for n, label in stats]
    lefts, size = scene._stat_columns(stats)
    rights = [
        left + text_width(d, 15) + 3 + text_width(label, size) for left, (d, label) in zip(lefts, stats, strict=True)
    ]
    assert all(right <= next_left - 8 + 0.01 for right, next_left in zip(rights, lefts[1:], strict=False))
    assert size == 7.0 or rights[-1] <= CARD_W - scene.PAD_RIGHT + 0.01
    assert scene._stat_columns([("1", "编制"), ("0", "在岗"), ("12", "空缺")])[1] == 11  # equal thirds


# ------------------------------------------------------------------------------------ pages


@given(st.floats(300, 400_000), st.floats(200, 200_000))
def test_pages_are_legible_and_cover_the_whole_chart(width, height):
    plan = plan_pages(width, height)
    assert MIN_SCALE - 1e-9 <= plan.scale <= 1
    if plan.count == 1:
        x, y, w, h = plan.window(0, 0)
        assert x <= 0 and y <= 0 and x + w >= width - 0.01 and y + h >= height - 0.01
        return
    first, last = plan.window(0, 0), plan.window(plan.rows - 1, plan.columns - 1)
    assert first[0] <= 0 and first[1] <= 0
    assert last[0] + last[2] >= width - 0.01 and last[1] + last[3] >= height - 0.01
    if plan.columns > 1:  # neighbours share OVERLAP mm of the drawing
        shared = first[0] + first[2] - plan.window(0, 1)[0]
        assert shared * plan.scale == pytest.approx(OVERLAP * PX_PER_MM)


def test_png_scale_is_2x_until_the_pixel_cap():
    assert png_scale(2000, 1000) == 2
    for width, height in [(200_000, 2000), (20_000, 20_000), (1000, 100_000)]:
        scale = png_scale(width, height)
        assert width * scale * height * scale <= png.PNG_MAX_PIXELS * 1.0001
        assert max(width, height) * scale <= png.PNG_MAX_SIDE + 0.01


# ------------------------------------------------------------------------------------ drawing, no database


def fake_chart(parents, titles=None, dotted=(), color="#59a14f"):
    """chart_data's output for a tree given as parent indexes."""
    rows = []
    for i, parent in enumerate(parents):
        title = titles[i] if titles else f"岗位{i}"
        rows.append([i + 1, None if parent is None else parent + 1, f"r{i}", title, 1, 1, 2, i % 4, i % 7 == 6])
    return {
        "columns": ["id", "parentId", "slug", "title", "department", "grade", "headcount", "filled", "draft"],
        "rows": rows,
        "departments": {"1": {"name": "推广组", "color": color}},
        "grades": {"1": "专员"},
        "dotted": [list(pair) for pair in dotted],
        "roleUrl": "/roles/",
    }


def svg_texts(svg):
    root = ElementTree.fromstring(svg)
    return root, ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_user_text_and_colours_cannot_inject_markup():
    evil = "<script>alert(1)</script>"
    data = fake_chart([None, 0], titles=[evil, 'a"b\x01c&amp;'], color='"><script>alert(2)</script>')
    data["grades"]["1"] = "</text><script>"
    svg = chart_svg(data, title=evil)
    root, texts = svg_texts(svg)
    assert not [e for e in root.iter() if "script" in e.tag]
    assert evil in texts and 'a"bc&amp;' in texts
    assert "推广组 · </text><script>" in texts
    assert "alert(2)" not in svg and 'fill="#4e79a7"' in svg  # a bad colour falls back to the default


def test_a_long_title_wraps_and_keeps_its_full_text_as_a_tooltip():
    title = "负责天猫旗舰店与京东自营店全渠道直播带货及私域社群运营的高级运营专家岗位（华东大区）"
    root, texts = svg_texts(chart_svg(fake_chart([None], titles=[title])))
    assert root.find(f"{SVG}g").find(f"{SVG}title").text == f"{title}\n推广组 · 专员"
    first = next(i for i, t in enumerate(texts) if t.startswith("负责"))
    assert title.startswith(texts[first] + texts[first + 1][:-1]) and texts[first + 1].endswith("…")


@translation.override("zh-hans")
def test_an_empty_chart_is_still_a_file():
    data = fake_chart([])
    root, texts = svg_texts(chart_svg(data))
    assert texts == ["还没有岗位。"]
    assert Image.open(io.BytesIO(chart_png(data))).size[1] == 128
    assert pdf_info(chart_pdf(data))["Pages"] == "1"


def pdf_info(pdf):
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def pdf_text(pdf):
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def pdf_fonts(pdf):
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return out.splitlines()[2:]


def test_a_big_chart_is_tiled_over_legible_a3_pages():
    # 600 roles: ten managers of six team leads of nine agents, plus the top.
    parents = [None]
    for _manager in range(10):
        manager = len(parents)
        parents.append(0)
        for _lead in range(6):
            lead = len(parents)
            parents.append(manager)
            parents.extend([lead] * 8)
    data = fake_chart(parents, dotted=[(5, 2)])
    pdf = chart_pdf(data)
    info = pdf_info(pdf)
    pages = int(info["Pages"])
    assert pages > 1 and info["Page size"] == A3_LANDSCAPE
    plan = plan_pages(*chart_scene(data).size)
    assert pages <= plan.count and plan.scale >= MIN_SCALE  # blank pages are left out
    texts = pdf_text(pdf).split("\f")
    label = _("Page %(number)s of %(total)s · row %(row)s, column %(column)s")
    assert label % {"number": 1, "total": pages, "row": 1, "column": 1} in texts[0]
    assert all(f"岗位{i}\n" in "".join(texts) for i in range(len(parents)))
    assert all("Type 3" not in line and line.split()[-5] == "yes" for line in pdf_fonts(pdf))


# ------------------------------------------------------------------------------------ the downloads


def card_titles(svg):
    """The full title of each card (the first line of its tooltip)."""
    root = ElementTree.fromstring(svg)
    return [g.find(f"{SVG}title").text.split("\n")[0] for g in root.iter(f"{SVG}g")]


def visible_titles(roles):
    return list(roles.order_by("tree_id", "lft").values_list("title", flat=True))


def test_the_svg_shows_every_published_role_to_the_public_and_no_draft(catalogue, client):
    anchor = make_role("主播", parent=catalogue, slug="anchor")  # under the hidden draft
    response = client.get("/orgchart.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert attachment_filename(response) == "组织架构图.svg"
    assert response["Cache-Control"] == "private, no-cache"
    svg = response.content.decode()
    titles = card_titles(svg)
    assert titles == visible_titles(Role.objects.published())
    assert anchor.title in titles and "直播运营" not in svg
    _root, texts = svg_texts(svg)
    assert {"客服主管", "客服组 · 主管", "编制", "在岗", "空缺"} <= set(texts)
    assert "虚线汇报" in texts  # 推广专员's dotted line to 运营总监, drawn dashed
    assert 'stroke="#7c4dcc" stroke-width="2" stroke-dasharray="7 5"' in svg
    assert 'fill="#f28e2b"' in svg  # 客服组's colour stripe


def test_staff_get_drafts_marked_as_drafts(catalogue, client):
    client.force_login(make_manager())
    svg = client.get("/orgchart.svg").content.decode()
    assert card_titles(svg) == visible_titles(Role.objects.all())
    _root, texts = svg_texts(svg)
    assert "直播运营" in texts and "草稿" in texts


def test_a_branch_only_and_its_name_in_the_file_name(catalogue, client):
    response = client.get("/orgchart.pdf", {"root": "distribution-supervisor"})
    assert attachment_filename(response) == "组织架构图-分销主管.pdf"
    svg = client.get("/orgchart.svg", {"root": "distribution-supervisor"}).content.decode()
    assert card_titles(svg) == ["分销主管", "渠道员", "分销客服", "公关员"]


@pytest.mark.parametrize(
    "url, params",
    [("/orgchart.gif", {}), ("/orgchart.svgz", {}), ("/orgchart.svg", {"root": "nobody"}),
     ("/orgchart.svg", {"root": "live-ops"})],  # a draft is not a root the public may ask for
)  # fmt: skip
def test_unknown_formats_and_roots_are_not_found(catalogue, client, url, params):
    assert client.get(url, params).status_code == 404


def test_a_role_titled_like_markup_is_text_in_every_format(catalogue, client):
    evil = "<script>alert(1)</script>"
    make_role(evil, parent=Role.objects.get(slug="store-manager"), slug="evil")
    svg = client.get("/orgchart.svg").content.decode()
    root, texts = svg_texts(svg)
    assert evil in texts and "<script>" not in svg
    assert not [e for e in root.iter() if "script" in e.tag]
    assert evil in pdf_text(client.get("/orgchart.pdf").content)


def test_the_png_is_sharp_and_the_size_of_the_chart(catalogue, client):
    response = client.get("/orgchart.png")
    assert response["Content-Type"] == "image/png" and attachment_filename(response) == "组织架构图.png"
    image = Image.open(io.BytesIO(response.content))
    svg = client.get("/orgchart.svg").content.decode()
    width, height = (float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', svg).groups())
    assert image.size == (math.ceil(width * 2), math.ceil(height * 2))  # 2 px per CSS px
    colours = image.convert("RGB").getcolors(1_000_000)
    assert len(colours) > 50  # anti-aliased text and lines, not a blank page


def test_the_pdf_is_one_a3_landscape_page_with_searchable_text_and_embedded_fonts(catalogue, client):
    response = client.get("/orgchart.pdf")
    assert response["Content-Type"] == "application/pdf" and attachment_filename(response) == "组织架构图.pdf"
    info = pdf_info(response.content)
    assert info["Pages"] == "1" and info["Page size"] == A3_LANDSCAPE
    text = pdf_text(response.content)
    for title in visible_titles(Role.objects.published()):
        assert title in text
    assert "直播运营" not in text and "示例电子商务有限公司" in text
    fonts = pdf_fonts(response.content)
    assert fonts and all("Type 3" not in line and line.split()[-5] == "yes" for line in fonts)


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_the_queries_do_not_grow_with_the_roles(catalogue, client, fmt):
    # The catalogue revision, people in post, the active headcount plan's seats, departments, grades, dotted
    # lines, and for the PDF the shop profile (its header).
    assert_constant_queries(page_view(client, f"/orgchart.{fmt}"), lambda: add_roles(30), at_most=7)


def test_the_words_follow_the_language(catalogue, client):
    response = client.get("/orgchart.svg", HTTP_ACCEPT_LANGUAGE="en")
    _root, texts = svg_texts(response.content.decode())
    assert "headcount" in texts and attachment_filename(response) == "Org chart.svg"

"""The org chart as a file: /orgchart.svg, /orgchart.png and /orgchart.pdf, drawn on the server.

The same cards as the interactive chart (department colour stripe, title, "department · grade",
headcount / filled / vacant, dashed purple dotted lines), laid out here in Python so the file is
the same whatever the browser, and never cropped:

- layout(): a pure function (no database) placing every card of a tidy top-down tree;
- chart_svg(data): the whole chart as one self-contained SVG string (no external references,
  no ids, every user string escaped), drawn at full size; the handbook embeds it in WeasyPrint;
- chart_png(data): that SVG rasterised by CairoSVG at 2x (see its docstring for the pixel cap);
- chart_pdf(data): A3 landscape pages made by WeasyPrint, vector throughout (see its docstring
  for when the chart is scaled to one page and when it is tiled over several).
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shopconfig.downloads import download

from .staffing import chart_data, chart_nodes, dotted_line_pairs
from .views import _chart_roles

# ---------------------------------------------------------------------------------------- geometry
# The interactive chart's sizes (chart.js), in SVG user units (CSS px at 1:1).
CARD_W, CARD_H = 236, 98
LEVEL_GAP = 56  # from a card's bottom to its reports' row
SIBLING_GAP = 18  # between cards with the same manager
NEIGHBOUR_GAP = 36  # between cards of different branches on the same row
ROOT_GAP = 72  # between separate trees
PAIR_GAP = 44  # between the two columns of a stack of leaf reports
STACK_GAP = 22  # between the rows of such a stack
STACK_MIN = 3  # a manager with this many reports, none of them managers, gets a stack
MARGIN = 24
LEVEL = CARD_H + LEVEL_GAP  # vertical pitch of the tree's rows
ROW = CARD_H + STACK_GAP  # vertical pitch of a stack's rows
STACK_DX = CARD_W / 2 + PAIR_GAP / 2  # from the manager's centre to a stacked card's centre


@dataclass(frozen=True)
class Layout:
    """Card positions (top-left corners) and the drawing's size; every card is CARD_W x CARD_H."""

    x: dict
    y: dict
    children: dict  # id -> ids of its reports, in input order
    roots: list
    stacked: frozenset  # managers whose reports are stacked in two columns below them
    width: float
    height: float


class _Contour:
    """A subtree's horizontal extent per row slot (slot k spans y in [k*LEVEL, (k+1)*LEVEL) below
    the subtree's top), relative to the subtree root's centre."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def mirrored(self):
        return _Contour([-h for h in self.hi], [-l for l in self.lo])  # noqa: E741


def _pack(contours, first_gap, deep_gap):
    """Offsets placing the contours left to right as close as the gaps allow (first one at 0)."""
    offsets = [0.0]
    hi = list(contours[0].hi)
    for contour in contours[1:]:
        shift = -math.inf
        for k in range(min(len(hi), len(contour.lo))):
            shift = max(shift, hi[k] - contour.lo[k] + (first_gap if k == 0 else deep_gap))
        offsets.append(shift)
        for k, value in enumerate(contour.hi):
            if k < len(hi):
                hi[k] = max(hi[k], value + shift)
            else:
                hi.append(value + shift)
    return offsets


def _spread(contours, first_gap, deep_gap):
    """Offsets centred on 0: the mean of packing from the left and from the right.

    Packing from one side only crowds small branches against that side; the mean of two
    placements that both keep every pair far enough apart does too (the constraints are
    linear), so the result has no overlap and is symmetric.
    """
    left = _pack(contours, first_gap, deep_gap)
    right = [-o for o in reversed(_pack([c.mirrored() for c in reversed(contours)], first_gap, deep_gap))]
    left_mid, right_mid = (left[0] + left[-1]) / 2, (right[0] + right[-1]) / 2
    return [(a - left_mid + b - right_mid) / 2 for a, b in zip(left, right, strict=True)]


def _merge(contours, offsets, slot0):
    """The contour of a manager (slot 0 given) over its reports' contours at the given offsets."""
    lo, hi = [slot0[0]], [slot0[1]]
    for contour, offset in zip(contours, offsets, strict=True):
        for k, (a, b) in enumerate(zip(contour.lo, contour.hi, strict=True), start=1):
            if k < len(lo):
                lo[k], hi[k] = min(lo[k], a + offset), max(hi[k], b + offset)
            else:
                lo.append(a + offset)
                hi.append(b + offset)
    return _Contour(lo, hi)


def layout(nodes):
    """Place a forest of cards top-down; `nodes` is (id, parent id) pairs, reports in input order.

    A parent id that is None or not among the nodes makes a root; trees sit side by side.
    Each manager is centred over the first and last of its reports (a Reingold-Tilford style
    tidy tree, whole branches packed together by their per-row contours). A manager with at
    least STACK_MIN reports who manage no one gets them stacked in two columns below it, like
    d3-org-chart's compact mode: a shop with thirty customer-service agents stays two cards wide.
    Deterministic: the same input gives the same positions.
    """
    ids = [node_id for node_id, _parent in nodes]
    known = set(ids)
    children = {node_id: [] for node_id in ids}
    roots = []
    for node_id, parent in nodes:
        if parent is not None and parent in known and parent != node_id:
            children[parent].append(node_id)
        else:
            roots.append(node_id)
    # Post-order without recursion (a chain of thousands of roles must not hit the stack limit).
    order, stack = [], list(reversed(roots))
    while stack:
        node_id = stack.pop()
        order.append(node_id)
        stack.extend(reversed(children[node_id]))
    stacked = set()
    contours, offsets = {}, {}  # offsets: the reports' centres relative to the manager's
    half = CARD_W / 2
    for node_id in reversed(order):
        kids = children[node_id]
        if not kids:
            contours[node_id] = _Contour([-half], [half])
        elif len(kids) >= STACK_MIN and not any(children[k] for k in kids):
            stacked.add(node_id)
            rows = math.ceil(len(kids) / 2)
            bottom = LEVEL + rows * ROW - STACK_GAP
            slots = math.ceil(bottom / LEVEL) - 1
            reach = STACK_DX + half
            contours[node_id] = _Contour([-half] + [-reach] * slots, [half] + [reach] * slots)
        else:
            kid_contours = [contours[k] for k in kids]
            spread = _spread(kid_contours, SIBLING_GAP, NEIGHBOUR_GAP)
            offsets[node_id] = spread
            slot0 = (min(-half, spread[0]), max(half, spread[-1]))  # the card and the line joining its reports
            contours[node_id] = _merge(kid_contours, spread, slot0)
        for k in kids:
            del contours[k]  # kept only until the manager's contour is made
    x, y = {}, {}
    if roots:
        root_offsets = _pack([contours[r] for r in roots], ROOT_GAP, ROOT_GAP)
        for root, offset in zip(roots, root_offsets, strict=True):
            x[root], y[root] = offset, 0.0  # centres for now
    for node_id in order:  # pre-order: managers first
        kids = children[node_id]
        if node_id in stacked:
            for i, kid in enumerate(kids):
                x[kid] = x[node_id] + (STACK_DX if i % 2 else -STACK_DX)
                y[kid] = y[node_id] + LEVEL + (i // 2) * ROW
        elif kids:
            for kid, offset in zip(kids, offsets[node_id], strict=True):
                x[kid], y[kid] = x[node_id] + offset, y[node_id] + LEVEL
    if not x:
        return Layout({}, {}, children, roots, frozenset(), 2 * MARGIN, 2 * MARGIN)
    left = min(x.values()) - half
    x = {k: round(v - left + MARGIN - half, 2) for k, v in x.items()}
    y = {k: round(v + MARGIN, 2) for k, v in y.items()}
    width = max(x.values()) + CARD_W + MARGIN
    height = max(y.values()) + CARD_H + MARGIN
    return Layout(x, y, children, roots, frozenset(stacked), width, height)


# ---------------------------------------------------------------------------------------- text size
# Advance widths (1/1000 em) of printable ASCII in Noto Sans CJK SC Bold, the wider weight; CJK,
# full-width and East Asian ambiguous characters (·, …) are 1 em in that font.
_ASCII = (
    227, 370, 574, 590, 590, 963, 740, 325, 378, 378, 507, 590, 325, 370, 325, 387, 590, 590, 590, 590, 590, 590,
    590, 590, 590, 590, 325, 325, 590, 590, 590, 514, 1007, 641, 681, 656, 714, 615, 585, 717, 757, 330, 568, 686,
    578, 853, 749, 770, 667, 770, 682, 624, 625, 748, 619, 915, 627, 580, 613, 378, 387, 378, 590, 567, 626, 591,
    644, 527, 644, 581, 372, 597, 640, 304, 306, 604, 315, 964, 641, 626, 644, 644, 436, 495, 421, 637, 576, 863,
    562, 574, 511, 378, 296, 378, 590,
)  # fmt: skip
_WIDTH_CACHE = {}


def _char_em(char):
    width = _WIDTH_CACHE.get(char)
    if width is None:
        code = ord(char)
        if 32 <= code < 127:
            width = _ASCII[code - 32] / 1000
        elif unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            width = 0.0
        elif unicodedata.east_asian_width(char) in ("W", "F", "A"):
            width = 1.0
        else:
            width = 0.65
        _WIDTH_CACHE[char] = width
    return width


def text_width(text, size):
    """The estimated width of `text` at `size` px (a little generous: bold widths for every weight)."""
    return sum(_char_em(c) for c in text) * size


def _cut(text, size, room):
    """The longest start of `text` that fits `room` px, and the rest."""
    used = 0.0
    for i, char in enumerate(text):
        used += _char_em(char) * size
        if used > room:
            return text[:i], text[i:]
    return text, ""


def _ellipsis(text, size, room):
    if text_width(text, size) <= room:
        return text
    head, _rest = _cut(text, size, room - size)  # "…" is 1 em
    return head.rstrip() + "…"


def _title_lines(title, room_first, room):
    """(font size, lines): one line at 15 or 13 px, else two lines at 12 px, the second cut short."""
    for size in (15, 13):
        if text_width(title, size) <= room_first:
            return size, [title]
    head, rest = _cut(title, 12, room_first)
    space = head.rfind(" ")
    if rest and not rest.startswith(" ") and space > 0 and head[-1].isascii() and rest[0].isascii():
        head, rest = head[:space], head[space + 1 :] + rest  # break Latin text between words
    return 12, [head.rstrip(), _ellipsis(rest.strip(), 12, room)]


# ---------------------------------------------------------------------------------------- drawing
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
INK, MUTED, LINE = "#1f2933", "#5f6b7a", "#a9b4c2"
DOTTED, DANGER, WARN = "#7c4dcc", "#c0392b", "#b45309"
DEFAULT_COLOUR = "#4e79a7"
_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
PAD_LEFT, PAD_RIGHT = 18, 12  # 6 px colour stripe + 12 px padding, as .oc-card
TEXT_ROOM = CARD_W - PAD_LEFT - PAD_RIGHT


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text):
    """User text as XML character data: escaped, characters XML 1.0 forbids dropped."""
    return escape(_NOT_XML.sub("", str(text)))


def _attr(text):
    """User text as a quoted XML attribute value."""
    return quoteattr(_NOT_XML.sub("", str(text)))


def _num(value):
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _safe_colour(value):
    return value if isinstance(value, str) and _COLOUR.fullmatch(value) else DEFAULT_COLOUR


@dataclass(frozen=True)
class _Item:
    """One drawn thing and its bounding box, so a PDF tile draws only what it shows."""

    x0: float
    y0: float
    x1: float
    y1: float
    svg: str


def _badge(x, label, fill, stroke, colour, dashed=False):
    """A pill at x (its left edge) on the title row; returns (svg, width)."""
    width = text_width(label, 10.5) + 12
    dash = ' stroke-dasharray="3 2"' if dashed else ""
    svg = (
        f'<rect x="{_num(x)}" y="11" width="{_num(width)}" height="16" rx="8" fill="{fill}" stroke="{stroke}"{dash}/>'
        f'<text x="{_num(x + 6)}" y="22.8" font-size="10.5" fill="{colour}">{_xml(label)}</text>'
    )
    return svg, width


def _card(node, x, y, labels, dotted):
    """One card, drawn in the card's own coordinates."""
    headcount, filled = node["headcount"], node["filled"]
    vacant, over, draft = max(headcount - filled, 0), filled > headcount, node["draft"]
    colour = _safe_colour(node["department"]["color"])
    badges = []
    if draft:
        badges.append((labels["draft"], "#f3f4f6", "#8b8f96", "#555", True))
    if over:
        badges.append((labels["overstaffed"], DANGER, DANGER, "#fff", False))
    if dotted:
        badges.append((labels["dotted"], "#f5f0ff", DOTTED, DOTTED, True))
    badge_svg, right = [], CARD_W - PAD_RIGHT
    for label, fill, stroke, ink, dashed in reversed(badges):
        right -= text_width(label, 10.5) + 12
        svg, _w = _badge(right, label, fill, stroke, ink, dashed)
        badge_svg.append(svg)
        right -= 4
    title = node["title"]
    size, lines = _title_lines(title, right - PAD_LEFT, TEXT_ROOM)
    meta = " · ".join(str(part) for part in (node["department"]["name"], node["grade"]) if part)
    title_ink = "#4b5563" if draft else INK
    if len(lines) == 1:
        title_svg = f'<text x="18" y="25" font-size="{size}" font-weight="700" fill="{title_ink}">{_xml(lines[0])}</text>'
        meta_y = 45
    else:
        title_svg = (
            f'<text font-size="12" font-weight="700" fill="{title_ink}"><tspan x="18" y="21">{_xml(lines[0])}</tspan>'
            f'<tspan x="18" y="36">{_xml(lines[1])}</tspan></text>'
        )
        meta_y = 53
    if draft:
        body = f'<rect x=".5" y=".5" width="{CARD_W - 1}" height="{CARD_H - 1}" rx="8" fill="#fbfbfc" stroke="#8b8f96" stroke-dasharray="5 3"/>'
    else:
        border = "#e8a49c" if over else "#d5dbe2"
        body = f'<rect x=".5" y=".5" width="{CARD_W - 1}" height="{CARD_H - 1}" rx="8" fill="#fff" stroke="{border}"/>'
    stripe = f'<path d="M8 0A8 8 0 0 0 0 8V{CARD_H - 8}A8 8 0 0 0 8 {CARD_H}H6V0Z" fill="{colour}"/>'
    column = TEXT_ROOM / 3
    stats = [f'<path d="M18 64.5H{CARD_W - PAD_RIGHT}M{_num(18 + column)} 70V86M{_num(18 + 2 * column)} 70V86" stroke="#eef1f4"/>']
    for i, (value, label, ink) in enumerate(
        (
            (headcount, labels["headcount"], INK),
            (filled, labels["filled"], DANGER if over else INK),
            (vacant, labels["vacant"], WARN if vacant else INK),
        )
    ):
        left = 18 + i * column + (8 if i else 0)
        digits = str(value)
        stats.append(
            f'<text x="{_num(left)}" y="85" font-size="15" font-weight="700" fill="{ink}">{digits}</text>'
            f'<text x="{_num(left + text_width(digits, 15) + 3)}" y="84" font-size="11" fill="{MUTED}">{_xml(label)}</text>'
        )
    tooltip = _xml(f"{title}\n{meta}" if meta else title)
    return (
        f'<g transform="translate({_num(x)} {_num(y)})"><title>{tooltip}</title>{body}{stripe}{title_svg}{"".join(badge_svg)}'
        f'<text x="18" y="{meta_y}" font-size="12" fill="{MUTED}">{_xml(_ellipsis(meta, 12, TEXT_ROOM))}</text>'
        f"{''.join(stats)}</g>"
    )


def _labels():
    return {
        "headcount": _("headcount"),
        "filled": _("filled"),
        "vacant": _("vacant"),
        "draft": _("draft"),
        "overstaffed": _("over headcount"),
        "dotted": _("dotted line"),
    }


def _scene(data):
    """The chart's layout and its drawn items: links first (under the cards), then cards, then dotted lines."""
    nodes = {n["id"]: n for n in chart_nodes(data)}
    placed = layout([(n["id"], n["parentId"]) for n in nodes.values()])
    x, y = placed.x, placed.y
    items, half = [], CARD_W / 2
    for manager, kids in placed.children.items():
        if not kids:
            continue
        mx, bottom = x[manager] + half, y[manager] + CARD_H
        if manager in placed.stacked:
            last = y[kids[-1]] + CARD_H / 2
            path = [f"M{_num(mx)} {_num(bottom)}V{_num(last)}"]
            for i, kid in enumerate(kids):
                edge = x[kid] if i % 2 else x[kid] + CARD_W
                path.append(f"M{_num(mx)} {_num(y[kid] + CARD_H / 2)}H{_num(edge)}")
            x0, x1 = mx - STACK_DX + half, mx + STACK_DX - half
            items.append(_Item(min(x0, mx), bottom, max(x1, mx), last, "".join(path)))
        else:
            bus = bottom + LEVEL_GAP / 2
            centres = [x[k] + half for k in kids]
            path = [f"M{_num(mx)} {_num(bottom)}V{_num(bus)}"]
            if len(kids) > 1:
                path.append(f"M{_num(min(centres))} {_num(bus)}H{_num(max(centres))}")
            path.extend(f"M{_num(c)} {_num(bus)}V{_num(bottom + LEVEL_GAP)}" for c in centres)
            items.append(_Item(min(centres + [mx]), bottom, max(centres + [mx]), bottom + LEVEL_GAP, "".join(path)))
    links = [
        _Item(i.x0 - 1, i.y0, i.x1 + 1, i.y1, f'<path d="{i.svg}" fill="none" stroke="{LINE}" stroke-width="1.5"/>')
        for i in items
    ]
    labels, has_dotted = _labels(), {a for a, _b in data["dotted"]}
    cards = [
        _Item(x[i], y[i], x[i] + CARD_W, y[i] + CARD_H, _card(n, x[i], y[i], labels, i in has_dotted))
        for i, n in nodes.items()
    ]
    dotted = []
    for sub, boss in data["dotted"]:
        if sub not in x or boss not in x or sub == boss:
            continue
        # From the subordinate's top to the dotted-line superior's bottom, a quarter card off
        # centre (as chart.js draws it), with an arrowhead at the superior.
        sx, sy = x[sub] + half + CARD_W / 4, y[sub]
        tx, ty = x[boss] + half + CARD_W / 4, y[boss] + CARD_H + 3
        bend = max(40, abs(sy - ty) / 2)
        sign = -1 if ty < sy else 1
        c1, c2 = sy + sign * bend, ty - sign * bend
        arrow = ty - sign * 8
        d = f"M{_num(sx)} {_num(sy)}C{_num(sx)} {_num(c1)} {_num(tx)} {_num(c2)} {_num(tx)} {_num(arrow)}"
        head = f"M{_num(tx - 5)} {_num(arrow)}L{_num(tx)} {_num(ty)}L{_num(tx + 5)} {_num(arrow)}Z"
        svg = (
            f'<path d="{d}" fill="none" stroke="{DOTTED}" stroke-width="2" stroke-dasharray="7 5"/>'
            f'<path d="{head}" fill="{DOTTED}"/>'
        )
        dotted.append(_Item(min(sx, tx) - 6, min(sy, ty, c1, c2), max(sx, tx) + 6, max(sy, ty, c1, c2), svg))
    return placed, links + cards + dotted


def _svg_document(items, view, size, title):
    """An SVG of the items within view (x, y, w, h), drawn at size (w, h) px."""
    vx, vy, vw, vh = view
    width, height = size
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="{_num(vx)} {_num(vy)} {_num(vw)} {_num(vh)}" font-family={quoteattr(FONT)} '
        f'role="img" aria-label={_attr(title)}>'
        f"<title>{_xml(title)}</title>"
        f'<rect x="{_num(vx)}" y="{_num(vy)}" width="{_num(vw)}" height="{_num(vh)}" fill="#fff"/>'
        f"{''.join(item.svg for item in items)}</svg>"
    )


def chart_svg(data, title=None):
    """The whole chart (chart_data's output) as a standalone SVG document, at full size.

    1 user unit is 1 CSS px; the root has width, height and a viewBox, so CSS may scale it
    (the handbook sets its width). Text is drawn in "Noto Sans CJK SC"; every role, department
    and grade name is XML-escaped, colours are checked, and nothing outside the file is referred to.
    """
    return _chart_document(data, title)[0]


def _chart_document(data, title=None):
    """(SVG text, width, height) of the whole chart."""
    title = title or _("Org chart")
    placed, items = _scene(data)
    if not items:
        return _empty_svg(title)
    size = (placed.width, placed.height)
    return _svg_document(items, (0, 0, *size), size, title), *size


def _empty_svg(title):
    note = _("No roles yet.")
    width = text_width(note, 14) + 2 * MARGIN
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_num(width)}" height="64" '
        f'viewBox="0 0 {_num(width)} 64" font-family={quoteattr(FONT)} role="img" aria-label={_attr(title)}>'
        f'<title>{_xml(title)}</title><rect width="100%" height="100%" fill="#fff"/>'
        f'<text x="{MARGIN}" y="37" font-size="14" fill="{MUTED}">{_xml(note)}</text></svg>'
    )
    return svg, width, 64


# ---------------------------------------------------------------------------------------- PNG
PNG_SCALE = 2
PNG_MAX_PIXELS = 40_000_000
PNG_MAX_SIDE = 32_000  # Cairo's limit is 32,767 px a side


def png_scale(width, height):
    """The raster scale: 2x, unless that passes PNG_MAX_PIXELS in all or PNG_MAX_SIDE a side."""
    return min(PNG_SCALE, math.sqrt(PNG_MAX_PIXELS / (width * height)), PNG_MAX_SIDE / width, PNG_MAX_SIDE / height)


def chart_png(data, title=None):
    """The chart as a PNG: the SVG rasterised by CairoSVG at 2 pixels per CSS px, sharp on high-DPI
    screens and when zoomed in to 200%.

    A very large tree is drawn smaller so the image stays under 40 megapixels (about 160 MB of
    memory while drawing) and 32,000 px a side (Cairo cannot draw beyond 32,767): a 2,000-role
    chart is still 2x, but at some tens of thousands of roles its text gets small in the PNG;
    the SVG and the PDF are vector and have no such limit, so use those for huge charts.
    """
    import cairosvg

    svg, width, height = _chart_document(data, title)
    return cairosvg.svg2png(bytestring=svg.encode(), scale=png_scale(width, height))


# ---------------------------------------------------------------------------------------- PDF
PX_PER_MM = 96 / 25.4
PAGE_W, PAGE_H = 420, 297  # A3 landscape, mm
PAGE_MARGIN = 10
HEADER = 12  # mm above the drawing on every page
OVERLAP = 10  # mm shown on both of two neighbouring tiles
SMALLEST_TEXT_PX = 10.5  # the badges; stats labels are 11 px, titles 15 px
MIN_TEXT_PT = 5
MIN_SCALE = MIN_TEXT_PT / (SMALLEST_TEXT_PX * 0.75)  # ~0.63: below it, text is under 5 pt
AREA_W = (PAGE_W - 2 * PAGE_MARGIN) * PX_PER_MM
AREA_H = (PAGE_H - 2 * PAGE_MARGIN - HEADER) * PX_PER_MM


@dataclass(frozen=True)
class Tiling:
    scale: float  # page px per chart px
    columns: int
    rows: int
    x0: float  # chart coordinates at the grid's top-left corner
    y0: float

    @property
    def step(self):
        """Chart px from one tile's left (top) edge to the next's."""
        overlap = OVERLAP * PX_PER_MM
        return (AREA_W - overlap) / self.scale, (AREA_H - overlap) / self.scale

    def window(self, row, column):
        step_x, step_y = self.step
        return self.x0 + column * step_x, self.y0 + row * step_y, AREA_W / self.scale, AREA_H / self.scale


def plan_pages(width, height):
    """One A3 page when the whole chart fits with its smallest text at least MIN_TEXT_PT, else tiles.

    Fitted charts are never enlarged past 1:1. Tiles are laid out at the smallest legible scale to
    need as few pages as possible, then the scale is raised as far as that grid of pages allows.
    """
    fit = min(1.0, AREA_W / width, AREA_H / height)
    if fit >= MIN_SCALE:
        return Tiling(fit, 1, 1, 0.0, 0.0)
    overlap = OVERLAP * PX_PER_MM
    step_w, step_h = AREA_W - overlap, AREA_H - overlap
    columns = max(1, math.ceil((width * MIN_SCALE - overlap) / step_w))
    rows = max(1, math.ceil((height * MIN_SCALE - overlap) / step_h))
    scale = min(1.0, (columns * step_w + overlap) / width, (rows * step_h + overlap) / height)
    # Centre the chart on the grid of pages.
    x0 = -((columns * step_w + overlap) / scale - width) / 2
    y0 = -((rows * step_h + overlap) / scale - height) / 2 if rows > 1 else 0.0
    return Tiling(scale, columns, rows, x0, y0)


_PDF_CSS = """
@page { size: A3 landscape; margin: %(margin)smm; }
html { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; color: #1f2933; font-size: 9pt; }
body { margin: 0; }
section { break-after: page; }
section:last-child { break-after: auto; }
header { height: %(header)smm; display: flex; align-items: flex-start; justify-content: space-between; gap: 6mm; }
header h1 { margin: 0; font-size: 13pt; font-weight: 700; }
header p { margin: 1mm 0 0; color: #5f6b7a; }
.where { text-align: right; color: #5f6b7a; }
.legend { white-space: nowrap; }
.legend svg { vertical-align: middle; }
.map { display: inline-block; vertical-align: top; margin-left: 3mm; }
.tile { overflow: hidden; margin: 0 auto; }
.tile svg { display: block; }
"""


def _legend():
    line = '<svg width="28" height="6" viewBox="0 0 28 6"><path d="M0 3H28" stroke="{}" stroke-width="2"{}/></svg>'
    solid, dashed = line.format(LINE, ""), line.format(DOTTED, ' stroke-dasharray="7 5"')
    return (
        f'<span class="legend">{solid} {_xml(_("direct line"))}&#8195;{dashed} {_xml(_("dotted line"))}</span>'
    )


def _mini_map(tiling, row, column, used):
    """The grid of pages, this one filled in, blank tiles (not printed) left out."""
    cell = 4.0
    parts = []
    for r in range(tiling.rows):
        for c in range(tiling.columns):
            if (r, c) not in used:
                continue
            fill = "#2b5f8a" if (r, c) == (row, column) else "#fff"
            parts.append(f'<rect x="{c * cell + 0.5}" y="{r * cell + 0.5}" width="{cell - 1}" height="{cell - 1}" fill="{fill}" stroke="#5f6b7a" stroke-width=".5"/>')  # fmt: skip
    w, h = tiling.columns * cell, tiling.rows * cell
    scale = min(1.0, 40 / w, 20 / h)  # mm
    return (
        f'<svg class="map" width="{_num(w * scale)}mm" height="{_num(h * scale)}mm" viewBox="0 0 {_num(w)} {_num(h)}">'
        f"{''.join(parts)}</svg>"
    )


def _summary(data):
    rows = data["rows"]
    col = {name: i for i, name in enumerate(data["columns"])}
    headcount = sum(r[col["headcount"]] for r in rows)
    filled = sum(r[col["filled"]] for r in rows)
    vacant = sum(max(r[col["headcount"]] - r[col["filled"]], 0) for r in rows)
    # The interactive chart's own summary line (chart.js fills in the {names}).
    return (
        _("{roles} roles · headcount {headcount} · filled {filled} · vacant {vacant}")
        .replace("{roles}", str(len(rows)))
        .replace("{headcount}", str(headcount))
        .replace("{filled}", str(filled))
        .replace("{vacant}", str(vacant))
    )


def chart_pdf(data, title=None, subtitle=""):
    """The chart on A3 landscape pages (WeasyPrint; cards, lines and text stay vector).

    The whole chart goes on one page, scaled to fit, when its smallest text is still at least
    5 pt there (MIN_SCALE). A bigger tree is not shrunk into illegibility: it is tiled, as a
    poster, over a grid of A3 pages that overlap by 10 mm, at the largest scale that grid allows
    (so never under 5 pt). Each page names its row and column and carries a small map of the
    grid; pages that would be blank are left out. Tiling was preferred to splitting the tree
    into branches because the printed pages can be trimmed and taped into the one picture of the
    organisation people ask for, with every line still joined. Each page's SVG holds only the
    cards and lines it shows, so the file grows with the chart, not with chart x pages.
    """
    from weasyprint import HTML

    title = title or _("Org chart")
    placed, items = _scene(data)
    if not items:
        return HTML(string=f"<p>{_xml(_('No roles yet.'))}</p>").write_pdf()
    tiling = plan_pages(placed.width, placed.height)
    pages = []
    for row in range(tiling.rows):
        for column in range(tiling.columns):
            vx, vy, vw, vh = tiling.window(row, column)
            shown = [i for i in items if i.x1 >= vx and i.x0 <= vx + vw and i.y1 >= vy and i.y0 <= vy + vh]
            if shown or tiling.rows * tiling.columns == 1:
                pages.append((row, column, (vx, vy, vw, vh), shown))
    used = {(r, c) for r, c, _v, _s in pages}
    summary = _xml(_summary(data))
    made = _xml(date_format(timezone.localdate(), "DATE_FORMAT"))
    sections = []
    for number, (row, column, view, shown) in enumerate(pages, start=1):
        if len(pages) > 1:
            where = _xml(
                _("Page %(number)s of %(total)s · row %(row)s, column %(column)s")
                % {"number": number, "total": len(pages), "row": row + 1, "column": column + 1}
            )
            where += _mini_map(tiling, row, column, used)
        else:
            where = ""
        if tiling.rows * tiling.columns == 1:
            size = (placed.width * tiling.scale, placed.height * tiling.scale)
            view = (0, 0, placed.width, placed.height)
        else:
            size = (AREA_W, AREA_H)
        svg = _svg_document(shown, view, size, title)
        sections.append(
            f"<section><header><div><h1>{_xml(title)}{' · ' + _xml(subtitle) if subtitle else ''}</h1>"
            f"<p>{summary} · {made}&#8195;{_legend()}</p></div>"
            f'<div class="where">{where}</div></header>'
            f'<div class="tile" style="width:{_num(size[0])}px;height:{_num(size[1])}px">{svg}</div></section>'
        )
    css = _PDF_CSS % {"margin": PAGE_MARGIN, "header": HEADER}
    lang = _xml(get_language() or "zh-hans")
    html = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{_xml(title)}</title>'
        f"<style>{css}</style></head><body>{''.join(sections)}</body></html>"
    )
    return HTML(string=html).write_pdf()


# ---------------------------------------------------------------------------------------- the view
FORMATS = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
}
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def chart_file(request, fmt):
    """/orgchart.svg, .png or .pdf (optionally ?root=<slug>): the chart page's roles as a download."""
    if fmt not in FORMATS:
        raise Http404
    roles, root = _chart_roles(request)
    data = chart_data(roles, dotted_line_pairs())
    name = _("Org chart")
    if root is not None:
        name = f"{name}-{_UNSAFE_IN_NAME.sub('_', root.title).strip()}"
    if fmt == "svg":
        content = chart_svg(data, name)
    elif fmt == "png":
        content = chart_png(data, name)
    else:
        content = chart_pdf(data, _("Org chart"), subtitle=root.title if root else request.shop.company_name)
    response = download(content, f"{name}.{fmt}", FORMATS[fmt])
    response["Cache-Control"] = "private, no-cache"  # what it shows depends on who asks
    return response

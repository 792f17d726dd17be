"""The org chart as a file: /orgchart.svg, /orgchart.png and /orgchart.pdf, drawn on the server.

The same cards as the interactive chart (department colour stripe, title, "department · grade",
headcount / filled / vacant, dashed purple dotted lines), laid out here in Python so the file is
the same whatever the browser, and never cropped:

- layout(): a pure function (no database) placing every card: a tidy top-down tree, leaf reports
  stacked in pairs (d3-org-chart's compact mode), and for big charts the lower branches hanging
  in indented columns, as many as hang_size() finds makes the best A3 poster;
- chart_svg(data): the whole chart as one self-contained SVG string (no external references,
  no ids, every user string escaped), drawn at full size; the handbook embeds it in WeasyPrint;
- chart_png(data): the same drawing rasterised by Cairo at 2x (see its docstring for the pixel cap);
- chart_pdf(data): A3 landscape pages drawn by Cairo, vector throughout (see its docstring for
  when the chart is scaled to one page and when it is tiled over several).
"""

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
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
HANG_INDENT = 32  # a hanging report's left edge, right of its manager's
HANG_GAP = 14  # between hanging cards
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
    stacked: frozenset  # managers whose reports are stacked in pairs below them
    hanging: frozenset  # managers whose reports hang in one indented column below them
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


def _forest(nodes):
    """(children, roots, pre-order) of (id, parent id) pairs; unknown parents make roots.

    Should the parents loop (they cannot, coming from the role tree), the first role of the
    loop is taken as a root, so every role is still placed exactly once.
    """
    parents = dict(nodes)
    children = {node_id: [] for node_id in parents}
    roots = []
    for node_id, parent in parents.items():
        if parent is not None and parent in parents and parent != node_id:
            children[parent].append(node_id)
        else:
            roots.append(node_id)
    order, seen = [], set()

    def visit(top):  # without recursion: a chain of thousands must not hit Python's stack limit
        stack = [top]
        while stack:
            node_id = stack.pop()
            order.append(node_id)
            seen.add(node_id)
            stack.extend(reversed(children[node_id]))

    for root in roots:
        visit(root)
    for node_id in parents:
        if node_id not in seen:  # a loop
            children[parents[node_id]].remove(node_id)
            roots.append(node_id)
            visit(node_id)
    return children, roots, order


def layout(nodes, hang=0):
    """Place a forest of cards top-down; `nodes` is (id, parent id) pairs, reports in input order.

    A parent id that is None or not among the nodes makes a root; trees sit side by side.

    The tree is tidy: each manager is centred over the first and last of its reports, whole
    branches packed together by their per-row contours (a Reingold-Tilford style tree). A manager
    with at least STACK_MIN reports who manage no one gets them stacked in pairs, left and right
    of a line down from it, as d3-org-chart's compact mode does: a shop with thirty
    customer-service agents stays two cards wide.

    Branches of at most `hang` roles hang instead: each report below its manager in one
    indented column, like an outline, so a bushy lower tree grows down rather than sideways
    (hang_size() picks the size for a chart; 0 or 1 means nothing hangs). Deterministic: the same
    input gives the same positions.
    """
    children, roots, order = _forest(nodes)
    size = {}
    for node_id in reversed(order):
        size[node_id] = 1 + sum(size[k] for k in children[node_id])
    half = CARD_W / 2
    contours, offsets = {}, {}  # offsets: a tidy manager's reports' centres relative to its own
    box = {}  # (width, height) of a hanging branch
    stacked, hanging = set(), set()
    for node_id in reversed(order):  # reports before their managers
        kids = children[node_id]
        if kids and size[node_id] <= hang:
            hanging.add(node_id)
            width = max(CARD_W, HANG_INDENT + max(box[k][0] for k in kids))
            height = CARD_H + sum(HANG_GAP + box[k][1] for k in kids)
            box[node_id] = (width, height)
            slots = math.ceil(height / LEVEL)
            contours[node_id] = _Contour([-half] * slots, [width - half] * slots)
        elif not kids:
            box[node_id] = (CARD_W, CARD_H)
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
        for kid in kids:
            del contours[kid]  # needed only until the manager's contour is made
    x, y = {}, {}  # centres, tops
    if roots:
        root_offsets = _pack([contours[r] for r in roots], ROOT_GAP, ROOT_GAP)
        for root, offset in zip(roots, root_offsets, strict=True):
            x[root], y[root] = offset, 0.0
    for node_id in order:  # managers first
        kids = children[node_id]
        if node_id in hanging:
            top = y[node_id] + CARD_H + HANG_GAP
            for kid in kids:
                x[kid], y[kid] = x[node_id] + HANG_INDENT, top
                top += box[kid][1] + HANG_GAP
        elif node_id in stacked:
            for i, kid in enumerate(kids):
                x[kid] = x[node_id] + (STACK_DX if i % 2 else -STACK_DX)
                y[kid] = y[node_id] + LEVEL + (i // 2) * ROW
        elif kids:
            for kid, offset in zip(kids, offsets[node_id], strict=True):
                x[kid], y[kid] = x[node_id] + offset, y[node_id] + LEVEL
    if not x:
        return Layout({}, {}, children, roots, frozenset(), frozenset(), 2 * MARGIN, 2 * MARGIN)
    left = min(x.values()) - half
    x = {k: round(v - left + MARGIN - half, 2) for k, v in x.items()}
    y = {k: round(v + MARGIN, 2) for k, v in y.items()}
    width = max(x.values()) + CARD_W + MARGIN
    height = max(y.values()) + CARD_H + MARGIN
    return Layout(x, y, children, roots, frozenset(stacked), frozenset(hanging), width, height)


HANG_SIZES = (2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25, 32, 40, 50, 64, 80, 100, 128, 160, 200, 256)


def hang_size(nodes):
    """The branch size `layout` should hang for this chart (see chart_pdf's docstring).

    0 (nothing hangs) when the tidy tree fits one A3 page legibly; else whichever of HANG_SIZES
    makes the printed poster's longest side shortest (a wall chart, not a 13-metre banner), then
    needs the fewest pages, the smaller size on a tie. Each try is one layout, a few ms at 2,000 roles.
    """

    def score(placed):
        plan = plan_pages(placed.width, placed.height)
        return max(plan.columns * PAGE_W, plan.rows * PAGE_H), plan.count

    best, best_score = 0, score(layout(nodes))
    if best_score[1] == 1:
        return 0
    for size in HANG_SIZES:
        if size >= len(nodes):
            break
        candidate = score(layout(nodes, size))
        if candidate < best_score:
            best, best_score = size, candidate
    return best


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


@functools.lru_cache(maxsize=8192)
def _char_em(char):
    code = ord(char)
    if 32 <= code < 127:
        return _ASCII[code - 32] / 1000
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F", "A"):
        return 1.0
    return 0.65


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


# ---------------------------------------------------------------------------------------- canvases
# The chart is drawn through one of two canvases with the same few calls: SvgCanvas writes SVG
# markup (chart_svg), CairoCanvas draws straight onto a Cairo surface (the PNG and the PDF: no
# markup to parse, so a 2,000-role poster takes about a second, where WeasyPrint needs half a
# minute for the SVG's text and CairoSVG several seconds). Paths are lists of ("M", x, y), ("L", x, y),
# ("H", x), ("V", y), ("C", x1, y1, x2, y2, x, y) and ("Z",).
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
FONT_FACE = "Noto Sans CJK SC"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text):
    """User text as XML character data: escaped, characters XML 1.0 forbids dropped."""
    return escape(_NOT_XML.sub("", str(text)))


def _attr(text):
    """User text as a quoted XML attribute value."""
    return quoteattr(_NOT_XML.sub("", str(text)))


def _num(value):
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg_path(commands):
    return "".join(c[0] + " ".join(_num(v) for v in c[1:]) for c in commands)


def _paint(fill, stroke, width, dash):
    out = f' fill="{fill or "none"}"'
    if stroke:
        out += f' stroke="{stroke}"'
        if width != 1:
            out += f' stroke-width="{_num(width)}"'
        if dash:
            out += f' stroke-dasharray="{" ".join(_num(d) for d in dash)}"'
    return out


class SvgCanvas:
    def __init__(self):
        self.parts = []

    def group(self, dx, dy, tooltip=None):
        self.parts.append(f'<g transform="translate({_num(dx)} {_num(dy)})">')
        if tooltip:
            self.parts.append(f"<title>{_xml(tooltip)}</title>")

    def end_group(self):
        self.parts.append("</g>")

    def rect(self, x, y, w, h, rx=0, fill=None, stroke=None, width=1, dash=None):
        corner = f' rx="{_num(rx)}"' if rx else ""
        self.parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}"{corner}{_paint(fill, stroke, width, dash)}/>'
        )

    def path(self, commands, fill=None, stroke=None, width=1, dash=None):
        self.parts.append(f'<path d="{_svg_path(commands)}"{_paint(fill, stroke, width, dash)}/>')

    def stripe(self, height, colour):
        """A card's department colour: its left 6 px, following the rounded corners."""
        self.parts.append(
            f'<path d="M8 0A8 8 0 0 0 0 8V{_num(height - 8)}A8 8 0 0 0 8 {_num(height)}H6V0Z" fill="{colour}"/>'
        )

    def text(self, x, y, size, string, fill, bold=False):
        weight = ' font-weight="700"' if bold else ""
        self.parts.append(
            f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}"{weight} fill="{fill}">{_xml(string)}</text>'
        )


def _rgb(colour):
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))


class CairoCanvas:
    """The same calls drawn with Cairo; text through Cairo's own font selection (as CairoSVG draws it)."""

    def __init__(self, context):
        import cairocffi

        self.cairo, self.context = cairocffi, context
        self.faces = {
            bold: cairocffi.ToyFontFace(
                FONT_FACE, cairocffi.FONT_SLANT_NORMAL, cairocffi.FONT_WEIGHT_BOLD if bold else 0
            )
            for bold in (False, True)
        }

    def group(self, dx, dy, tooltip=None):
        self.context.save()
        self.context.translate(dx, dy)

    def end_group(self):
        self.context.restore()

    def _finish(self, fill, stroke, width, dash):
        ctx = self.context
        if fill:
            ctx.set_source_rgb(*_rgb(fill))
            if stroke:
                ctx.fill_preserve()
            else:
                ctx.fill()
        if stroke:
            ctx.set_source_rgb(*_rgb(stroke))
            ctx.set_line_width(width)
            ctx.set_dash(list(dash) if dash else [])
            ctx.stroke()
        ctx.new_path()

    def rect(self, x, y, w, h, rx=0, fill=None, stroke=None, width=1, dash=None):
        ctx = self.context
        if rx:
            ctx.new_sub_path()
            ctx.arc(x + w - rx, y + rx, rx, -math.pi / 2, 0)
            ctx.arc(x + w - rx, y + h - rx, rx, 0, math.pi / 2)
            ctx.arc(x + rx, y + h - rx, rx, math.pi / 2, math.pi)
            ctx.arc(x + rx, y + rx, rx, math.pi, 3 * math.pi / 2)
            ctx.close_path()
        else:
            ctx.rectangle(x, y, w, h)
        self._finish(fill, stroke, width, dash)

    def path(self, commands, fill=None, stroke=None, width=1, dash=None):
        ctx = self.context
        for command in commands:
            op = command[0]
            if op == "M":
                ctx.move_to(*command[1:])
            elif op == "L":
                ctx.line_to(*command[1:])
            elif op == "H":
                ctx.line_to(command[1], ctx.get_current_point()[1])
            elif op == "V":
                ctx.line_to(ctx.get_current_point()[0], command[1])
            elif op == "C":
                ctx.curve_to(*command[1:])
            else:
                ctx.close_path()
        self._finish(fill, stroke, width, dash)

    def stripe(self, height, colour):
        ctx = self.context
        ctx.move_to(8, 0)
        ctx.arc_negative(8, 8, 8, -math.pi / 2, -math.pi)
        ctx.line_to(0, height - 8)
        ctx.arc_negative(8, height - 8, 8, math.pi, math.pi / 2)
        ctx.line_to(6, height)
        ctx.line_to(6, 0)
        ctx.close_path()
        self._finish(colour, None, 1, None)

    def text(self, x, y, size, string, fill, bold=False):
        ctx = self.context
        ctx.set_font_face(self.faces[bold])
        ctx.set_font_size(size)
        ctx.set_source_rgb(*_rgb(fill))
        ctx.move_to(x, y)
        ctx.show_text(_NOT_XML.sub("", str(string)))
        ctx.new_path()


# ---------------------------------------------------------------------------------------- the chart
INK, MUTED, LINE = "#1f2933", "#5f6b7a", "#a9b4c2"
DOTTED, DANGER, WARN = "#7c4dcc", "#c0392b", "#b45309"
DOTTED_DASH = (7, 5)
DEFAULT_COLOUR = "#4e79a7"
_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
PAD_LEFT, PAD_RIGHT = 18, 12  # 6 px colour stripe + 12 px padding, as .oc-card
TEXT_ROOM = CARD_W - PAD_LEFT - PAD_RIGHT
MIN_TITLE_ROOM = 64  # badges beside the title leave it at least this much


def _safe_colour(value):
    return value if isinstance(value, str) and _COLOUR.fullmatch(value) else DEFAULT_COLOUR


def _labels():
    """The words on the cards: the interactive chart's own (views.chart_labels)."""
    return {
        "headcount": _("headcount"),
        "filled": _("filled"),
        "vacant": _("vacant"),
        "draft": _("draft"),
        "overstaffed": _("over headcount"),
        "dotted": _("dotted line"),
    }


def draw_card(canvas, node, x, y, labels, dotted=False):
    """One role's card with its top-left corner at (x, y): as .oc-card in chart.css."""
    headcount, filled = node["headcount"], node["filled"]
    vacant, over, draft = max(headcount - filled, 0), filled > headcount, node["draft"]
    title = str(node["title"])
    meta = " · ".join(str(part) for part in (node["department"]["name"], node["grade"]) if part)
    canvas.group(x, y, f"{title}\n{meta}" if meta else title)
    if draft:
        canvas.rect(0.5, 0.5, CARD_W - 1, CARD_H - 1, 8, "#fbfbfc", "#8b8f96", 1, (5, 3))
    else:
        canvas.rect(0.5, 0.5, CARD_W - 1, CARD_H - 1, 8, "#ffffff", "#e8a49c" if over else "#d5dbe2")
    canvas.stripe(CARD_H, _safe_colour(node["department"]["color"]))
    badges = []
    if draft:
        badges.append((labels["draft"], "#f3f4f6", "#8b8f96", "#555555", (3, 2)))
    if over:
        badges.append((labels["overstaffed"], DANGER, DANGER, "#ffffff", None))
    if dotted:
        badges.append((labels["dotted"], "#f5f0ff", DOTTED, DOTTED, (3, 2)))
    while sum(text_width(b[0], 10.5) + 16 for b in badges) > TEXT_ROOM - MIN_TITLE_ROOM:
        badges.pop()  # a long translation: the title keeps its room (the line and the numbers still tell)
    right = CARD_W - PAD_RIGHT
    for label, fill, stroke, ink, dash in reversed(badges):
        width = text_width(label, 10.5) + 12
        right -= width
        canvas.rect(right, 11, width, 16, 8, fill, stroke, 1, dash)
        canvas.text(right + 6, 22.8, 10.5, label, ink)
        right -= 4
    size, lines = _title_lines(title, right - PAD_LEFT, TEXT_ROOM)
    ink = "#4b5563" if draft else INK
    if len(lines) == 1:
        canvas.text(PAD_LEFT, 25, size, lines[0], ink, bold=True)
        meta_y = 45
    else:
        canvas.text(PAD_LEFT, 21, size, lines[0], ink, bold=True)
        canvas.text(PAD_LEFT, 36, size, lines[1], ink, bold=True)
        meta_y = 53
    canvas.text(PAD_LEFT, meta_y, 12, _ellipsis(meta, 12, TEXT_ROOM), MUTED)
    stats = [
        (str(headcount), labels["headcount"], INK),
        (str(filled), labels["filled"], DANGER if over else INK),
        (str(vacant), labels["vacant"], WARN if vacant else INK),
    ]
    lefts, label_size = _stat_columns([(digits, label) for digits, label, _ink in stats])
    separators = []
    for left in lefts[1:]:
        separators += [("M", left - 8, 70), ("V", 86)]
    canvas.path([("M", PAD_LEFT, 64.5), ("H", CARD_W - PAD_RIGHT), *separators], stroke="#e5e9ee")
    for left, (digits, label, ink) in zip(lefts, stats, strict=True):
        canvas.text(left, 85, 15, digits, ink, bold=True)
        canvas.text(left + text_width(digits, 15) + 3, 84, label_size, label, MUTED)
    canvas.end_group()


def _stat_columns(stats):
    """(left edge of each "number label", label font size) for the card's bottom row.

    Three equal columns, as .oc-stats, when each fits its third; else packed one after another
    (long translations, big numbers), the labels made smaller only if even that does not fit.
    """
    column, gap = TEXT_ROOM / 3, 14  # a column's room, and separator + padding between packed ones
    numbers = [text_width(digits, 15) + 3 for digits, _label in stats]
    words = [text_width(label, 11) for _digits, label in stats]
    if all(n + w <= column - 8 for n, w in zip(numbers, words, strict=True)):
        return [PAD_LEFT + i * column + (8 if i else 0) for i in range(3)], 11
    size = 11
    room = TEXT_ROOM - sum(numbers) - 2 * gap
    if sum(words) > room:
        size = max(7.0, 11 * room / sum(words))
    lefts, left = [], PAD_LEFT
    for number, word in zip(numbers, words, strict=True):
        lefts.append(left)
        left += number + word * size / 11 + gap
    return lefts, size


@dataclass(frozen=True)
class _Item:
    """One drawn thing and its bounding box, so a PDF page draws only what it shows."""

    x0: float
    y0: float
    x1: float
    y1: float
    draw: object  # callable(canvas, labels)


def _link_drawer(commands):
    def draw(canvas, labels):
        canvas.path(commands, stroke=LINE, width=1.5)

    return draw


def _card_drawer(node, x, y, dotted):
    def draw(canvas, labels):
        draw_card(canvas, node, x, y, labels, dotted)

    return draw


def _dotted_drawer(curve, head):
    def draw(canvas, labels):
        canvas.path(curve, stroke="#ffffff", width=3)  # a halo, as chart.css's drop-shadow
        canvas.path(curve, stroke=DOTTED, width=2, dash=DOTTED_DASH)
        canvas.path(head, fill=DOTTED)

    return draw


@dataclass(frozen=True)
class Scene:
    placed: Layout
    items: list  # links first (under the cards), then cards, then dotted lines

    @property
    def size(self):
        return self.placed.width, self.placed.height

    def draw(self, canvas, labels, window=None):
        """Draw the items (those meeting window = (x, y, w, h) if given)."""
        for item in self.items:
            if window is None or (
                item.x1 >= window[0]
                and item.x0 <= window[0] + window[2]
                and item.y1 >= window[1]
                and item.y0 <= window[1] + window[3]
            ):
                item.draw(canvas, labels)

    def shows_anything(self, window):
        x, y, w, h = window
        return any(i.x1 >= x and i.x0 <= x + w and i.y1 >= y and i.y0 <= y + h for i in self.items)


def connectors(placed):
    """The solid lines from each manager to its reports, as lists of (x0, y0, x1, y1) segments."""
    x, y, half = placed.x, placed.y, CARD_W / 2
    for manager, kids in placed.children.items():
        if not kids:
            continue
        mx, bottom = x[manager] + half, y[manager] + CARD_H
        if manager in placed.hanging:  # down the left of the cards, across to each report
            spine = x[manager] + HANG_INDENT / 2
            middles = [y[k] + CARD_H / 2 for k in kids]
            yield [(spine, bottom, spine, middles[-1])] + [
                (spine, m, x[k], m) for k, m in zip(kids, middles, strict=True)
            ]
        elif manager in placed.stacked:  # down the middle, out to each column
            middles = [y[k] + CARD_H / 2 for k in kids]
            segments = [(mx, bottom, mx, middles[-1])]
            for i, (kid, middle) in enumerate(zip(kids, middles, strict=True)):
                segments.append((mx, middle, x[kid] if i % 2 else x[kid] + CARD_W, middle))
            yield segments
        else:  # down to a bar half-way to the reports' row, down to each report
            bus, below = bottom + LEVEL_GAP / 2, bottom + LEVEL_GAP
            centres = [x[k] + half for k in kids]
            segments = [(mx, bottom, mx, bus)]
            if len(kids) > 1:
                segments.append((min(centres), bus, max(centres), bus))
            yield segments + [(c, bus, c, below) for c in centres]


def _links(placed):
    for segments in connectors(placed):
        path = [command for x0, y0, x1, y1 in segments for command in (("M", x0, y0), ("L", x1, y1))]
        xs = [v for seg in segments for v in (seg[0], seg[2])]
        ys = [v for seg in segments for v in (seg[1], seg[3])]
        yield _Item(min(xs) - 1, min(ys), max(xs) + 1, max(ys), _link_drawer(path))


def _dotted_lines(placed, pairs):
    x, y, half = placed.x, placed.y, CARD_W / 2
    for sub, boss in pairs:
        if sub not in x or boss not in x or sub == boss:
            continue
        # A quarter card off centre (as chart.js draws it, clear of the solid lines), from the
        # subordinate to its dotted-line superior, with an arrowhead at the superior: up from the
        # top to a superior above, down from the bottom to one below, over the top if level.
        sx, tx = x[sub] + half + CARD_W / 4, x[boss] + half + CARD_W / 4
        if y[boss] + CARD_H <= y[sub]:
            sy, start, ty, arrive = y[sub], -1, y[boss] + CARD_H + 3, -1
        elif y[boss] >= y[sub] + CARD_H:
            sy, start, ty, arrive = y[sub] + CARD_H, 1, y[boss] - 3, 1
        else:
            sy, start, ty, arrive = y[sub], -1, y[boss] - 3, 1
        bend = max(40, abs(sy - ty) / 2)
        c1, c2, tip = sy + start * bend, ty - arrive * bend, ty - arrive * 8
        curve = [("M", sx, sy), ("C", sx, c1, tx, c2, tx, tip)]
        head = [("M", tx - 5, tip), ("L", tx, ty), ("L", tx + 5, tip), ("Z",)]
        top, bottom = min(sy, ty, c1, c2), max(sy, ty, c1, c2)
        yield _Item(min(sx, tx) - 6, top, max(sx, tx) + 6, bottom, _dotted_drawer(curve, head))


def chart_scene(data):
    """Lay out chart_data's output (hanging branches as hang_size() picks) and list what to draw."""
    nodes = {n["id"]: n for n in chart_nodes(data)}
    pairs = [(n["id"], n["parentId"]) for n in nodes.values()]
    placed = layout(pairs, hang_size(pairs))
    has_dotted = {a for a, _b in data["dotted"]}
    x, y = placed.x, placed.y
    cards = [
        _Item(x[i], y[i], x[i] + CARD_W, y[i] + CARD_H, _card_drawer(n, x[i], y[i], i in has_dotted))
        for i, n in nodes.items()
    ]
    return Scene(placed, [*_links(placed), *cards, *_dotted_lines(placed, data["dotted"])])


# ---------------------------------------------------------------------------------------- SVG
def chart_svg(data, title=None):
    """The whole chart (chart_data's output) as a standalone SVG document, at full size.

    1 user unit is 1 CSS px; the root has width, height and a viewBox, so CSS may scale it
    (the handbook sets its width). Text is in "Noto Sans CJK SC"; every role, department and
    grade name is XML-escaped, colours are checked, there are no ids, and nothing outside the
    file is referred to. The same markup renders in browsers, CairoSVG and WeasyPrint.
    """
    return _chart_document(data, title)[0]


def _chart_document(data, title=None):
    """(SVG text, width, height) of the whole chart."""
    title = title or _("Org chart")
    scene = chart_scene(data)
    if not scene.items:
        width, height = text_width(_("No roles yet."), 14) + 2 * MARGIN, 64
    else:
        width, height = scene.size
    canvas = SvgCanvas()
    canvas.rect(0, 0, width, height, fill="#ffffff")
    if scene.items:
        scene.draw(canvas, _labels())
    else:
        canvas.text(MARGIN, 37, 14, _("No roles yet."), MUTED)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" font-family={quoteattr(FONT)} role="img" aria-label={_attr(title)}>'
        f"<title>{_xml(title)}</title>{''.join(canvas.parts)}</svg>"
    )
    return svg, width, height


# ---------------------------------------------------------------------------------------- PNG
PNG_SCALE = 2
PNG_MAX_PIXELS = 40_000_000
PNG_MAX_SIDE = 32_000  # Cairo cannot draw beyond 32,767 px a side


def png_scale(width, height):
    """The raster scale: 2x, unless that passes PNG_MAX_PIXELS in all or PNG_MAX_SIDE a side."""
    return min(PNG_SCALE, math.sqrt(PNG_MAX_PIXELS / (width * height)), PNG_MAX_SIDE / width, PNG_MAX_SIDE / height)


def chart_png(data):
    """The chart as a PNG at 2 pixels per CSS px, so text stays sharp on high-DPI screens and
    zoomed in to 200%; drawn by Cairo, as CairoSVG would draw chart_svg, but without parsing the
    markup first (2.5 times faster at 2,000 roles).

    Pixel cap: a large tree is drawn smaller so the image stays under 40 megapixels (about 160 MB
    of memory while drawing) and 32,000 px a side. Up to a few hundred roles that is still 2x; a
    2,000-role chart comes out at roughly 0.4x, too small to read its cards. The SVG and the PDF
    are vector and have no such limit: use those for big charts (the PNG is for slides and chat).
    """
    import io

    import cairocffi

    scene = chart_scene(data)
    width, height = scene.size if scene.items else (text_width(_("No roles yet."), 14) + 2 * MARGIN, 64)
    scale = png_scale(width, height)
    surface = cairocffi.ImageSurface(cairocffi.FORMAT_RGB24, math.ceil(width * scale), math.ceil(height * scale))
    context = cairocffi.Context(surface)
    context.set_source_rgb(1, 1, 1)
    context.paint()
    context.scale(scale, scale)
    canvas = CairoCanvas(context)
    if scene.items:
        scene.draw(canvas, _labels())
    else:
        canvas.text(MARGIN, 37, 14, _("No roles yet."), MUTED)
    output = io.BytesIO()
    surface.write_to_png(output)
    return output.getvalue()


# ---------------------------------------------------------------------------------------- PDF
PX_PER_MM = 96 / 25.4
PAGE_W, PAGE_H = 420, 297  # A3 landscape, mm
PAGE_MARGIN = 10
HEADER = 14  # mm above the drawing on every page
OVERLAP = 10  # mm shown on both of two neighbouring pages
SMALLEST_TEXT_PX = 10.5  # the badges; stats labels are 11 px, titles 15 px
MIN_TEXT_PT = 5
MIN_SCALE = MIN_TEXT_PT / (SMALLEST_TEXT_PX * 0.75)  # ~0.63: any smaller and text is under 5 pt
AREA_W = (PAGE_W - 2 * PAGE_MARGIN) * PX_PER_MM  # the drawing's room on a page, CSS px
AREA_H = (PAGE_H - 2 * PAGE_MARGIN - HEADER) * PX_PER_MM


@dataclass(frozen=True)
class Tiling:
    scale: float  # page px per chart px
    columns: int
    rows: int
    x0: float  # chart coordinates at the grid's top-left corner
    y0: float

    @property
    def count(self):
        return self.columns * self.rows

    def window(self, row, column):
        """The part of the chart (x, y, w, h) that page (row, column) shows."""
        overlap = OVERLAP * PX_PER_MM
        step_x, step_y = (AREA_W - overlap) / self.scale, (AREA_H - overlap) / self.scale
        return self.x0 + column * step_x, self.y0 + row * step_y, AREA_W / self.scale, AREA_H / self.scale


def plan_pages(width, height):
    """One page when the whole chart fits with its smallest text at least MIN_TEXT_PT, else a grid.

    A fitted chart is never enlarged past 1:1. A grid is planned at the smallest legible scale,
    to need as few pages as possible, then drawn as large as that grid of pages allows.
    """
    fit = min(1.0, AREA_W / width, AREA_H / height)
    if fit >= MIN_SCALE:
        return Tiling(fit, 1, 1, -(AREA_W / fit - width) / 2, 0.0)
    overlap = OVERLAP * PX_PER_MM
    step_w, step_h = AREA_W - overlap, AREA_H - overlap
    columns = max(1, math.ceil((width * MIN_SCALE - overlap) / step_w))
    rows = max(1, math.ceil((height * MIN_SCALE - overlap) / step_h))
    scale = min(1.0, (columns * step_w + overlap) / width, (rows * step_h + overlap) / height)
    x0 = min(0.0, -((columns * step_w + overlap) / scale - width) / 2)  # centred on the grid
    y0 = min(0.0, -((rows * step_h + overlap) / scale - height) / 2) if rows > 1 else 0.0
    return Tiling(scale, columns, rows, x0, y0)


def _summary(data):
    """The interactive chart's own summary line (chart.js fills in its {names} the same way)."""
    col = {name: i for i, name in enumerate(data["columns"])}
    rows = data["rows"]
    values = {
        "roles": len(rows),
        "headcount": sum(r[col["headcount"]] for r in rows),
        "filled": sum(r[col["filled"]] for r in rows),
        "vacant": sum(max(r[col["headcount"]] - r[col["filled"]], 0) for r in rows),
    }
    text = _("{roles} roles · headcount {headcount} · filled {filled} · vacant {vacant}")
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def _page_header(canvas, title, note, where, tiling, row, column, used):
    """Title, summary and legend on the left; on a grid, the page's place and a map of the grid."""
    top = PAGE_MARGIN * PX_PER_MM
    left, right = top, (PAGE_W - PAGE_MARGIN) * PX_PER_MM
    canvas.text(left, top + 17, 17, title, INK, bold=True)
    canvas.text(left, top + 38, 12, note, MUTED)
    x = left + text_width(note, 12) + 18
    for label, colour, dash in ((_("direct line"), LINE, None), (_("dotted line"), DOTTED, DOTTED_DASH)):
        canvas.path([("M", x, top + 34), ("H", x + 28)], stroke=colour, width=2, dash=dash)
        canvas.text(x + 34, top + 38, 12, label, MUTED)
        x += 34 + text_width(label, 12) + 18
    if not where:
        return
    cell = min(10.0, 140 / tiling.columns, 42 / tiling.rows)
    map_left = right - cell * tiling.columns
    for r, c in used:
        here = (r, c) == (row, column)
        canvas.rect(map_left + c * cell + 0.5, top + r * cell + 0.5, cell - 1, cell - 1, 0,
                    "#2b5f8a" if here else "#ffffff", "#5f6b7a", 0.5)  # fmt: skip
    for i, line in enumerate(where):
        canvas.text(map_left - 10 - text_width(line, 12), top + 17 + i * 21, 12, line, INK if i == 0 else MUTED)


def chart_pdf(data, title=None, subtitle=""):
    """The chart on A3 landscape pages, vector throughout, drawn with Cairo (fonts embedded as
    CID subsets, text searchable).

    The whole chart goes on one page, scaled to fit, when its smallest text is still at least
    5 pt there (MIN_SCALE). A bigger chart is not shrunk into illegibility: it is tiled, as a
    poster, over a grid of A3 pages that overlap by 10 mm, at the largest scale that grid allows
    (never under 5 pt), and its lower branches hang in columns (hang_size) so the poster is close
    to square rather than a banner. Each page names its row and column and carries a small map of
    the grid; pages that would be blank are left out. Tiling was chosen over splitting the tree
    into one branch per page because the printout trims and tapes into the single picture of the
    organisation people ask for, every line still joined. Each page draws only the cards and lines
    it shows, so the file grows with the chart, not with chart x pages.
    """
    import io

    import cairocffi

    title = title or _("Org chart")
    heading = f"{title} · {subtitle}" if subtitle else title
    scene = chart_scene(data)
    labels = _labels()
    note = f"{_summary(data)} · {date_format(timezone.localdate(), 'DATE_FORMAT')}"
    tiling = plan_pages(*scene.size) if scene.items else Tiling(1.0, 1, 1, 0.0, 0.0)
    pages = [
        (row, column)
        for row in range(tiling.rows)
        for column in range(tiling.columns)
        if tiling.count == 1 or scene.shows_anything(tiling.window(row, column))
    ]
    output = io.BytesIO()
    surface = cairocffi.PDFSurface(output, PAGE_W * 72 / 25.4, PAGE_H * 72 / 25.4)
    surface.set_metadata(cairocffi.PDF_METADATA_TITLE, _NOT_XML.sub("", heading))
    surface.set_metadata(cairocffi.PDF_METADATA_CREATOR, _("RoleAtlas"))
    context = cairocffi.Context(surface)
    context.scale(0.75, 0.75)  # draw in CSS px
    canvas = CairoCanvas(context)
    top = (PAGE_MARGIN + HEADER) * PX_PER_MM
    for number, (row, column) in enumerate(pages, start=1):
        where = []
        if len(pages) > 1:
            values = {"number": number, "total": len(pages), "row": row + 1, "column": column + 1}
            where = [
                _("Page %(number)s of %(total)s · row %(row)s, column %(column)s") % values,
                _("Neighbouring pages overlap by %(mm)s mm.") % {"mm": OVERLAP},
            ]
        _page_header(canvas, heading, note, where, tiling, row, column, pages)
        context.save()
        context.rectangle(PAGE_MARGIN * PX_PER_MM, top, AREA_W, AREA_H)
        context.clip()
        if scene.items:
            window = tiling.window(row, column)
            context.translate(PAGE_MARGIN * PX_PER_MM, top)
            context.scale(tiling.scale, tiling.scale)
            context.translate(-window[0], -window[1])
            scene.draw(canvas, labels, window)
        else:
            canvas.text(PAGE_MARGIN * PX_PER_MM, top + 20, 14, _("No roles yet."), MUTED)
        context.restore()
        context.show_page()
    surface.finish()
    return output.getvalue()


# ---------------------------------------------------------------------------------------- the view
FORMATS = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
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
        content = chart_png(data)
    else:
        content = chart_pdf(data, _("Org chart"), root.title if root else request.shop.company_name)
    response = download(content, f"{name}.{fmt}", FORMATS[fmt])
    response["Cache-Control"] = "private, no-cache"  # what it shows depends on who asks
    return response

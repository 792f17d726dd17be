"""What the chart shows: role cards, the solid lines to reports and the dotted lines, as a Scene to draw.

A Scene lists each drawn thing with its bounding box, so any canvas can draw all of it, or a
PDF page only what it shows.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..staffing import chart_nodes
from .layout import CARD_H, CARD_NAMES, CARD_W, HANG_INDENT, LEVEL_GAP, PEOPLE_LINE, Layout, layout
from .pages import hang_size
from .text import ellipsis, text_width, title_lines

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


def card_labels():
    """The words on the cards, in the reader's language; the interactive chart adds its own to them (views.chart_labels)."""
    return {
        "headcount": _("headcount"),
        "filled": _("filled"),
        "vacant": _("vacant"),
        "draft": _("draft"),
        "overstaffed": _("over headcount"),
        "dottedLine": _("dotted line"),
        "nobodyInPost": _("No one in post"),
        "morePeople": _("+{count}"),
    }


def card_names(people):
    """(names shown on a card, how many more): everyone when CARD_NAMES or fewer, else the first CARD_NAMES - 1
    and "+N" for the rest (a "+1" would take the room of the name it stands for)."""
    if len(people) <= CARD_NAMES:
        return [person[0] for person in people], 0
    return [person[0] for person in people[: CARD_NAMES - 1]], len(people) - CARD_NAMES + 1


def draw_card(canvas, node, x, y, labels, dotted=False):
    """One role's card with its top-left corner at (x, y): as .oc-card in chart.css; a node with
    "people" (chart data for readers who may see names) gets a line of names at the bottom."""
    headcount, filled = node["headcount"], node["filled"]
    vacant, over, draft = max(headcount - filled, 0), filled > headcount, node["draft"]
    people = node.get("people")
    height = CARD_H if people is None else CARD_H + PEOPLE_LINE
    title = str(node["title"])
    meta = " · ".join(str(part) for part in (node["department"]["name"], node["grade"]) if part)
    canvas.group(x, y, f"{title}\n{meta}" if meta else title)
    if draft:
        canvas.rect(0.5, 0.5, CARD_W - 1, height - 1, 8, "#fbfbfc", "#8b8f96", 1, (5, 3))
    else:
        canvas.rect(0.5, 0.5, CARD_W - 1, height - 1, 8, "#ffffff", "#e8a49c" if over else "#d5dbe2")
    canvas.stripe(height, _safe_colour(node["department"]["color"]))
    badges = []
    if draft:
        badges.append((labels["draft"], "#f3f4f6", "#8b8f96", "#555555", (3, 2)))
    if over:
        badges.append((labels["overstaffed"], DANGER, DANGER, "#ffffff", None))
    if dotted:
        badges.append((labels["dottedLine"], "#f5f0ff", DOTTED, DOTTED, (3, 2)))
    while sum(text_width(b[0], 10.5) + 16 for b in badges) > TEXT_ROOM - MIN_TITLE_ROOM:
        badges.pop()  # a long translation: the title keeps its room (the line and the numbers still tell)
    right = CARD_W - PAD_RIGHT
    for label, fill, stroke, ink, dash in reversed(badges):
        width = text_width(label, 10.5) + 12
        right -= width
        canvas.rect(right, 11, width, 16, 8, fill, stroke, 1, dash)
        canvas.text(right + 6, 22.8, 10.5, label, ink)
        right -= 4
    size, lines = title_lines(title, right - PAD_LEFT, TEXT_ROOM)
    ink = "#4b5563" if draft else INK
    if len(lines) == 1:
        canvas.text(PAD_LEFT, 25, size, lines[0], ink, bold=True)
        meta_y = 45
    else:
        canvas.text(PAD_LEFT, 21, size, lines[0], ink, bold=True)
        canvas.text(PAD_LEFT, 36, size, lines[1], ink, bold=True)
        meta_y = 53
    canvas.text(PAD_LEFT, meta_y, 12, ellipsis(meta, 12, TEXT_ROOM), MUTED)
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
    if people is not None:
        _draw_people(canvas, people, labels)
    canvas.end_group()


NAME_SIZE, CHIP_GAP, CHIP_PAD = 11, 4, 6


def _draw_people(canvas, people, labels):
    """The names line under the numbers: each shown name in a grey chip, then "+N" (as .oc-people)."""
    top = CARD_H  # the chips' top; the card ends PEOPLE_LINE lower
    if not people:
        canvas.text(PAD_LEFT, top + 13, NAME_SIZE, labels["nobodyInPost"], MUTED)
        return
    names, more = card_names(people)
    more_label = labels["morePeople"].format(count=more) if more else ""
    room = TEXT_ROOM - (text_width(more_label, NAME_SIZE) + CHIP_GAP if more else 0)
    each = (room - CHIP_GAP * (len(names) - 1)) / len(names) - 2 * CHIP_PAD  # a name's room if all are cut
    widths = [text_width(name, NAME_SIZE) for name in names]
    if sum(widths) + len(names) * (2 * CHIP_PAD + CHIP_GAP) - CHIP_GAP > room:
        names = [ellipsis(name, NAME_SIZE, each) for name in names]
        widths = [text_width(name, NAME_SIZE) for name in names]
    left = PAD_LEFT
    for name, width in zip(names, widths, strict=True):
        canvas.rect(left, top, width + 2 * CHIP_PAD, 17, 8.5, "#eef2f6")
        canvas.text(left + CHIP_PAD, top + 12.5, NAME_SIZE, name, INK)
        left += width + 2 * CHIP_PAD + CHIP_GAP
    if more:
        canvas.text(left, top + 12.5, NAME_SIZE, more_label, MUTED, bold=True)


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
    x, y, half, card_h = placed.x, placed.y, CARD_W / 2, placed.card_h
    for manager, kids in placed.children.items():
        if not kids:
            continue
        mx, bottom = x[manager] + half, y[manager] + card_h
        if manager in placed.hanging:  # down the left of the cards, across to each report
            spine = x[manager] + HANG_INDENT / 2
            middles = [y[k] + card_h / 2 for k in kids]
            yield [(spine, bottom, spine, middles[-1])] + [
                (spine, m, x[k], m) for k, m in zip(kids, middles, strict=True)
            ]
        elif manager in placed.stacked:  # down the middle, out to each column
            middles = [y[k] + card_h / 2 for k in kids]
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
    x, y, half, card_h = placed.x, placed.y, CARD_W / 2, placed.card_h
    for sub, boss in pairs:
        if sub not in x or boss not in x or sub == boss:
            continue
        # A quarter card off centre (as chart.js draws it, clear of the solid lines), from the
        # subordinate to its dotted-line superior, with an arrowhead at the superior: up from the
        # top to a superior above, down from the bottom to one below, over the top if level.
        sx, tx = x[sub] + half + CARD_W / 4, x[boss] + half + CARD_W / 4
        if y[boss] + card_h <= y[sub]:
            sy, start, ty, arrive = y[sub], -1, y[boss] + card_h + 3, -1
        elif y[boss] >= y[sub] + card_h:
            sy, start, ty, arrive = y[sub] + card_h, 1, y[boss] - 3, 1
        else:
            sy, start, ty, arrive = y[sub], -1, y[boss] - 3, 1
        bend = max(40, abs(sy - ty) / 2)
        c1, c2, tip = sy + start * bend, ty - arrive * bend, ty - arrive * 8
        curve = [("M", sx, sy), ("C", sx, c1, tx, c2, tx, tip)]
        head = [("M", tx - 5, tip), ("L", tx, ty), ("L", tx + 5, tip), ("Z",)]
        top, bottom = min(sy, ty, c1, c2), max(sy, ty, c1, c2)
        yield _Item(min(sx, tx) - 6, top, max(sx, tx) + 6, bottom, _dotted_drawer(curve, head))


def chart_scene(data):
    """Lay out chart_data's output (hanging branches as hang_size() picks) and list what to draw.
    Cards are PEOPLE_LINE taller when the data names the people in post."""
    nodes = {n["id"]: n for n in chart_nodes(data)}
    pairs = [(n["id"], n["parentId"]) for n in nodes.values()]
    card_h = CARD_H + PEOPLE_LINE if "people" in data["columns"] else CARD_H
    placed = layout(pairs, hang_size(pairs, card_h), card_h)
    has_dotted = {a for a, _b in data["dotted"]}
    x, y = placed.x, placed.y
    cards = [
        _Item(x[i], y[i], x[i] + CARD_W, y[i] + card_h, _card_drawer(n, x[i], y[i], i in has_dotted))
        for i, n in nodes.items()
    ]
    return Scene(placed, [*_links(placed), *cards, *_dotted_lines(placed, data["dotted"])])

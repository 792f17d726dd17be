"""Where every card goes: the pure tree layout (no database) and the card geometry it shares with chart.js.

layout() places a forest of cards top-down: a tidy tree, leaf reports stacked in pairs
(d3-org-chart's compact mode), and for big charts the lower branches hanging in indented columns.
"""

import math
from dataclasses import dataclass

# The card sizes and gaps, in SVG user units (CSS px at 1:1): defined here only. The interactive
# chart (chart.js) reads them from page_geometry(), in the chart page's #orgchart-geometry JSON.
CARD_W, CARD_H = 236, 98
PEOPLE_LINE = 30  # added to a card's height when it names the people in post (readers who may see names)
CARD_NAMES = 3  # names a card shows: all of up to this many people, else one fewer and "+N"
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
    """Card positions (top-left corners) and the drawing's size; every card is CARD_W x card_h."""

    x: dict
    y: dict
    children: dict  # id -> ids of its reports, in input order
    roots: list
    stacked: frozenset  # managers whose reports are stacked in pairs below them
    hanging: frozenset  # managers whose reports hang in one indented column below them
    width: float
    height: float
    card_h: float = CARD_H


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


def layout(nodes, hang=0, card_h=CARD_H):
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
    input gives the same positions. Every card is `card_h` tall (taller when it names people).
    """
    level, row = card_h + LEVEL_GAP, card_h + STACK_GAP  # LEVEL and ROW for cards of this height
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
            height = card_h + sum(HANG_GAP + box[k][1] for k in kids)
            box[node_id] = (width, height)
            slots = math.ceil(height / level)
            contours[node_id] = _Contour([-half] * slots, [width - half] * slots)
        elif not kids:
            box[node_id] = (CARD_W, card_h)
            contours[node_id] = _Contour([-half], [half])
        elif len(kids) >= STACK_MIN and not any(children[k] for k in kids):
            stacked.add(node_id)
            rows = math.ceil(len(kids) / 2)
            bottom = level + rows * row - STACK_GAP
            slots = math.ceil(bottom / level) - 1
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
            top = y[node_id] + card_h + HANG_GAP
            for kid in kids:
                x[kid], y[kid] = x[node_id] + HANG_INDENT, top
                top += box[kid][1] + HANG_GAP
        elif node_id in stacked:
            for i, kid in enumerate(kids):
                x[kid] = x[node_id] + (STACK_DX if i % 2 else -STACK_DX)
                y[kid] = y[node_id] + level + (i // 2) * row
        elif kids:
            for kid, offset in zip(kids, offsets[node_id], strict=True):
                x[kid], y[kid] = x[node_id] + offset, y[node_id] + level
    if not x:
        return Layout({}, {}, children, roots, frozenset(), frozenset(), 2 * MARGIN, 2 * MARGIN, card_h)
    left = min(x.values()) - half
    x = {k: round(v - left + MARGIN - half, 2) for k, v in x.items()}
    y = {k: round(v + MARGIN, 2) for k, v in y.items()}
    width = max(x.values()) + CARD_W + MARGIN
    height = max(y.values()) + card_h + MARGIN
    return Layout(x, y, children, roots, frozenset(stacked), frozenset(hanging), width, height, card_h)


def page_geometry():
    """The sizes the interactive chart (chart.js) lays its cards out with, as on the server."""
    return {
        "cardWidth": CARD_W,
        "cardHeight": CARD_H,
        "peopleLine": PEOPLE_LINE,
        "cardNames": CARD_NAMES,
        "levelGap": LEVEL_GAP,
        "siblingGap": SIBLING_GAP,
        "neighbourGap": NEIGHBOUR_GAP,
        "pairGap": PAIR_GAP,
        "stackGap": STACK_GAP,
        "margin": MARGIN,
    }

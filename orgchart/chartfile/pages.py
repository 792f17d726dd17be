"""The chart on A3 pages: one page when it stays legible, else a grid of overlapping pages (a poster).

hang_size() picks how much of a big tree hangs in columns so that poster is close to square.
"""

import math
from dataclasses import dataclass

from .layout import CARD_H, layout

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


HANG_SIZES = (2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25, 32, 40, 50, 64, 80, 100, 128, 160, 200, 256)


def hang_size(nodes, card_h=CARD_H):
    """The branch size `layout` should hang for this chart (see chart_pdf's docstring).

    0 (nothing hangs) when the tidy tree fits one A3 page legibly; else whichever of HANG_SIZES
    makes the printed poster's longest side shortest (a wall chart, not a 13-metre banner), then
    needs the fewest pages, the smaller size on a tie. Each try is one layout, a few ms at 2,000 roles.
    """

    def score(placed):
        plan = plan_pages(placed.width, placed.height)
        return max(plan.columns * PAGE_W, plan.rows * PAGE_H), plan.count

    best, best_score = 0, score(layout(nodes, card_h=card_h))
    if best_score[1] == 1:
        return 0
    for size in HANG_SIZES:
        if size >= len(nodes):
            break
        candidate = score(layout(nodes, size, card_h))
        if candidate < best_score:
            best, best_score = size, candidate
    return best

"""The chart as a PDF on A3 landscape pages, drawn by Cairo (the /orgchart.pdf download)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .canvas import CairoCanvas, printable
from .pages import AREA_H, AREA_W, HEADER, OVERLAP, PAGE_H, PAGE_MARGIN, PAGE_W, PX_PER_MM, Tiling, plan_pages
from .scene import DOTTED, DOTTED_DASH, INK, LINE, MUTED, card_labels, chart_scene
from .text import text_width


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
    labels = card_labels()
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
    surface.set_metadata(cairocffi.PDF_METADATA_TITLE, printable(heading))
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

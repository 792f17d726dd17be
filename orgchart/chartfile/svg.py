"""The chart as one self-contained SVG document (the /orgchart.svg download and the handbook's chart)."""

from django.utils.translation import gettext as _

from .canvas import SvgCanvas
from .layout import MARGIN
from .scene import MUTED, card_labels, chart_scene
from .text import text_width


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
        scene.draw(canvas, card_labels())
    else:
        canvas.text(MARGIN, 37, 14, _("No roles yet."), MUTED)
    return canvas.document(width, height, title), width, height

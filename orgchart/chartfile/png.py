"""The chart as a PNG, drawn by Cairo (the /orgchart.png download, for slides and chat)."""

import math

from django.utils.translation import gettext as _

from .canvas import CairoCanvas
from .layout import MARGIN
from .scene import MUTED, card_labels, chart_scene
from .text import text_width

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
        scene.draw(canvas, card_labels())
    else:
        canvas.text(MARGIN, 37, 14, _("No roles yet."), MUTED)
    output = io.BytesIO()
    surface.write_to_png(output)
    return output.getvalue()

"""Two canvases the chart is drawn on with the same few calls: SvgCanvas (SVG markup) and CairoCanvas."""

import math
import re
from xml.sax.saxutils import escape, quoteattr

# The chart is drawn through one of two canvases with the same few calls: SvgCanvas writes SVG
# markup (chart_svg), CairoCanvas draws straight onto a Cairo surface (the PNG and the PDF: no
# markup to parse, so a 2,000-role poster takes about a second, where WeasyPrint needs half a
# minute for the SVG's text and CairoSVG several seconds). Paths are lists of ("M", x, y), ("L", x, y),
# ("H", x), ("V", y), ("C", x1, y1, x2, y2, x, y) and ("Z",).
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
FONT_FACE = "Noto Sans CJK SC"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def printable(text):
    """User text without the characters XML 1.0 forbids (control characters, lone surrogates)."""
    return _NOT_XML.sub("", str(text))


def _xml(text):
    """User text as XML character data: escaped, characters XML 1.0 forbids dropped."""
    return escape(printable(text))


def _attr(text):
    """User text as a quoted XML attribute value."""
    return quoteattr(printable(text))


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

    def document(self, width, height, title):
        """What was drawn as a standalone SVG document, width x height CSS px, with its title."""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_num(width)}" height="{_num(height)}" '
            f'viewBox="0 0 {_num(width)} {_num(height)}" font-family={quoteattr(FONT)} role="img" aria-label={_attr(title)}>'
            f"<title>{_xml(title)}</title>{''.join(self.parts)}</svg>"
        )

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
        ctx.show_text(printable(string))
        ctx.new_path()

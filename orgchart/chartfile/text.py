"""How wide card text is, without a font at hand: advance widths, and cutting text to fit.

The estimate is the same for the SVG, PNG and PDF (and a little generous), so a title that fits
one file fits them all.
"""

import functools
import unicodedata

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


def ellipsis(text, size, room):
    if text_width(text, size) <= room:
        return text
    head, _rest = _cut(text, size, room - size)  # "…" is 1 em
    return head.rstrip() + "…"


def title_lines(title, room_first, room):
    """(font size, lines): one line at 15 or 13 px, else two lines at 12 px, the second cut short."""
    for size in (15, 13):
        if text_width(title, size) <= room_first:
            return size, [title]
    head, rest = _cut(title, 12, room_first)
    space = head.rfind(" ")
    if rest and not rest.startswith(" ") and space > 0 and head[-1].isascii() and rest[0].isascii():
        head, rest = head[:space], head[space + 1 :] + rest  # break Latin text between words
    return 12, [head.rstrip(), ellipsis(rest.strip(), 12, room)]

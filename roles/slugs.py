"""Readable web addresses for roles: the pinyin of a Chinese title, e.g. 数据分析专员 → shuju-fenxi-zhuanyuan.

`slug_from_title` is pure (title → base address); `unique_role_slug` adds -2, -3 … when the base is
taken. Only a role without an address gets one (services.save_role): existing addresses never change.
"""

import re
import unicodedata

from pypinyin import lazy_pinyin
from pypinyin.constants import PINYIN_DICT
from pypinyin.seg.mmseg import seg

SLUG_MAX_LENGTH = 80  # Role.slug's max_length
FALLBACK = "role"  # a title with nothing to spell (only punctuation or emoji)

_ASCII_WORD = re.compile(r"[a-z0-9]+")


def _is_han(char):
    return ord(char) in PINYIN_DICT


def _runs(text):
    """The text cut into runs of Han characters (True, run) and of everything else (False, run)."""
    runs = []
    for char in text:
        han = _is_han(char)
        if runs and runs[-1][0] == han:
            runs[-1][1].append(char)
        else:
            runs.append((han, [char]))
    return [(han, "".join(chars)) for han, chars in runs]


def _han_word_lengths(run):
    """How many characters each word of a Han run has.

    pypinyin's phrase list finds the words it knows (数据, 分析, 专员); the characters between them
    are paired (运营, 推广), an odd one out of three joins the last pair (设计师, 总经理), and a lone
    character joins the word before it (分析师), or after it at the start (直通车).
    """
    tokens = [len(token) for token in seg.cut(run)]
    words = []  # lengths, with None marking a lone character still to place
    singles = 0

    def flush():
        nonlocal singles
        if singles == 1:
            words.append(None)
        elif singles:
            pairs = [2] * (singles // 2)
            if singles % 2:
                pairs[-1] += 1
            words.extend(pairs)
        singles = 0

    for length in tokens:
        if length == 1:
            singles += 1
        else:
            flush()
            words.append(length)
    flush()
    placed = []
    for index, length in enumerate(words):
        if length is not None:
            placed.append(length)
        elif placed:
            placed[-1] += 1
        elif index + 1 < len(words) and words[index + 1] is not None:
            words[index + 1] += 1
        else:
            placed.append(1)
    return placed


def _han_words(run):
    syllables = lazy_pinyin(run)
    if len(syllables) != len(run):  # not one syllable a character: spell each on its own
        syllables = [lazy_pinyin(char)[0] for char in run]
    words, start = [], 0
    for length in _han_word_lengths(run):
        words.append("".join(syllables[start : start + length]))
        start += length
    return words


def _ascii_words(text):
    """Latin letters and digits of a non-Han run, lower case, accents dropped (Café → cafe)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _ASCII_WORD.findall(plain)


def cut_at_word(slug, max_length):
    """The longest start of `slug` that ends at a word (between hyphens) and fits in max_length;
    a first word longer than that is cut inside."""
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    if cut[-1] != "-":
        cut = cut.rsplit("-", 1)[0] if "-" in cut else cut[:max_length]
    return cut.strip("-")[:max_length].strip("-")


def slug_from_title(title, max_length=SLUG_MAX_LENGTH):
    """The address a title reads as: pinyin words and Latin words, lower case, joined by hyphens.

    数据分析专员 → shuju-fenxi-zhuanyuan, KOL运营专员 → kol-yunying-zhuanyuan, 3D美工 → 3d-meigong.
    Always a valid Django slug of 1 to max_length characters (FALLBACK when nothing can be spelt).
    """
    text = unicodedata.normalize("NFKC", title or "")
    words = []
    for han, run in _runs(text):
        for word in _han_words(run) if han else [run]:
            words.extend(_ascii_words(word))
    return cut_at_word("-".join(words), max_length) or FALLBACK


def unique_role_slug(title):
    """slug_from_title, with -2, -3 … when another role has that address; two queries at most.

    Call it inside the tree lock (services.save_role) so two new roles cannot take the same address.
    """
    from .models import Role

    base = slug_from_title(title)
    if not Role.objects.filter(slug=base).exists():
        return base
    # Every candidate below starts with this (a shorter cut at a word boundary is a start of a longer one).
    prefix = cut_at_word(base, SLUG_MAX_LENGTH - 8)
    taken = set(Role.objects.filter(slug__startswith=prefix).values_list("slug", flat=True))
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = cut_at_word(base, SLUG_MAX_LENGTH - len(suffix)) + suffix
        if candidate not in taken:
            return candidate
        number += 1

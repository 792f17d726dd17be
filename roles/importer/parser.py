"""Turn the text of job descriptions (岗位说明书) into role cards. Pure functions: no database.

Three layouts are recognised, all of them found in the seed documents:

(a) The card layout: ``运营总监职责描述 部门… 职级… 上级… 下属… 主要职责… 职责1、… 工作经验…
    教育程度… 技能要求1、… 身体要求…``. Text pulled out of a table runs each label into its value
    without punctuation ("部门电子商务部职级运营总监"), so these labels are looked for in this order,
    each once: a label word inside a value ("反馈给上级领导") is not taken for a label. A list
    whose first item came out before its label ("1、熟悉…;技能要求2、自身的…") gets it back.
    A copy read column by column puts labels after their values ("商城部部门运营总监职级…"): its
    header is read that way, and the rest, whose word order the table scrambled, is kept as
    unrecognised text rather than guessed at.
(b) Headed lists: ``淘宝店长岗位职责:1.… 职位要求:1.…`` with the usual headings (岗位职责, 工作职责,
    职位职责, 职责描述, 职位描述; 任职要求, 职位要求, 资质要求, 要求; 考核; 待遇 …). A title comes
    from the text before the duties heading (淘宝店长岗位职责, 二、职位职能: 客服主管2名…岗位职责), or
    from a short line of its own just above a heading that has none.
(c) Numbered items in any common style: 1、 1. 1) 1 (a bare digit), 一、 一. (一) (1) ① and "- "
    bullets. Items must count up one by one, so a number inside an item ("2-3年", "45岁") is not a
    new item.

Nothing is dropped. Text under a heading the parser does not know ("薪资标准:") goes to the card's
`unrecognised` list, as does a list's tail after its numbering breaks off; text outside every
card (a document's introduction, the next document's title) goes to `ParseResult.outside`. A
short line standing alone without punctuation after a card's text is taken for the next
document's title, which ends the card.

The chain of command: a card naming several superiors (上级 运营总监、店长、推广主管) lists them from
the top down, so `Card.superiors` reverses them: nearest (the tree parent) first.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .errors import NotAJobDescription

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CN_DIGITS = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
MAX_TITLE = 20  # characters; a longer run before a heading is prose, not a title
HEADING_LINE_MAX = 30  # a line this short without punctuation may be a document's title

# Strict headings: each must stand apart from the text before it (start of a line, punctuation,
# a number such as "2.资质要求") and be followed by a colon, a line end or a first item.
HEADINGS = {
    "duties": ["岗位职责", "工作职责", "职位职责", "主要职责", "主要工作内容", "工作内容", "职责描述", "职责"],
    # A job description's "description" is its duties when it comes first, its requirements after them.
    "description": ["职位描述", "岗位描述"],
    "skills": ["任职要求", "职位要求", "岗位要求", "任职资格", "资质要求", "任职条件", "技能要求", "要求"],
    "experience": ["工作经验", "经验要求"],
    "education": ["教育程度", "学历要求", "教育背景"],
    "physical": ["身体要求"],
    "kpis": ["考核指标", "绩效考核", "考核"],
    "other": ["其他要求"],
    "benefits": ["福利待遇", "薪资待遇", "待遇"],
    "working_conditions": ["工作环境", "工作条件"],
    "department": ["所属部门", "部门"],
    "grade": ["职级"],
    "superiors": ["直接上级", "上级"],
    "subordinates": ["直接下属", "下属"],
}
WORD_FIELD = {word: name for name, words in HEADINGS.items() for word in words}
DUTY_FIELDS = ("duties", "description")
LIST_FIELDS = ("duties", "description", "skills", "kpis")

# The card layout's labels, in the order a card prints them (each looked for once, loosely).
CARD_HEADER = [("部门", "department"), ("职级", "grade"), ("上级", "superiors"), ("下属", "subordinates")]
CARD_BODY = [
    ("主要职责", "summary"),
    ("职责", "duties"),
    ("工作经验", "experience"),
    ("教育程度", "education"),
    ("技能要求", "skills"),
    ("身体要求", "physical"),
]
CARD_MARK = "职责描述"

_TITLE_CHAR = re.compile(rf"[{CJK}A-Za-z0-9/&+·]")
_HEADING_RE = re.compile("|".join(sorted(WORD_FIELD, key=len, reverse=True)))
_DUTY_RE = re.compile("|".join(sorted((w for w, f in WORD_FIELD.items() if f in DUTY_FIELDS), key=len, reverse=True)))
_FIRST_ITEM = rf"(?:\d|[{CN_DIGITS}]{{1,3}}\s*[、.．]|[((]\s*[\d{CN_DIGITS}]|[{CIRCLED}]|[-•·●▪])"
_AFTER_HEADING = re.compile(rf"[ ]*(?:[::][ ]*|(?=\n)|$|(?={_FIRST_ITEM}))")
# After a card's title and heading only a colon or a first item will do: "淘宝店长岗位职责:1.…",
# "岗位职责\n1、…". A line such as "淘宝各部门岗位职责" followed by prose is a document's title.
_AFTER_TITLED_HEADING = re.compile(rf"[ ]*(?:[::][ ]*|\n?[ ]*(?={_FIRST_ITEM}))")
_COLON_THEN_FIRST_ITEM = re.compile(r"[ ]*[::][ ]*(?:1|一|[((]\s*[1一]|①|[-•·●▪])")
# A number right before a heading or a title: "1.职责", "二、岗位职责", "(三)网店美工", "2工作内容";
# the number of a title needs its punctuation ("1.店长"; "1店长" is handled by _title_before).
_NUMBER_BEFORE = re.compile(
    rf"(?:(?P<cn>[{CN_DIGITS}]{{1,3}}\s*[、.．]|[((]\s*(?:\d{{1,2}}|[{CN_DIGITS}]{{1,3}})\s*[))]|[{CIRCLED}])"
    rf"|(?<![\d.])(?P<arabic>\d{{1,2}})\s*[、.．)）]?)[ ]*$"
)
# Between a title and its heading: "客服主管2名(一位白班一位晚班)岗位职责", "配送人员(前期负责…)主要工作内容".
_NOTE_BEFORE = re.compile(r"(?:(?P<count>\d{1,3})\s*名)?\s*(?P<note>[((][^()()\n]{1,30}[))])?[ ]*$")
_TITLE_PREFIX_BEFORE = re.compile(rf"(?:职位职能|职位名称|岗位名称|[{CJK}]{{1,8}}职位)[ ]*[::][ ]*$")
_UNKNOWN_HEADING = re.compile(
    rf"(?:^|(?<=[\n。!!;;]))[ ]*(?:[{CN_DIGITS}]{{1,3}}[、.．][ ]*)?(?P<word>[{CJK}A-Za-z]{{2,8}})[ ]*[::]"
)
# An unknown heading alone on its line, as Word copies a table's label cell: "\n薪资标准\n底薪3000元".
# Only words that end like a heading, so a title line ("店长") or a short duty stays what it is.
_UNKNOWN_LINE_HEADING = re.compile(
    rf"(?:^|(?<=\n))[ ]*(?:[{CN_DIGITS}]{{1,3}}[、.．][ ]*)?"
    rf"(?P<word>[{CJK}]{{0,6}}(?:标准|待遇|福利|配置|时间|条件|地点|环境|备注|说明|薪资|薪酬|工资|考核))[ ]*(?=\n)"
)
_STRONG_LEFT = set("\n 。!!;;??::))】」")
_PUNCTUATION = re.compile(r"[。!!;;??::,,、()()\[\]【】=<>《》“”\"]")
_TITLE_SUFFIXES = ("岗位说明书", "职位说明书", "说明书", "岗位职责", "职位描述", "职责描述", "岗位", "职位")
_SPLIT_NAMES = re.compile(r"[、,,;;//\s]+")
_NONE_WORDS = {"无", "暂无", "没有", "-", "—", "/"}


@dataclass
class Unrecognised:
    """Text the parser kept but did not understand, under the heading it stood under."""

    heading: str
    text: str


@dataclass
class Card:
    """One job description as read from the text; every field is plain text or a list of it."""

    title: str = ""
    department: str = ""
    grade: str = ""
    superiors: list[str] = field(default_factory=list)  # nearest first
    subordinates: str = ""
    summary: str = ""
    duties: list[str] = field(default_factory=list)
    experience: str = ""
    education: str = ""
    skills: list[str] = field(default_factory=list)
    physical: str = ""
    kpis: list[str] = field(default_factory=list)
    other: str = ""
    benefits: str = ""
    working_conditions: str = ""
    headcount: int | None = None
    unrecognised: list[Unrecognised] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def label(self):
        return self.title or _("(untitled)")

    def has_content(self):
        """Whether anything besides the title and header was read."""
        texts = [self.summary, self.experience, self.education, self.physical, self.other, self.benefits]
        lists = [self.duties, self.skills, self.kpis, self.unrecognised]
        return any(texts + [self.working_conditions]) or any(lists)


@dataclass
class ParseResult:
    cards: list[Card]
    problems: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


def parse_cards(text):
    """The role cards in `text`; NotAJobDescription when there is none."""
    text, removed = normalise(str(text or ""))
    problems = []
    if removed:
        problems.append(
            ngettext(
                "Removed %(count)d stray question mark (a space or bullet lost when the document was converted).",
                "Removed %(count)d stray question marks (spaces or bullets lost when the document was converted).",
                removed,
            )
            % {"count": removed}
        )
    builder = _Builder(text)
    builder.run()
    if not builder.cards:
        raise NotAJobDescription(
            _(
                "No job description found. Expected a card such as “运营总监职责描述 部门… 职级… 职责1、…” "
                "or headed lists such as “岗位职责:1、… 任职要求:1、…”."
            )
        )
    return ParseResult(cards=builder.cards, problems=problems, outside=builder.outside_blocks())


# ----------------------------------------------------------------------------- normalising


def normalise(text):
    """Unify line ends and spaces; remove stray "?" left by converters. Returns (text, count removed)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff]", "", text)
    text = re.sub("[\t\u00a0\u2002\u2003\u3000]", " ", text)
    removed = 0

    def stray(match):
        nonlocal removed
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if _is_ascii_letter(before) and not _is_cjk(after) and not after.isalnum():
            return match.group()  # an English question: "Why? Because…"
        removed += len(match.group())
        return " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""

    text = re.sub(r"\?+", stray, text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text, removed


def _is_ascii_letter(char):
    return char.isascii() and char.isalpha()


def _is_cjk(char):
    return bool(char) and not char.isascii()


def join_lines(text):
    """Text of several lines or paragraphs as one line: no space between Chinese characters."""
    parts = [p.strip() for p in re.split(r"\s*\n\s*", text.strip()) if p.strip()]
    out = ""
    for part in parts:
        if out and (_is_cjk(out[-1]) or _is_cjk(part[0])):
            out += part
        elif out:
            out += " " + part
        else:
            out = part
    return re.sub(r"[ ]{2,}", " ", out)


def trim(text, characters):
    """The text without any of `characters` at either end."""
    characters = re.escape(characters)
    return re.sub(rf"^[{characters}]+|[{characters}]+$", "", text)


def clean_item(text):
    """One list item: on one line, without the punctuation that ended it."""
    return trim(join_lines(text), "。;;,,、 ")


def split_names(text):
    """Role titles listed in one field ("运营总监、店长、推广主管"), in their order; "无" is none."""
    names = [trim(n, "。.:: ") for n in _SPLIT_NAMES.split(text or "")]
    return [n for n in names if n and n not in _NONE_WORDS]


# ----------------------------------------------------------------------------- numbered lists

_FAMILIES = ("arabic", "bare", "cn", "paren", "circled", "bullet")


def _cn_number(n):
    if n <= 10:
        return CN_DIGITS[n - 1]
    if n < 20:
        return "十" + (CN_DIGITS[n - 11] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return CN_DIGITS[tens - 1] + "十" + (CN_DIGITS[ones - 1] if ones else "")


def _number_pattern(family, n):
    """A regex for item number n of a numbering family."""
    if family == "arabic":
        return re.compile(rf"(?<![\d.]){n}(?:[ ]*[、.．)）](?!\d)|[ ](?=[^\s\d]))[ ]*")
    if family == "bare":
        return re.compile(rf"(?<![\d.]){n}(?=[{CJK}])")
    if family == "cn":
        return re.compile(rf"(?<![{CN_DIGITS}]){_cn_number(n)}[ ]*[、.．][ ]*")
    if family == "paren":
        return re.compile(rf"[((][ ]*(?:{n}|{_cn_number(n)})[ ]*[))][ ]*")
    if family == "circled":
        return re.compile(CIRCLED[n - 1] + "[ ]*") if n <= len(CIRCLED) else re.compile(r"(?!x)x")
    return re.compile(r"(?:^|(?<=[\n;;。::]))[ ]*[-•·●▪][ ]*")


_ITEM_START = re.compile(
    rf"(?:^|(?<=[\n。;;::!!]))[ ]*(?:"
    rf"(?P<paren>[((][ ]*(?P<pn>\d{{1,2}}|[{CN_DIGITS}]{{1,3}})[ ]*[))])"
    rf"|(?P<arabic>(?P<an>\d{{1,2}})(?:[ ]*[、.．)）](?!\d)|[ ](?=[^\s\d])))"
    rf"|(?P<cn>(?P<cnn>[{CN_DIGITS}]{{1,3}})[ ]*[、.．])"
    rf"|(?P<circled>[{CIRCLED}])"
    rf"|(?P<bullet>[-•·●▪])"
    rf"|(?P<bare>(?P<bn>\d{{1,2}})(?=[{CJK}]))"
    rf")"
)


def _cn_value(numeral):
    for n in range(1, 100):
        if _cn_number(n) == numeral:
            return n
    return None


def _first_item(text):
    """(family, number, match) of the first item marker that starts the text or a line, or None."""
    for match in _ITEM_START.finditer(text):
        if match.group("paren"):
            value = match.group("pn")
            return "paren", int(value) if value.isdigit() else _cn_value(value), match
        if match.group("arabic"):
            return "arabic", int(match.group("an")), match
        if match.group("cn"):
            return "cn", _cn_value(match.group("cnn")), match
        if match.group("circled"):
            return "circled", CIRCLED.index(match.group("circled")) + 1, match
        if match.group("bullet"):
            return "bullet", None, match
        if match.group("bare"):
            return "bare", int(match.group("bn")), match
    return None


@dataclass
class ParsedList:
    items: list[str]
    first_number: int | None = None
    family: str = ""
    preamble: str = ""  # text before the first item
    tail: str = ""  # text after the numbering broke off (a jump or a restart at a line start)


def parse_list(text):
    """A list's items, numbered in any style or one per paragraph (or line) when unnumbered."""
    text = text.strip()
    first = _first_item(text)
    if first is None or first[1] is None and first[0] != "bullet":
        return ParsedList(items=_unnumbered_items(text))
    family, number, match = first
    if number and number > 1:
        # "(熟练PS合成、调色及抠图)1、负责…;2、…": item 1 may follow text without punctuation.
        one = _number_pattern(family, 1).search(text, 0, match.start())
        if one:
            number, match = 1, one
    preamble = text[: match.start()].strip()
    starts = [(match.start(), match.end())]
    position, expected, stop = match.end(), (number or 0) + 1, len(text)
    while True:
        following = _number_pattern(family, expected).search(text, position)
        broken = _broken_numbering(text, position, following.start() if following else len(text), family)
        if broken is not None:
            stop = broken
            break
        if following is None:
            break
        starts.append((following.start(), following.end()))
        position, expected = following.end(), expected + 1
    items = []
    for i, (_start, body_start) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else stop
        items.append(clean_item(text[body_start:end]))
    return ParsedList(items=items, first_number=number, family=family, preamble=preamble, tail=text[stop:].strip())


def _broken_numbering(text, begin, end, family):
    """Where a line between begin and end starts with a number of the list's style that is not
    the next one (a jump, or a new list starting at 1), or None."""
    if family == "bullet":
        return None
    for match in re.finditer(r"\n[ ]*", text[begin:end]):
        found = _first_item(text[begin + match.end() : end])
        if found and found[0] == family and found[2].start() == 0:
            return begin + match.start()
    return None


def _unnumbered_items(text):
    if re.search(r"\n\s*\n", text):
        blocks = re.split(r"\n\s*\n", text)
    else:
        blocks = text.split("\n")
    return [item for item in (clean_item(b) for b in blocks) if item]


# ----------------------------------------------------------------------------- finding headings


@dataclass
class _Heading:
    start: int
    end: int  # where its content begins
    field: str  # a Card field, "unknown", or one of the special kinds below
    word: str


@dataclass
class _Start:
    """Where a card starts: its kind ("card", "scrambled", "headed"), title and heading."""

    start: int
    heading_end: int
    kind: str
    title: str = ""
    headcount: int | None = None
    staffing: str = ""
    problems: list[str] = field(default_factory=list)


def _title_before(text, end):
    """(start, title) of the run of title characters ending at `end` (digits before a title dropped)."""
    start = end
    while start > 0 and _TITLE_CHAR.match(text[start - 1]) and end - start <= 2 * MAX_TITLE:
        start -= 1
    run = text[start:end]
    # "身体健康4推广主管", "1店长": a number between a value and the next card's title is its ordinal.
    for match in reversed(list(re.finditer(r"\d+", run))):
        before = run[match.start() - 1] if match.start() else ""
        after = run[match.end()] if match.end() < len(run) else ""
        if _is_cjk(after) and (not before or _is_cjk(before)):
            return start + match.start(), run[match.end() :]
    return start, run


def _strip_title(title):
    for suffix in _TITLE_SUFFIXES:
        if title.endswith(suffix) and len(title) > len(suffix):
            return title[: -len(suffix)]
    return title


def _strong_left(text, position):
    return position == 0 or text[position - 1] in _STRONG_LEFT


def _number_before(text, position):
    """Where a list number right before `position` ("二、", "1.", "(三)") starts, or None."""
    match = _NUMBER_BEFORE.search(text, max(0, position - 12), position)
    return match.start() if match else None


def _find_starts(text):
    """Every place a titled card starts, in text order."""
    starts = []
    for match in re.finditer(CARD_MARK, text):
        start = _card_start(text, match)
        if start:
            starts.append(start)
    taken = [(s.start, s.heading_end) for s in starts]
    for match in _DUTY_RE.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        start = _headed_start(text, match)
        if start:
            starts.append(start)
    starts.sort(key=lambda s: s.start)
    kept = []
    for start in starts:
        if kept and start.start < kept[-1].heading_end:
            continue
        kept.append(start)
    return kept


def _card_start(text, match):
    """A card-layout start ("运营总监职责描述部门…"), or None."""
    rest = text[match.end() : match.end() + 80]
    if re.match(r"[\s::]*部门", rest):
        kind = "card"
        header = re.match(r"[\s::]*部门(.{1,30}?)职级(.{1,30}?)(?:上级|下属|主要职责)", rest, re.S)
        grade = header.group(2).strip() if header else ""
    else:
        value = rf"(?:(?!{CARD_MARK})[^\n。;;]){{1,20}}?"
        header = re.match(rf"[\s::]*({value})部门({value})职级", rest)
        if header is None:
            return None
        kind = "scrambled"
        grade = header.group(2).strip()
    start, title = _title_before(text, match.start())
    problems = []
    if len(title) > MAX_TITLE:
        if grade and title.endswith(grade):
            start, title = match.start() - len(grade), grade
        else:
            problems.append(_("The title “%(title)s” looks too long: check it.") % {"title": title})
    title = _strip_title(title.strip())
    if not title:
        return None
    return _Start(start=start, heading_end=match.end(), kind=kind, title=title, problems=problems)


def _headed_start(text, match):
    """A headed-list start with a title ("淘宝店长岗位职责:", "二、职位职能: 客服主管2名…岗位职责:"), or None."""
    after = _AFTER_TITLED_HEADING.match(text, match.end())
    if after is None:
        return None
    position = match.start()
    while position and text[position - 1] == " ":
        position -= 1
    number = _NUMBER_BEFORE.search(text, max(0, position - 12), position)
    if number and (number.group("cn") or re.search(r"[、.．)）]", number.group())) and number.start() > 0:
        if _TITLE_CHAR.match(text[number.start() - 1]):
            position = number.start()  # "一、店长1.职责": the "1." numbers the heading, the title is before it
    headcount, staffing = None, ""
    note = _NOTE_BEFORE.search(text, max(0, position - 40), position)
    if note and (note.group("count") or note.group("note")):
        headcount = int(note.group("count")) if note.group("count") else None
        staffing = note.group().strip()
        position = note.start()
    while position and text[position - 1] == " ":
        position -= 1
    title_start, title = _title_before(text, position)
    title = title.strip()
    if not title or len(title) > MAX_TITLE:
        return None
    start, strong = title_start, False
    prefix = _TITLE_PREFIX_BEFORE.search(text, max(0, start - 20), start)
    if prefix:
        start, strong = prefix.start(), True
    number_start = _number_before(text, start)
    if number_start is not None:
        start, strong = number_start, True
    if not strong and not _strong_left(text, start):
        return None
    return _Start(
        start=start,
        heading_end=after.end(),
        kind="headed",
        title=_strip_title(title),
        headcount=headcount,
        staffing=staffing,
    )


def _strict_headings(text, begin, end):
    """Headings that stand apart from the text around them, between begin and end."""
    found = []
    for match in _HEADING_RE.finditer(text, begin, end):
        word = match.group()
        after = _AFTER_HEADING.match(text, match.end(), end)
        if after is None:
            continue
        start = match.start()
        number_start = _number_before(text, start)
        if number_start is not None and number_start >= begin:
            start = number_start
        elif not (start == begin or not _TITLE_CHAR.match(text[start - 1])):
            if not _COLON_THEN_FIRST_ITEM.match(text, match.end(), end):
                continue
        found.append(_Heading(start, after.end(), WORD_FIELD[word], word))
    for pattern in (_UNKNOWN_HEADING, _UNKNOWN_LINE_HEADING):
        for match in pattern.finditer(text, begin, end):
            word = match.group("word")
            if _HEADING_RE.fullmatch(word):
                continue
            found.append(_Heading(match.start(), match.end(), "unknown", word))
    return found


def _card_layout_headings(text, begin, end):
    """The card layout's labels, each once and in order (the earliest of those still to come wins)."""
    order = CARD_HEADER + CARD_BODY
    patterns = {
        word: re.compile(rf"(?<!主要){word}(?=[ ]*(?:[::]|\n|$|{_FIRST_ITEM}))" if word == "职责" else re.escape(word))
        for word, _field in order
    }
    found, position, remaining = [], begin, list(order)
    while remaining:
        best = None
        for index, (word, name) in enumerate(remaining):
            match = patterns[word].search(text, position, end)
            if match and (best is None or match.start() < best[1].start()):
                best = (index, match, name)
        if best is None:
            break
        index, match, name = best
        content_start = match.end()
        colon = re.match(r"[ ]*[::][ ]*", text[content_start:end])
        if colon:
            content_start += colon.end()
        found.append(_Heading(match.start(), content_start, name, match.group()))
        position, remaining = match.end(), remaining[index + 1 :]
    return found


def _without_overlaps(headings):
    headings.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept = []
    for heading in headings:
        if kept and heading.start < kept[-1].end:
            continue
        kept.append(heading)
    return kept


# ----------------------------------------------------------------------------- building cards


def _is_heading_block(block):
    """A short block without punctuation: a document's title, not part of a card."""
    lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
    if not lines:
        return False
    for line in lines:
        if len(line) > HEADING_LINE_MAX or _PUNCTUATION.search(line) or _first_item(line):
            return False
    return True


def _cut_at_heading_block(content):
    """(content, rest): content ends before a title-like block that follows some text."""
    blocks = list(re.finditer(r"[^\n]+(?:\n[^\n]+)*", content))
    for block in blocks[1:]:
        if _is_heading_block(block.group()):
            return content[: block.start()], content[block.start() :]
    return content, ""


class _Builder:
    """Walks the text once: card starts split it into segments, headings split segments into sections."""

    def __init__(self, text):
        self.text = text
        self.cards = []
        self.outside = []
        self.outside_end = -1  # where the last outside text ends, to find a title just above a heading
        self.card = None
        self.card_start = self.card_end = 0  # the current card's text, kept if it turns out empty
        self.sections = []  # (field, word, content) of the current card

    def run(self):
        starts = _find_starts(self.text)
        bounds = [s.start for s in starts] + [len(self.text)]
        self._segment(0, bounds[0], None)
        for start, end in zip(starts, bounds[1:], strict=True):
            self._segment(start.start, end, start)
        self._close()

    def outside_blocks(self):
        blocks = []
        for chunk in self.outside:
            blocks.extend(b.strip() for b in re.split(r"\n\s*\n", chunk) if b.strip())
        return blocks

    def _keep_outside(self, chunk, end):
        if chunk.strip():
            self.outside.append(chunk)
            self.outside_end = end

    # -- segments

    def _segment(self, begin, end, start):
        text = self.text
        self._close()
        if start is None:
            self._sections(_without_overlaps(_strict_headings(text, begin, end)), begin, end)
            return
        self.card = Card(title=start.title, headcount=start.headcount, problems=list(start.problems))
        self.card_start = self.card_end = start.start
        if start.staffing:
            heading = _("Staffing") if start.headcount else _("Note")
            self.card.unrecognised.append(Unrecognised(heading, start.staffing))
        if start.kind == "scrambled":
            self._scrambled(start.heading_end, end)
            return
        if start.kind == "card":
            loose = _card_layout_headings(text, start.heading_end, end)
            strict = _strict_headings(text, start.heading_end, end)
            headings = _without_overlaps(loose + [h for h in strict if not _overlaps_any(h, loose)])
            begin = start.heading_end
        else:
            word = self._duty_word(start)
            first = _Heading(start.start, start.heading_end, WORD_FIELD[word], word)
            headings = [first] + _without_overlaps(_strict_headings(text, start.heading_end, end))
            begin = start.start
        self._sections(headings, begin, end)

    def _duty_word(self, start):
        words = _DUTY_RE.findall(self.text, start.start, start.heading_end)
        return words[-1] if words else "职责"

    def _scrambled(self, begin, end):
        """Header read with each label after its value; the body kept whole as unrecognised text."""
        text = self.text[begin:end]
        self.card_end = end
        position = re.match(r"[\s::]*", text).end()
        for word, name in CARD_HEADER:
            index = text.find(word, position, position + 40)
            if index < 0:
                break
            self._set_header(name, text[position:index])
            position = index + len(word)
        body, rest = _cut_at_heading_block(text[position:])
        body = join_lines(body)
        if body:
            self.card.unrecognised.append(Unrecognised(_("Text in scrambled order"), body))
        self.card.problems.append(
            _(
                "The labels of this card come after their values (a table read column by column): its department, "
                "grade, superiors and subordinates were read, the rest is kept as unrecognised text."
            )
        )
        self._close()
        if rest.strip():
            rest_begin = end - len(rest)
            self._sections(_without_overlaps(_strict_headings(self.text, rest_begin, end)), rest_begin, end)

    # -- sections

    def _sections(self, headings, begin, end):
        text = self.text
        first = headings[0].start if headings else end
        if self.card is None:
            self._keep_outside(text[begin:first], first)
        elif text[begin:first].strip():
            self.card.unrecognised.append(Unrecognised("", join_lines(text[begin:first])))
        for i, heading in enumerate(headings):
            stop = headings[i + 1].start if i + 1 < len(headings) else end
            self._section(heading, text[heading.end : stop], text[heading.start : stop], stop)

    def _section(self, heading, content, raw, stop):
        if self.card is None:
            if heading.field in DUTY_FIELDS and content.strip():
                self._start_untitled(heading)
            else:
                self._keep_outside(raw, stop)
                return
        elif heading.field == "duties" and content.strip() and self._has_duties():
            # A second duties heading starts the next job description ("description" after duties
            # is the requirements, see _fill).
            self._close()
            self._start_untitled(heading)
        cut = not (heading.field in LIST_FIELDS and _first_item(content.strip()) is None)
        rest = ""
        if cut:
            content, rest = _cut_at_heading_block(content)
        self.sections.append((heading.field, heading.word, content))
        self.card_end = stop - len(rest)
        if rest.strip():
            self._close()
            self._keep_outside(rest, stop)

    def _has_duties(self):
        return any(name in DUTY_FIELDS and content.strip() for name, _word, content in self.sections)

    def _start_untitled(self, heading):
        """A duties heading with no title of its own: the title is a short line just above it, if any."""
        title = ""
        if self.outside and self.outside_end == heading.start and _strong_left(self.text, heading.start):
            before = self.outside[-1].rstrip()
            lines = before.split("\n")
            candidate = lines[-1].strip()
            if candidate and len(candidate) <= MAX_TITLE and not _PUNCTUATION.search(candidate):
                title = _strip_title(candidate)
                self.outside[-1] = "\n".join(lines[:-1])
        self.card = Card(title=title)
        self.card_start = self.card_end = heading.start
        if not title:
            self.card.problems.append(_("No title found for this job description: it will not be imported."))

    # -- finishing a card

    def _close(self):
        card = self.card
        if card is None:
            return
        sections = _move_leading_items(self.sections)
        for name, word, content in sections:
            self._fill(card, name, word, content)
        if card.has_content():
            self.cards.append(card)
        else:  # a title with nothing under it: a document's heading
            self._keep_outside(self.text[self.card_start : self.card_end], self.card_end)
        self.card, self.sections = None, []

    def _fill(self, card, name, word, content):
        if not content.strip():
            return
        if name == "description":
            name = "skills" if card.duties else "duties"
        if name == "unknown":
            card.unrecognised.append(Unrecognised(word, join_lines(content)))
            return
        if name in CARD_FIELDS_HEADER:
            if getattr(card, name):
                self._repeated(card, word, content)
            else:
                self._set_header(name, content, card)
            return
        if name in LIST_FIELDS:
            if getattr(card, name):
                self._repeated(card, word, content)
                return
            parsed = parse_list(content)
            setattr(card, name, parsed.items)
            if parsed.preamble:
                card.unrecognised.append(Unrecognised(word, join_lines(parsed.preamble)))
            if parsed.tail:
                card.unrecognised.append(Unrecognised(_("Text after the numbered list"), join_lines(parsed.tail)))
                card.problems.append(
                    _("The numbering under “%(heading)s” breaks off; the text after it is kept as unrecognised.")
                    % {"heading": word}
                )
            return
        if getattr(card, name):
            self._repeated(card, word, content)
            return
        setattr(card, name, join_lines(content))

    def _repeated(self, card, word, content):
        card.unrecognised.append(Unrecognised(word, join_lines(content)))
        card.problems.append(
            _("The heading “%(heading)s” appears more than once; the later text is kept as unrecognised.")
            % {"heading": word}
        )

    def _set_header(self, name, value, card=None):
        card = card or self.card
        value = trim(join_lines(value), " ::。;;,,")
        if name == "superiors":
            card.superiors = list(reversed(split_names(value)))
        else:
            setattr(card, name, value)


CARD_FIELDS_HEADER = ("department", "grade", "superiors", "subordinates")


def _overlaps_any(heading, others):
    return any(heading.start < o.end and o.start < heading.end for o in others)


def _move_leading_items(sections):
    """A list that starts at item n > 1 takes items 1…n-1 back from the end of the section before it.

    ("教育程度大专以上学历…专业。1、熟悉淘宝商城…;技能要求2、自身的…": item 1 belongs to the skills.)
    """
    sections = list(sections)
    for i in range(1, len(sections)):
        name, word, content = sections[i]
        if name not in LIST_FIELDS:
            continue
        first = _first_item(content.strip())
        if first is None or not first[1] or first[1] < 2:
            continue
        family, number = first[0], first[1]
        before_name, before_word, before = sections[i - 1]
        for match in reversed(list(_ITEM_START.finditer(before))):
            found = _first_item(before[match.start() :])
            if not found or found[0] != family or found[1] != 1:
                continue
            moved = parse_list(before[match.start() :])
            if len(moved.items) == number - 1 and not moved.tail:
                sections[i - 1] = (before_name, before_word, before[: match.start()])
                sections[i] = (name, word, before[match.start() :].rstrip() + "\n" + content)
            break
    return sections

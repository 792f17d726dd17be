"""Values read out of a card's text, for the catalogue's fields. Pure functions: no database."""

import re
from decimal import Decimal

CN_NUMBERS = dict(zip("一二三四五六七八九十", range(1, 11), strict=True)) | {"两": 2}
_NUMBER = r"(\d+(?:\.\d+)?|十[一二三四五六七八九]?|[一二两三四五六七八九]十?[一二三四五六七八九]?|半)"
_YEARS = re.compile(_NUMBER + r"\s*(?:个)?\s*(年|月)")
_HALF_YEAR = re.compile(r"半年")
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*[-~～至到]\s*\d+(?:\.\d+)?\s*年")

# Education words, most advanced first: the first one found is the level a card asks for.
EDUCATION_WORDS = [
    ("doctor", ("博士",)),
    ("master", ("硕士", "研究生")),
    ("bachelor", ("本科", "学士")),
    ("associate", ("大专", "专科")),
    ("high_school", ("高中", "中专", "中技", "技校", "职高")),
    ("none", ("学历不限", "不限学历")),
]


def _number(word):
    if word[0].isdigit():
        return Decimal(word)
    if word == "半":
        return Decimal("0.5")
    if word.startswith("十"):
        return Decimal(10 + (CN_NUMBERS[word[1]] if len(word) > 1 else 0))
    value = Decimal(CN_NUMBERS[word[0]])
    if "十" in word:
        value = value * 10 + (CN_NUMBERS[word[-1]] if not word.endswith("十") else 0)
    return value


def experience_years(text):
    """Years of experience asked for: "三年以上" 3, "半年" 0.5, "三个月" 0.25, "2-3年" 2; None if none."""
    if not text:
        return None
    if _HALF_YEAR.search(text):
        return Decimal("0.5")
    match = _RANGE.search(text)
    if match:
        return Decimal(match.group(1))
    match = _YEARS.search(text)
    if match is None:
        return None
    value = _number(match.group(1))
    if match.group(2) == "月":
        value = (value / 12).quantize(Decimal("0.01"))
    return value.normalize() if value == value.to_integral() else value


def education_level(text):
    """The Requirement.Education value a text names (本科以上学历 → "bachelor"), or ""."""
    for level, words in EDUCATION_WORDS:
        if any(word in (text or "") for word in words):
            return level
    return ""


def split_education(text):
    """("本科以上学历", "电子商务、计算机相关专业") from "本科以上学历,电子商务、计算机相关专业。"."""
    text = re.sub(r"[。.;;]+$", "", (text or "").strip())
    parts = re.split(r"[,,;;]\s*", text, maxsplit=1)
    if len(parts) == 2 and "专业" in parts[1]:
        return parts[0].strip(), parts[1].strip()
    return text, ""


def split_kpi(text):
    """(name, how measured) of a KPI line: "管理考核:(客服工作质量考核,…)" → ("管理考核", "客服工作质量考核,…")."""
    text = text.strip()
    match = re.fullmatch(r"(.+?)\s*[::]?\s*[((](.+)[))]", text)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    match = re.fullmatch(r"(.{1,30}?)\s*[::]\s*(.+)", text)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return text, ""


# The seed's grade ladder (总监 > 经理/店长 > 主管 > 专员 > 员) with its levels: the grade a word
# names when the catalogue has no grade of that name yet (运营总监 → 总监, created at level 60).
RANKS = {"总经理": 70, "总监": 60, "经理": 50, "店长": 50, "主管": 40, "专员": 30, "员": 20}


def grade_aliases(grade_names):
    """{alias: grade name}: "经理/店长" answers to 经理 and 店长 as well as to its full name."""
    aliases = {}
    for name in grade_names:
        aliases.setdefault(name, name)
        for alias in re.split(r"[//、]", name):
            if alias.strip():
                aliases.setdefault(alias.strip(), name)
    return aliases


def grade_for(word, grade_names):
    """The grade a title or 职级 names: an existing grade, exactly or by its ending (运营总监 → 总监,
    仓库员 → 员), else a rank of RANKS by its ending (to be created); None if neither."""
    word = (word or "").strip()
    if not word:
        return None
    aliases = grade_aliases(grade_names)
    if word in aliases:
        return aliases[word]
    endings = [alias for alias in aliases if word.endswith(alias)]
    if endings:
        return aliases[max(endings, key=len)]
    ranks = [rank for rank in RANKS if word.endswith(rank)]
    return max(ranks, key=len) if ranks else None


def pick_grade(value, title, superiors, grade_names):
    """(grade name or None, why) for a card: from its 职级, else from its title.

    A 职级 that is also one of the card's own superiors (推广专员: 职级 店长, 上级 …店长…) is a copy
    error of the source: the title decides instead (专员). `why` is "" when the 职级 names a grade,
    else "copy_error", "from_title", "new" (a 职级 that names no grade or rank: the caller creates a
    grade of that name) or "none" (nothing to go by).
    """
    value = (value or "").strip()
    from_title = grade_for(title, grade_names)
    named = grade_for(value, grade_names)
    if value and value in superiors and from_title and from_title != named:
        return from_title, "copy_error"
    if value:
        return (named, "") if named else (None, "new")
    if from_title:
        return from_title, "from_title"
    return None, "none"


def free_level(wanted, used):
    """The level for a new grade: `wanted` if free, else the nearest free level below it (or above)."""
    for level in [*range(wanted, 0, -1), *range(wanted + 1, 32767)]:
        if level not in used:
            return level
    raise ValueError("no free grade level")

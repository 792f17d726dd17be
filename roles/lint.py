"""Compliance and quality checks of job descriptions (the job-description lint).

Pure rules over plain data: no database access. `roles/linting.py` reads the facts from the
database; this module only judges them. Discrimination patterns are written to match the
*requirement* shape of a phrase (男性优先, 限本地户口, 年龄35岁以下), not a bare keyword, so that
duties such as 客户性别分析 or 负责民族品牌推广 pass.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import bands, rules


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self):
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    @property
    def label(self):
        return {"error": _("error"), "warning": _("warning"), "info": _("note")}[self.value]


class KPIFact(NamedTuple):
    name: str
    weight: Decimal | None = None


@dataclass(frozen=True)
class RoleFacts:
    """One role as the lint sees it.

    `requirements` and `extra_texts` are (field name, text) pairs, e.g. ("physical", "身体健康");
    `grade_rank` is Grade.level (higher is more senior); `pay_grade` is the number of its 职等 and
    `band` that pay grade's band (bands.Band); `target_pay` is the pay its rules compute for the target
    month (roles.paycost.reference_pays), None without a pay scheme and base salary.
    """

    slug: str
    title: str = ""
    grade_rank: int | None = None
    grade_name: str = ""
    superior_slug: str | None = None
    summary: str = ""
    duties: tuple[str, ...] = ()
    requirements: tuple[tuple[str, str], ...] = ()
    skills: tuple[str, ...] = ()
    kpis: tuple[KPIFact, ...] = ()
    extra_texts: tuple[tuple[str, str], ...] = ()
    pay_min: Decimal | None = None
    pay_max: Decimal | None = None
    direct_subordinates: int = 0
    pay_grade: int | None = None
    band: bands.Band | None = None
    target_pay: Decimal | None = None


@dataclass(frozen=True)
class PayGradeFacts:
    """One pay grade (职等) as the band rules see it."""

    number: int
    name: str
    band: bands.Band


@dataclass(frozen=True)
class LintSettings:
    max_span: int = 10
    # The usual overlap of a band with the next higher one, in percent (the shop profile's).
    band_overlap_min: Decimal = Decimal("0")
    band_overlap_max: Decimal = Decimal("50")


@dataclass(frozen=True)
class LintContext:
    superior: RoleFacts | None = None
    settings: LintSettings = field(default_factory=LintSettings)


@dataclass(frozen=True)
class Finding:
    role: str
    rule: str
    severity: Severity
    field: str
    text: str
    message: str
    law: str = ""
    suggestion: str = ""

    def as_dict(self):
        return {
            "role": self.role,
            "rule": self.rule,
            "severity": str(self.severity),
            "field": self.field,
            "text": self.text,
            "message": self.message,
            "law": self.law,
            "suggestion": self.suggestion,
        }


# --- Discrimination -------------------------------------------------------------------------

# A sentence ends at these; the quoted text of a finding is one sentence.
_SENTENCE = re.compile(r"[^。;\uff1b!\uff01?\uff1f\n\r]+")
# Within a sentence, a negation (不限, 不分 …) only reaches to the previous comma.
_CLAUSE_BREAK = re.compile(r"[,\uff0c]")
# The parts a neutral rewording replaces or drops.
_PART_BREAK = re.compile(r"([,\uff0c、])")
_NEGATORS = re.compile(r"不分|不论|无论|不问|不因|不以|不限|不受|尊重|一视同仁|平等|歧视")
_NEUTRAL_AFTER = re.compile(r"\s*[:\uff1a]?\s*(?:不限|均可|皆可|无要求|无限制|不作要求|不做要求|自由|无$)")
NEUTRAL_PHRASE = "能胜任岗位工作"

_REFUSE = r"(?:除外|勿扰|免谈|谢绝|不要|不招|不予考虑|不考虑|慎投)"
_REJECT = r"(?:不招|谢绝|不要|不收|拒收|拒绝|不接受)"
_CJK = r"[\u4e00-\u9fff]"
# 男/女 as a person (男性, 女士, 女生), taken whole so that a following word is judged once.
_SEX = r"(?>(?:男|女)(?:性|士|生|人)?)"
# …followed by a product or a customer group, it describes the business, not the candidate.
_NOT_A_CANDIDATE = rf"(?![男女装鞋包款表服帽袜靴裤裙]|用品|内衣|饰品|产品|商品|护肤|香水|{_CJK}{{0,2}}(?:用户|客户|人群|群体|顾客|消费者|买家|市场|模特))"
_PLACES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|"
    "四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古?|广西|西藏|宁夏|新疆|香港|澳门|东北|西北|"
    "本地|外地|外省|本市|本省|本区|本县|农村|城镇|城市|非农业?|农业"
)
_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern
    topic: bool = False  # a topic word (户籍要求) is neutral when 不限 / 均可 follows
    requirements_only: bool = False  # only in requirement fields (身体要求, 技能要求 …)
    age: bool = False  # an age expression; a lawful minimum age (年满18周岁) passes


def _p(pattern, **kwargs):
    return _Pattern(re.compile(pattern, re.IGNORECASE), **kwargs)


@dataclass(frozen=True)
class _Category:
    rule: str
    severity: Severity
    message: object  # lazy strings, evaluated when a finding is made
    law: object
    patterns: tuple
    replacement: str = ""  # the neutral wording of the offending part; empty means drop the part


CATEGORIES = (
    _Category(
        "gender",
        Severity.ERROR,
        gettext_lazy("Gender requirement: hiring may not be limited to one sex or favour one sex."),
        gettext_lazy(
            "Law on the Protection of Women's Rights and Interests (2022) art. 43; "
            "Employment Promotion Law art. 27; Labour Law arts. 12–13"
        ),
        (
            _p(
                rf"(?:仅限|只限|只招|只要|只收|只聘|限|要求|须为|需为|必须为|必须是|须是|应为|适合|招聘?)\s*{_SEX}{_NOT_A_CANDIDATE}"
            ),
            _p(rf"{_SEX}\s*优先"),
            _p(rf"{_SEX}\s*者?\s*{_REFUSE}"),
            _p(rf"性别\s*(?:要求|限制|限定)?\s*[:\uff1a为是]?\s*{_SEX}(?![男女])"),
            _p(r"(?:^|(?<=[,\uff0c、:\uff1a\s]))(?:男|女)(?:性|士|生)?(?=$|[,\uff0c、\s])", requirements_only=True),
        ),
    ),
    _Category(
        "marital-status",
        Severity.ERROR,
        gettext_lazy(
            "Marriage or childbirth requirement: marital or childbearing status may not be a hiring condition."
        ),
        gettext_lazy(
            "Law on the Protection of Women's Rights and Interests (2022) art. 43; Employment Promotion Law art. 27"
        ),
        (
            _p(
                rf"(?:已婚已育|已婚|未婚|已育|未育|已生育|未生育|单身者?优先){_NOT_A_CANDIDATE}"
                rf"|(?:[一二两三四五\d]年内)?(?:不得|不能|不可|不准|禁止|暂不|不)(?:结婚|生育|生子|要孩子|生孩子|生小孩|生二胎|生三胎)"
            ),
            _p(r"婚姻状况|婚育(?:状况|情况)?(?!假)|婚否", topic=True),
        ),
    ),
    _Category(
        "pregnancy",
        Severity.ERROR,
        gettext_lazy("Pregnancy condition: a pregnancy test or pregnancy may not be part of hiring."),
        gettext_lazy(
            "Law on the Protection of Women's Rights and Interests (2022) art. 43; Employment Promotion Law art. 27"
        ),
        (
            _p(
                r"孕检|验孕|妊娠(?:检查|测试|试验|检测)"
                r"|(?:未|无|没有|不得|不能|不可|不准|禁止|暂不)(?:怀孕|妊娠|备孕)"
                rf"|(?:怀孕|孕期|哺乳期|备孕)(?:中|期间?)?(?:女性|女士|妇女|者|的?员工|人员)?\s*{_REFUSE}"
                r"|(?:非|不在|不处于|未处于)(?:孕期|哺乳期)"
            ),
        ),
    ),
    _Category(
        "ethnicity",
        Severity.ERROR,
        gettext_lazy("Ethnic or racial requirement: candidates may not be chosen by ethnicity or race."),
        gettext_lazy(
            "Labour Law art. 12; Employment Promotion Law arts. 3, 26 and 28; "
            "Interim Regulations on the Human Resources Market art. 24"
        ),
        (
            _p(
                rf"汉族|种族|少数民族\s*(?:{_REFUSE}|优先)"
                rf"|(?:仅限|只限|只招|只要|限|要求|须为|需为){_CJK}{{1,3}}族(?!群)"
                rf"|{_CJK}{{1,3}}族人?\s*{_REFUSE}"
                rf"|{_REJECT}[\u4e00-\u9fff、]{{0,8}}?族(?!群)"
            ),
            _p(r"民族\s*(?:要求|限制|[:\uff1a])", topic=True),
        ),
    ),
    _Category(
        "religion",
        Severity.ERROR,
        gettext_lazy("Religious requirement: candidates may not be chosen by religious belief."),
        gettext_lazy(
            "Labour Law art. 12; Employment Promotion Law arts. 3 and 26; "
            "Interim Regulations on the Human Resources Market art. 24"
        ),
        (
            _p(
                r"(?:无|没有|不得有|不能有|不可有)\s*(?:宗教)?信仰"
                rf"|(?:信教|信佛|信基督|基督徒|佛教徒|穆斯林|伊斯兰教徒|信徒)者?\s*(?:{_REFUSE}|优先)"
                rf"|{_REJECT}[\u4e00-\u9fff、]{{0,6}}?(?:穆斯林|基督徒|佛教徒|教徒|信教)"
            ),
            _p(r"宗教信仰|宗教\s*[:\uff1a]|信仰\s*[:\uff1a]", topic=True),
        ),
    ),
    _Category(
        "household-registration",
        Severity.ERROR,
        gettext_lazy(
            "Household-registration or regional requirement: candidates may not be chosen by hukou or place of origin."
        ),
        gettext_lazy(
            "Employment Promotion Law art. 31; Interim Regulations on the Human Resources Market art. 24; "
            "Provisions on Online Recruitment Services art. 15; Supreme People's Court Guiding Case No. 185"
        ),
        (
            _p(
                rf"(?:{_PLACES})户[口籍]"
                rf"|(?:仅限|只限|只招|只要|只收|限|要求|须为|需为|须有|需有|持有?)\s*(?:{_PLACES})?(?:户口|户籍)"
                rf"|(?:仅限|只限|只招|只要|只收|限|要求|须为|需为)\s*(?:{_PLACES})(?:人|籍|生源|人员|人士)"
                rf"|(?:仅限|只限|只招|限)本地|本地优先"
                rf"|(?:{_PLACES})(?:人|籍|生源|人员|人士|求职者)\s*(?:{_REFUSE}|优先)"
            ),
            _p(r"(?:户口|户籍)\s*(?:要求|限制|[:\uff1a须需必])", topic=True),
        ),
    ),
    _Category(
        "infectious-disease",
        Severity.ERROR,
        gettext_lazy(
            "Infectious-disease carriers (e.g. hepatitis B) may not be refused, unless the law bars them from this work."
        ),
        gettext_lazy(
            "Employment Promotion Law art. 30; Provisions on Employment Services and Employment Management art. 19"
        ),
        (
            _p(
                r"乙肝(?!疫苗|药|检测试剂)|乙型肝炎|大三阳|小三阳|两对半|HBsAg|(?:病原|病毒)携带|携带者"
                rf"|(?:无|没有|非)(?:传染病|传染性疾病)|传染病(?:患者|者)?\s*{_REFUSE}|艾滋|HIV"
            ),
        ),
    ),
    _Category(
        "disability",
        Severity.ERROR,
        gettext_lazy(
            "Disability requirement: people with disabilities may not be excluded for reasons unrelated to the work."
        ),
        gettext_lazy("Employment Promotion Law art. 29; Law on the Protection of Persons with Disabilities art. 38"),
        (
            _p(
                r"(?:无|没有|非)(?:残疾|残障|身体缺陷|生理缺陷)|(?:四肢|肢体|身体)健全"
                rf"|残疾(?:人|者)?\s*{_REFUSE}|{_REJECT}\s*残疾"
            ),
        ),
    ),
    _Category(
        "age",
        Severity.WARNING,
        gettext_lazy(
            "Age limit: no statute forbids it, but national policy (2024) asks employers to drop age limits; "
            "state the abilities the work needs instead."
        ),
        gettext_lazy(
            "Opinions of the CPC Central Committee and the State Council on Implementing the Employment-First Strategy "
            "and Promoting High-Quality and Full Employment (2024)"
        ),
        (
            _p(rf"年龄(?=[^,\uff0c]{{0,8}}?{_NUM})[^,\uff0c]*", age=True),
            _p(
                rf"{_NUM}\s*(?:周?岁)?\s*[-~～至到—–]\s*{_NUM}\s*周?岁"
                rf"|(?:不超过|不大于|不高于|小于|低于|未满|不满|不得超过|不得大于)\s*{_NUM}\s*周?岁"
                rf"|{_NUM}\s*周?岁\s*(?:及以下|及以上|以下|以内|之内|以前|之前|以上|之上|左右|上下|之间)"
                rf"|(?:年满|满)\s*{_NUM}\s*周?岁",
                requirements_only=True,
                age=True,
            ),
        ),
        replacement=NEUTRAL_PHRASE,
    ),
)

_AGE_NUMBER = re.compile(_NUM)
_AGE_LOWER_BOUND = re.compile(r"以上|之上|满")
_AGE_UPPER_BOUND = re.compile(
    r"以下|以内|之内|以前|之前|不超过|不大于|不高于|小于|低于|未满|不满|[-~～至到—–]|左右|上下|之间"
)
LAWFUL_MINIMUM_AGE = 18


def _chinese_number(text):
    """'35' -> 35, '三十五' -> 35, '十八' -> 18."""
    if text.isdigit():
        return int(text)
    digits = "一二三四五六七八九"
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return (digits.index(tens) + 1 if tens else 1) * 10 + (digits.index(ones[0]) + 1 if ones else 0)
    return digits.index(text[0]) + 1 if text and text[0] in digits else 0


def _is_age_limit(text):
    """False for a lawful minimum age alone (年满18周岁, 16岁以上); True for any other age bound."""
    try:
        numbers = [_chinese_number(n) for n in _AGE_NUMBER.findall(text)]
    except ValueError:  # an odd run of numerals such as 十十十: still an age, judge it
        return True
    if not numbers:
        return False
    lower_only = _AGE_LOWER_BOUND.search(text) and not _AGE_UPPER_BOUND.search(text)
    return not (lower_only and max(numbers) <= LAWFUL_MINIMUM_AGE)


def _is_requirement_field(field_name):
    return field_name.startswith(("requirement.", "skills."))


def _hits(sentence, in_requirements):
    """(category, start, end) of every discriminatory phrase in one sentence."""
    hits = []
    for category in CATEGORIES:
        for pattern in category.patterns:
            if pattern.requirements_only and not in_requirements:
                continue
            for match in pattern.regex.finditer(sentence):
                if not match.group().strip():
                    continue
                clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, match.start())), default=0)
                if _NEGATORS.search(sentence, clause_start, match.start()):
                    continue
                if pattern.topic and _NEUTRAL_AFTER.match(sentence, match.end()):
                    continue
                if pattern.age and not _is_age_limit(match.group()):
                    continue
                hits.append((category, match.start(), match.end()))
    return hits


def neutral_rewording(sentence, hits):
    """The sentence with each offending part replaced by its neutral wording, or dropped.

    Parts are separated by , , or 、; an age part becomes 能胜任岗位工作 (身体健康,年龄35岁以下 →
    身体健康,能胜任岗位工作); other parts are dropped; nothing left gives 能胜任岗位工作.
    """
    pieces = _PART_BREAK.split(sentence)
    kept, offset = [], 0  # kept: (separator before, text)
    separator = ""
    for index, piece in enumerate(pieces):
        start, offset = offset, offset + len(piece)
        if index % 2:  # a separator
            separator = piece
            continue
        replacement = None
        for category, hit_start, hit_end in hits:
            if hit_start < offset and hit_end > start:
                replacement = category.replacement
                break
        text = piece.strip() if replacement is None else replacement
        if text and text not in (t for _s, t in kept):
            kept.append((separator if kept else "", text))
        separator = ""
    return "".join(sep + text for sep, text in kept) or NEUTRAL_PHRASE


def discrimination_findings(slug, field_name, text):
    """Findings of the discrimination rules in one text field: one per rule and sentence."""
    findings = []
    in_requirements = _is_requirement_field(field_name)
    for match in _SENTENCE.finditer(text or ""):
        sentence = match.group().strip()
        hits = _hits(sentence, in_requirements) if sentence else []
        if not hits:
            continue
        suggestion = neutral_rewording(sentence, hits)
        seen = set()
        for category, _start, _end in hits:
            if category.rule in seen:
                continue
            seen.add(category.rule)
            findings.append(
                Finding(
                    role=slug,
                    rule=category.rule,
                    severity=category.severity,
                    field=field_name,
                    text=sentence,
                    message=str(category.message),
                    law=str(category.law),
                    suggestion=suggestion,
                )
            )
    return findings


def text_fields(facts):
    """Every text of a role the discrimination rules read, as (field, text); list items count from 1."""
    yield "title", facts.title
    yield "summary", facts.summary
    for number, text in enumerate(facts.duties, 1):
        yield f"duties.{number}", text
    for name, text in facts.requirements:
        yield f"requirement.{name}", text
    for number, text in enumerate(facts.skills, 1):
        yield f"skills.{number}", text
    for number, kpi in enumerate(facts.kpis, 1):
        yield f"kpis.{number}", kpi.name
    yield from facts.extra_texts


# --- Structure ------------------------------------------------------------------------------

_LEADING_NUMBER = re.compile(r"^\s*[(\uff08]?\d+[)\uff09.\uff0e、,\uff0c]?\s*")


def normalise_duty(text):
    """A duty as compared for duplicates: no numbering, whitespace, punctuation or case."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _LEADING_NUMBER.sub("", text)
    return "".join(c for c in text.casefold() if unicodedata.category(c)[0] not in "PSZC")


def _pay_range(low, high):
    return f"{rules.plain_number(Decimal(low))}–{rules.plain_number(Decimal(high))}"


def structure_findings(facts, context):
    slug = facts.slug
    found = []

    def add(rule, severity, field_name, message, text="", suggestion=""):
        found.append(Finding(slug, rule, severity, field_name, text, message, suggestion=suggestion))

    if not any((t or "").strip() for t in facts.duties):
        add(
            "missing-duties",
            Severity.WARNING,
            "duties",
            _("No duties: a job description should list what the role does."),
        )
    if not any((t or "").strip() for _n, t in facts.requirements) and not any((t or "").strip() for t in facts.skills):
        add(
            "missing-requirements",
            Severity.WARNING,
            "requirement",
            _("No requirements: experience, education, skills and physical requirements are all empty."),
        )
    if not facts.kpis:
        add(
            "missing-kpis",
            Severity.INFO,
            "kpis",
            _("No KPIs: the role has no performance indicators to be assessed by."),
        )
    elif any(k.weight is not None for k in facts.kpis):
        total = rules.kpi_weight_total(k.weight for k in facts.kpis)
        if total != 100:
            add(
                "kpi-weights",
                Severity.WARNING,
                "kpis",
                _("The KPI weights add up to %(total)s, not 100.") % {"total": rules.plain_number(total)},
                text=" + ".join(rules.plain_number(Decimal(k.weight)) for k in facts.kpis if k.weight is not None),
                suggestion=_("Adjust the weights so that they add up to 100."),
            )

    first_seen = {}
    for number, text in enumerate(facts.duties, 1):
        key = normalise_duty(text)
        if not key:
            continue
        if key in first_seen:
            add(
                "duplicate-duty",
                Severity.WARNING,
                f"duties.{number}",
                _("Duty %(number)d repeats duty %(first)d.") % {"number": number, "first": first_seen[key]},
                text=text,
                suggestion=_("Delete the repeated duty or merge the two."),
            )
        else:
            first_seen[key] = number

    if facts.direct_subordinates > context.settings.max_span:
        add(
            "span-of-control",
            Severity.WARNING,
            "subordinates",
            _("%(count)d direct subordinate roles, more than the limit of %(limit)d.")
            % {"count": facts.direct_subordinates, "limit": context.settings.max_span},
            text=str(facts.direct_subordinates),
            suggestion=_("Group some of the subordinate roles under an intermediate supervisor."),
        )

    superior = context.superior
    if superior is not None:
        if facts.grade_rank is not None and superior.grade_rank is not None and facts.grade_rank > superior.grade_rank:
            add(
                "grade-above-superior",
                Severity.ERROR,
                "grade",
                _("The grade %(grade)s ranks above the grade %(superior_grade)s of the superior %(superior)s.")
                % {"grade": facts.grade_name, "superior_grade": superior.grade_name, "superior": superior.title},
                text=facts.grade_name,
                suggestion=_("Correct the grade, or place the role under a superior of at least the same grade."),
            )
        if None not in (facts.pay_min, facts.pay_max, superior.pay_min, superior.pay_max) and (
            facts.pay_min > superior.pay_max
        ):
            own = _pay_range(facts.pay_min, facts.pay_max)
            add(
                "pay-above-superior",
                Severity.WARNING,
                "pay",
                _(
                    "The reference pay range %(range)s lies entirely above the range %(superior_range)s of the superior %(superior)s."
                )
                % {
                    "range": own,
                    "superior_range": _pay_range(superior.pay_min, superior.pay_max),
                    "superior": superior.title,
                },
                text=own,
                suggestion=_("Check both reference pay ranges."),
            )
    found.extend(pay_band_findings(facts, context.superior))
    return found


# --- Pay bands ------------------------------------------------------------------------------


def _money(amount):
    return rules.plain_number(Decimal(amount))


def pay_band_findings(facts, superior=None):
    """pay-below-band, pay-above-band and grade-inversion of one role (the RoleFacts of its superior, if any)."""
    found = []
    band, pay = facts.band, facts.target_pay
    if band is not None and pay is not None and not band.minimum <= pay <= band.maximum:
        above = pay > band.maximum
        numbers = {
            "pay": _money(pay),
            "limit": _money(band.maximum if above else band.minimum),
            "number": facts.pay_grade,
            "band": bands.band_text(band),
        }
        if above:
            message = _(
                "The target monthly pay of %(pay)s yuan (full attendance, full performance bonus) is above the "
                "maximum of %(limit)s yuan of the band of pay grade %(number)s (%(band)s)."
            )
            suggestion = _(
                "Lower the base salary or the full performance bonus, or place the role on a higher pay grade."
            )
        else:
            message = _(
                "The target monthly pay of %(pay)s yuan (full attendance, full performance bonus) is below the "
                "minimum of %(limit)s yuan of the band of pay grade %(number)s (%(band)s)."
            )
            suggestion = _(
                "Raise the base salary or the full performance bonus, or place the role on a lower pay grade."
            )
        found.append(
            Finding(
                facts.slug,
                "pay-above-band" if above else "pay-below-band",
                Severity.WARNING,
                "pay",
                _money(pay),
                message % numbers,
                suggestion=suggestion,
            )
        )
    if (
        superior is not None
        and facts.pay_grade is not None
        and superior.pay_grade is not None
        and facts.pay_grade > superior.pay_grade
    ):
        found.append(
            Finding(
                facts.slug,
                "grade-inversion",
                Severity.WARNING,
                "pay_grade",
                str(facts.pay_grade),
                _("Pay grade %(number)s is above pay grade %(superior_number)s of the superior %(superior)s.")
                % {"number": facts.pay_grade, "superior_number": superior.pay_grade, "superior": superior.title},
                suggestion=_(
                    "Correct the pay grade, or place the role under a superior of at least the same pay grade."
                ),
            )
        )
    return found


def _percent(value):
    """A percentage as people read it: 68.42 %, 0 %, -12.5 %."""
    return f"{rules.plain_number(value)} %"


def band_findings(pay_grades, settings=None):
    """band-inverted, band-no-progression and band-overlap of these pay grades (PayGradeFacts, any order).

    Each finding's role is "" (it belongs to a pay grade, named in its field: pay_grade.4).
    """
    settings = settings or LintSettings()
    ordered = sorted(pay_grades, key=lambda grade: grade.number)
    found = []
    for index, grade in enumerate(ordered):
        higher = ordered[index + 1] if index + 1 < len(ordered) else None
        band = grade.band

        def add(rule, severity, message, suggestion, grade=grade):
            field_name = f"pay_grade.{grade.number}"
            found.append(
                Finding("", rule, severity, field_name, bands.band_text(grade.band), message, suggestion=suggestion)
            )

        if band.minimum > band.midpoint or band.midpoint > band.maximum:
            add(
                "band-inverted",
                Severity.ERROR,
                _(
                    "The band of pay grade %(number)s is out of order: minimum %(minimum)s, midpoint %(midpoint)s, "
                    "maximum %(maximum)s."
                )
                % {
                    "number": grade.number,
                    "minimum": _money(band.minimum),
                    "midpoint": _money(band.midpoint),
                    "maximum": _money(band.maximum),
                },
                _("Correct the band so that minimum ≤ midpoint ≤ maximum."),
            )
        if higher is None:
            continue
        figures = bands.figures(band, higher.band)
        numbers = {"number": grade.number, "higher": higher.number}
        if figures.midpoint_differential is not None and figures.midpoint_differential <= 0:
            add(
                "band-no-progression",
                Severity.WARNING,
                _(
                    "The midpoint differential of pay grade %(number)s is %(differential)s: the midpoint "
                    "%(higher_midpoint)s of pay grade %(higher)s is not above its midpoint %(midpoint)s."
                )
                % {
                    **numbers,
                    "differential": bands.percent_text(figures.midpoint_differential),
                    "midpoint": _money(band.midpoint),
                    "higher_midpoint": _money(higher.band.midpoint),
                },
                _("Raise the higher pay grade's midpoint above this one's."),
            )
        if figures.overlap is not None:
            overlap = figures.overlap * 100
            if not settings.band_overlap_min <= overlap <= settings.band_overlap_max:
                add(
                    "band-overlap",
                    Severity.WARNING,
                    _(
                        "The band of pay grade %(number)s overlaps the band of pay grade %(higher)s by %(overlap)s, "
                        "outside the usual %(low)s to %(high)s set on the shop profile."
                    )
                    % {
                        **numbers,
                        "overlap": bands.percent_text(figures.overlap),
                        "low": _percent(settings.band_overlap_min),
                        "high": _percent(settings.band_overlap_max),
                    },
                    _("Move this maximum or the next higher minimum, or change the usual range on the shop profile."),
                )
    return found


# --- Entry points ---------------------------------------------------------------------------


def lint_role(facts, context=None):
    """All findings of one role, most severe first (otherwise in the order of the card)."""
    context = context or LintContext()
    findings = []
    for field_name, text in text_fields(facts):
        findings.extend(discrimination_findings(facts.slug, field_name, text))
    findings.extend(structure_findings(facts, context))
    return sorted(findings, key=lambda f: -f.severity.rank)


def lint_catalogue(all_facts, settings=None, pay_grades=()):
    """Findings of every role, then of the pay grades' bands; each role's superior is looked up among
    `all_facts` by slug."""
    settings = settings or LintSettings()
    by_slug = {facts.slug: facts for facts in all_facts}
    findings = []
    for facts in all_facts:
        context = LintContext(superior=by_slug.get(facts.superior_slug), settings=settings)
        findings.extend(lint_role(facts, context))
    findings.extend(band_findings(pay_grades, settings))
    return findings


def at_or_above(findings, severity):
    """The findings at least as severe as `severity`."""
    rank = Severity(severity).rank
    return [f for f in findings if f.severity.rank >= rank]


_FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "summary": gettext_lazy("main responsibility"),
    "duties": gettext_lazy("duties"),
    "skills": gettext_lazy("skill requirements"),
    "kpis": gettext_lazy("KPIs"),
    "requirement": gettext_lazy("requirements"),
    "requirement.experience_text": gettext_lazy("experience"),
    "requirement.education_text": gettext_lazy("education"),
    "requirement.majors": gettext_lazy("majors"),
    "requirement.physical": gettext_lazy("physical requirements"),
    "requirement.other": gettext_lazy("other requirements"),
    "grade": gettext_lazy("grade"),
    "subordinates": gettext_lazy("subordinates"),
    "pay": gettext_lazy("pay"),
    "pay_grade": gettext_lazy("pay grade"),
    "benefits": gettext_lazy("pay and benefits"),
    "work_location": gettext_lazy("work location"),
    "authority": gettext_lazy("authority"),
    "internal_relations": gettext_lazy("internal contacts"),
    "external_relations": gettext_lazy("external contacts"),
    "working_conditions": gettext_lazy("working conditions"),
    "career_path": gettext_lazy("career path"),
}


def field_label(field_name):
    """A finding's field as people read it: duties.3 → 职责 3, requirement.physical → 身体要求."""
    if field_name in _FIELD_LABELS:
        return str(_FIELD_LABELS[field_name])
    base, _sep, number = field_name.rpartition(".")
    if base in _FIELD_LABELS and number.isdigit():
        return f"{_FIELD_LABELS[base]} {number}"
    return field_name

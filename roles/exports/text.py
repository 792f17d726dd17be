"""The text rules Word and Excel share: user text cleaned for Office, file names, and the role card as text.

Pure functions of roles that are already loaded (roles.reading); no query, no file format.
"""

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from ..rules import plain_number

# Characters XML 1.0 forbids (C0 controls except tab/newline/carriage return, lone surrogates,
# U+FFFE/U+FFFF) plus C1 controls, which are legal XML but only ever arrive by copy-paste accident.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_FILENAME_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def clean_text(text):
    """User text that Word and Excel accept: line ends as \\n, no control characters but tab and newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNPRINTABLE.sub("", text)


def safe_filename(name, fallback="export"):
    """A file name every operating system accepts; Chinese is kept (the header encodes it)."""
    name = _FILENAME_UNSAFE.sub("_", clean_text(name)).strip(" ._")
    return name[:120] or fallback


def numbered(items):
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


def money(value):
    return f"{value} {_('yuan')}" if value is not None else ""


def department_label(department):
    # .parent rather than .parent_id: a live version's department (RoleVersion.as_role) is unsaved.
    if department.parent is not None:
        return f"{department.parent.name} · {department.name}"
    return department.name


def placement_text(value):
    """A role's job family or pay grade as the card prints it ("5 · 五等"); "—" when not placed."""
    return "—" if value is None else str(value)


def pay_range_text(role):
    if role.pay_min is None and role.pay_max is None:
        return ""
    low = "?" if role.pay_min is None else plain_number(role.pay_min.quantize(1))
    high = "?" if role.pay_max is None else plain_number(role.pay_max.quantize(1))
    return f"{low}–{high} {_('yuan')}"


def requirement_lines(requirement):
    """任职要求 as (label, text) pairs, in the order of the seed card (skills are listed apart)."""
    if requirement is None:
        return [(_("experience"), ""), (_("education"), ""), (_("physical requirements"), "")]
    education = requirement.education_text
    if requirement.majors:
        education = f"{education}，{requirement.majors}" if education else requirement.majors
    lines = [
        (_("experience"), requirement.experience_text),
        (_("education"), education),
        (_("physical requirements"), requirement.physical),
    ]
    if requirement.other:
        lines.append((_("other requirements"), requirement.other))
    return lines


def kpi_text(kpi, audience):
    """One KPI on one line; the weight is pay information and shown only to those who see pay."""
    parts = []
    if audience.see_pay and kpi.weight is not None:
        parts.append(f"{_('weight (%)')}：{plain_number(kpi.weight)}")
    if kpi.target:
        parts.append(f"{_('target')}：{kpi.target}")
    if kpi.measurement:
        parts.append(f"{_('how measured')}：{kpi.measurement}")
    return f"{kpi.name}（{'；'.join(parts)}）" if parts else kpi.name


def local_date(moment):
    return timezone.localtime(moment).date() if moment else None


def titles(roles):
    return "、".join(r.title for r in roles)


def names(items):
    return "、".join(item.name for item in items)


def as_of_text(day):
    """The line a document carries when it shows a day other than today (the PDF's template says the same)."""
    return _("As in force at the end of %(day)s") % {"day": day.isoformat()}

"""Comparing two versions of a job description: pure functions, snapshot dicts in, rows out.

A snapshot is what Role.snapshot() returns. Scalar fields are compared field by field; duties,
skills and KPIs item by item (difflib.SequenceMatcher over the lists), so a duty inserted at the
top shows as one added row, not as every duty changed. Changed text is also compared character
by character (Chinese has no spaces to split words on) so the page can mark what changed.
"""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.translation import gettext_lazy as _

from .models import PAY_FIELDS, Requirement

UNCHANGED, CHANGED, ADDED, REMOVED = "unchanged", "changed", "added", "removed"

# The role's place in the tree is recorded in a snapshot but is not content: moving a role in the
# chart neither makes a new version nor is undone by restoring one.
TREE_KEYS = frozenset({"parent"})
# Shown only to readers who may see pay (roles.permissions.can_see_pay); KPI weights as well.
PAY_KEYS = frozenset(PAY_FIELDS)

# (key, label) in the order of the job-description page; "requirement.x" is a requirement field.
SCALAR_FIELDS = (
    ("title", _("title")),
    ("code", _("role number")),
    ("slug", _("slug")),
    ("department", _("department")),
    ("grade", _("grade")),
    ("job_family", _("job family")),
    ("pay_grade", _("pay grade")),
    ("parent", _("superior")),
    ("dotted_line_superiors", _("dotted-line superiors")),
    ("headcount", _("headcount")),
    ("shifts", _("shifts")),
    ("work_location", _("work location")),
    ("summary", _("main responsibility")),
    ("requirement.experience_years", _("years of experience")),
    ("requirement.experience_text", _("experience")),
    ("requirement.education_level", _("education level")),
    ("requirement.education_text", _("education")),
    ("requirement.majors", _("majors")),
    ("requirement.physical", _("physical requirements")),
    ("requirement.other", _("other requirements")),
    ("authority", _("authority")),
    ("internal_relations", _("internal contacts")),
    ("external_relations", _("external contacts")),
    ("working_conditions", _("working conditions")),
    ("review_cycle", _("review cycle")),
    ("career_path", _("career path")),
    ("pay_min", _("reference pay from")),
    ("pay_max", _("reference pay to")),
    ("benefits", _("pay and benefits")),
    ("pay_scheme", _("pay scheme")),
    ("base_salary", _("base salary")),
    ("performance_bonus_amount", _("full performance bonus")),
    ("commission_rate", _("commission rate")),
    ("prepared_on", _("prepared on")),
    ("source", _("source")),
)
LIST_SECTIONS = (("duties", _("duties")), ("skills", _("skill requirements")), ("kpis", _("KPIs")))


@dataclass(frozen=True)
class ItemRow:
    """One line of a list comparison; `old` is None for an added item, `new` for a removed one."""

    op: str
    old: object = None
    new: object = None
    segments: tuple = ()  # for a changed text: ("equal" | "delete" | "insert", text) pieces


@dataclass(frozen=True)
class FieldRow:
    key: str
    label: str
    old: str
    new: str
    segments: tuple = ()

    @property
    def changed(self):
        return self.old != self.new


@dataclass
class Comparison:
    fields: list = field(default_factory=list)  # FieldRow, every field either version fills in
    sections: list = field(default_factory=list)  # (key, label, [ItemRow])

    @property
    def changed_fields(self):
        return [row for row in self.fields if row.changed]

    @property
    def has_changes(self):
        return bool(self.changed_fields) or any(r.op != UNCHANGED for _k, _l, rows in self.sections for r in rows)


def content(snapshot):
    """The snapshot without its tree position: what a version's content is."""
    return {key: value for key, value in snapshot.items() if key not in TREE_KEYS}


def same_content(a, b):
    return content(a) == content(b)


def inline_diff(old, new):
    """The pieces of two texts, character by character: ("equal" | "delete" | "insert", text)."""
    pieces = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("equal", "delete", "replace") and i1 < i2:
            pieces.append(("equal" if tag == "equal" else "delete", old[i1:i2]))
        if tag in ("insert", "replace") and j1 < j2:
            pieces.append(("insert", new[j1:j2]))
    return tuple(pieces)


def diff_lists(old, new):
    """Item-by-item comparison of two lists of hashable items, as ItemRows in reading order.

    A run of replaced items is paired off as changed rows (the first with the first …); what is
    left over in a longer run is removed or added.
    """
    rows = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(ItemRow(UNCHANGED, item, item) for item in old[i1:i2])
            continue
        removed, added = old[i1:i2], new[j1:j2]
        paired = min(len(removed), len(added))
        for a, b in zip(removed[:paired], added[:paired], strict=True):
            segments = inline_diff(a, b) if isinstance(a, str) and isinstance(b, str) else ()
            rows.append(ItemRow(CHANGED, a, b, segments))
        rows.extend(ItemRow(REMOVED, old=item) for item in removed[paired:])
        rows.extend(ItemRow(ADDED, new=item) for item in added[paired:])
    return rows


def apply_diff(old, rows):
    """The new list, rebuilt from the old one and the rows of diff_lists(old, new).

    Raises ValueError when the rows do not describe `old`.
    """
    result, position = [], 0
    for row in rows:
        if row.op == ADDED:
            result.append(row.new)
            continue
        if position >= len(old) or old[position] != row.old:
            raise ValueError("the diff does not match the list")
        position += 1
        if row.op in (UNCHANGED, CHANGED):
            result.append(row.new)
    if position != len(old):
        raise ValueError("the diff does not cover the whole list")
    return result


def kpi_text(kpi, see_pay):
    """A KPI as one comparable line: name, target and how measured; the weight only for pay readers."""
    text = kpi["name"]
    if kpi.get("target"):
        text += f"：{kpi['target']}"
    if kpi.get("measurement"):
        text += f"；{kpi['measurement']}"
    if see_pay and kpi.get("weight") not in (None, ""):
        text += f"（{_plain(kpi['weight'])}%）"
    return text


def _plain(number_text):
    """Decimal text without trailing zeros: "35.00" → "35", "0.0200" → "0.02"."""
    if "." in number_text:
        number_text = number_text.rstrip("0").rstrip(".")
    return number_text


def display_value(key, value):
    """A snapshot value as the comparison shows it (text; "" when empty)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if key == "requirement.education_level" and value:
        return str(Requirement.Education(value).label) if value in Requirement.Education.values else value
    if key in PAY_KEYS | {"requirement.experience_years"} and isinstance(value, str) and value[:1].isdigit():
        return _plain(value)
    return str(value)


def flatten(snapshot, names=None):
    """Scalar values by SCALAR_FIELDS key, the department shown with its parent department.

    `names` maps a key to {stored value: what to show}, e.g. {"parent": {"store-cs": "店铺客服"}}:
    roles are stored by slug and pay schemes by code; a value missing from it is shown as stored.
    """
    names = names or {}
    values = dict(snapshot)
    for key, shown in names.items():
        value = values.get(key)
        if isinstance(value, list):
            values[key] = [shown.get(v, v) for v in value]
        elif value is not None:
            values[key] = shown.get(value, value)
    if snapshot.get("department_parent"):
        values["department"] = f"{snapshot['department_parent']} · {snapshot['department']}"
    for name, value in (snapshot.get("requirement") or {}).items():
        values[f"requirement.{name}"] = value
    return {key: display_value(key, values.get(key)) for key, _label in SCALAR_FIELDS}


def compare(old, new, *, see_pay, names=None):
    """Field-by-field and item-by-item comparison of two snapshots; pay left out unless see_pay.

    Fields empty in both versions are left out; unchanged ones are kept (the page shows them
    side by side, changes highlighted). `names` as for flatten().
    """
    old_values, new_values = flatten(old, names), flatten(new, names)
    rows = []
    for key, label in SCALAR_FIELDS:
        if key in PAY_KEYS and not see_pay:
            continue
        a, b = old_values[key], new_values[key]
        if a or b:
            rows.append(FieldRow(key, label, a, b, inline_diff(a, b) if a != b else ()))
    sections = []
    for key, label in LIST_SECTIONS:
        a, b = old.get(key, []), new.get(key, [])
        if key == "kpis":
            a, b = [kpi_text(k, see_pay) for k in a], [kpi_text(k, see_pay) for k in b]
        if a or b:
            sections.append((key, label, diff_lists(a, b)))
    return Comparison(rows, sections)

"""The headcount report (编制报表): a plan's figures on a day per department and role, as the page, the
Excel file and the API show them.

The counting rule (口径) and the figures are orgchart/headcount.py's; this module picks the plan and the
day from a request's parameters, loads what the rule needs in a fixed number of queries whatever the
number of roles, lines and people, and puts the figures in the order the report shows them: each
department (top ones first, in their order), its roles in tree order, then its sub-departments.
"""

import re
from dataclasses import dataclass

from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from roles import dated
from roles.models import Department, Role
from roles.reading import BadParameter, requested_day

from . import headcount
from .models import ControlMode, Employee, HeadcountPlan, OverPlanPlacement

DEPARTMENT, ROLE = "department", "role"
# The figures of a row (headcount.Figures), in the order the page, the Excel file and the API give them.
FIGURES = ("planned", "allowed", "in_post", "pre_hire", "pre_leave", "occupied", "vacant", "over")


def figure_labels():
    """(figure, label) of the report's figure columns, in the reader's language."""
    labels = {
        "planned": _("planned"),
        "allowed": _("allowed"),
        "in_post": pgettext("headcount", "in post"),
        "pre_hire": _("预增 (hires to start)"),
        "pre_leave": _("预减 (leavers)"),
        "occupied": _("occupied"),
        "vacant": pgettext("headcount", "vacant"),
        "over": _("over plan"),
    }
    return [(name, labels[name]) for name in FIGURES]


def choose(params):
    """(plan, day) asked for by `?plan=&as_of=`: the day defaults to today, the plan to the active plan
    covering that day (None when there is none). BadParameter for a plan that is no whole number or a
    day that is no date; Http404 for a plan that does not exist."""
    day = requested_day(params) or dated.today()
    if "plan" not in params:
        return HeadcountPlan.objects.covering(day), day
    if not re.fullmatch(r"[0-9]{1,18}", params.get("plan", "")):
        raise BadParameter({"plan": [_("Enter the plan's id as a whole number.")]}, code="invalid_plan")
    plan = HeadcountPlan.objects.filter(pk=int(params["plan"])).first()
    if plan is None:
        raise Http404(_("No such headcount plan."))
    return plan, day


@dataclass(frozen=True)
class Row:
    """One row of the report: a department or a role, its figures (headcount.Figures) and its control."""

    kind: str  # DEPARTMENT or ROLE
    id: int
    name: str
    depth: int  # how far it is indented: a department's roles and sub-departments are one deeper
    figures: headcount.Figures
    control: str  # the control mode in force, in words
    department: int  # a role's department; a department's own id
    slug: str = ""  # a role's address

    @property
    def over(self):
        return bool(self.figures.over)


@dataclass(frozen=True)
class Report:
    plan: HeadcountPlan
    day: object
    counting_rule: str
    rows: list  # Rows in display order
    total: headcount.Figures
    placements: list  # OverPlanPlacements recorded under warn, newest first

    @property
    def roles(self):
        return [row for row in self.rows if row.kind == ROLE]

    @property
    def covers_day(self):
        return self.plan.covers(self.day)


def per_role(people):
    """People per role id, in one grouped query."""
    return dict(people.order_by().values_list("role_id").annotate(count=Count("pk")))


def counts(day, occupy_from):
    """headcount.Counts per role id on `day`, from the SQL form of the counting rule (EmployeeQuerySet):
    four grouped queries, whatever the number of people."""
    people = Employee.objects
    found = [
        per_role(people.in_post(day)),
        per_role(people.pre_hire(day)),
        per_role(people.pre_leave(day)),
        per_role(people.occupying(day, occupy_from)),
    ]
    roles = set().union(*found)
    return {role: headcount.Counts(*(figure.get(role, 0) for figure in found)) for role in roles}


def percent_text(percent):
    return f"{percent.normalize():f}%"


def mode_text(line):
    """A line's control mode in words, with the percentage of a ratio."""
    label = str(ControlMode(line.mode).label)
    return f"{label} {percent_text(line.percent)}" if line.mode == headcount.RATIO else label


def role_control(figures, own, department_names):
    """What controls a role: its own line's mode, the department cap above it, or nothing."""
    line = figures.controlled_by
    if line is None:
        return _("not controlled (no line)")
    if own:
        return mode_text(line)
    return _("under the cap of %(department)s: %(mode)s") % {
        "department": department_names.get(line.department, ""),
        "mode": mode_text(line),
    }


def build(plan, day, reader):
    """The Report of `plan` on `day`. `reader` (a RoleReader of that day) gives the roles, their titles
    and departments as the reader sees them on that day; archived roles only when a line or a person
    still counts in them."""
    lines = headcount.Lines.of(line.rule(plan) for line in plan.lines.all())
    found = counts(day, plan.occupy_from)
    rows = reader.rows(reader.roles(), ("department_id", "slug"))
    roles = [row for row in rows if row[3] != Role.Status.ARCHIVED or row[0] in lines.by_role or row[0] in found]
    departments = list(Department.objects.values_list("pk", "parent_id", "name"))
    organisation = headcount.Organisation(
        department_parent={pk: parent for pk, parent, _name in departments},
        role_department={row[0]: row[5] for row in roles},
    )
    role_figures, department_figures = headcount.report(organisation, lines, found)
    names = {pk: name for pk, _parent, name in departments}

    roles_in = {}  # department id -> its roles' rows (id, title, slug), in tree order
    for role_id, _superior, title, _status, _public, department, slug in roles:
        roles_in.setdefault(department, []).append((role_id, title, slug))
    below = organisation.children()
    shown = []

    def add(dept, depth, seen):
        """Adds a department's rows when a role or a cap is in it or below it; whether it added any."""
        if dept in seen:
            return False  # a loop in the data
        start = len(shown)
        cap = lines.by_department.get(dept)
        control = _("department cap: %(mode)s") % {"mode": mode_text(cap)} if cap is not None else ""
        shown.append(Row(DEPARTMENT, dept, names[dept], depth, department_figures[dept], control, dept))
        for role_id, title, slug in roles_in.get(dept, []):
            figures = role_figures[role_id]
            control = role_control(figures, role_id in lines.by_role, names)
            shown.append(Row(ROLE, role_id, title, depth + 1, figures, control, dept, slug))
        added = [add(sub, depth + 1, seen | {dept}) for sub in below.get(dept, [])]
        if cap is None and dept not in roles_in and not any(added):
            del shown[start:]
            return False
        return True

    top = [pk for pk, parent, _name in departments if parent is None]
    for dept in top:
        add(dept, 0, frozenset())
    people = sum((found.get(role, headcount.Counts()) for role in organisation.role_department), headcount.Counts())
    total = headcount.summed_figures([department_figures[d] for d in top], people)
    placements = list(OverPlanPlacement.objects.filter(plan=plan).select_related("placed_by"))
    return Report(
        plan=plan,
        day=day,
        counting_rule=headcount.counting_rule(plan.occupy_from),
        rows=shown,
        total=total,
        placements=placements,
    )

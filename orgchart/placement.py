"""Writes under headcount plans (编制方案), each in one transaction: starting and saving a plan, and placing
people — adding one, moving one to another role (调动), changing a start date, reopening a leaver —
checked against the active plan (the rule: orgchart/headcount.py).

`place(employee, user)` is the one way the admin, the API and the roster import save a person:

- deny or ratio over the allowed number: nothing is saved, `PlacementRefused` says which plan and
  line and gives the planned, allowed and occupied numbers;
- warn: saved; the returned Placement's `warnings` say so, and each is recorded as an
  OverPlanPlacement for the plan's report;
- none, or no line covering the role: saved.

Two HR users placing people in the last seat at once: the lines that cover the placement are locked
(SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions hold the write lock from BEGIN)
before anyone is counted, so the second placement counts the first and exactly one succeeds.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from roles import dated
from roles.models import Department, Role
from roles.reading import Audience, RoleReader
from shopconfig.models import CatalogueRevision

from . import headcount
from .models import Employee, HeadcountLine, HeadcountPlan, OverPlanPlacement

# pg_advisory_xact_lock key that serialises plan writes (two activations must not overlap).
PLAN_LOCK_KEY = 0x6865_6164  # "head"


@dataclass(frozen=True)
class Finding:
    """One line a placement goes over: the numbers on the day it was counted. `occupied` is the number
    counted without this placement; `occupied_after` with it."""

    plan: HeadcountPlan
    line: HeadcountLine
    line_name: str
    day: object
    planned: int
    allowed: int
    occupied: int
    occupied_after: int
    verdict: str

    @classmethod
    def over(cls, plan, line, line_name, day, rule, counted, verdict):
        """The finding of `rule` (a headcount.Line) when `counted` others occupy its seats on `day`."""
        return cls(
            plan=plan,
            line=line,
            line_name=line_name,
            day=day,
            planned=rule.seats,
            allowed=rule.allowed,
            occupied=counted,
            occupied_after=counted + 1,
            verdict=verdict,
        )

    def as_dict(self):
        """The numbers as the API states them (integers), with the message."""
        return {
            "detail": self.message(),
            "plan": self.plan.pk,
            "line": self.line.pk,
            "planned": self.planned,
            "allowed": self.allowed,
            "occupied": self.occupied,
        }

    def message(self):
        values = {
            "plan": self.plan.name,
            "line": self.line_name,
            "day": self.day.isoformat(),
            "planned": self.planned,
            "allowed": self.allowed,
            "occupied": self.occupied,
        }
        if self.verdict == headcount.REFUSED:
            text = _(
                "Over the headcount plan “%(plan)s”: %(line)s allows %(allowed)d (planned %(planned)d) and "
                "%(occupied)d are already counted on %(day)s. Nothing was saved."
            )
        else:
            text = _(
                "Over the headcount plan “%(plan)s”: %(line)s allows %(allowed)d (planned %(planned)d); with this "
                "placement %(occupied_after)d are counted on %(day)s. Saved, and listed in the plan's report."
            )
        return text % (values | {"occupied_after": self.occupied_after})


class PlacementRefused(Exception):
    """A placement the active plan forbids (deny, or ratio over the allowed number); nothing was saved.

    Carries `plan`, `line`, `planned`, `allowed` and `occupied` (counted without this placement) of the
    first line it goes over, and `message`, in the reader's language.
    """

    def __init__(self, finding):
        self.finding = finding
        self.plan, self.line = finding.plan, finding.line
        self.planned, self.allowed, self.occupied = finding.planned, finding.allowed, finding.occupied
        self.message = finding.message()
        super().__init__(self.message)


@dataclass
class Placement:
    """A saved placement and the warn lines it went over (empty when within the plan)."""

    employee: Employee
    warnings: list = field(default_factory=list)

    @property
    def messages(self):
        return [w.message() for w in self.warnings]


# ----------------------------------------------------------------------------- plans


def lock_plans():
    """Hold the plan-writing lock until the transaction ends (PostgreSQL; SQLite's IMMEDIATE transactions
    are serialised already): validate and save a plan while holding it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PLAN_LOCK_KEY])


def save_plan(plan):
    """Validate and save a plan (ValidationError naming the field otherwise). Saves are serialised, so two
    plans made active at once cannot both cover a day."""
    with transaction.atomic():
        lock_plans()
        plan.full_clean()
        plan.save()
    return plan


def start_plan(plan):
    """Save a new plan with one line per role of the organisation (add_lines_from_roles); returns the plan."""
    with transaction.atomic():
        save_plan(plan)
        add_lines_from_roles(plan)
    return plan


def add_lines_from_roles(plan):
    """One line per role of the organisation (archived roles left out), its planned seats the role's current
    headcount (Role.headcount, the job description's 编制): how a new plan starts."""
    roles = RoleReader(Audience(see_drafts=True)).organisation().order_by("tree_id", "lft")
    HeadcountLine.objects.bulk_create(
        HeadcountLine(plan=plan, role_id=pk, seats=seats) for pk, seats in roles.values_list("pk", "headcount")
    )
    CatalogueRevision.bump()  # bulk writes send no signals (orgchart/signals.py)


def save_line(line):
    """Validate and save a plan line (ValidationError naming the field otherwise)."""
    line.full_clean()
    line.save()
    return line


def organisation(role_ids=None):
    """The department tree, with the departments of `role_ids` (every role when None), as headcount reads it."""
    roles = Role.objects.all() if role_ids is None else Role.objects.filter(pk__in=role_ids)
    return headcount.Organisation(
        department_parent=dict(Department.objects.values_list("pk", "parent_id")),
        role_department=dict(roles.values_list("pk", "department_id")),
    )


def line_name(line, names):
    """A line as people name it: the role's title, or the department's name with "(department cap)"."""
    if line.role is not None:
        return names["role"].get(line.role, "")
    return _("%(department)s (department cap)") % {"department": names["department"].get(line.department, "")}


# ----------------------------------------------------------------------------- placing people


def place(employee, user=None, *, today=None):
    """Save `employee` (new or changed) if the active plan allows it; returns a Placement.

    The caller has validated the fields (full_clean). Raises PlacementRefused, saving nothing, when a
    line under deny or ratio would go over its allowed number.
    """
    with transaction.atomic():
        before = Employee.objects.filter(pk=employee.pk).first() if employee.pk else None
        findings = check(employee, today=today, before=before)
        refused = [f for f in findings if f.verdict == headcount.REFUSED]
        if refused:
            raise PlacementRefused(refused[0])
        employee.save()
        warnings = [f for f in findings if f.verdict == headcount.WARNED]
        done = action(employee, before)
        OverPlanPlacement.objects.bulk_create(
            OverPlanPlacement(
                plan=f.plan,
                line=f.line,
                line_name=f.line_name[:100],
                employee=employee,
                employee_name=employee.name,
                employee_number=employee.employee_number,
                role=employee.role,
                role_title=employee.role.title,
                action=done,
                day=f.day,
                planned=f.planned,
                allowed=f.allowed,
                occupied=f.occupied_after,
                placed_by=user if user is not None and user.is_authenticated else None,
            )
            for f in warnings
        )
    return Placement(employee, warnings)


def move(employee_id, role, user=None, *, today=None):
    """Move a person to another role (调动), checked like any placement; returns a Placement."""
    with transaction.atomic():
        try:
            employee = Employee.objects.select_related("role").get(pk=employee_id)
        except Employee.DoesNotExist:
            raise ValidationError(_("The employee no longer exists; reload the page and try again.")) from None
        employee.role = role
        return place(employee, user, today=today)


def action(employee, before):
    if before is None:
        return OverPlanPlacement.Action.ADD
    if before.role_id != employee.role_id:
        return OverPlanPlacement.Action.MOVE
    if before.start_date != employee.start_date:
        return OverPlanPlacement.Action.START_DATE
    return OverPlanPlacement.Action.REOPEN


def _occupies(person, day, plan):
    return person is not None and headcount.occupies(
        person.start_date, person.end_date, person.recorded_on, day, plan.occupy_from
    )


def check(employee, *, today=None, before=None):
    """The lines saving `employee` as it is now would go over, as Findings (lines within the plan left
    out). Locks every line it is checked against until the transaction ends: call it inside the
    transaction that saves (place() does; the admin form checks in the transaction of its save).
    `before`: the person as stored (read here when not given)."""
    today = today or dated.today()
    if before is None and employee.pk:
        before = Employee.objects.filter(pk=employee.pk).first()
    to_check = []  # (day, plan) where the new state holds a seat
    for day in headcount.check_days(employee.start_date, today):
        plan = HeadcountPlan.objects.covering(day)
        if plan is not None and _occupies(employee, day, plan):
            to_check.append((day, plan))
    if not to_check:
        return []
    role_ids = {employee.role_id} | ({before.role_id} if before else set())
    org = organisation(role_ids)
    departments = org.departments_up(org.role_department.get(employee.role_id))
    plan_ids = {plan.pk for _day, plan in to_check}
    candidates = HeadcountLine.objects.filter(plan_id__in=plan_ids, role_id=employee.role_id) | (
        HeadcountLine.objects.filter(plan_id__in=plan_ids, department_id__in=departments)
    )
    # Locked in one statement, in id order: every placement takes its locks in the same order.
    locked = list(candidates.select_for_update().order_by("pk"))
    if not locked:
        return []
    names = {}  # read once a line is over: a placement within the plan does not need them
    findings, seen = [], set()
    for day, plan in to_check:
        lines = {line.pk: line for line in locked if line.plan_id == plan.pk}
        rules = headcount.Lines.of(line.rule(plan) for line in lines.values())
        for rule in rules.covering(employee.role_id, org):
            if rule.mode == headcount.NONE or rule.id in seen:
                continue  # never stops nor warns; or already found over on an earlier day
            in_scope = _scope(rule, org)
            others = Employee.objects.occupying(day, plan.occupy_from).filter(in_scope)
            if employee.pk:
                others = others.exclude(pk=employee.pk)
            counted = others.count()
            was = int(_occupies(before, day, plan) and _in_scope(rule, before.role_id, org))
            verdict = headcount.verdict(rule, counted + was, counted + 1)
            if verdict == headcount.OK:
                continue
            seen.add(rule.id)
            if not names:
                names["role"] = dict(Role.objects.filter(pk=employee.role_id).values_list("pk", "title"))
                names["department"] = dict(Department.objects.filter(pk__in=departments).values_list("pk", "name"))
            findings.append(Finding.over(plan, lines[rule.id], line_name(rule, names), day, rule, counted, verdict))
    return findings


def _scope(rule, org):
    """The people a line counts, as a filter: its role's, or every role's in the department's subtree."""
    if rule.role is not None:
        return Q(role_id=rule.role)
    return Q(role__department_id__in=org.subtree(rule.department))


def _in_scope(rule, role_id, org):
    if rule.role is not None:
        return role_id == rule.role
    return org.role_department.get(role_id) in org.subtree(rule.department)

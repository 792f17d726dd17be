"""The counting rule (口径) of headcount plans (编制方案) and the figures built on it: plain functions, no database.

Stated once, in `counting_rule()`, which the report and the admin print beside every figure:

- A person is **in post** on a day from their start date (none: always) to their last day
  (`end_date`, none: still there), both days included.
- **预增** (pre-hire): recorded (`recorded_on`) on or before the day, starting after it, and not
  withdrawn before it (a last day before the day ends it too).
- **预减** (pre-leave): in post with a recorded last day; the seat is released the day after it.
- **Occupied**: in post, plus 预增 when the plan counts a hire from the day it is recorded
  (`occupy_from` = recorded; = start_date: from the start date only).
- **Allowed**: the planned seats; by ratio, planned × percentage / 100 rounded down to a whole
  person. **Vacant** = planned − occupied and **over** = occupied − planned, never below 0.
- **Which line**: a role's own line; else the nearest department cap up the department tree (a
  cap covers its sub-departments and every role in them); none anywhere: not controlled. A
  placement is checked against every line that covers it: its role's line and each department
  cap above it.
- **Control**: a placement that makes a line's occupied number larger than its allowed number
  (and larger than before the change) is refused under deny and ratio, saved with a warning
  under warn, saved under none.

orgchart/models.py (EmployeeQuerySet) has the same rule as SQL filters for counts over many
people; tests/orgchart/test_headcount.py proves that both agree.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Control modes (HeadcountPlan.control_mode, HeadcountLine.control_mode).
NONE, WARN, DENY, RATIO = "none", "warn", "deny", "ratio"
MODES = (NONE, WARN, DENY, RATIO)
# When a hire takes a seat (HeadcountPlan.occupy_from).
RECORDED, START_DATE = "recorded", "start_date"
# A ratio's percentage: above MIN_PERCENT, at most MAX_PERCENT.
MIN_PERCENT, MAX_PERCENT = Decimal(0), Decimal(1000)
MAX_SEATS = 100_000

# What a placement check finds for one line.
OK, WARNED, REFUSED = "ok", "warned", "refused"


def counting_rule(occupy_from=RECORDED):
    """The counting rule (口径) in the reader's language, as printed beside every figure of a plan that
    counts hires from `occupy_from` (RECORDED or START_DATE)."""
    if occupy_from == START_DATE:
        seat = _(
            "A hire takes a seat from their start date; 预增 (recorded, starting later) are shown but not counted."
        )
    else:
        seat = _("A hire takes a seat from the day it is recorded: 预增 (recorded, starting later) are counted.")
    # Chinese sentences end in 。 and take no space between them; English ones do.
    separator = "" if (get_language() or "").startswith("zh") else " "
    return separator.join(
        [
            _("Counting rule (口径):"),
            _("in post = started on or before the day and not yet past their last day."),
            seat,
            _("预减 = in post with a recorded last day; the seat is released the day after it."),
            _("Occupied = in post + counted 预增."),
            _("Allowed = planned; by ratio, planned × percentage, rounded down to a whole person."),
            _("Vacant = planned − occupied; over plan = occupied − planned."),
            _(
                "A role without a line of its own counts under the nearest department cap above it (a cap "
                "covers its sub-departments and every role in them); with no line above it, it is not controlled."
            ),
        ]
    )


# ----------------------------------------------------------------------------- one person on one day


def in_post(start, end, day):
    """In post at the end of `day`: started on or before it (no start date: always) and not past the last day."""
    return (start is None or start <= day) and (end is None or day <= end)


def pre_hire(start, end, recorded, day):
    """预增 on `day`: recorded on or before it, starting after it, not withdrawn (last day) before it."""
    return start is not None and recorded <= day < start and (end is None or day <= end)


def pre_leave(start, end, day):
    """预减 on `day`: in post with a recorded last day."""
    return end is not None and in_post(start, end, day)


def occupies(start, end, recorded, day, occupy_from):
    """Whether the person holds a seat on `day` under a plan counting hires from `occupy_from`."""
    return in_post(start, end, day) or (occupy_from == RECORDED and pre_hire(start, end, recorded, day))


def check_days(start, today):
    """The days a placement is checked on: today, and the start date when it is later (a hire recorded
    today may first hold a seat on either, depending on the plan covering it)."""
    return [today, start] if start is not None and start > today else [today]


@dataclass(frozen=True)
class Person:
    """One employee as the counting rule sees them."""

    role: int
    start: datetime.date | None
    end: datetime.date | None
    recorded: datetime.date


@dataclass(frozen=True)
class Counts:
    """People of a role, a department or a line's scope on a day."""

    in_post: int = 0
    pre_hire: int = 0
    pre_leave: int = 0
    occupied: int = 0

    def __add__(self, other):
        return Counts(
            self.in_post + other.in_post,
            self.pre_hire + other.pre_hire,
            self.pre_leave + other.pre_leave,
            self.occupied + other.occupied,
        )


def person_counts(person, day, occupy_from):
    """One person's Counts (each 0 or 1) on `day`."""
    return Counts(
        in_post=int(in_post(person.start, person.end, day)),
        pre_hire=int(pre_hire(person.start, person.end, person.recorded, day)),
        pre_leave=int(pre_leave(person.start, person.end, day)),
        occupied=int(occupies(person.start, person.end, person.recorded, day, occupy_from)),
    )


def count(people: Iterable[Person], day, occupy_from):
    """Counts per role id on `day` (roles nobody counts in are absent)."""
    counts = {}
    for person in people:
        found = person_counts(person, day, occupy_from)
        if found != Counts():
            counts[person.role] = counts.get(person.role, Counts()) + found
    return counts


# ----------------------------------------------------------------------------- lines and their control


def allowed(seats, mode, percent):
    """The number of people a line allows: its seats; by ratio, seats × percent / 100 rounded down."""
    if mode == RATIO:
        return int(Decimal(seats) * Decimal(percent) // 100)
    return seats


@dataclass(frozen=True)
class Line:
    """A plan line with the mode and percentage in force (HeadcountLine.rule()): a role's planned seats
    (`role`) or a department's cap (`department`)."""

    id: int | None
    role: int | None
    department: int | None
    seats: int
    mode: str
    percent: Decimal = Decimal(100)

    @property
    def allowed(self):
        return allowed(self.seats, self.mode, self.percent)


def verdict(line, before, after):
    """What a change of a line's occupied number from `before` to `after` meets: OK, WARNED or REFUSED.

    Only a change that adds to a line over its allowed number is stopped: editing someone in a line
    that is already over (a name, a shift, a move within the line) is never refused.
    """
    if after <= line.allowed or after <= before or line.mode == NONE:
        return OK
    return WARNED if line.mode == WARN else REFUSED


@dataclass(frozen=True)
class Organisation:
    """The department tree and each role's department, as the rule reads them."""

    department_parent: dict  # department id -> parent id or None
    role_department: dict  # role id -> department id

    def departments_up(self, department):
        """`department` and its ancestors, nearest first (a loop in the data ends the walk)."""
        found = []
        while department is not None and department not in found:
            found.append(department)
            department = self.department_parent.get(department)
        return found

    def children(self):
        """Sub-departments per department id."""
        below = {dept: [] for dept in self.department_parent}
        for dept, parent in self.department_parent.items():
            if parent is not None and parent in below:
                below[parent].append(dept)
        return below

    def subtree(self, department):
        """`department` and every department below it."""
        below, found, todo = self.children(), [], [department]
        while todo:
            dept = todo.pop()
            if dept not in found:
                found.append(dept)
                todo.extend(below.get(dept, []))
        return found


@dataclass(frozen=True)
class Lines:
    """A plan's lines, by role and by department."""

    by_role: dict = field(default_factory=dict)
    by_department: dict = field(default_factory=dict)

    @classmethod
    def of(cls, lines: Iterable[Line]):
        by_role, by_department = {}, {}
        for line in lines:
            if line.role is not None:
                by_role[line.role] = line
            else:
                by_department[line.department] = line
        return cls(by_role, by_department)

    def controlling(self, role, organisation):
        """The line that controls a role: its own, else the nearest department cap above it; None: not controlled."""
        if role in self.by_role:
            return self.by_role[role]
        for dept in organisation.departments_up(organisation.role_department.get(role)):
            if dept in self.by_department:
                return self.by_department[dept]
        return None

    def covering(self, role, organisation):
        """Every line a placement in `role` is checked against: its own line and each department cap above
        it, nearest first."""
        found = [self.by_role[role]] if role in self.by_role else []
        departments = organisation.departments_up(organisation.role_department.get(role))
        return found + [self.by_department[d] for d in departments if d in self.by_department]


# ----------------------------------------------------------------------------- the report's figures


@dataclass(frozen=True)
class Figures:
    """One row of the report. `planned`, `allowed`, `vacant` and `over` are None where nothing is planned
    (a role without a line of its own: `controlled_by` names the department cap that covers it, if any)."""

    planned: int | None
    allowed: int | None
    in_post: int
    pre_hire: int
    pre_leave: int
    occupied: int
    vacant: int | None
    over: int | None
    controlled_by: Line | None = None


def planned_figures(line, counts, controlled_by=None):
    """Figures of a role or department with its own line: planned and allowed from the line."""
    return Figures(
        planned=line.seats,
        allowed=line.allowed,
        in_post=counts.in_post,
        pre_hire=counts.pre_hire,
        pre_leave=counts.pre_leave,
        occupied=counts.occupied,
        vacant=max(line.seats - counts.occupied, 0),
        over=max(counts.occupied - line.seats, 0),
        controlled_by=controlled_by or line,
    )


def _sum_known(values):
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def summed_figures(parts, counts):
    """Figures of a department without a cap: the sums of its roles' and sub-departments' figures."""
    return Figures(
        planned=_sum_known(p.planned for p in parts),
        allowed=_sum_known(p.allowed for p in parts),
        in_post=counts.in_post,
        pre_hire=counts.pre_hire,
        pre_leave=counts.pre_leave,
        occupied=counts.occupied,
        vacant=_sum_known(p.vacant for p in parts),
        over=_sum_known(p.over for p in parts),
    )


def report(organisation, lines, counts):
    """The figures per role and per department: (role id -> Figures, department id -> Figures).

    `lines` is a Lines, `counts` role id -> Counts (count()). Every role of `organisation` and every
    department gets a row. A department's people are its roles' and its sub-departments'; with a cap
    its planned figures are the cap's, without one the sums of its parts'.
    """
    roles = {}
    for role in organisation.role_department:
        found = counts.get(role, Counts())
        own = lines.by_role.get(role)
        if own is not None:
            roles[role] = planned_figures(own, found)
        else:
            controller = lines.controlling(role, organisation)
            roles[role] = dataclasses.replace(summed_figures([], found), controlled_by=controller)
    roles_in = {}
    for role, dept in organisation.role_department.items():
        roles_in.setdefault(dept, []).append(role)
    below = organisation.children()
    departments = {}

    def department(dept, path):
        if dept in departments:
            return departments[dept]
        if dept in path:  # a loop in the data: counted once, where it was first reached
            return None
        parts = [roles[r] for r in roles_in.get(dept, [])]
        parts += [f for f in (department(d, path | {dept}) for d in below.get(dept, [])) if f is not None]
        people = sum((Counts(p.in_post, p.pre_hire, p.pre_leave, p.occupied) for p in parts), Counts())
        cap = lines.by_department.get(dept)
        departments[dept] = planned_figures(cap, people) if cap is not None else summed_figures(parts, people)
        return departments[dept]

    for dept in organisation.department_parent:
        department(dept, frozenset())
    return roles, departments

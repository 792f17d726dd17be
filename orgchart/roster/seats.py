"""The active headcount plan's control over a whole file of placements, for the preview.

orgchart/placement.py checks and saves one placement at a time, counting in the database. A preview
of thousands of rows cannot ask the database once per row, so this module reads the plans, their
lines, the organisation and every person once, then checks the rows in the file's order in memory:
each row accepted takes its seat before the next row is checked, as it would when the rows are
placed one after another. The rule is headcount.py's (check_days, occupies, Lines.covering,
verdict) and the findings are placement.Finding, with its messages; tests/orgchart/test_roster_seats.py
proves that the verdicts are the ones placement.place gives row after row.
"""

from roles.models import Department

from .. import headcount, placement
from ..models import Employee, HeadcountLine, HeadcountPlan


class SeatCheck:
    """The active plans that may cover a placement from `today` on, their lines and everyone they count."""

    def __init__(self, role_titles, today, *, lock=False):
        """`lock`: lock the plans' lines first (in a transaction that writes the rows), in id order as
        placement.place locks them, so that a placement saved meanwhile is counted or waits."""
        self.plans = list(HeadcountPlan.objects.active().filter(end_date__gte=today))
        self._plan_on = {}
        lines = HeadcountLine.objects.filter(plan__in=self.plans).order_by("pk")
        lines = list(lines.select_for_update() if lock else lines) if self.plans else []
        self.controls = bool(lines)
        if not self.controls:
            return
        self.lines = {line.pk: line for line in lines}
        self.rules = {
            plan.pk: headcount.Lines.of(line.rule(plan) for line in lines if line.plan_id == plan.pk)
            for plan in self.plans
        }
        self.organisation = placement.organisation()
        departments = {line.department_id for line in lines if line.department_id}
        for dept in list(departments):
            departments.update(self.organisation.departments_up(dept))
        self.names = {
            "role": role_titles,
            "department": dict(Department.objects.filter(pk__in=departments).values_list("pk", "name")),
        }
        self.people = {}  # key -> headcount.Person
        self.in_role = {}  # role id -> keys of the people in it
        for pk, role, start, end, recorded in Employee.objects.order_by().values_list(
            "pk", "role_id", "start_date", "end_date", "recorded_on"
        ):
            self.people[pk] = headcount.Person(role, start, end, recorded)
            self.in_role.setdefault(role, set()).add(pk)
        self._scopes = {}  # line id -> role ids it counts
        # (day, occupy_from) -> {role id: people holding a seat}, each role counted when first asked for
        self._occupied = {}

    def check(self, key, after, today):
        """The findings (placement.Finding, OK lines left out) of placing the person `key` (an employee id,
        or any other key for a new one) in the state `after` (headcount.Person)."""
        if not self.controls:
            return []
        before = self.people.get(key)
        findings, seen = [], set()
        for day in headcount.check_days(after.start, today):
            plan = self.plan_on(day)
            if plan is None or not self._occupies(after, day, plan):
                continue
            for rule in self.rules[plan.pk].covering(after.role, self.organisation):
                scope = self._scope(rule)
                was = int(before is not None and before.role in scope and self._occupies(before, day, plan))
                counted = sum(self._occupied_in(role, day, plan.occupy_from) for role in scope) - was
                verdict = headcount.verdict(rule, counted + was, counted + 1)
                if verdict == headcount.OK or rule.id in seen:
                    continue
                seen.add(rule.id)
                line_name = placement.line_name(rule, self.names)
                findings.append(
                    placement.Finding.over(plan, self.lines[rule.id], line_name, day, rule, counted, verdict)
                )
        return findings

    def take(self, key, after):
        """The person `key` now holds `after`'s seat: later rows count them there."""
        if not self.controls:
            return
        before = self.people.get(key)
        for (day, occupy_from), occupied in self._occupied.items():
            for person, step in ((before, -1), (after, 1)):
                if person is not None and person.role in occupied and self._holds(person, day, occupy_from):
                    occupied[person.role] += step
        if before is not None:
            self.in_role[before.role].discard(key)
        self.in_role.setdefault(after.role, set()).add(key)
        self.people[key] = after

    def plan_on(self, day):
        """The active plan covering `day`, as HeadcountPlan.objects.covering chooses it, or None."""
        if day not in self._plan_on:
            self._plan_on[day] = next((plan for plan in self.plans if plan.covers(day)), None)
        return self._plan_on[day]

    def _occupies(self, person, day, plan):
        return self._holds(person, day, plan.occupy_from)

    @staticmethod
    def _holds(person, day, occupy_from):
        return headcount.occupies(person.start, person.end, person.recorded, day, occupy_from)

    def _scope(self, rule):
        if rule.id not in self._scopes:
            if rule.role is not None:
                self._scopes[rule.id] = {rule.role}
            else:
                below = set(self.organisation.subtree(rule.department))
                self._scopes[rule.id] = {
                    role for role, dept in self.organisation.role_department.items() if dept in below
                }
        return self._scopes[rule.id]

    def _occupied_in(self, role, day, occupy_from):
        """The people holding a seat in `role` on `day`, counted once and then kept up to date by take()."""
        occupied = self._occupied.setdefault((day, occupy_from), {})
        if role not in occupied:
            people = (self.people[key] for key in self.in_role.get(role, ()))
            occupied[role] = sum(self._holds(person, day, occupy_from) for person in people)
        return occupied[role]

"""A roster's rows against the database: the preview (what importing would do to each row) and the import.

Each row of the file is one of:

- new: no employee has its 工号; importing adds one, recorded today.
- changed: the employee of that 工号 differs in name, role (a move, 调动), shift, start or end date;
  importing updates them. A column the file does not have leaves that value as it is; an empty cell
  in a column it has empties it (an empty 离职日期 reopens a leaver).
- unchanged: the employee already reads as the row does; importing writes nothing.
- error: the row cannot be imported, with every reason: a problem of the file (parser.py), a role no
  title or role number names or that several titles name, an unknown shift, an end before the start,
  or a placement the active headcount plan refuses (orgchart/placement.py).

Importing imports the valid rows (new and changed) and skips the error rows: the page and the command
show the errors first, and HR decides to import the rest or nothing. The import is one transaction
that works the preview out again inside it, so what is written is what the database allows at that
moment; if any write fails, nothing is written. People the file does not list are left as they are
(a leaver gets a 离职日期, never a deletion). Importing the same file again finds every row unchanged
and writes nothing.

A preview costs the same few queries for any number of rows: the roles, the shifts and the
employees of the file's numbers are each read once and matched in memory.
"""

import unicodedata
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from roles import dated
from roles.models import Shift
from roles.reading import Audience, RoleReader
from shopconfig.models import CatalogueRevision

from .. import headcount, placement
from ..models import Employee, OverPlanPlacement
from .parser import BY_FIELD
from .seats import SeatCheck

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"
STATUS_LABELS = {
    NEW: pgettext_lazy("roster row", "new"),
    CHANGED: pgettext_lazy("roster row", "changed"),
    UNCHANGED: pgettext_lazy("roster row", "unchanged"),
    ERROR: pgettext_lazy("roster row", "error"),
}
# The employee's fields a row sets, in the order a change is shown.
FIELDS = ("name", "role", "shift", "start_date", "end_date")
OPTIONAL = ("shift", "start_date", "end_date")  # left as they are when the file has no such column


class ImportFailed(Exception):
    """Writing the rows failed; nothing was written. `message` says so to the person importing."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


@dataclass
class Outcome:
    """What importing does to one row: its status, the employee it is about, what changes and why not."""

    row: object  # parser.RosterRow
    status: str = NEW
    employee: Employee | None = None  # the employee of the row's 工号, if any
    values: dict = field(default_factory=dict)  # the employee's fields after the import (ids for role and shift)
    changes: list = field(default_factory=list)  # Change
    reasons: list = field(default_factory=list)  # why the row cannot be imported
    warnings: list = field(default_factory=list)  # imported, but the user is told (over plan under 提醒)
    findings: list = field(default_factory=list)  # placement.Finding of those warnings
    role_title: str = ""
    shift_name: str = ""

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def importable(self):
        return self.status in (NEW, CHANGED)

    @property
    def matched_title(self):
        """The title of the role the row names by its role number (empty when it names it by title)."""
        return self.role_title if self.role_title != self.row.role else ""

    @property
    def notes(self):
        """What the preview says of the row, as (kind, text): the reasons, the warnings, then the changes."""
        return [
            *(("reason", reason) for reason in self.reasons),
            *(("warning", warning) for warning in self.warnings),
            *(("change", f"{change.label}: {change.before} → {change.after}") for change in self.changes),
        ]


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class Preview:
    roster: object  # parser.Roster
    outcomes: list

    def of(self, status):
        return [outcome for outcome in self.outcomes if outcome.status == status]

    @property
    def counts(self):
        return {status: len(self.of(status)) for status in STATUS_LABELS}

    @property
    def importable(self):
        return [outcome for outcome in self.outcomes if outcome.importable]


def match_key(text):
    """How a role or shift is looked up: full-width forms folded, case and surrounding spaces ignored."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


class Catalogue:
    """The roles people may be placed in (the organisation, as HR reads it: no archived role) and the shifts,
    read once and looked up by title, role number or name."""

    def __init__(self):
        reader = RoleReader(Audience(see_drafts=True))
        self.roles = {}
        self.by_code, self.by_title = {}, {}
        for pk, title, code in reader.organisation().order_by("tree_id", "lft").values_list("pk", "title", "code"):
            self.roles[pk] = (title, code)
            if code:
                self.by_code.setdefault(match_key(code), []).append(pk)
            self.by_title.setdefault(match_key(title), []).append(pk)
        self.shifts, self.shift_names = {}, {}
        for pk, name, code in Shift.objects.values_list("pk", "name", "code"):
            self.shift_names[pk] = name
            self.shifts.setdefault(match_key(name), pk)
            self.shifts.setdefault(match_key(code), pk)

    def role(self, text):
        """(role id, None) or (None, the reason no role is found)."""
        key = match_key(text)
        found = self.by_code.get(key) or self.by_title.get(key) or []
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, _("No role is titled or numbered “%(role)s”.") % {"role": text}
        codes = [self.roles[pk][1] for pk in found]
        if all(codes) and len(set(codes)) == len(codes):
            return None, _("Several roles are titled “%(role)s” (%(codes)s): write the role number instead.") % {
                "role": text,
                "codes": "、".join(codes),
            }
        return None, _(
            "Several roles are titled or numbered “%(role)s”: give them different role numbers in the catalogue "
            "and write the number here."
        ) % {"role": text}

    def shift(self, text):
        """(shift id or None for an empty cell, None) or (None, the reason)."""
        if not text:
            return None, None
        found = self.shifts.get(match_key(text))
        if found is None:
            known = "、".join(self.shift_names.values()) or "—"
            return None, _("No shift is called “%(shift)s” (shifts: %(known)s).") % {"shift": text, "known": known}
        return found, None


def preview(roster, *, today=None, lock=False):
    """What importing `roster` (a parser.Roster) would do to each row, without writing anything.

    `lock` (for the import, in its transaction): lock the active plans' lines before counting.
    """
    today = today or dated.today()
    catalogue = Catalogue()
    # First, so that the import locks the plan's lines before it reads anyone.
    seats = SeatCheck({pk: title for pk, (title, _code) in catalogue.roles.items()}, today, lock=lock)
    numbers = [row.employee_number for row in roster.rows if row.employee_number]
    existing = {
        employee.employee_number: employee
        for employee in Employee.objects.filter(employee_number__in=numbers).select_related("role", "shift").order_by()
    }
    outcomes = [_outcome(row, roster, catalogue, existing.get(row.employee_number)) for row in roster.rows]
    _check_seats(outcomes, seats, today)
    return Preview(roster=roster, outcomes=outcomes)


def _check_seats(outcomes, seats, today):
    """The active plan's verdict on each new or changed row, in the file's order: a refused row is an error,
    a warned one keeps its status with the warning; each accepted row takes its seat for the rows after it."""
    placing = [outcome for outcome in outcomes if outcome.importable]
    for outcome in placing:
        key = outcome.employee.pk if outcome.employee else ("new", outcome.row.employee_number)
        recorded = outcome.employee.recorded_on if outcome.employee else today
        after = headcount.Person(
            outcome.values["role"], outcome.values["start_date"], outcome.values["end_date"], recorded
        )
        findings = seats.check(key, after, today)
        refused = [finding for finding in findings if finding.verdict == headcount.REFUSED]
        if refused:
            outcome.status = ERROR
            outcome.reasons.append(refused[0].message())
            continue
        outcome.findings = findings
        outcome.warnings = [finding.message() for finding in findings]
        seats.take(key, after)


def _outcome(row, roster, catalogue, employee):
    outcome = Outcome(row=row, employee=employee, reasons=list(row.problems))
    role_id, reason = catalogue.role(row.role) if row.role else (None, None)
    if reason:
        outcome.reasons.append(reason)
    shift_id, reason = catalogue.shift(row.shift) if roster.has("shift") else (None, None)
    if reason:
        outcome.reasons.append(reason)
    if outcome.reasons:
        outcome.status = ERROR
        return outcome
    values = {
        "name": row.name,
        "role": role_id,
        "shift": shift_id,
        "start_date": row.start_date,
        "end_date": row.end_date,
    }
    if employee is not None:
        before = _values(employee)
        for name in OPTIONAL:
            if not roster.has(name):
                values[name] = before[name]
    outcome.values = values
    outcome.role_title = catalogue.roles[role_id][0]
    outcome.shift_name = catalogue.shift_names.get(values["shift"], "")
    if values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"]:
        outcome.reasons.append(
            _("The end date %(end)s is before the start date %(start)s.")
            % {"end": values["end_date"], "start": values["start_date"]}
        )
        outcome.status = ERROR
        return outcome
    if employee is None:
        outcome.status = NEW
        return outcome
    outcome.changes = _changes(employee, before, values, outcome)
    outcome.status = CHANGED if outcome.changes else UNCHANGED
    return outcome


def _values(employee):
    return {
        "name": employee.name,
        "role": employee.role_id,
        "shift": employee.shift_id,
        "start_date": employee.start_date,
        "end_date": employee.end_date,
    }


CHANGE_LABELS = {
    "name": BY_FIELD["name"].label,
    "role": BY_FIELD["role"].label,
    "shift": BY_FIELD["shift"].label,
    "start_date": BY_FIELD["start_date"].label,
    "end_date": BY_FIELD["end_date"].label,
}
EMPTY = gettext_lazy("(none)")


def _changes(employee, before, after, outcome):
    shown_before = {
        "name": employee.name,
        "role": employee.role.title,
        "shift": employee.shift.name if employee.shift else "",
        "start_date": employee.start_date,
        "end_date": employee.end_date,
    }
    shown_after = {**after, "role": outcome.role_title, "shift": outcome.shift_name}
    return [
        Change(capfirst(CHANGE_LABELS[name]), _shown(shown_before[name]), _shown(shown_after[name]))
        for name in FIELDS
        if before[name] != after[name]
    ]


def _shown(value):
    if value is None or value == "":
        return str(EMPTY)
    return str(value)


def import_roster(roster, *, user=None, today=None):
    """Import the valid rows of `roster` in one transaction and return the preview worked out inside it, after
    locking the active plans' lines: its new and changed rows are what was written, its warnings are recorded
    for the plan's report with `user`. ImportFailed, with nothing written, when a write fails (another user
    saved the same 工号 meanwhile, say)."""
    today = today or dated.today()
    try:
        with transaction.atomic():
            result = preview(roster, today=today, lock=True)
            _write(result, today, user)
    except DatabaseError as error:
        raise ImportFailed(
            _(
                "Nothing was imported: the employees changed while the file was being imported (%(reason)s). Preview it again."
            )
            % {"reason": error}
        ) from None
    return result


def _write(result, today, user):
    new, changed, actions = [], [], {}
    for outcome in result.importable:
        values = {**outcome.values, "role_id": outcome.values["role"], "shift_id": outcome.values["shift"]}
        del values["role"], values["shift"]
        if outcome.status == NEW:
            outcome.employee = Employee(employee_number=outcome.row.employee_number, recorded_on=today, **values)
            new.append(outcome.employee)
            actions[id(outcome)] = OverPlanPlacement.Action.ADD
        else:
            employee = outcome.employee
            before = Employee(role_id=employee.role_id, start_date=employee.start_date)
            fields = {name: value for name, value in values.items() if getattr(employee, name) != value}
            for name, value in fields.items():
                setattr(employee, name, value)
            changed.append((employee.pk, fields))
            actions[id(outcome)] = placement.action(employee, before)
    Employee.objects.bulk_create(new, batch_size=500)
    CatalogueRevision.bump()  # bulk writes send no signals (orgchart/signals.py): the chart's people change now
    for pk, fields in changed:
        # One plain UPDATE of the fields that change: faster than bulk_update's CASE over every row.
        Employee.objects.filter(pk=pk).update(**fields)
    placed_by = user if user is not None and user.is_authenticated else None
    OverPlanPlacement.objects.bulk_create(
        OverPlanPlacement(
            plan=finding.plan,
            line=finding.line,
            line_name=finding.line_name[:100],
            employee=outcome.employee,
            employee_name=outcome.employee.name,
            employee_number=outcome.employee.employee_number,
            role_id=outcome.values["role"],
            role_title=outcome.role_title,
            action=actions[id(outcome)],
            day=finding.day,
            planned=finding.planned,
            allowed=finding.allowed,
            occupied=finding.occupied_after,
            placed_by=placed_by,
        )
        for outcome in result.importable
        for finding in outcome.findings
    )

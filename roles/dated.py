"""Dated changes to the organisation: recording them, and keeping the present tree in step.

Every change to a role's place (roles.timeline.FIELDS) is recorded here as a RoleChange with an
effective date — today, a past day (a back-dated correction) or a future one (scheduled) — and
the role's periods (RolePeriod, the read model of "as of a day") are rebuilt from its changes.

The Role rows are the organisation of today: `apply_due` makes them show every change in force
by today. Writers call it after recording, and the request middleware calls it on each process's
first request of a day (`apply_due_once_a_day`), so a change dated tomorrow is in force tomorrow
without anyone running anything.

All writes run inside services.tree_lock(), like every other tree write.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shopconfig.models import CatalogueRevision

from . import services, timeline, treecheck
from .models import Role, RoleChange, RolePeriod, RoleVersion

Kind = RoleChange.Kind


def today():
    """Today in the shop's time zone (settings.TIME_ZONE): the day changes take effect."""
    return timezone.localdate()


def check_day(day, name="effective_date"):
    """Refuse dates outside 1900–2100 (typing mistakes, not history)."""
    if not timeline.EARLIEST <= day <= timeline.LATEST:
        raise ValidationError(_("Enter a date between 1900-01-01 and 2100-12-31."), code="date_out_of_range")


def state_of(role, dotted=None):
    """The present state of a saved role, as the timeline stores states (`dotted`: ids already read)."""
    if dotted is None:
        dotted = sorted(role.dotted_line_superiors.values_list("pk", flat=True))
    return {
        "parent": role.parent_id,
        "title": role.title,
        "department": role.department_id,
        "grade": role.grade_id,
        "headcount": role.headcount,
        "dotted": dotted,
        "archived": role.status == Role.Status.ARCHIVED,
    }


def _changes_of(role_ids):
    """The timeline's view of the recorded changes of these roles (all roles: None)."""
    rows = RoleChange.objects.order_by()
    if role_ids is not None:
        rows = rows.filter(role_id__in=role_ids)
    return [
        timeline.Change(role_id, kind, value, day, seq)
        for role_id, kind, value, day, seq in rows.values_list("role_id", "kind", "value", "effective_date", "id")
    ]


def record_created(role, day, user=None, reason=""):
    """Record a new role's whole state as its first change, effective `day`; call in the lock."""
    check_day(day)
    change = RoleChange.objects.create(
        role=role,
        kind=Kind.CREATED,
        value=state_of(role),
        effective_date=day,
        recorded_by=user,
        reason=reason[:200],
        applied=day <= today(),
    )
    _rebuild_periods([role.pk])
    return [change]


def record(role_id, values, day, user=None, reason=""):
    """Record the fields in `values` (timeline.FIELDS) of one role as changes effective `day`.

    Only fields that differ from the role's state on that day are recorded. Refuses a superior
    that would make a loop on that day or any later day with changes. Returns the new changes;
    apply_due() then brings the present tree in step. Call inside tree_lock().
    """
    batch = Batch(day, user, reason)
    batch.record(role_id, values)
    return batch.save()


class Batch:
    """Many changes effective one day (a plan's approval) recorded as one: the history is read
    once, each move is checked for loops against the superiors kept per day in memory, and the rows
    are written and the periods rebuilt once, by save(). Call inside tree_lock()."""

    PENDING = 10**18  # in-memory order of changes not saved yet: after every saved one

    def __init__(self, day, user=None, reason="", preload=False):
        """Check the day; read the whole history now when `preload` (many roles will be recorded)."""
        check_day(day)
        self.day, self.user, self.reason = day, user, reason
        self.by_role = {}  # role id -> its changes (timeline.Change), saved and pending
        self.complete = False  # whether by_role holds every role's history
        self.parents = None  # later day -> role id -> superior id (not archived), built on the first move
        self.rows = []
        if preload:
            self._load(None)

    def _load(self, role_ids):
        """Read the saved changes of these roles (all: None) into memory, keeping the pending ones."""
        fresh = {role_id: [] for role_id in role_ids or ()}
        for change in _changes_of(role_ids):
            fresh.setdefault(change.role_id, []).append(change)
        for role_id, changes in fresh.items():
            changes.extend(c for c in self.by_role.get(role_id, ()) if c.seq >= self.PENDING)
        self.by_role.update(fresh)
        self.complete = self.complete or role_ids is None

    def own(self, role_id):
        """The changes of one role, read from the database the first time it is asked for."""
        if role_id not in self.by_role and not self.complete:
            self._load([role_id])
        return self.by_role.get(role_id, [])

    def add_role(self, role_id):
        """Take in a role created meanwhile (its changes were saved by record_created)."""
        self._load([role_id])
        if self.parents is not None:
            self._place(role_id)

    def record(self, role_id, values):
        """Like record() for one role, kept in memory until save(); returns the fields recorded."""
        unknown = set(values) - set(timeline.FIELDS)
        if unknown:
            raise ValueError(f"not a dated field: {sorted(unknown)}")
        own = self.own(role_id)
        before = timeline.state_on(own, self.day)
        if before is None:
            first = min((c.effective_date for c in own), default=None)
            raise ValidationError(
                _("The role did not exist yet on %(day)s; it exists from %(first)s.")
                % {"day": self.day.isoformat(), "first": first.isoformat() if first else "—"},
                code="before_created",
            )
        wanted = {name: _normalised(name, value) for name, value in values.items()}
        changed = {name: value for name, value in wanted.items() if before[name] != value}
        pending = [
            timeline.Change(role_id, name, value, self.day, self.PENDING + len(self.rows) + i)
            for i, (name, value) in enumerate(changed.items())
        ]
        if "parent" in changed and changed["parent"] is not None:
            self._check_no_loop(role_id, [*own, *pending])
        own.extend(pending)
        self.by_role[role_id] = own
        self.rows.extend(
            RoleChange(
                role_id=role_id,
                kind=name,
                value=value,
                effective_date=self.day,
                recorded_by=self.user,
                reason=self.reason[:200],
            )
            for name, value in changed.items()
        )
        if self.parents is not None and changed.keys() & {"parent", "archived"}:
            self._place(role_id)
        return changed

    def save(self):
        """Write the recorded changes and rebuild the periods of their roles; the new RoleChange rows."""
        created = RoleChange.objects.bulk_create(self.rows)
        if created:
            _rebuild_periods(sorted({row.role_id for row in created}))
            CatalogueRevision.bump()  # answers kept per revision (the API tree as of a day) are out of date
        self.rows = []
        return created

    def _check_no_loop(self, role_id, own):
        """Refuse the role's changes `own` when they put it under itself on the batch's day or on
        any later day a superior changes (a scheduled move elsewhere might close the loop later)."""
        if self.parents is None:
            self._build_parents()
        for when, parents in self.parents.items():
            state = timeline.state_on(own, when)
            parent = state["parent"] if state is not None and not state["archived"] else None
            if parent is not None and timeline.would_cycle({**parents, role_id: None}, role_id, parent):
                raise ValidationError(
                    _("A role cannot report to itself or to one of its own subordinates."), code="cycle"
                )

    def _build_parents(self):
        """The superiors of every role on the batch's day and on each later day with a change of
        place (created, superior, archived): one pass over the whole history."""
        if not self.complete:
            self._load(None)
        moves = timeline.in_force_order(
            c
            for changes in self.by_role.values()
            for c in changes
            if c.kind in (timeline.CREATED, "parent", "archived")
        )
        days = sorted({self.day} | {c.effective_date for c in moves if c.effective_date > self.day})
        self.parents, states, pending = {}, {}, iter(moves)
        change = next(pending, None)
        for when in days:
            while change is not None and change.effective_date <= when:
                states[change.role_id] = timeline.apply(states.get(change.role_id), change)
                change = next(pending, None)
            self.parents[when] = {i: s["parent"] for i, s in states.items() if s is not None and not s["archived"]}

    def _place(self, role_id):
        """Bring one role's superior in the per-day superiors in step with its changes."""
        own = self.by_role.get(role_id, [])
        for when, parents in self.parents.items():
            state = timeline.state_on(own, when)
            if state is None or state["archived"]:
                parents.pop(role_id, None)
            else:
                parents[role_id] = state["parent"]


def record_dotted(role, before, day, user=None, reason=""):
    """After a form saved a role's dotted lines: record them as of `day` (default today); for a
    later day, put back the lines of today until then."""
    day = day or today()
    after = sorted(role.dotted_line_superiors.values_list("pk", flat=True))
    with services.tree_lock():
        if sorted(before) == after:
            return  # unchanged by the form: a change scheduled in between stays
        if day > today():
            role.dotted_line_superiors.set(Role.objects.filter(pk__in=before))
        record(role.pk, {"dotted": after}, day, user, reason)
        apply_due(also=[role.pk])


def later_changes_in_force(role_id, fields, day):
    """The fields among `fields` changed again on a later day than `day`: a back-dated change of
    those is history only, the later one is in force from its day. Field -> that later day."""
    later = (
        RoleChange.objects.filter(role_id=role_id, kind__in=fields, effective_date__gt=day)
        .order_by("effective_date")
        .values_list("kind", "effective_date")
    )
    out = {}
    for kind, effective in later:
        out.setdefault(kind, effective)
    return out


def _normalised(name, value):
    if name == "dotted":
        return sorted(int(v) for v in value)
    if name == "archived":
        return bool(value)
    if name == "headcount":
        return int(value)
    return value


def _rebuild_periods(role_ids):
    """Replace these roles' periods with the fold of their changes."""
    changes = _changes_of(role_ids)
    RolePeriod.objects.filter(role_id__in=role_ids).delete()
    RolePeriod.objects.bulk_create(
        RolePeriod(
            role_id=p.role_id,
            valid_from=p.valid_from,
            valid_to=p.valid_to,
            superior_id=p.state["parent"],
            title=p.state["title"],
            department_id=p.state["department"],
            grade_id=p.state["grade"],
            headcount=p.state["headcount"],
            dotted=p.state["dotted"],
            archived=p.state["archived"],
        )
        for p in _all_periods(changes)
    )


def _all_periods(changes):
    by_role = {}
    for change in changes:
        by_role.setdefault(change.role_id, []).append(change)
    for role_changes in by_role.values():
        yield from timeline.periods(role_changes)


def apply_due(day=None, also=()):
    """Bring the present tree in step with every change in force by `day` (default today).

    Cheap when nothing is due (one indexed query); otherwise, in the tree lock, each role with due
    changes gets its state on that day written to its row. Writers pass the roles they just wrote
    as `also`: a row written for a back-dated change that a later one overrides is put back.
    Returns how many roles were looked at.
    """
    day = day or today()
    bring_versions_in_force(day)
    if not also and not RoleChange.objects.due(day).exists():
        return 0
    with services.tree_lock():
        due = RoleChange.objects.due(day)
        role_ids = sorted(set(due.values_list("role_id", flat=True)) | set(also))
        by_role = {}
        for change in _changes_of(role_ids):
            by_role.setdefault(change.role_id, []).append(change)
        states = {i: timeline.state_on(by_role.get(i, []), day) for i in role_ids}
        states = {i: state for i, state in states.items() if state is not None}
        _move_present(states)
        roles = Role.objects.prefetch_related("dotted_line_superiors").in_bulk(states)
        for role_id, state in states.items():
            _write_present(roles[role_id], state)
        due.update(applied=True)
        CatalogueRevision.bump()
    return len(role_ids)


def bring_versions_in_force(day):
    """Scheduled roles whose approved version's day has come by `day` become published in that
    version, so the public reads it from that day without anyone running anything. One query when
    none is due. Returns how many roles it published."""
    newest = {}  # role id -> (number, version id, effective date) of its newest approval not withdrawn
    approved = RoleVersion.objects.filter(
        role__status=Role.Status.SCHEDULED, published_at__isnull=False, withdrawn_at__isnull=True
    )
    for role_id, number, version_id, effective in approved.values_list("role_id", "number", "pk", "effective_date"):
        if number > newest.get(role_id, (0,))[0]:
            newest[role_id] = (number, version_id, effective)
    due = {role_id: row for role_id, row in newest.items() if row[2] <= day}
    if not due:
        return 0
    with transaction.atomic():
        for role in Role.objects.select_for_update().filter(pk__in=due, status=Role.Status.SCHEDULED):
            number, version_id, effective = due[role.pk]
            role.status, role.live_version_id = Role.Status.PUBLISHED, version_id
            role._change_reason = _("Version %(n)d in force from %(day)s") % {"n": number, "day": effective.isoformat()}
            role.save(update_fields=["status", "live_version"])
    return len(due)


_checked = {"day": None}


def apply_due_once_a_day():
    """apply_due() on this process's first request of each day. Writers apply at once whatever is
    in force by today, so only a new day can bring a change into force: a check per process and
    day is enough, and the other requests cost nothing."""
    day = today()
    if _checked["day"] != day:
        apply_due(day)
        _checked["day"] = day


def _move_present(states):
    """Give each role whose superior differs from `states` (id -> state) its new superior, as its
    last subordinate (several under one superior in the order of `states`; a role moved to the
    top starts the last tree), and number the tree once.

    django-mptt moving the roles one by one rewrites the nested-set columns of the whole tree for
    each move; on PostgreSQL that took seconds for a plan's moves. Here the new numbers come from
    the superiors in memory (treecheck.numbered, as mptt's rebuild() numbers a tree), each moved
    role is saved once (its history record, the revision signal) and the other rows whose numbers
    changed are written together. Refuses a loop. Call inside the tree lock.
    """
    present = dict(Role.objects.filter(pk__in=states).values_list("pk", "parent_id"))
    moved = [i for i, state in states.items() if present[i] != state["parent"]]
    if not moved:
        return
    rows = Role.objects.order_by("tree_id", "lft").values_list("pk", "parent_id", *TREE_NUMBERS)
    parents = {pk: parent for pk, parent, *_numbers in rows}
    for role_id in moved:
        del parents[role_id]
        parents[role_id] = states[role_id]["parent"]  # last in the dict: the last of its new siblings
    try:
        numbers = treecheck.numbered(parents)
    except ValueError:
        raise ValidationError(
            _("A role cannot report to itself or to one of its own subordinates."), code="cycle"
        ) from None
    roles = Role.objects.in_bulk(moved)
    # mptt's switch is per model class and process: the tree lock keeps other tree writers out meanwhile.
    with Role.objects.disable_mptt_updates():
        for role_id in moved:
            role = roles[role_id]
            role.parent_id = parents[role_id]
            role.tree_id, role.lft, role.rght, role.level = numbers[role_id]
            role.save()
    _write_numbers(
        [(pk, *numbers[pk]) for pk, _parent, *stored in rows if pk not in roles and tuple(stored) != numbers[pk]]
    )


TREE_NUMBERS = ("tree_id", "lft", "rght", "level")  # in treecheck.numbered's order


def _write_numbers(rows, batch=500):
    """Write the nested-set columns of `rows` (id, tree_id, lft, rght, level): one UPDATE per
    `batch` rows, joined to the rows' VALUES (SQLite 3.33+ and PostgreSQL). Django's bulk_update
    builds a CASE per row and column: 1–2 s for 2,000 rows where this takes 20–200 ms."""
    table, pk = connection.ops.quote_name(Role._meta.db_table), connection.ops.quote_name(Role._meta.pk.column)
    columns = [connection.ops.quote_name(Role._meta.get_field(name).column) for name in TREE_NUMBERS]
    assignments = ", ".join(f"{column} = v.{column}" for column in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"WITH v({pk}, {', '.join(columns)}) AS (VALUES {values}) "
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.{pk}",
                [value for row in chunk for value in row],
            )


def _write_present(role, state):
    """Make one Role row show `state`'s fields other than the superior (see _move_present); `role`
    was read with its dotted lines."""
    present = state_of(role, dotted=sorted(boss.pk for boss in role.dotted_line_superiors.all()))
    fields = {}
    for name, attr in PRESENT_COLUMNS:
        if present[name] != state[name]:
            fields[attr] = state[name]
    if present["archived"] != state["archived"]:
        if state["archived"]:
            fields.update(status=Role.Status.ARCHIVED, live_version=None)
        else:
            fields.update(status=Role.Status.DRAFT)
    if fields:
        Role.objects.filter(pk=role.pk).update(**fields, updated_at=timezone.now())
    if present["dotted"] != state["dotted"]:
        role.dotted_line_superiors.set(Role.objects.filter(pk__in=state["dotted"]))


PRESENT_COLUMNS = (
    ("title", "title"),
    ("department", "department_id"),
    ("grade", "grade_id"),
    ("headcount", "headcount"),
)


def present_problems(day=None):
    """Each role whose row differs from the fold of its dated changes on `day` (default today), as text."""
    day = day or today()
    by_role = {}
    for change in _changes_of(None):
        by_role.setdefault(change.role_id, []).append(change)
    problems = []
    for role in Role.objects.prefetch_related("dotted_line_superiors").order_by("tree_id", "lft"):
        expected = timeline.state_on(by_role.get(role.pk, []), day)
        present = state_of(role, dotted=sorted(boss.pk for boss in role.dotted_line_superiors.all()))
        if expected is None:
            problems.append(f"role {role.pk} “{role.title}”: no dated change records it as existing on {day}")
            continue
        for name in timeline.FIELDS:
            if present[name] != expected[name]:
                problems.append(
                    f"role {role.pk} “{role.title}”: {name} is {present[name]!r}, its changes say {expected[name]!r}"
                )
    return problems


def first_day():
    """The earliest day the recorded history knows, or None before anything was recorded."""
    return RoleChange.objects.order_by("effective_date").values_list("effective_date", flat=True).first()


def parse_day(text):
    """A YYYY-MM-DD date from a query string, or None when it is not one."""
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None

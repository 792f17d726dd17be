"""Reorganisation plans (调整方案): the services the API and the plan pages call.

A plan is a named list of changes to the organisation of its base day (orgchart.models.Plan and
PlanChange; the rules are the pure functions of orgchart/planning.py). Nothing touches the live
organisation until an approver approves the plan with an effective date. Several plans may exist at
once. Who may see plans: roles.permissions.can_see_plans (HR and approvers); HR edits and submits
(can_edit), approvers approve and send back (can_publish); each service checks and raises
PermissionDenied. Pay costs are loaded only when the caller says its reader may see pay
(reading.Audience.see_pay): the services never decide that.

Reading
- `organisation_on(day)`: the live organisation at the end of a day, role id -> timeline state
  (archived roles included), one query.
- `changes_of(plan)`: the plan's changes as planning.Change, in order, one query.
- `plan_diff(plan, with_cost=False)`: a PlanDiff — the base and proposed organisations (the proposal
  names new roles by negative ids), each role's differences, the per-department headcount and (with
  `with_cost`) pay cost before and after, the names to print values with (`describe`), and the
  problems of changes the base day no longer allows. A fixed number of queries whatever the plan's size.

Writing (each in one transaction; a refusal raises django ValidationError and leaves the plan as it was)
- `create_plan(user, name, base_date=None)`, `delete_plan(plan_id, user)` (drafts only).
- `add_change(plan_id, user, kind, role=None, **value)`: value keys per kind in planning.VALUE_KEYS
  (`add` also takes pay_min, pay_max: the new role's reference pay range, which prices it). Refused:
  a loop, a role unknown or archived (in the base day or by the plan), merging a role with itself,
  archiving a role that still has subordinates, a bad title, headcount, department or grade.
- `remove_change(plan_id, user, number)`: refused when a later change needs it (a role it adds).
- `submit(plan_id, user)`: draft -> submitted; a plan with no changes or with problems is refused.
- `reject(plan_id, user, comment)`: submitted -> draft, the approver's comment kept on the plan.
- `approve(plan_id, user, effective_date)`: in ONE transaction under roles.services.tree_lock(): the
  conflicts with the live organisation of the effective day are checked first (a role gone or
  archived, a loop, a field the plan changes that changed since it was recorded); if any, nothing is
  written and PlanConflicts lists them, each naming the role. Otherwise every change becomes dated
  changes (roles/dated.py), recorded change by change in the plan's order, then dated.apply_due().
  A role the plan adds is created through roles.services.save_role (its address from its title): on
  an effective day after today it is created today as archived and becomes a draft on that day,
  because the tree service creates roles only from today backwards. A merge moves the removed role's
  people (orgchart.Employee) to the kept role at approval.

ValidationError codes: "plan_status" (the plan's status forbids it), "plan_empty" (submitting no
changes), "plan_in_use" (removing a change a later one needs), "plan_refused" (the plan's rules refuse
a change; raised per field: "role", "parent", "into", "title", "headcount"…).
"""

from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roles import dated, paycost, permissions, services, timeline
from roles.models import Department, Grade, Role, RolePeriod

from . import planning
from .models import Employee, Plan, PlanChange

Status = Plan.Status


class Conflict(NamedTuple):
    """Why approving a plan stops: the role (id; None for a role the plan adds), its title, the reason."""

    role: int | None
    title: str
    reason: str


class PlanConflicts(Exception):
    """Approval found conflicts with the live organisation; nothing was written."""

    def __init__(self, conflicts):
        super().__init__("; ".join(f"{c.title}: {c.reason}" for c in conflicts))
        self.conflicts = conflicts


class PlanDiff(NamedTuple):
    """What a plan changes (see plan_diff)."""

    base: dict
    proposal: planning.Proposal
    roles: list  # planning.RoleDiff
    departments: dict  # department id -> planning.DepartmentChange (costs empty without with_cost)
    names: dict  # for describe()


# ----------------------------------------------------------------------------- reading


def organisation_on(day):
    """The live organisation at the end of `day`: role id -> timeline state, archived roles included."""
    periods = RolePeriod.objects.filter(valid_from__lte=day).exclude(valid_to__lte=day)
    return {
        role_id: {
            "parent": parent,
            "title": title,
            "department": department,
            "grade": grade,
            "headcount": headcount,
            "dotted": dotted,
            "archived": archived,
        }
        for role_id, parent, title, department, grade, headcount, dotted, archived in periods.values_list(
            "role_id", "superior_id", "title", "department_id", "grade_id", "headcount", "dotted", "archived"
        )
    }


def changes_of(plan):
    """The plan's changes as planning.Change, in order."""
    return [
        planning.Change(number, kind, role_id, value, before)
        for number, kind, role_id, value, before in plan.changes.order_by("number").values_list(
            "number", "kind", "role_id", "value", "before"
        )
    ]


def names(states):
    """What describe() prints for ids: role titles from `states`, department and grade names (two queries)."""
    return {
        "role": {role_id: state["title"] for role_id, state in states.items()},
        "department": dict(Department.objects.values_list("pk", "name")),
        "grade": dict(Grade.objects.values_list("pk", "name")),
        "field": {
            "parent": _("superior"),
            "title": _("title"),
            "department": _("department"),
            "grade": _("grade"),
            "headcount": _("headcount"),
        },
        "yes": _("yes"),
        "no": _("no"),
    }


def describe(field, value, names):
    """A value of a diff or a change as words (a superior's title, a department's name…); the value of an
    added role is its superior, of a merged one the role it went into."""
    if field in (planning.ADDED, planning.MERGED):
        field = "parent"
    return timeline.value_text(field, value, names)


def plan_diff(plan, with_cost=False):
    """The plan's base and proposed organisations and their differences (see the module's docstring)."""
    changes = changes_of(plan)
    base = organisation_on(plan.base_date)
    proposal = planning.propose(base, changes)
    pays = {}
    if with_cost:
        existing = [i for i in proposal.states if i > 0]
        pays = paycost.monthly_pays(Role.objects.filter(pk__in=existing))
        pays.update({planning.new_role_id(c.number): _new_role_pay(c.value) for c in changes if c.kind == planning.ADD})
    departments = planning.departments(base, proposal, pays)
    # Roles are named by their title before the plan; the roles it adds, by theirs.
    return PlanDiff(base, proposal, planning.diff(base, proposal), departments, names({**proposal.states, **base}))


def _new_role_pay(value):
    """One person's pay in a role the plan adds: the middle of the reference pay range it was given."""
    low, high = value.get("pay_min"), value.get("pay_max")
    return paycost.person_pay(None, None, None, low and Decimal(low), high and Decimal(high))


# ----------------------------------------------------------------------------- writing


def create_plan(user, name, base_date=None):
    """A new draft plan on the organisation of `base_date` (default today)."""
    _require(permissions.can_edit(user))
    day = base_date or dated.today()
    dated.check_day(day, "base_date")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the plan a name.")})
    return Plan.objects.create(name=name[:100], base_date=day, created_by=user)


def delete_plan(plan_id, user):
    """Delete a draft plan with its changes."""
    _require(permissions.can_edit(user))
    with transaction.atomic():
        plan = _locked(plan_id, Status.DRAFT)
        plan.delete()


def add_change(plan_id, user, kind, role=None, **value):
    """Append a change to a draft plan; refused (plan unchanged) when the plan's organisation forbids it."""
    _require(permissions.can_edit(user))
    value = _checked_value(kind, role, value)
    with transaction.atomic():
        plan = _locked(plan_id, Status.DRAFT)
        base = organisation_on(plan.base_date)
        changes = changes_of(plan)
        change = planning.Change(plan.next_number, kind, None if kind == planning.ADD else role, value)
        problems = [p for p in planning.propose(base, [*changes, change]).problems if p.number == change.number]
        if problems:
            raise ValidationError({problems[0].field: ValidationError(problems[0].message, code="plan_refused")})
        row = PlanChange.objects.create(
            plan=plan,
            number=change.number,
            kind=kind,
            role_id=change.role,
            role_title=base[change.role]["title"] if change.role in base else value.get("title", ""),
            value=value,
            before=planning.base_values(change, base),
        )
        Plan.objects.filter(pk=plan.pk).update(next_number=plan.next_number + 1, updated_at=timezone.now())
    return row


def remove_change(plan_id, user, number):
    """Remove one change of a draft plan, unless a later change needs it."""
    _require(permissions.can_edit(user))
    with transaction.atomic():
        plan = _locked(plan_id, Status.DRAFT)
        changes = changes_of(plan)
        if number not in {c.number for c in changes}:
            raise PlanChange.DoesNotExist
        base = organisation_on(plan.base_date)
        before = {p.number for p in planning.propose(base, changes).problems}
        rest = [c for c in changes if c.number != number]
        added = {planning.new_role_id(c.number): c.value["title"] for c in changes if c.kind == planning.ADD}
        broken = [p for p in planning.propose(base, rest, added).problems if p.number not in before]
        if broken:
            raise ValidationError(
                _("Change %(number)s needs it: %(reason)s") % {"number": broken[0].number, "reason": broken[0].message},
                code="plan_in_use",
            )
        plan.changes.filter(number=number).delete()
        Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())


def submit(plan_id, user):
    """HR sends a draft plan to the approvers; it must have changes and no problems."""
    _require(permissions.can_edit(user))
    with transaction.atomic():
        plan = _locked(plan_id, Status.DRAFT)
        changes = changes_of(plan)
        if not changes:
            raise ValidationError(_("The plan has no changes yet."), code="plan_empty")
        problems = planning.propose(organisation_on(plan.base_date), changes).problems
        if problems:
            raise ValidationError(problems[0].message, code="plan_refused")
        plan.status = Status.SUBMITTED
        plan.save(update_fields=["status", "updated_at"])
    return plan


def reject(plan_id, user, comment):
    """An approver sends a submitted plan back to draft, saying why."""
    _require(permissions.can_publish(user), _("Only approvers may decide on a plan."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why the plan goes back.")})
    with transaction.atomic():
        plan = _locked(plan_id, Status.SUBMITTED)
        plan.status = Status.DRAFT
        plan.comment = comment
        plan.decided_by = user
        plan.decided_at = timezone.now()
        plan.save()
    return plan


def approve(plan_id, user, effective_date):
    """Make a submitted plan's changes dated changes of the live organisation, effective `effective_date`.

    All or nothing, under the tree lock: raises PlanConflicts (nothing written) when the live
    organisation of that day no longer allows the plan.
    """
    _require(permissions.can_publish(user), _("Only approvers may decide on a plan."))
    dated.check_day(effective_date)
    with services.tree_lock():
        plan = _locked(plan_id, Status.SUBMITTED)
        changes = changes_of(plan)
        live = organisation_on(effective_date)
        conflicts = _conflicts(plan, changes, live)
        if conflicts:
            raise PlanConflicts(conflicts)
        touched = _record(plan, changes, live, user, effective_date)
        dated.apply_due(also=sorted(touched))
        plan.status = Status.APPROVED
        plan.effective_date = effective_date
        plan.decided_by = user
        plan.decided_at = timezone.now()
        plan.save()
    return plan


def _conflicts(plan, changes, live):
    """The conflicts of a plan with the live organisation of its effective day, each naming its role."""
    titles = dict(plan.changes.values_list("role_id", "role_title"))
    problems = [*planning.drift(changes, live, names(live)), *planning.propose(live, changes, titles).problems]
    by_number = {c.number: c for c in changes}
    out = []
    for problem in problems:
        role = problem.role if problem.role is not None else planning.new_role_id(problem.number)
        title = (
            live[role]["title"] if role in live else titles.get(role) or by_number[problem.number].value.get("title")
        )
        out.append(Conflict(role if role and role > 0 else None, title or f"#{role}", problem.message))
    return out


def _record(plan, changes, live, user, day):
    """Record the plan's changes as dated changes effective `day`, change by change; the ids touched.

    The pure proposal is replayed alongside: each change is recorded as the fields it alters on each
    role it affects (planning.affected), so a merge records its subordinates' moves too.
    """
    reason = _("Reorganisation plan “%(name)s”") % {"name": plan.name}
    states = {role_id: dict(state) for role_id, state in live.items()}
    real = {}  # new-role id (negative) -> the created role's id
    touched = set()
    batch = dated.Batch(day, user, reason, preload=True)
    for change in changes:
        roles = planning.affected(states, change)
        before = {i: dict(states[i]) for i in roles if i in states}
        proposal = planning.propose(states, [change])
        states = proposal.states
        for role_id in roles:
            after = states[role_id]
            if role_id < 0 and role_id not in real:
                real[role_id] = _create(after, change.value, real, batch)
                touched.add(real[role_id])
                continue
            fields = {f: _real(f, v, real) for f, v in after.items() if before[role_id][f] != v}
            if fields:
                target = real.get(role_id, role_id)
                try:
                    batch.record(target, fields)
                except ValidationError as error:
                    raise PlanConflicts([Conflict(target, after["title"], error.messages[0])]) from None
                touched.add(target)
        if change.kind == planning.MERGE:
            Employee.objects.filter(role_id=change.role).update(
                role_id=real.get(change.value["into"], change.value["into"])
            )
    batch.save()
    return touched


def _real(field, value, real):
    """A state's value with the plan's new-role ids replaced by the created roles' ids."""
    if field == "parent":
        return real.get(value, value)
    if field == "dotted":
        return sorted(real.get(boss, boss) for boss in value)
    return value


def _create(state, value, real, batch):
    """Create a role the plan adds, through the tree service, and take it into `batch`; its id."""
    user, day, reason = batch.user, batch.day, batch.reason
    role = Role(
        title=state["title"],
        parent_id=real.get(state["parent"], state["parent"]),
        department_id=state["department"],
        grade_id=state["grade"],
        headcount=state["headcount"],
        pay_min=value.get("pay_min") and Decimal(value["pay_min"]),
        pay_max=value.get("pay_max") and Decimal(value["pay_max"]),
        status=Role.Status.DRAFT,
    )
    today = dated.today()
    if day <= today:
        role = services.save_role(role, reason, effective_date=day, user=user)
        batch.add_role(role.pk)
        return role.pk
    role.status = Role.Status.ARCHIVED  # not in today's organisation: it starts on `day`
    services.save_role(role, reason, effective_date=today, user=user)
    batch.add_role(role.pk)
    batch.record(role.pk, {"archived": False})
    return role.pk


# ----------------------------------------------------------------------------- helpers


def _require(allowed, message=None):
    """PermissionDenied unless `allowed` (pages answer 403, the API 403)."""
    if not allowed:
        raise PermissionDenied(message or _("Only HR may change reorganisation plans."))


def _locked(plan_id, status):
    """The plan, locked for this transaction, refused unless it has `status`."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    if plan.status != status:
        messages = {
            Status.DRAFT: _("Only a draft plan can be changed, deleted or submitted; this one is %(status)s."),
            Status.SUBMITTED: _("Only a submitted plan can be approved or sent back; this one is %(status)s."),
        }
        raise ValidationError(messages[status] % {"status": plan.get_status_display()}, code="plan_status")
    return plan


def _checked_value(kind, role, value):
    """The value of a change as stored: the keys its kind needs, of the right types; field errors otherwise."""
    if kind not in planning.KINDS:
        raise ValidationError({"kind": _("Unknown kind of change: %(kind)s") % {"kind": kind}})
    if kind != planning.ADD and role is None:
        raise ValidationError({"role": _("Name the role this change is about.")})
    if kind == planning.ADD and role is not None:
        raise ValidationError({"role": _("A role the plan adds has no id to send: leave role out.")})
    allowed = set(planning.VALUE_KEYS[kind]) | ({"pay_min", "pay_max"} if kind == planning.ADD else set())
    errors = {}
    for key in sorted(set(value) - allowed):
        errors[key] = _("A change of this kind has no %(field)s.") % {"field": key}
    for key in planning.VALUE_KEYS[kind]:
        if key not in value and key != "parent":
            errors[key] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    out = {key: value.get(key) for key in planning.VALUE_KEYS[kind]}
    if "department" in out and not Department.objects.filter(pk=out["department"]).exists():
        errors["department"] = _("No such department.")
    if "grade" in out and not Grade.objects.filter(pk=out["grade"]).exists():
        errors["grade"] = _("No such grade.")
    for key in ("pay_min", "pay_max"):
        if value.get(key) is not None:
            try:
                out[key] = str(Decimal(value[key]).quantize(Decimal("0.01")))
            except (InvalidOperation, TypeError, ValueError):
                errors[key] = _("Enter an amount.")
    if "pay_min" in out and "pay_max" in out and Decimal(out["pay_min"]) > Decimal(out["pay_max"]):
        errors["pay_max"] = _("The maximum must not be below the minimum.")
    if errors:
        raise ValidationError(errors)
    return out


def plans_for(user):
    """The plans this user may see (all of them for HR and approvers), newest first."""
    if not permissions.can_see_plans(user):
        return Plan.objects.none()
    return Plan.objects.select_related("created_by", "decided_by").order_by("-created_at", "-id")

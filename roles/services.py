"""Every write to the role tree goes through here, one writer at a time.

django-mptt rewrites the lft/rght columns of many rows on each insert, move or
delete and corrupts the tree when two such writes interleave. Each function
below takes the tree lock, re-reads the tree columns it relies on, validates,
and writes, all in one transaction.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from . import dated
from .models import KPI, Duty, Requirement, Role, Skill
from .slugs import unique_role_slug

# Arbitrary constant shared by every process: the PostgreSQL advisory-lock key.
TREE_LOCK_KEY = 0x526F6C65  # "Role"
MOVE_POSITIONS = ("first-child", "last-child", "left", "right")
TREE_FIELDS = ("parent_id", "tree_id", "lft", "rght", "level")


@contextmanager
def tree_lock():
    """A transaction that holds the role-tree write lock until it ends.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the settings open
    every transaction IMMEDIATE, which takes the database write lock at BEGIN.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK_KEY])
        yield


def _fresh(role_id):
    """The role as the database has it now, or a clear error if it is gone."""
    try:
        return Role.objects.get(pk=role_id)
    except Role.DoesNotExist:
        raise ValidationError(_("The role no longer exists; reload the page and try again.")) from None


def _check_not_below_itself(role, new_parent):
    if new_parent is not None and role.pk is not None and new_parent.is_descendant_of(role, include_self=True):
        raise ValidationError(_("A role cannot report to itself or to one of its own subordinates."), code="cycle")


# The Role columns of the dated fields other than the superior and dotted lines.
DATED_COLUMNS = {"title": "title", "department": "department_id", "grade": "grade_id", "headcount": "headcount"}


def save_role(role, reason="", *, effective_date=None, user=None):
    """Create or update a role, moving it in the tree when its superior changed.

    Changes to its place (superior, title, department, grade, headcount) are recorded as dated
    changes effective `effective_date` (default today, roles/dated.py): in force at once when that
    day has come, scheduled otherwise (the role keeps its present place until then; its other
    fields are saved now). A role without a web address gets one from its title (roles/slugs.py),
    under the lock, so two new roles of the same title get shuju-fenxi-zhuanyuan and -2.
    """
    day = effective_date or dated.today()
    dated.check_day(day)
    with tree_lock():
        if not role.slug:
            role.slug = unique_role_slug(role.title)
        if role.pk is None:
            if day > dated.today():
                raise ValidationError(
                    _("A new role starts today or on a past day; plan later ones in a reorganisation plan."),
                    code="future_creation",
                )
            new_parent = _fresh(role.parent_id) if role.parent_id else None
            role.parent = new_parent
            if reason:
                role._change_reason = reason
            role.save()
            dated.record_created(role, day, user, reason)
            return role
        current = Role.objects.filter(pk=role.pk).values(*TREE_FIELDS, *DATED_COLUMNS.values()).first()
        if current is None:
            raise ValidationError(_("The role no longer exists; reload the page and try again."))
        # What the caller changed from today's row: a form or a PATCH dated next month carries today's
        # values for the fields it leaves alone, which must not undo changes scheduled in between.
        present = {"parent": current["parent_id"], **{name: current[column] for name, column in DATED_COLUMNS.items()}}
        wanted = {"parent": role.parent_id, **{name: getattr(role, column) for name, column in DATED_COLUMNS.items()}}
        wanted = {name: value for name, value in wanted.items() if value != present[name]}
        if day > dated.today():
            # Scheduled: the row keeps its present place; the change waits for its day.
            for column in DATED_COLUMNS.values():
                setattr(role, column, current[column])
            role.parent_id = current["parent_id"]
        # The copy may predate another writer's move: compare the wanted
        # superior with the stored one, not with the one it was loaded with.
        role._mptt_cached_fields["parent"] = current["parent_id"]
        for field in TREE_FIELDS[1:]:
            setattr(role, field, current[field])
        new_parent = _fresh(role.parent_id) if role.parent_id else None
        if day <= dated.today():
            _check_not_below_itself(role, new_parent)
        role.parent = new_parent
        if reason:
            role._change_reason = reason
        role.save()
        dated.record(role.pk, wanted, day, user, reason)
        dated.apply_due(also=[role.pk])
        # A back-dated change may have been overtaken by a later one: show what is in force.
        role.refresh_from_db(fields=[*TREE_FIELDS, *DATED_COLUMNS.values()])
    return role


def save_role_card(
    role,
    reason="",
    *,
    duties=None,
    skills=None,
    kpis=None,
    requirement=None,
    clear_requirement=False,
    effective_date=None,
    user=None,
):
    """Save a role with its card's items in one transaction; each list given replaces the stored one.

    Items are dicts of model fields (`order` optional: the list order is kept). `requirement`
    updates the role's requirements; `clear_requirement` removes them. Its place changes as of
    `effective_date` (see save_role).
    """
    with tree_lock():
        save_role(role, reason, effective_date=effective_date, user=user)
        for model, rows in ((Duty, duties), (Skill, skills), (KPI, kpis)):
            if rows is not None:
                model.objects.filter(role=role).delete()
                model.objects.bulk_create(
                    model(role=role, **{"order": position, **row}) for position, row in enumerate(rows, start=1)
                )
        if clear_requirement:
            Requirement.objects.filter(role=role).delete()
        elif requirement is not None:
            Requirement.objects.update_or_create(role=role, defaults=requirement)
    return role


def move_role(role_id, target_id, position="last-child", *, effective_date=None, user=None):
    """Move a role (and its subordinates) relative to another role, or to the top when target_id is None.

    A new superior is a dated change effective `effective_date` (default today): scheduled for a
    later day, the role stays where it is until then. Sibling order is not history: it changes now.
    """
    if position not in MOVE_POSITIONS:
        raise ValidationError(_("Unknown move position: %(position)s") % {"position": position})
    day = effective_date or dated.today()
    dated.check_day(day)
    with tree_lock():
        role = _fresh(role_id)
        target = _fresh(target_id) if target_id is not None else None
        new_parent = target if position.endswith("child") else (target.parent if target else None)
        old_parent = role.parent
        if new_parent != old_parent:
            reason = _("Superior changed from %(old)s to %(new)s") % {
                "old": old_parent or "—",
                "new": new_parent or "—",
            }
        else:
            reason = _("Order changed under %(parent)s") % {"parent": new_parent or "—"}
        if day <= dated.today():
            if target is not None:
                _check_not_below_itself(role, target)
            _check_not_below_itself(role, new_parent)
            role._change_reason = reason
            if target is None:
                role.move_to(None)
            else:
                Role._tree_manager.move_node(role, target, position)
        # Recorded when it differs from the superior in force on that day (record() compares).
        dated.record(role_id, {"parent": new_parent.pk if new_parent else None}, day, user, reason)
        dated.apply_due(also=[role_id])
    return _fresh(role_id)


def delete_role(role_id):
    """Delete a role that has no subordinates; otherwise refuse and name them."""
    with tree_lock():
        role = _fresh(role_id)
        subordinates = list(role.get_children().values_list("title", flat=True))
        if subordinates:
            raise ValidationError(
                _("“%(role)s” still has subordinates: %(names)s. Move or delete them first.")
                % {"role": role.title, "names": "、".join(subordinates)},
                code="has_subordinates",
            )
        try:
            role.delete()
        except ProtectedError as error:
            raise ValidationError(
                _("“%(role)s” is still in use by: %(names)s.")
                % {"role": role.title, "names": "、".join(str(o) for o in error.protected_objects)},
                code="in_use",
            ) from None


def delete_roles(role_ids):
    """Delete several roles at once, deepest first; all or nothing."""
    with tree_lock():
        roles = Role.objects.filter(pk__in=role_ids).order_by("-level")
        for role_id in roles.values_list("pk", flat=True):
            delete_role(role_id)

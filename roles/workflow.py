"""Review and approval of job descriptions: versions, status changes and restores.

Statuses (Role.Status) and the moves between them:

    draft ──submit──▶ in review ──publish──▶ published
      ▲                  │    └──publish for a later day──▶ scheduled ──its day comes──▶ published
      └──back to draft───┘    (an edit in the admin puts a published or scheduled role back to draft)
    draft, in review, published, scheduled ──archive──▶ archived ──back to draft──▶ draft

Submitting records the working copy as a new version; publishing approves the submitted version
(or a new one, when the working copy changed after submission), records who approved it, when
and from which date it applies, and makes it the role's live version. Approved for a later day,
the role is "scheduled": its working copy is that version, the public keeps reading the previous
live version (none for a new role: not public yet), and on that day roles/dated.py
(bring_versions_in_force, run by apply_due) makes it live without anyone running anything.
Editing, archiving, restoring or sending a scheduled role back to draft withdraws that approval
(the version stays in the history, marked withdrawn, and never comes into force): what was
approved is no longer what the working copy says, so it needs approving again. While a
published role is edited or reviewed, the public keeps reading its live version. Archiving withdraws the role from
the public (it has no live version any more); back to draft does not bring it back, a new
approval does. Restoring copies an earlier version's content into the working copy and records
that as a new version: history is never rewritten.

Every function runs in one transaction with the role's row locked, so two people pressing
buttons at once get consecutive version numbers, never the same one.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from . import dated, permissions, services
from .models import (
    SNAPSHOT_DECIMAL_FIELDS,
    SNAPSHOT_TEXT_FIELDS,
    Department,
    Grade,
    JobFamily,
    PayGrade,
    PayScheme,
    Role,
    RoleVersion,
    Shift,
)
from .versions import same_content

Status = Role.Status
# The statuses each move starts from.
SUBMIT_FROM = {Status.DRAFT}
PUBLISH_FROM = {Status.IN_REVIEW}
ARCHIVE_FROM = {Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.SCHEDULED}
BACK_TO_DRAFT_FROM = {Status.IN_REVIEW, Status.SCHEDULED, Status.ARCHIVED}
# What a restore copies onto the role itself; the slug (its web address) stays.
RESTORED_FIELDS = [
    *(name for name in SNAPSHOT_TEXT_FIELDS if name != "slug"),
    *SNAPSHOT_DECIMAL_FIELDS,
    "prepared_on",
]


def _locked(role_id):
    try:
        return Role.objects.select_for_update().get(pk=role_id)
    except Role.DoesNotExist:
        raise ValidationError(_("The role no longer exists; reload the page and try again.")) from None


def _working_copy(role_id):
    return Role.objects.with_snapshot_relations().get(pk=role_id).snapshot()


def _require(allowed, message=None):
    if not allowed:
        raise PermissionDenied(message or _("You may not change job descriptions."))


def _check_from(role, allowed, message):
    """Refuse a move that does not start from one of `allowed`; `message` names the role's status."""
    if role.status not in allowed:
        raise ValidationError(message % {"status": role.get_status_display()}, code="invalid_transition")


def _required_comment(comment):
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say what changed and why."), code="comment_required")
    return comment


def _record(role, kind, snapshot, user=None, comment="", restored_from=None):
    """A new version with the next number of this role (the caller holds the role's lock)."""
    last = role.versions.aggregate(last=Max("number"))["last"] or 0
    return RoleVersion.objects.create(
        role=role,
        number=last + 1,
        kind=kind,
        snapshot=snapshot,
        comment=comment,
        restored_from=restored_from,
        created_by=user,
    )


def _set_status(role, status, user, reason, live_version=None, clear_live=False):
    """Save the status (and live version) without touching the content's "updated" date; the
    per-save audit (django-simple-history) records who and why."""
    role.status = status
    fields = ["status"]
    if live_version is not None or clear_live:
        role.live_version = live_version
        fields.append("live_version")
    role._change_reason = reason
    if user is not None and user.is_authenticated:
        role._history_user = user
    role.save(update_fields=fields)


def _approve(version, user, effective_date, comment=""):
    version.approved_by = user if user is not None and user.is_authenticated else None
    version.approval_comment = comment
    version.published_at = timezone.now()
    version.effective_date = effective_date or timezone.localdate()
    version.save(update_fields=["approved_by", "approval_comment", "published_at", "effective_date"])
    return version


def _withdraw_scheduled(role):
    """A scheduled role's approval for a later day never comes into force (the caller holds the lock)."""
    if role.status == Status.SCHEDULED:
        _pending(role).update(withdrawn_at=timezone.now())


def _pending(role):
    """The role's approved versions whose day has not come yet and that were not withdrawn."""
    return role.versions.filter(published_at__isnull=False, withdrawn_at__isnull=True, effective_date__gt=dated.today())


def record_import(role_id, user, comment):
    """An import created or changed this draft: a version keeps what the document said."""
    with transaction.atomic():
        role = _locked(role_id)
        return _record(role, RoleVersion.Kind.IMPORTED, _working_copy(role_id), user, comment)


def submit_for_review(role_id, user, comment):
    """HR sends the working copy for approval: a new version, the role in review."""
    _require(permissions.can_edit(user))
    comment = _required_comment(comment)
    with transaction.atomic():
        role = _locked(role_id)
        _check_from(role, SUBMIT_FROM, _("Only a draft can be submitted for review; this role is %(status)s."))
        version = _record(role, RoleVersion.Kind.SUBMITTED, _working_copy(role_id), user, comment)
        _set_status(role, Status.IN_REVIEW, user, _("Submitted for review as version %(n)d") % {"n": version.number})
    return version


def publish(role_id, user, effective_date=None, comment=""):
    """An approver publishes the submitted version; the public reads it from its effective date
    (default today; a later day schedules it, see the module docstring).

    When the working copy changed after it was submitted, what is published is the working copy,
    recorded as a new version, so the live version is always exactly what the approver saw.
    """
    _require(permissions.can_publish(user), _("Only HR managers may approve and publish job descriptions."))
    comment = (comment or "").strip()
    with transaction.atomic():
        role = _locked(role_id)
        _check_from(role, PUBLISH_FROM, _("Only a role in review can be published; this role is %(status)s."))
        current = _working_copy(role_id)
        submitted = role.versions.filter(kind=RoleVersion.Kind.SUBMITTED).order_by("-number").first()
        if submitted is None or submitted.is_published or not same_content(submitted.snapshot, current):
            note = _("Changed after it was submitted for review")
            submitted = _record(role, RoleVersion.Kind.PUBLISHED, current, user, note)
        version = _approve(submitted, user, effective_date, comment)
        if version.effective_date > dated.today():
            reason = _("Version %(n)d approved, scheduled for %(day)s") % {
                "n": version.number,
                "day": version.effective_date.isoformat(),
            }
            _set_status(role, Status.SCHEDULED, user, reason)
        else:
            reason = _("Published version %(n)d") % {"n": version.number}
            _set_status(role, Status.PUBLISHED, user, reason, live_version=version)
    return version


def archive(role_id, user, comment="", effective_date=None):
    """Withdraw the role: nobody outside HR and managers reads it any more, in any version.

    A dated change (roles/dated.py): on a later `effective_date` the role stays as it is until then.
    """
    _require(permissions.can_edit(user))
    day = effective_date or dated.today()
    with services.tree_lock():
        role = _locked(role_id)
        _check_from(role, ARCHIVE_FROM, _("This role is already %(status)s."))
        reason = " ".join(filter(None, [_("Archived"), (comment or "").strip()]))
        _withdraw_scheduled(role)
        if day <= dated.today():
            _set_status(role, Status.ARCHIVED, user, reason, clear_live=True)
        dated.record(role_id, {"archived": True}, day, user, reason)
        dated.apply_due(also=[role_id])
    return role


def back_to_draft(role_id, user, comment=""):
    """An archived role, or one in review (withdrawn or sent back), becomes an editable draft again."""
    _require(permissions.can_edit(user))
    with services.tree_lock():
        role = _locked(role_id)
        _check_from(
            role,
            BACK_TO_DRAFT_FROM,
            _("Only an archived role or one in review can go back to draft; this role is %(status)s."),
        )
        reason = " ".join(filter(None, [_("Back to draft"), (comment or "").strip()]))
        _withdraw_scheduled(role)
        _set_status(role, Status.DRAFT, user, reason)
        dated.record(role_id, {"archived": False}, dated.today(), user, reason)
        dated.apply_due(also=[role_id])
    return role


def record_before_edit(role_id):
    """Keep what the public reads before an edit of a published role starts.

    A role published without a live version (loaded, or created through the API, before it was
    ever approved here) or whose live version no longer matches (edited outside the admin) gets
    its current content recorded as a published version, approved by nobody.
    """
    with transaction.atomic():
        role = _locked(role_id)
        if role.status != Status.PUBLISHED:
            return None
        current = _working_copy(role_id)
        if role.live_version_id and same_content(role.live_version.snapshot, current):
            return role.live_version
        version = _record(role, RoleVersion.Kind.PUBLISHED, current, None, _("Published before this edit"))
        _approve(version, None, None)
        _set_status(role, Status.PUBLISHED, None, _("Recorded the published version"), live_version=version)
    return version


def save_edit(role, reason, **items):
    """HR's edit of a role, from the admin, the API or a history revert, in the one order they share:
    record the published content if needed (the public keeps reading it) and take the status and
    live version from the database (a move made since the form was loaded must not be undone);
    save through the tree service (`items` as services.save_role_card takes them); once the
    role's related rows are saved too, after_edit() sends a changed published role back to draft.
    A new role is simply saved."""
    if role.pk is not None:
        record_before_edit(role.pk)
        role.status, role.live_version_id = Role.objects.values_list("status", "live_version_id").get(pk=role.pk)
    return services.save_role_card(role, reason, **items)


def after_edit(role_id, user):
    """After the working copy was saved: a published or scheduled role whose content changed goes
    back to draft (a scheduled approval is withdrawn).

    Returns True when it did; the public keeps reading the live version until the next approval.
    """
    with transaction.atomic():
        role = _locked(role_id)
        if role.status not in (Status.PUBLISHED, Status.SCHEDULED):
            return False
        approved = role.live_version if role.status == Status.PUBLISHED else scheduled_version(role)
        if approved is not None and same_content(approved.snapshot, _working_copy(role_id)):
            return False
        _withdraw_scheduled(role)
        _set_status(role, Status.DRAFT, user, _("Edited after publication: back to draft"))
    return True


def scheduled_version(role):
    """The version a scheduled role's approval brings into force on a later day, or None."""
    if role.status != Status.SCHEDULED:
        return None
    return _pending(role).order_by("-number").first()


def publish_loaded(role, effective_date=None, comment=""):
    """The seed loader's publication, by the system: a published role whose content is not yet its
    live version gets a new published version (approved by nobody, effective today or on its
    prepared-on date)."""
    with transaction.atomic():
        role = _locked(role.pk)
        if role.status != Status.PUBLISHED:
            return None
        current = _working_copy(role.pk)
        if role.live_version_id and same_content(role.live_version.snapshot, current):
            return role.live_version
        version = _record(role, RoleVersion.Kind.PUBLISHED, current, None, comment)
        _approve(version, None, effective_date or role.prepared_on)
        _set_status(role, Status.PUBLISHED, None, comment, live_version=version)
    return version


def _lookup(model, key, value, message):
    found = model.objects.filter(**{key: value}).first()
    if found is None:
        raise ValidationError(message % {"name": value}, code="missing")
    return found


def restore(role_id, number, user, comment):
    """Copy version `number`'s content into the working copy and record it as a new version.

    Restored: the role's fields, requirements, duties, skills, KPIs, shifts, dotted-line
    superiors, pay, job family and pay grade. Not restored: its place in the tree (its superior and subordinates stay
    where the chart has them today) and its web address (slug). The role becomes a draft (an
    approver publishes it); the public keeps reading the live version meanwhile.
    """
    _require(permissions.can_edit(user))
    comment = _required_comment(comment)
    with transaction.atomic():
        record_before_edit(role_id)  # a published role stays public in its current form
        role = _locked(role_id)
        source = role.versions.filter(number=number).first()
        if source is None:
            raise ValidationError(_("Version %(n)s does not exist.") % {"n": number}, code="missing")
        data = source.snapshot
        role.department = _lookup(
            Department, "name", data["department"], _("The department “%(name)s” no longer exists.")
        )
        role.grade = _lookup(Grade, "name", data["grade"], _("The grade “%(name)s” no longer exists."))
        # Like the grade: a version without them (recorded before the role was placed) leaves the role unplaced.
        role.job_family = role.pay_grade = None
        if data.get("job_family"):
            role.job_family = _lookup(
                JobFamily, "name", data["job_family"], _("The job family “%(name)s” no longer exists.")
            )
        if data.get("pay_grade") is not None:
            role.pay_grade = _lookup(
                PayGrade, "number", data["pay_grade"], _("The pay grade %(name)s no longer exists.")
            )
        role.pay_scheme = None
        if data["pay_scheme"]:
            role.pay_scheme = _lookup(
                PayScheme, "code", data["pay_scheme"], _("The pay scheme “%(name)s” no longer exists.")
            )
        shown = source.as_role(role)
        for name in RESTORED_FIELDS:
            setattr(role, name, getattr(shown, name))
        role.headcount = data["headcount"]  # as_role shows today's headcount, a restore brings back the version's
        role.full_clean(exclude=["parent", "live_version"])
        reason = _("Restored from version %(n)d") % {"n": source.number}
        requirement = data["requirement"]
        services.save_role_card(
            role,
            reason,
            duties=[{"text": text} for text in data["duties"]],
            skills=[{"text": text} for text in data["skills"]],
            kpis=[
                {"name": k.name, "weight": k.weight, "target": k.target, "measurement": k.measurement}
                for k in shown.kpis.all()
            ],  # fmt: skip
            requirement=None if requirement is None else {n: getattr(shown.requirement, n) for n in requirement},
            clear_requirement=requirement is None,
        )
        role.shifts.set(Shift.objects.filter(name__in=data["shifts"]))
        dotted = Role.objects.filter(slug__in=data["dotted_line_superiors"]).exclude(pk=role.pk)
        role.dotted_line_superiors.set(dotted)
        dated.record(role.pk, {"dotted": [boss.pk for boss in dotted]}, dated.today(), user, reason)
        dated.apply_due(also=[role.pk])
        version = _record(role, RoleVersion.Kind.RESTORED, _working_copy(role.pk), user, comment, source)
        _withdraw_scheduled(role)
        _set_status(role, Status.DRAFT, user, reason)
    return version

"""People in roles: who fills which seat, so the chart can show vacancies; and handbook exports."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from roles.models import Role, Shift


class EmployeeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Employee(models.Model):
    name = models.CharField(_("name"), max_length=50)
    employee_number = models.CharField(_("employee number"), max_length=30, unique=True)
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="employees")
    shift = models.ForeignKey(Shift, verbose_name=_("shift"), null=True, blank=True, on_delete=models.PROTECT)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Clear when the person leaves; the seat becomes vacant.")
    )

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        ordering = ["role__tree_id", "role__lft", "name"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")

    def __str__(self):
        return f"{self.name} ({self.employee_number})"


class HandbookExportQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=[HandbookExport.Status.QUEUED, HandbookExport.Status.RUNNING])


class HandbookExport(models.Model):
    """One run of the handbook task: who may read it, how far it has got, and the finished file.

    The background task writes its progress here, so the status page can show it whatever the
    task backend (the immediate backend of the tests keeps no results to look up).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the export worker")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    class Step(models.TextChoices):
        QUEUED = "queued", _("waiting")
        COLLECTING = "collecting", _("reading the roles")
        CHART = "chart", _("drawing the org chart")
        LAYOUT = "layout", _("laying out pages")
        PDF = "pdf", _("writing the PDF")
        DONE = "done", _("done")

    task_id = models.CharField(_("task"), max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=10)
    with_pay = models.BooleanField(_("with pay"), default=False)
    root_slug = models.CharField(_("top role"), max_length=80, blank=True)
    # The day printed (RoleReader.as_of); None: today's catalogue, as on the day the task ran.
    as_of = models.DateField(_("as of"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(_("step"), max_length=12, choices=Step.choices, default=Step.QUEUED)
    page = models.PositiveIntegerField(_("page being laid out"), null=True, blank=True)
    roles_count = models.PositiveIntegerField(_("roles"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = HandbookExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("handbook export")
        verbose_name_plural = _("handbook exports")

    def __str__(self):
        return f"{self.task_id} ({self.status})"

    @property
    def path(self):
        return Path(settings.EXPORTS_ROOT) / f"handbook-{self.pk}.pdf"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Plan(models.Model):
    """A reorganisation plan (调整方案): changes to the organisation of `base_date`, kept apart from the live
    organisation until an approver approves them with an effective date (orgchart/plans.py)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for approval")
        APPROVED = "approved", _("approved")

    name = models.CharField(_("name"), max_length=100)
    base_date = models.DateField(_("organisation of"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    comment = models.TextField(_("approver's comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True)
    effective_date = models.DateField(_("effective date"), null=True)
    # The number the next change of this plan gets: numbers are never reused, so "the role added by change 3"
    # (role id -3) keeps meaning the same role while other changes are removed.
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reorganisation plan")
        verbose_name_plural = _("reorganisation plans")

    def __str__(self):
        return self.name


class PlanChange(models.Model):
    """One change of a plan, in the plan's order (`number`); what it sets is in `value` (orgchart/planning.py).

    Role ids are plain numbers, not keys: a plan outlives the roles it names (approval reports them as
    conflicts), and a role the plan adds is named by minus the number of the change that adds it.
    """

    class Kind(models.TextChoices):
        ADD = "add", _("add a role")
        MOVE = "move", _("move")
        RENAME = "rename", _("rename")
        DEPARTMENT = "department", _("change department")
        GRADE = "grade", _("change grade")
        HEADCOUNT = "headcount", _("change headcount")
        MERGE = "merge", _("merge into another role")
        ARCHIVE = "archive", _("archive")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="changes")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    role_id = models.IntegerField(_("role"), null=True)
    role_title = models.CharField(_("title of the role"), max_length=100, blank=True)  # names it once it is gone
    value = models.JSONField(_("value"), default=dict)
    before = models.JSONField(_("before"), default=dict)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_change_number")]

    def __str__(self):
        return f"{self.plan_id} #{self.number} {self.kind}"

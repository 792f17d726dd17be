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

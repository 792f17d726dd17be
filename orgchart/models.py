"""People in roles: who fills which seat, so the chart can show vacancies."""

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

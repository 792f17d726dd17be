"""The compliance panel on a role's admin page: the lint's findings for the saved role."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from . import lint, linting

PANEL_FIELD = "compliance_findings"


class ComplianceFindingsMixin:
    """Adds a read-only fieldset listing what `python manage.py lint_roles --role` reports.

    Appended to whatever fields and fieldsets the admin already has, so it can be mixed into
    RoleAdmin without touching them. It shows the saved role, not unsaved form input.
    """

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, PANEL_FIELD] if obj is not None and PANEL_FIELD not in fields else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return fieldsets
        return [*fieldsets, (gettext_lazy("compliance and quality checks"), {"fields": [PANEL_FIELD]})]

    @admin.display(description=gettext_lazy("findings"))
    def compliance_findings(self, obj):
        findings = linting.role_findings(obj.pk)
        rows = [{"finding": f, "severity": f.severity.label, "field": lint.field_label(f.field)} for f in findings]
        return render_to_string("admin/roles/role/compliance_findings.html", {"rows": rows})

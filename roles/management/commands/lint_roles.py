import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from roles import lint, linting
from roles.models import Role


class Command(BaseCommand):
    help = (
        "Check job descriptions for discriminatory requirements and structural problems, and pay against "
        "the pay grades' bands. "
        "Exits with status 1 when --fail-on is given and findings at or above that severity exist."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--role", metavar="SLUG", help="Check this role only.")
        parser.add_argument("--fail-on", choices=["error", "warning"], help="Fail when findings this severe exist.")

    def handle(self, *args, **options):
        if options["role"]:
            role = Role.objects.filter(slug=options["role"]).first()
            if role is None:
                raise CommandError(_("No role has the slug %(slug)s.") % {"slug": options["role"]})
            findings = linting.role_findings(role.pk)
            titles = {role.slug: role.title}
            checked = 1
        else:
            findings = linting.catalogue_findings()
            titles = dict(Role.objects.values_list("slug", "title"))
            checked = len(titles)

        if options["format"] == "json":
            self.stdout.write(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
        else:
            self._write_text(findings, titles, checked)

        if options["fail_on"]:
            failing = lint.at_or_above(findings, options["fail_on"])
            if failing:
                raise CommandError(
                    _("Findings at or above the severity %(severity)s: %(count)d.")
                    % {"severity": lint.Severity(options["fail_on"]).label, "count": len(failing)}
                )

    def _write_text(self, findings, titles, checked):
        role = None
        for finding in findings:  # already grouped: the findings come role by role
            if finding.role != role:
                if role is not None:
                    self.stdout.write("")
                role = finding.role
                # A band's findings belong to no role: they come last, under one heading.
                self.stdout.write(f"{titles.get(role, role)} ({role})" if role else _("Pay grades"))
            self.stdout.write(f"  [{finding.severity.label}] {lint.field_label(finding.field)}: {finding.message}")
            if finding.text:
                self.stdout.write(f"      {_('quoted text')}: “{finding.text}”")
            if finding.law:
                self.stdout.write(f"      {_('law')}: {finding.law}")
            if finding.suggestion:
                self.stdout.write(f"      {_('suggestion')}: {finding.suggestion}")
        counts = {severity: 0 for severity in lint.Severity}
        for finding in findings:
            counts[finding.severity] += 1
        self.stdout.write(
            ("\n" if findings else "")
            + _("Roles checked: %(roles)d; errors: %(errors)d, warnings: %(warnings)d, notes: %(notes)d.")
            % {
                "roles": checked,
                "errors": counts[lint.Severity.ERROR],
                "warnings": counts[lint.Severity.WARNING],
                "notes": counts[lint.Severity.INFO],
            }
        )

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from orgchart.roster.parser import read_path
from orgchart.roster.service import ImportFailed, import_roster, preview
from roles.importer.errors import UnreadableFile


class Command(BaseCommand):
    help = (
        "Import the roster (花名册) from an .xlsx file: columns 姓名, 工号, 岗位, 班次, 入职日期, 离职日期. Prints "
        "what happens to each row; rows with errors are not imported, the valid ones are, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="show what would be imported; save nothing")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            roster = read_path(path)
        except UnreadableFile as error:
            raise CommandError(f"{path}: {error.message}") from None
        try:
            result = preview(roster) if options["dry_run"] else import_roster(roster)
        except ImportFailed as error:
            raise CommandError(error.message) from None
        for outcome in result.outcomes:
            self._row(outcome)
        counts = result.counts
        summary = (
            _("New %(new)d, changed %(changed)d, unchanged %(unchanged)d, errors %(error)d (not imported).") % counts
        )
        if options["dry_run"]:
            summary = _("Dry run, nothing saved.") + " " + summary
        else:
            summary = _("Imported.") + " " + summary
        self.stdout.write(self.style.SUCCESS(summary))

    def _row(self, outcome):
        row = outcome.row
        self.stdout.write(
            _("Row %(line)d: %(name)s (%(number)s), %(role)s → %(status)s")
            % {
                "line": row.line,
                "name": row.name or "—",
                "number": row.employee_number or "—",
                "role": outcome.role_title or row.role or "—",
                "status": outcome.status_label,
            }
        )
        for reason in outcome.reasons:
            self.stdout.write("   " + self.style.ERROR(reason))
        for warning in outcome.warnings:
            self.stdout.write("   " + self.style.WARNING(warning))
        for change in outcome.changes:
            self.stdout.write(f"   {change.label}: {change.before} → {change.after}")

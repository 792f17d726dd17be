from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roles import bands_excel
from roles.importer import bands as parser
from roles.importer.errors import UnreadableFile


class Command(BaseCommand):
    help = (
        "Import the pay band table (职等) from an .xlsx file in the layout /roles/bands.xlsx exports. Prints every "
        "change and error; nothing is saved from a file with an error. Pay grades the file leaves out are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="show what would be imported; save nothing")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            sheet = parser.read_path(path)
        except UnreadableFile as error:
            raise CommandError(f"{path}: {error.message}") from None
        result = bands_excel.preview(sheet)
        for outcome in result.outcomes:
            self._row(outcome)
        for grade in result.kept:
            self.stdout.write(_("Pay grade %(grade)s is not in the file: kept as it is.") % {"grade": grade})
        if result.has_errors:
            count = result.counts[bands_excel.ERROR]
            raise CommandError(
                ngettext(
                    "%(count)d row has errors: nothing was saved.",
                    "%(count)d rows have errors: nothing was saved.",
                    count,
                )
                % {"count": count}
            )
        if not options["dry_run"]:
            try:
                result = bands_excel.import_bands(sheet)
            except bands_excel.ImportRefused as refusal:
                raise CommandError(str(refusal)) from None
        summary = _("New %(new)d, changed %(changed)d, unchanged %(unchanged)d.") % result.counts
        prefix = _("Dry run, nothing saved.") if options["dry_run"] else _("Imported.")
        self.stdout.write(self.style.SUCCESS(f"{prefix} {summary}"))

    def _row(self, outcome):
        row = outcome.row
        self.stdout.write(
            _("Row %(line)d: pay grade %(number)s %(name)s → %(status)s")
            % {
                "line": row.line,
                "number": "—" if row.number is None else row.number,
                "name": row.name,
                "status": outcome.status_label,
            }
        )
        for error in outcome.errors:
            self.stdout.write("   " + self.style.ERROR(error))
        for label, before, after in outcome.changes:
            self.stdout.write(f"   {label}: {before or '—'} → {after or '—'}")

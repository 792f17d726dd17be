from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from orgchart.backup import BackupError, import_catalogue


class Command(BaseCommand):
    help = (
        "Load a catalogue backup written by export_catalogue, all or nothing. Refuses a database that already "
        "holds a catalogue unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON backup file")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the catalogue and its history, then load the file (in one transaction)",
        )

    def handle(self, *args, **options):
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        try:
            report = import_catalogue(data, replace=options["replace"])
        except BackupError as error:
            raise CommandError(_("Nothing was imported. %(reason)s") % {"reason": error}) from error
        if report.missing_users:
            self.stderr.write(
                _("No user of these names exists here; their references were left empty: %(names)s")
                % {"names": ", ".join(report.missing_users)}
            )
        self.stdout.write(_("Imported %(count)d records.") % {"count": report.total})

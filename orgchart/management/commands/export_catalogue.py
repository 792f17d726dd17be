from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from orgchart.backup import export_catalogue
from shopconfig.downloads import atomic_write


class Command(BaseCommand):
    help = (
        "Write the whole catalogue (shop profile, departments, grades, shifts, pay schemes, roles and their tree, "
        "versions, employees) to a JSON backup file; import it with import_catalogue."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="the JSON file to write, e.g. catalogue.json")
        parser.add_argument("--history", action="store_true", help="also the change history of roles and pay schemes")

    def handle(self, *args, **options):
        out = Path(options["out"])
        text = export_catalogue(history=options["history"])
        try:
            with atomic_write(out) as handle:
                handle.write(text.encode("utf-8"))
        except OSError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Wrote %(file)s (%(size)d KiB).") % {"file": out, "size": round(out.stat().st_size / 1024)})

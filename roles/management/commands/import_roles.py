from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from roles.importer import sources
from roles.importer.errors import JobDescriptionImportError
from roles.importer.parser import parse_cards
from roles.importer.service import import_cards


class Command(BaseCommand):
    help = "Import job descriptions (岗位说明书) from a .txt or .docx file as draft roles."

    def add_arguments(self, parser):
        parser.add_argument("file", help=".txt (UTF-8 or GB18030) or .docx file")
        parser.add_argument("--dry-run", action="store_true", help="show what would be imported; save nothing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            parsed = parse_cards(sources.read_path(path))
        except JobDescriptionImportError as error:
            raise CommandError(f"{path}: {error.message}") from None
        for problem in parsed.problems:
            self.stdout.write(problem)
        result = import_cards(parsed.cards, dry_run=options["dry_run"], source=path.name)
        for number, outcome in enumerate(result.outcomes, 1):
            self._card(number, outcome)
        if parsed.outside:
            self.stdout.write(
                _("%(count)d paragraphs outside any job description were not imported.")
                % {"count": len(parsed.outside)}
            )
        summary = _("Created %(created)d, updated %(updated)d, unchanged %(unchanged)d, skipped %(skipped)d.") % {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
            "skipped": len(result.skipped),
        }
        if options["dry_run"]:
            summary = _("Dry run, nothing saved.") + " " + summary
        self.stdout.write(self.style.SUCCESS(summary))

    def _card(self, number, outcome):
        card = outcome.card
        self.stdout.write(
            _(
                "%(number)d. %(title)s — department %(department)s, grade %(grade)s: %(duties)d duties, %(skills)d skills, %(kpis)d KPIs → %(action)s"
            )
            % {
                "number": number,
                "title": card.label(),
                "department": card.department or "—",
                "grade": card.grade or "—",
                "duties": len(card.duties),
                "skills": len(card.skills),
                "kpis": len(card.kpis),
                "action": outcome.action_label,
            }
        )
        if card.unrecognised:
            headings = "、".join(u.heading or "—" for u in card.unrecognised)
            self.stdout.write("   " + _("unrecognised: %(headings)s") % {"headings": headings})
        for message in [*card.problems, *outcome.messages]:
            self.stdout.write("   " + message)

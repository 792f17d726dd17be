import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orgchart.handbook import HandbookError, build_handbook
from roles.exports.pdfengine import PdfError
from shopconfig.downloads import atomic_write


class Command(BaseCommand):
    help = (
        "Write the handbook (cover, contents, org chart, every published job description) to a PDF file, "
        "in the foreground. The file appears only when it is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="the PDF file to write, e.g. handbook.pdf")
        parser.add_argument("--root", default="", metavar="SLUG", help="only this role and the roles under it")
        parser.add_argument(
            "--lang",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help=f"language of the headings and labels (default: {settings.LANGUAGE_CODE})",
        )
        parser.add_argument(
            "--with-pay", action="store_true", help="include pay schemes, amounts and KPI weights (internal copies)"
        )

    def handle(self, *args, **options):
        out = Path(options["out"])
        started = time.perf_counter()

        def progress(step, page=None):
            if options["verbosity"] >= 2:
                self.stderr.write(f"{step} {page or ''}".rstrip())

        try:
            with atomic_write(out) as handle:
                roles, pages = build_handbook(
                    handle,
                    language=options["lang"],
                    with_pay=options["with_pay"],
                    root_slug=options["root"],
                    progress=progress,
                )
        except (HandbookError, PdfError, OSError) as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        size = out.stat().st_size
        self.stdout.write(f"Wrote {out}: {roles} roles, {pages} pages, {size / 1024:.0f} KiB in {seconds:.1f} s.")

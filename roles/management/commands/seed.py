from django.core.management.base import BaseCommand

from roles.seed import SEED_FILE, load_seed


class Command(BaseCommand):
    help = "Load the seed role catalogue. Safe to run again: existing records are kept unless --update."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=SEED_FILE, help="seed JSON file (default: fixtures/seed.json)")
        parser.add_argument("--update", action="store_true", help="overwrite existing records with the file's values")

    def handle(self, *args, **options):
        report = load_seed(options["file"], update=options["update"])
        created = ", ".join(f"{k} {v}" for k, v in report.created.items()) or "nothing"
        updated = ", ".join(f"{k} {v}" for k, v in report.updated.items()) or "nothing"
        self.stdout.write(f"Seed loaded. Created: {created}. Updated: {updated}.")

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from orgchart import demo
from orgchart.placement import PlacementRefused


class Command(BaseCommand):
    help = (
        "Load the demo (make demo): the seed catalogue, fictional people marked 示例 in most seats, two future "
        "hires, one leaver and an active headcount plan for this year, dated from today. Only into the demo's "
        f"own database ({demo.DEMO_DATABASE.name}) unless --force. Running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="load into whatever database DATABASE_URL names (fictional people in it!)",
        )

    def handle(self, *args, **options):
        if not options["force"] and not demo.is_demo_database(connection.settings_dict):
            raise CommandError(
                f"Refused: this is not the demo database ({demo.DEMO_DATABASE}) but "
                f"“{connection.settings_dict['NAME']}”. The demo adds fictional people; run `make demo`, "
                "or add --force to load them here anyway."
            )
        try:
            loaded = demo.load()
        except (demo.DemoError, PlacementRefused) as error:
            raise CommandError(f"Demo not loaded, nothing saved: {error}") from error
        when = loaded.dates
        if not loaded.changed:
            self.stdout.write("Demo already loaded: nothing changed.")
            return
        if loaded.plan is not None:
            plan = loaded.plan
            self.stdout.write(
                f"Headcount plan “{plan.name}” ({plan.start_date} – {plan.end_date}, active, 提醒 / warn) "
                "started from the roles' headcounts."
            )
        hires = sum(1 for p in loaded.placed if p.start_date > when.today)
        leavers = sum(1 for p in loaded.placed if p.end_date is not None)
        self.stdout.write(
            f"Placed {len(loaded.placed)} demo people under the plan: {len(loaded.placed) - hires} in post "
            f"({leavers} leaving on {when.leaver_end}), {hires} starting on {when.hire_start}."
        )

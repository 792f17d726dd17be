from django.core.management.base import BaseCommand, CommandError

from roles import dated
from roles.models import Role
from roles.treecheck import tree_problems


class Command(BaseCommand):
    help = (
        "Verify the role tree's nested-set columns and that the roles show the dated changes in force today; "
        "exits non-zero when not."
    )

    def handle(self, *args, **options):
        rows = Role.objects.values_list("id", "parent_id", "tree_id", "lft", "rght", "level")
        problems = tree_problems(rows)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"The role tree is corrupt ({len(problems)} problems). "
                "Repair it with: python manage.py shell -c 'from roles.models import Role; Role.objects.rebuild()'"
            )
        out_of_step = dated.present_problems()
        if out_of_step:
            for problem in out_of_step:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(out_of_step)} roles differ from their dated changes in force today. "
                "Record the difference as a dated change (the admin's role form), or bring the roles back in step."
            )
        self.stdout.write(f"Role tree OK: {len(rows)} roles, in step with their dated changes.")

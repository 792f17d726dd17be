from django.core.management.base import BaseCommand, CommandError

from roles.models import Role
from roles.treecheck import tree_problems


class Command(BaseCommand):
    help = "Verify the role tree's nested-set columns; exits non-zero when the tree is corrupt."

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
        self.stdout.write(f"Role tree OK: {len(rows)} roles.")

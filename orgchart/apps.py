from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgchartConfig(AppConfig):
    name = "orgchart"
    verbose_name = _("Org chart")

    def ready(self):
        from roles.apps import STAFF_APPS, ensure_groups

        from . import signals

        signals.connect()  # people in post are kept per catalogue revision, like roles

        # The catalogue's groups include this app's permissions (people in roles), which Django
        # creates only after this app's migrations: roles' own run of ensure_groups is too early
        # on a fresh database.
        STAFF_APPS.append(self.label)
        post_migrate.connect(ensure_groups, sender=self)

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

HR_GROUP = "人事"
HR_MANAGER_GROUP = "人事经理"
MANAGER_GROUP = "管理者"
PUBLISH_PERMISSION = "publish_role"


# The apps whose permissions the staff groups hold; an app above roles adds itself (orgchart's ready()).
STAFF_APPS = ["roles", "shopconfig"]


def ensure_groups(sender, **kwargs):
    """HR edits the catalogue; HR managers also approve and publish it; managers read it.
    Re-applied after every migrate."""
    from django.contrib.auth.models import Group, Permission

    catalogue = Permission.objects.filter(content_type__app_label__in=STAFF_APPS)
    hr, _created = Group.objects.get_or_create(name=HR_GROUP)
    hr.permissions.set(catalogue.exclude(content_type__app_label="roles", codename=PUBLISH_PERMISSION))
    hr_managers, _created = Group.objects.get_or_create(name=HR_MANAGER_GROUP)
    hr_managers.permissions.set(catalogue)
    managers, _created = Group.objects.get_or_create(name=MANAGER_GROUP)
    managers.permissions.set(catalogue.filter(codename__startswith="view_"))


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = _("Role catalogue")

    def ready(self):
        from . import signals

        post_migrate.connect(ensure_groups, sender=self)
        signals.connect()

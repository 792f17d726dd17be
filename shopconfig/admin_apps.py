"""App configs that put the admin in HR's order and words; INSTALLED_APPS names them in place of
django.contrib.admin's, django-axes' and django-tasks-db's own (everything else about those apps stays theirs).

Kept out of shopconfig/apps.py, where Django looks for the one config of the shopconfig app.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_tasks_db.apps import TasksAppConfig


class RoleAtlasAdminConfig(AdminConfig):
    """django.contrib.admin with the project's site (sections in HR's order, shopconfig/adminsite.py)."""

    default_site = "shopconfig.adminsite.RoleAtlasAdminSite"


# The technical apps' admin sections, named in the project's words (and so in Chinese).


class LoginProtectionConfig(AxesAppConfig):
    verbose_name = _("Login protection")


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")


# Text of django-axes' and django-tasks-db's admin pages, which ship no Chinese: listed here so that
# makemessages keeps these msgids in locale/, where the apps' own gettext calls find them.
THIRD_PARTY_ADMIN_TEXT = (
    # django-axes: the three lists, their columns and filters
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Attempt Time"),
    gettext_noop("IP Address"),
    gettext_noop("User Agent"),
    gettext_noop("Path"),
    gettext_noop("Failed Logins"),
    gettext_noop("Locked Out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Access lock out"),
    gettext_noop("Logout Time"),
    gettext_noop("Expires At"),
    gettext_noop("Not set"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Clean up expired attempts"),
    # django-tasks-db: the task results (handbook exports run as tasks)
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("task path"),
    gettext_noop("queue name"),
    gettext_noop("priority"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("traceback"),
    gettext_noop("exception class path"),
    gettext_noop("args kwargs"),
    gettext_noop("worker id"),
)

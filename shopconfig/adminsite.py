"""The admin as HR meets it: its sections in the order of the work, the technical ones last."""

from django.conf import settings
from django.contrib import admin


class RoleAtlasAdminSite(admin.AdminSite):
    """Django's admin with the index (and the sidebar) in settings.ADMIN_APP_ORDER instead of A to Z."""

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        order = settings.ADMIN_APP_ORDER
        rank = {label: position for position, label in enumerate(order)}
        # Apps the list does not name go where "*" stands, in Django's alphabetical order (the sort is stable).
        elsewhere = rank.get("*", len(order))
        apps.sort(key=lambda app: rank.get(app["app_label"], elsewhere))
        return apps

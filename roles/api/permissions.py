"""Who may call which API endpoint; the rules themselves live in roles.permissions."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions as drf

from .. import permissions


class CatalogueAccess(drf.BasePermission):
    """Anyone reads (the queryset limits what they see); only HR writes.

    Writing needs the model's add/change/delete permission, as in the admin.
    """

    message = _("Only HR staff may change the catalogue.")
    actions = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}

    def has_permission(self, request, view):
        if request.method in drf.SAFE_METHODS:
            return True
        action = self.actions.get(request.method, "change")
        if action == "add" and getattr(view, "action", None) == "move":
            action = "change"
        model = view.queryset.model
        return request.user.is_authenticated and request.user.has_perm(
            f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        )


class CanSeeInternal(drf.BasePermission):
    """Managers, HR and administrators (people and internal tables)."""

    message = _("Only managers and HR staff may read this.")

    def has_permission(self, request, view):
        return permissions.can_see_internal(request.user)


class CanSeePay(drf.BasePermission):
    """Pay schemes, amounts and the pay calculator."""

    message = _("Only staff allowed to see pay may use this.")

    def has_permission(self, request, view):
        return permissions.can_see_pay(request.user)

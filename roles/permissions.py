"""Who may see what in the catalogue: the one place pages and exports ask."""

from django.db.models import Exists

from shopconfig.models import ShopProfile

from .models import Role


def can_see_internal(user):
    """Managers, HR and administrators read everything, drafts included."""
    return user.is_authenticated and user.has_perm("roles.view_role")


def can_edit(user):
    """HR: changes job descriptions, submits them for review, archives and restores them."""
    return user.is_authenticated and user.has_perm("roles.change_role")


def can_publish(user):
    """HR managers (and administrators): approve and publish job descriptions."""
    return user.is_authenticated and user.has_perm("roles.publish_role")


def can_see_pay(user):
    """Pay schemes, amounts and KPI weights are internal."""
    return user.is_authenticated and user.has_perm("roles.view_payscheme")


def can_see_pay_range(user, shop):
    """The reference pay range: internal, unless the shop publishes it for recruiting."""
    return can_see_pay(user) or shop.show_public_pay_range


def visible_roles(user):
    """Roles this user may read: all for staff; for everyone else the published ones, if the catalogue is public.

    The public-catalogue switch is checked inside the same SQL query, so listing
    roles costs no extra query.
    """
    if can_see_internal(user):
        return Role.objects.all()
    public = ShopProfile.objects.filter(public_catalogue=True)
    unset = ~Exists(ShopProfile.objects.all())  # no profile saved yet: the default is public
    return Role.objects.published().filter(Exists(public) | unset)

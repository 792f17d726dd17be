"""Who may see what in the catalogue: the one place pages and exports ask."""

from shopconfig.models import ShopProfile

from .models import Role


def can_see_internal(user):
    """Managers, HR and administrators read everything, drafts included."""
    return user.is_authenticated and user.has_perm("roles.view_role")


def can_see_pay(user):
    """Pay schemes, amounts and KPI weights are internal."""
    return user.is_authenticated and user.has_perm("roles.view_payscheme")


def can_see_pay_range(user, shop=None):
    """The reference pay range: internal, unless the shop publishes it for recruiting."""
    return can_see_pay(user) or (shop or ShopProfile.load()).show_public_pay_range


def visible_roles(user, shop=None):
    """Roles this user may read: all for staff, published ones for everyone else (if the catalogue is public)."""
    if can_see_internal(user):
        return Role.objects.all()
    if (shop or ShopProfile.load()).public_catalogue:
        return Role.objects.published()
    return Role.objects.none()

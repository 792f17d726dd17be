"""Who may see what in the catalogue: the rules behind roles.reading.Audience, which every page,
export and endpoint builds once per reader (the reference pay range is Audience.see_pay_range)."""

from django.db.models import Exists

from shopconfig.models import ShopProfile


def can_see_internal(user):
    """Managers, HR and administrators read everything, drafts included."""
    return user.is_authenticated and user.has_perm("roles.view_role")


def can_edit(user):
    """HR: changes job descriptions, submits them for review, archives and restores them."""
    return user.is_authenticated and user.has_perm("roles.change_role")


def can_publish(user):
    """HR managers (and administrators): approve and publish job descriptions."""
    return user.is_authenticated and user.has_perm("roles.publish_role")


def can_see_plans(user):
    """Reorganisation plans (调整方案) are for HR, who make them, and approvers, who decide them."""
    return can_edit(user) or can_publish(user)


def can_see_pay(user):
    """Pay schemes, amounts and KPI weights are internal."""
    return user.is_authenticated and user.has_perm("roles.view_payscheme")


def can_change_bands(user):
    """HR who may see pay and add and change pay grades: imports the band table (its admin asks the same)."""
    return can_see_pay(user) and user.has_perms(("roles.add_paygrade", "roles.change_paygrade"))


def catalogue_is_public_q():
    """The shop publishes its catalogue to visitors, as a condition inside the roles query (no extra query)."""
    public = ShopProfile.objects.filter(public_catalogue=True)
    unset = ~Exists(ShopProfile.objects.all())  # no profile saved yet: the default is public
    return Exists(public) | unset

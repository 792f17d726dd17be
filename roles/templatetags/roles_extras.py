from decimal import Decimal

from django import template

from roles.rules import plain_number
from roles.sections import JD_SECTIONS

register = template.Library()


@register.filter
def percent(rate):
    """0.800 → 80%: how people read a share."""
    if rate is None or rate == "":
        return ""
    return f"{plain_number(Decimal(rate) * 100)}%"


@register.simple_tag
def jd_sections():
    """The job description's sections in print order: (key, heading) pairs (see roles.sections)."""
    return JD_SECTIONS

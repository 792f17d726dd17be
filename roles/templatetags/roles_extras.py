from django import template

from roles import rules
from roles.sections import JD_SECTIONS

register = template.Library()


@register.filter
def percent(rate):
    """0.800 → 80%: how people read a share (roles.rules.percent)."""
    return rules.percent(rate if rate != "" else None)


@register.simple_tag
def jd_sections():
    """The job description's sections in print order: (key, heading) pairs (see roles.sections)."""
    return JD_SECTIONS

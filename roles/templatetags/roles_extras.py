from django import template

from roles import paycalc, rules
from roles.sections import JD_SECTIONS

register = template.Library()


@register.filter
def percent(rate):
    """0.800 → 80%: how people read a share (roles.rules.percent)."""
    return rules.percent(rate if rate != "" else None)


@register.filter
def tier_text(tier):
    """A performance tier as the pay engine words it (roles.paycalc.tier_text)."""
    return paycalc.tier_text(tier)


@register.filter
def attendance_text(scheme):
    """A pay scheme's full-attendance rule as the pay engine words it (roles.paycalc.attendance_text)."""
    return paycalc.attendance_text(scheme)


@register.simple_tag
def jd_sections():
    """The job description's sections in print order: (key, heading) pairs (see roles.sections)."""
    return JD_SECTIONS

from decimal import Decimal

from django import template

from roles.rules import plain_number

register = template.Library()


@register.filter
def percent(rate):
    """0.800 → 80%: how people read a share."""
    if rate is None or rate == "":
        return ""
    return f"{plain_number(Decimal(rate) * 100)}%"

"""Pure validation rules of the catalogue: plain functions, no database access."""

from decimal import Decimal

from django.utils.translation import gettext as _

DEFAULT_ATTENDANCE_BONUS_RATE = Decimal("0.10")
MAX_KPI_WEIGHT_TOTAL = Decimal("100")


def range_is_inverted(low, high):
    """True when both ends are given and the lower end is above the upper end."""
    return low is not None and high is not None and low > high


def plain_number(value):
    """A Decimal as people write it: 150 not 1.5E+2, 0.8 not 0.800."""
    return f"{value.normalize():f}"


def percent(rate):
    """A share as people read it: 0.800 → 80%, 0.015 → 1.5%; None → ""."""
    return "" if rate is None else f"{plain_number(Decimal(rate) * 100)}%"


def kpi_weight_total(weights):
    """Sum of the KPI weights that are set (empty weights count as nothing)."""
    return sum((Decimal(w) for w in weights if w is not None), Decimal("0"))


def find_tier_overlaps(tiers):
    """Pairs of score tiers whose ranges share a score.

    Each tier is (min_score, max_score) with min inclusive and max exclusive;
    max None means no upper limit.
    """
    overlaps = []
    for i, (a_min, a_max) in enumerate(tiers):
        for b_min, b_max in tiers[i + 1 :]:
            a_below_b = a_max is not None and a_max <= b_min
            b_below_a = b_max is not None and b_max <= a_min
            if not (a_below_b or b_below_a):
                overlaps.append(((a_min, a_max), (b_min, b_max)))
    return overlaps


def tier_overlap_message(tiers):
    """The error for score tiers (min, max) that share a score, or None: one wording for the admin and the API."""
    overlaps = find_tier_overlaps(tiers)
    if not overlaps:
        return None
    (a_min, a_max), (b_min, b_max) = overlaps[0]
    return _("Score tiers overlap: %(a)s and %(b)s. Each score may fall in one tier only.") % {
        "a": _tier_label(a_min, a_max),
        "b": _tier_label(b_min, b_max),
    }


def _tier_label(low, high):
    low = plain_number(low)
    return f"{low}–{plain_number(high)}" if high is not None else f"≥ {low}"

"""The pay engine: one month's pay of a role under its pay scheme, as plain functions.

No database access: callers turn a PayScheme into PayRules (PayScheme.rules) and pass
the month's facts. Money is Decimal throughout; every component is rounded to 0.01 yuan
half up and the total is the sum of the rounded components, so a payslip adds up.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .rules import percent, plain_number

CENT = Decimal("0.01")
ZERO = Decimal("0")
MAX_SCORE = Decimal("100")


@dataclass(frozen=True)
class Tier:
    """Share of the performance bonus for scores in [min_score, max_score); max None is open."""

    min_score: Decimal
    max_score: Decimal | None
    rate: Decimal

    def contains(self, score):
        return self.min_score <= score and (self.max_score is None or score < self.max_score)


@dataclass(frozen=True)
class PayRules:
    attendance_bonus_rate: Decimal
    attendance_incident_limit: int
    absence_days_limit: Decimal
    tiers: tuple[Tier, ...]
    has_commission: bool
    commission_rate: Decimal | None
    has_special_bonus: bool
    warning_enabled: bool
    warning_consecutive_months: int
    warning_score: Decimal


@dataclass(frozen=True)
class MonthFacts:
    performance_score: Decimal
    late_count: int = 0
    early_leave_count: int = 0
    leave_count: int = 0
    absent_days: Decimal = Decimal("0")
    sales_amount: Decimal = Decimal("0")
    special_bonus: Decimal = Decimal("0")


@dataclass(frozen=True)
class PayResult:
    base_salary: Decimal
    attendance_bonus: Decimal
    performance_bonus: Decimal
    commission: Decimal
    special_bonus: Decimal
    total: Decimal
    attendance_bonus_cancelled: bool
    performance_rate: Decimal
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MonthRecord:
    performance_score: Decimal
    met_base_target: bool


@dataclass(frozen=True)
class WarningResult:
    warning: bool
    months: tuple[int, ...]  # 0-based indices of the run of months that caused the warning
    reasons: tuple[str, ...]


def money(amount):
    """Round to 0.01 yuan, half up (0.005 → 0.01), as a payslip prints it."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _number(value, name):
    """A finite Decimal from a Decimal or int; floats are refused so no binary fraction creeps in."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or an int, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite number, not {value}")
    return value


def _non_negative(value, name):
    value = _number(value, name)
    if value < 0:
        raise ValueError(f"{name} must not be negative (got {value})")
    return value


def _count(value, name):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative (got {value})")
    return value


def _score(value, name="performance_score"):
    value = _number(value, name)
    if not ZERO <= value <= MAX_SCORE:
        raise ValueError(f"{name} must be between 0 and 100 (got {value})")
    return value


def _tier_for(tiers, score):
    """The tier that covers the score; if HR's tiers overlap, the one starting highest wins."""
    matching = [tier for tier in tiers if tier.contains(score)]
    return max(matching, key=lambda tier: tier.min_score, default=None)


def compute_pay(
    rules: PayRules, base_salary: Decimal, performance_bonus_amount: Decimal, facts: MonthFacts
) -> PayResult:
    """One month's pay, itemised, with the reason each rule gave.

    Raises ValueError for impossible facts (negative counts or amounts, a score outside 0–100).
    """
    base = _non_negative(base_salary, "base_salary")
    full_bonus = _non_negative(performance_bonus_amount, "performance_bonus_amount")
    score = _score(facts.performance_score)
    incidents = sum(_count(getattr(facts, name), name) for name in ("late_count", "early_leave_count", "leave_count"))
    absent = _non_negative(facts.absent_days, "absent_days")
    sales = _non_negative(facts.sales_amount, "sales_amount")
    special = _non_negative(facts.special_bonus, "special_bonus")
    reasons = []

    # 全勤奖金: cancelled when either limit is reached (以上 includes the number itself).
    attendance_rate = _non_negative(rules.attendance_bonus_rate, "attendance_bonus_rate")
    incident_limit = _count(rules.attendance_incident_limit, "attendance_incident_limit")
    absence_limit = _non_negative(rules.absence_days_limit, "absence_days_limit")
    cancelled = False
    if incidents >= incident_limit:
        cancelled = True
        reasons.append(
            _(
                "Full-attendance bonus cancelled: %(count)s late arrivals, early departures and leaves "
                "reach the limit of %(limit)s."
            )
            % {"count": incidents, "limit": incident_limit}
        )
    if absent >= absence_limit:
        cancelled = True
        reasons.append(
            _("Full-attendance bonus cancelled: %(days)s day(s) of absence without leave reach the limit of %(limit)s.")
            % {"days": plain_number(absent), "limit": plain_number(absence_limit)}
        )
    if cancelled:
        attendance_bonus = money(ZERO)
    else:
        attendance_bonus = money(base * attendance_rate)
        reasons.append(_("Full-attendance bonus: %(rate)s of the base salary.") % {"rate": percent(attendance_rate)})

    # 绩效奖金: the share of the full bonus that the score's tier pays.
    tier = _tier_for(rules.tiers, score)
    if tier is None:
        performance_rate = ZERO
        reasons.append(
            _("Performance bonus: no tier of the pay scheme covers the score %(score)s, so none is paid.")
            % {"score": plain_number(score)}
        )
    else:
        performance_rate = _non_negative(tier.rate, "tier rate")
        if tier.max_score is None:
            reasons.append(
                _("Performance bonus: score %(score)s is %(low)s or above, so %(rate)s of the full amount is paid.")
                % {
                    "score": plain_number(score),
                    "low": plain_number(tier.min_score),
                    "rate": percent(performance_rate),
                }
            )
        else:
            reasons.append(
                _(
                    "Performance bonus: score %(score)s is from %(low)s to under %(high)s, "
                    "so %(rate)s of the full amount is paid."
                )
                % {
                    "score": plain_number(score),
                    "low": plain_number(tier.min_score),
                    "high": plain_number(tier.max_score),
                    "rate": percent(performance_rate),
                }
            )
    performance_bonus = money(full_bonus * performance_rate)

    # 提成
    commission = money(ZERO)
    if not rules.has_commission:
        if sales:
            reasons.append(_("This pay scheme pays no commission; the sales are not counted."))
    elif rules.commission_rate is None:
        reasons.append(_("Commission: no commission rate is set for this role or its pay scheme, so none is paid."))
    else:
        commission_rate = _non_negative(rules.commission_rate, "commission_rate")
        commission = money(sales * commission_rate)
        reasons.append(
            _("Commission: %(rate)s of sales of %(sales)s.")
            % {"rate": percent(commission_rate), "sales": plain_number(sales)}
        )

    # 特殊奖励: an amount decided each month, paid only where the scheme has it.
    special_bonus = money(ZERO)
    if rules.has_special_bonus:
        special_bonus = money(special)
        if special:
            reasons.append(_("Special bonus: as awarded this month."))
    elif special:
        reasons.append(_("This pay scheme pays no special bonus; the amount entered is not counted."))

    base_paid = money(base)
    total = base_paid + attendance_bonus + performance_bonus + commission + special_bonus
    return PayResult(
        base_salary=base_paid,
        attendance_bonus=attendance_bonus,
        performance_bonus=performance_bonus,
        commission=commission,
        special_bonus=special_bonus,
        total=total,
        attendance_bonus_cancelled=cancelled,
        performance_rate=performance_rate,
        reasons=tuple(reasons),
    )


def dismissal_warning(rules: PayRules, months: Sequence[MonthRecord]) -> WarningResult:
    """Whether the run of months (oldest first) earns the dismissal warning, and which months did.

    A month counts when its base target was missed or its score is under the warning score
    (未满60分: 60 itself does not count). The warning needs that many such months in a row;
    the months reported are the most recent such run, all of it.
    """
    needed = _count(rules.warning_consecutive_months, "warning_consecutive_months")
    if needed < 1:
        raise ValueError("warning_consecutive_months must be at least 1")
    threshold = _score(rules.warning_score, "warning_score")
    scores = [_score(m.performance_score, f"months[{i}].performance_score") for i, m in enumerate(months)]
    if not rules.warning_enabled:
        return WarningResult(False, (), (_("This pay scheme has no dismissal warning."),))

    counting = [score < threshold or not m.met_base_target for score, m in zip(scores, months, strict=True)]
    run = ()
    start = None
    for i, counts in enumerate([*counting, False]):
        if counts and start is None:
            start = i
        elif not counts and start is not None:
            if i - start >= needed:
                run = tuple(range(start, i))
            start = None
    if not run:
        return WarningResult(
            False,
            (),
            (
                _(
                    "No dismissal warning: fewer than %(n)s consecutive months missed the base target or scored under %(score)s."
                )
                % {"n": needed, "score": plain_number(threshold)},
            ),
        )

    reasons = [
        _("Dismissal warning: %(n)s consecutive months missed the base target or scored under %(score)s.")
        % {"n": len(run), "score": plain_number(threshold)}
    ]
    for i in run:
        why = []
        if not months[i].met_base_target:
            why.append(_("the base target was missed"))
        if scores[i] < threshold:
            why.append(
                _("the score %(score)s is under %(limit)s")
                % {"score": plain_number(scores[i]), "limit": plain_number(threshold)}
            )
        reasons.append(_("Month %(number)s: %(why)s.") % {"number": i + 1, "why": "; ".join(why)})
    return WarningResult(True, run, tuple(reasons))


# ----------------------------------------------------------------------------- wording


def attendance_text(scheme):
    """How a scheme's full-attendance rule is printed (page, PDF, Word)."""
    return _(
        "%(rate)s × base salary; cancelled at %(limit)s late arrivals, early departures or leaves "
        "in a month, or %(days)s day(s) of absence without leave."
    ) % {
        "rate": percent(scheme.attendance_bonus_rate),
        "limit": scheme.attendance_incident_limit,
        "days": plain_number(scheme.absence_days_limit),
    }


def tier_text(tier):
    """How a performance tier is printed (page, PDF, Word): "score 70 to under 80: 80%"."""
    if tier.max_score is None:
        label = _("score %(low)s and above") % {"low": plain_number(tier.min_score)}
    else:
        label = _("score %(low)s to under %(high)s") % {
            "low": plain_number(tier.min_score),
            "high": plain_number(tier.max_score),
        }
    return f"{label}: {percent(tier.rate)}"

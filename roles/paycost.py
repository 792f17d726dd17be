"""The monthly pay cost of roles: what the organisation costs a month, per role, subtree and department.

A role's monthly cost is its headcount × the pay of one person in a *reference month*:

- with a pay scheme and a base salary: the pay the scheme computes (roles/paycalc.py) for a month
  of full attendance, the performance score that earns the full bonus (the lowest score of the
  best-paying tier), no commission and no special bonus; an unset full performance bonus counts as
  none, as on the role's pay calculator;
- otherwise, the midpoint of its reference pay range (pay_min and pay_max both set);
- otherwise "no cost known": None, never 0, so a total never hides a role nobody priced.

Pure functions (`reference_facts`, `reference_pay`, `person_pay`, `role_cost`, `totals`) take plain
values. The loaders read roles in a fixed number of queries for any number of them: `monthly_costs`
(role id -> cost, optionally with other headcounts) and `monthly_pays` (role id -> one person's pay,
for callers that work out headcounts themselves, such as a reorganisation plan's diff).
Who may see costs is decided by roles.permissions.can_see_pay / reading.Audience.see_pay, never here:
callers ask before they show a figure.
"""

from dataclasses import dataclass
from decimal import Decimal

from . import paycalc
from .models import PayScheme, Role

TWO = Decimal(2)


def reference_score(rules):
    """The performance score of the reference month: the lowest score that earns the best tier's share."""
    if not rules.tiers:
        return paycalc.MAX_SCORE
    best = max(tier.rate for tier in rules.tiers)
    return min(tier.min_score for tier in rules.tiers if tier.rate == best)


def reference_facts(rules):
    """The month a cost is priced on: full attendance, full performance bonus, no commission or special bonus."""
    return paycalc.MonthFacts(performance_score=reference_score(rules))


def reference_pay(rules, base_salary, performance_bonus_amount=None):
    """One person's pay in the reference month under these rules (Decimal, to the cent)."""
    bonus = performance_bonus_amount if performance_bonus_amount is not None else paycalc.ZERO
    return paycalc.compute_pay(rules, base_salary, bonus, reference_facts(rules)).total


def person_pay(rules, base_salary, performance_bonus_amount, pay_min, pay_max):
    """One person's monthly pay: the scheme's reference month, else the pay range's midpoint, else None.

    `rules` is None for a role without a pay scheme.
    """
    if rules is not None and base_salary is not None:
        return reference_pay(rules, base_salary, performance_bonus_amount)
    if pay_min is not None and pay_max is not None:
        return paycalc.money((Decimal(pay_min) + Decimal(pay_max)) / TWO)
    return None


def role_cost(headcount, pay):
    """A role's monthly cost: headcount × one person's pay; None when the pay is unknown."""
    if pay is None:
        return None
    if isinstance(headcount, bool) or not isinstance(headcount, int) or headcount < 0:
        raise ValueError(f"headcount must be a whole number of at least 0, not {headcount!r}")
    return paycalc.money(pay * headcount)


@dataclass(frozen=True)
class Total:
    """A sum of role costs and how many roles in it have no cost known (their cost is not in `amount`)."""

    amount: Decimal = paycalc.ZERO
    unknown: int = 0
    roles: int = 0

    def add(self, cost):
        """This total with one more role's cost (None: counted as unknown)."""
        if cost is None:
            return Total(self.amount, self.unknown + 1, self.roles + 1)
        return Total(self.amount + cost, self.unknown, self.roles + 1)


@dataclass(frozen=True)
class Totals:
    """`subtree`: role id -> Total of the role and everyone below it; `department`: department id -> Total."""

    subtree: dict
    department: dict


def totals(costs, parent_of, department_of):
    """Subtree and department totals of `costs` (role id -> Decimal | None).

    `parent_of` (role id -> superior id or None) places each role; a superior outside `costs` ends
    the subtree there (the role counts as a top). `department_of` maps role id -> department id.
    """
    subtree = dict.fromkeys(costs, Total())
    department = {}
    for role_id, cost in costs.items():
        dept = department_of.get(role_id)
        department[dept] = department.get(dept, Total()).add(cost)
        seen = set()
        above = role_id
        while above in costs and above not in seen:  # `seen` guards against a loop in bad input
            seen.add(above)
            subtree[above] = subtree[above].add(cost)
            above = parent_of.get(above)
    return Totals(subtree, department)


def monthly_costs(roles, headcounts=None):
    """Role id -> monthly cost (Decimal, or None: no cost known) of these roles, in at most three queries.

    `roles` is a Role queryset or an iterable of role ids; `headcounts` (role id -> int) replaces the
    stored headcount of the roles it names (a plan's proposed headcount, a past day's).
    """
    headcounts = headcounts or {}
    return {
        pk: role_cost(headcounts.get(pk, headcount), pay)
        for pk, (headcount, pay) in _pays_and_headcounts(roles).items()
    }


def monthly_pays(roles):
    """Role id -> one person's monthly pay (Decimal, or None: no cost known), in at most three queries."""
    return {pk: pay for pk, (_headcount, pay) in _pays_and_headcounts(roles).items()}


def _pays_and_headcounts(roles):
    """Role id -> (stored headcount, one person's pay): one query for the roles, two for their pay schemes."""
    if not hasattr(roles, "values_list"):
        roles = Role.objects.filter(pk__in=list(roles))
    rows = list(
        roles.order_by().values_list(
            "pk", "headcount", "pay_scheme_id", "base_salary", "performance_bonus_amount", "pay_min", "pay_max"
        )
    )
    scheme_ids = {row[2] for row in rows if row[2] is not None}
    schemes = PayScheme.objects.filter(pk__in=scheme_ids).prefetch_related("tiers") if scheme_ids else []
    schemes = {scheme.pk: scheme for scheme in schemes}
    out = {}
    for pk, headcount, scheme_id, base, bonus, pay_min, pay_max in rows:
        # The reference month sells nothing: the rules need no commission rate, so no role is passed.
        rules = schemes[scheme_id].rules() if scheme_id is not None else None
        out[pk] = (headcount, person_pay(rules, base, bonus, pay_min, pay_max))
    return out

"""The monthly pay cost of roles: what the organisation costs a month, per role, subtree and department.

A role's monthly cost is its headcount × the pay of one person in a *reference month*:

- with a pay scheme and a base salary: the pay the scheme computes (roles/paycalc.py) for a month
  of full attendance, the performance score that earns the full bonus (the lowest score of the
  best-paying tier), no commission and no special bonus; an unset full performance bonus counts as
  none, as on the role's pay calculator;
- otherwise, the midpoint of its reference pay range (pay_min and pay_max both set);
- otherwise "no cost known": None, never 0, so a total never hides a role nobody priced.

Pay against a band (/roles/bands/, the lint's pay-below-band and pay-above-band) reads three reference
months of a role with a scheme and a base salary (`reference_pays`): the target month above, the lowest
paid tier's month (full attendance, the lowest score of the tier paying the smallest share above 0) and
the floor month (the full-attendance bonus cancelled, a score that earns the smallest share, usually none);
compa-ratio = target ÷ the band's midpoint (`compa_ratio`).

Pure functions (`reference_facts`, `reference_pay`, `reference_pays`, `compa_ratio`, `person_pay`,
`role_cost`, `totals`) take plain values. The loaders read roles in a fixed number of queries for any number of them: `monthly_costs`
(role id -> cost, optionally with other headcounts) and `monthly_pays` (role id -> one person's pay,
for callers that work out headcounts themselves, such as a reorganisation plan's diff).
Who may see costs is decided by roles.permissions.can_see_pay / reading.Audience.see_pay, never here:
callers ask before they show a figure.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from . import bands, paycalc
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


@dataclass(frozen=True)
class ReferencePays:
    """One person's pay (Decimal, to the cent) in the three reference months; target ≥ lowest_tier ≥ floor."""

    target: Decimal
    lowest_tier: Decimal
    floor: Decimal


def _scores_to_try(rules):
    """Every score at which the engine's choice of tier can change: 0, 100 and each tier's ends."""
    scores = {paycalc.ZERO, paycalc.MAX_SCORE}
    for tier in rules.tiers:
        scores.update(s for s in (tier.min_score, tier.max_score) if s is not None and 0 <= s <= paycalc.MAX_SCORE)
    return sorted(scores)


def _share(rules, score):
    """The share of the full performance bonus the engine pays for `score` (its tier's rate, 0 without one)."""
    return paycalc.compute_pay(rules, paycalc.ZERO, paycalc.ZERO, paycalc.MonthFacts(score)).performance_rate


# The scores depend on the rules alone (PayRules is frozen, so hashable): worked out once per scheme, not per role.
@lru_cache(maxsize=256)
def lowest_tier_score(rules):
    """The lowest score of the tier that pays the smallest share above 0; the reference score when no tier pays."""
    paid = [(share, score) for score in _scores_to_try(rules) if (share := _share(rules, score)) > 0]
    return min(paid)[1] if paid else reference_score(rules)


@lru_cache(maxsize=256)
def floor_score(rules):
    """The lowest score that earns the smallest share (0 wherever a score earns nothing)."""
    return min((_share(rules, score), score) for score in _scores_to_try(rules))[1]


def floor_facts(rules):
    """The floor month: as many late arrivals as cancel the full-attendance bonus, a score that earns the least."""
    return paycalc.MonthFacts(performance_score=floor_score(rules), late_count=rules.attendance_incident_limit)


# Pure and hashable in its arguments: a page that draws 2,000 roles again reads them from here.
@lru_cache(maxsize=8192)
def reference_pays(rules, base_salary, performance_bonus_amount=None):
    """One person's pay in the target, lowest paid tier and floor months under these rules (ReferencePays)."""
    bonus = performance_bonus_amount if performance_bonus_amount is not None else paycalc.ZERO

    def pay(facts):
        return paycalc.compute_pay(rules, base_salary, bonus, facts).total

    return ReferencePays(
        target=pay(reference_facts(rules)),
        lowest_tier=pay(paycalc.MonthFacts(performance_score=lowest_tier_score(rules))),
        floor=pay(floor_facts(rules)),
    )


def compa_ratio(pay, midpoint):
    """pay ÷ the band's midpoint, rounded half up to 4 decimals (bands.rounded); None without either."""
    if pay is None or midpoint is None or midpoint == 0:
        return None
    return bands.rounded(Fraction(pay) / Fraction(midpoint))


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

    def joined(self, other):
        """This total and another (of other roles) as one."""
        return Total(self.amount + other.amount, self.unknown + other.unknown, self.roles + other.roles)


@dataclass(frozen=True)
class Totals:
    """`subtree`: role id -> Total of the role and everyone below it; `department`: department id -> Total."""

    subtree: dict
    department: dict


def totals(costs, parent_of, department_of):
    """Subtree and department totals of `costs` (role id -> Decimal | None).

    `parent_of` (role id -> superior id or None) places each role; a superior outside `costs` ends
    the subtree there (the role counts as a top), as does the link that closes a loop in bad input.
    `department_of` maps role id -> department id.

    Each role's sum is added once to its superior's, subordinates first: linear in the roles (adding
    every cost to every superior above it made roles × depth Totals, most of a chart request).
    """
    amount, unknown, roles = {}, {}, dict.fromkeys(costs, 1)
    department = {}
    for role_id, cost in costs.items():
        amount[role_id], unknown[role_id] = (paycalc.ZERO, 1) if cost is None else (cost, 0)
        into = department.setdefault(department_of.get(role_id), [paycalc.ZERO, 0, 0])
        into[0] += amount[role_id]
        into[1] += unknown[role_id]
        into[2] += 1
    for role_id, above in reversed(_links(costs, parent_of)):
        amount[above] += amount[role_id]
        unknown[above] += unknown[role_id]
        roles[above] += roles[role_id]
    return Totals(
        {role_id: Total(amount[role_id], unknown[role_id], roles[role_id]) for role_id in costs},
        {dept: Total(*total) for dept, total in department.items()},
    )


def _links(costs, parent_of):
    """(role id, superior id) of the roles of `costs` under a superior in `costs`, every superior's
    link before its subordinates'; in a loop (bad input), the link back to a role on the way up is left out."""
    links, seen = [], set()
    for role_id in costs:  # already superiors first, as the chart's rows in tree order are: one pass
        above = parent_of.get(role_id)
        if above in costs:
            if above not in seen:
                break
            links.append((role_id, above))
        seen.add(role_id)
    else:
        return links
    depth = {}  # role id -> how many superiors in `costs` are above it
    for role_id in costs:
        line, on_line, above = [], set(), role_id
        while above in costs and above not in depth and above not in on_line:
            line.append(above)
            on_line.add(above)
            above = parent_of.get(above)
        base = depth[above] + 1 if above in depth else 0
        for n, below in enumerate(reversed(line)):
            depth[below] = base + n
    links = [(r, parent_of[r]) for r in costs if parent_of.get(r) in depth and depth[parent_of[r]] < depth[r]]
    return sorted(links, key=lambda link: depth[link[0]])


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
    rules = _rules_of({row[2] for row in rows})
    return {
        pk: (headcount, person_pay(rules.get(scheme_id), base, bonus, pay_min, pay_max))
        for pk, headcount, scheme_id, base, bonus, pay_min, pay_max in rows
    }


def _rules_of(scheme_ids):
    """Pay scheme id -> its PayRules, in two queries (none for no ids).

    The reference months sell nothing: the rules need no commission rate, so no role is passed.
    """
    scheme_ids = {pk for pk in scheme_ids if pk is not None}
    schemes = PayScheme.objects.filter(pk__in=scheme_ids).prefetch_related("tiers") if scheme_ids else []
    return {scheme.pk: scheme.rules() for scheme in schemes}


def reference_pays_of(roles):
    """Role id -> ReferencePays of the roles with a pay scheme and a base salary, in at most three queries.

    `roles` is a Role queryset or an iterable of role ids; roles without a scheme or a base salary are left out.
    """
    if not hasattr(roles, "values_list"):
        roles = Role.objects.filter(pk__in=list(roles))
    rows = list(
        roles.filter(pay_scheme__isnull=False, base_salary__isnull=False)
        .order_by()
        .values_list("pk", "pay_scheme_id", "base_salary", "performance_bonus_amount")
    )
    rules = _rules_of({row[1] for row in rows})
    return {pk: reference_pays(rules[scheme_id], base, bonus) for pk, scheme_id, base, bonus in rows}


def compa_ratios_of(roles):
    """Role id -> compa-ratio (target ÷ its pay grade's midpoint) of the roles with a pay scheme, a base salary
    and a pay grade, in at most four queries; roles without one of them are left out."""
    pays = reference_pays_of(roles)
    midpoints = Role.objects.filter(pk__in=list(pays), pay_grade__isnull=False).values_list("pk", "pay_grade__band_mid")
    return {pk: compa_ratio(pays[pk].target, midpoint) for pk, midpoint in midpoints}

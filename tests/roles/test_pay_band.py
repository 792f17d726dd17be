"""Pay against band: the three reference months a role's rules compute, and compa-ratio = target ÷ midpoint."""

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roles import paycost
from roles.paycalc import MonthFacts, Tier, compute_pay
from tests.roles.test_paycalc import NO_COMMISSION, seed_rules

# Each case: name, rule changes, base salary, full bonus, (target, lowest paid tier, floor).
# fmt: off
CASES = [
    ("the seed's 推广专员: 80+ pays all, 60–70 pays 60 %, under 60 nothing", NO_COMMISSION, "3000", "800",
     ("4100.00", "3780.00", "3000.00")),
    ("the seed's 店铺客服", {}, "2800", "600", ("3680.00", "3440.00", "2800.00")),
    ("no full bonus set counts as none", {}, "3000", None, ("3300.00", "3300.00", "3000.00")),
    ("no tiers: no bonus in any month", {"tiers": ()}, "3000", "800", ("3300.00", "3300.00", "3000.00")),
    ("one tier paying everything from 0: the floor still earns it", {"tiers": (Tier(D("0"), None, D("1")),)},
     "3000", "800", ("4100.00", "4100.00", "3800.00")),
    ("a gap between tiers earns nothing: the floor's score", {"tiers": (Tier(D("50"), D("70"), D("0.5")),
     Tier(D("70"), None, D("1")))}, "2000", "1000", ("3200.00", "2700.00", "2000.00")),
    ("the lowest paid share, not the lowest score, is the lowest tier",
     {"tiers": (Tier(D("0"), D("40"), D("0.9")), Tier(D("40"), D("60"), D("0.3")), Tier(D("60"), None, D("1")))},
     "1000", "1000", ("2100.00", "1400.00", "1300.00")),
    ("a limit of 0 incidents cancels the attendance bonus every month", {"attendance_incident_limit": 0},
     "3000", "800", ("3800.00", "3480.00", "3000.00")),
]
# fmt: on


@pytest.mark.parametrize(("name", "changes", "base", "bonus", "expected"), CASES)
def test_the_three_reference_months(name, changes, base, bonus, expected):
    pays = paycost.reference_pays(seed_rules(**changes), D(base), bonus and D(bonus))
    assert (pays.target, pays.lowest_tier, pays.floor) == tuple(D(v) for v in expected), name


def test_the_target_month_is_the_month_a_cost_is_priced_on():
    rules = seed_rules()
    assert paycost.reference_pays(rules, D("3500"), D("800")).target == paycost.reference_pay(
        rules, D("3500"), D("800")
    )


# Each case: pay, midpoint, compa-ratio (None: no figure).
COMPA_CASES = [
    ("4100", "4000", "1.0250"),
    ("3680", "3200", "1.1500"),
    ("1", "3", "0.3333"),
    ("2", "3", "0.6667"),  # half up
    ("0.00005", "1", "0.0001"),  # exactly half a unit rounds up
    ("4000", None, None),
    (None, "4000", None),
]


@pytest.mark.parametrize(("pay", "midpoint", "expected"), COMPA_CASES)
def test_compa_ratio_is_pay_over_the_midpoint(pay, midpoint, expected):
    ratio = paycost.compa_ratio(pay and D(pay), midpoint and D(midpoint))
    assert ratio == (expected and D(expected))


# Random schemes: contiguous or gapped tiers on whole scores (as HR enters them), any shares.
scores = st.integers(min_value=0, max_value=100)
shares = st.sampled_from([D("0"), D("0.3"), D("0.5"), D("0.6"), D("0.8"), D("1"), D("1.2")])
amounts = st.decimals(min_value=0, max_value=50000, places=2)


@st.composite
def tiers(draw):
    cuts = sorted(draw(st.sets(scores, max_size=5)))
    out = []
    for index, low in enumerate(cuts):
        high = cuts[index + 1] if index + 1 < len(cuts) else None
        if draw(st.booleans()) or high is None:  # some ranges left out: a gap pays nothing
            out.append(Tier(D(low), None if high is None or high == 100 else D(high), draw(shares)))
    return tuple(out)


@st.composite
def schemes(draw):
    return seed_rules(
        tiers=draw(tiers()),
        attendance_bonus_rate=draw(st.sampled_from([D("0"), D("0.05"), D("0.1"), D("0.125")])),
        attendance_incident_limit=draw(st.integers(min_value=0, max_value=5)),
        absence_days_limit=draw(st.sampled_from([D("0.5"), D("1"), D("2")])),
    )


def engine_month(rules, base, bonus, score, cancel):
    """The pay engine's pay for a whole score, with the attendance bonus kept or cancelled."""
    facts = MonthFacts(D(score), absent_days=rules.absence_days_limit if cancel else D("0"))
    return compute_pay(rules, base, bonus, facts)


@given(rules=schemes(), base=amounts, bonus=amounts)
def test_the_reference_months_agree_with_the_pay_engine(rules, base, bonus):
    pays = paycost.reference_pays(rules, base, bonus)
    full = [engine_month(rules, base, bonus, s, cancel=False) for s in range(101)]
    cancelled = [engine_month(rules, base, bonus, s, cancel=True) for s in range(101)]
    # Target: the best month with full attendance.
    assert pays.target == max(result.total for result in full)
    # Lowest paid tier: full attendance at the smallest share above 0 (the target when no score pays).
    paid = [result for result in full if result.performance_rate > 0]
    smallest = min((result.performance_rate for result in paid), default=None)
    expected = min((r.total for r in paid if r.performance_rate == smallest), default=pays.target)
    assert pays.lowest_tier == expected
    # Floor: the worst month without the attendance bonus.
    assert pays.floor == min(result.total for result in cancelled)
    assert pays.floor <= pays.lowest_tier <= pays.target


@given(rules=schemes(), base=amounts, bonus=amounts, midpoint=st.decimals(min_value="0.01", max_value=100000, places=2))
def test_compa_ratio_agrees_with_the_engines_target(rules, base, bonus, midpoint):
    target = max(engine_month(rules, base, bonus, s, cancel=False).total for s in range(101))
    ratio = paycost.compa_ratio(paycost.reference_pays(rules, base, bonus).target, midpoint)
    exact = Fraction(target) / Fraction(midpoint)
    assert abs(Fraction(ratio) - exact) <= Fraction(1, 20000)
    assert ratio == ratio.quantize(D("0.0001"))

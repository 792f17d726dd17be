"""The pay engine: the seed's salary rule (绩效考核制度) computed, itemised and explained."""

from decimal import Decimal as D

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from roles.models import PayScheme, PerformanceTier
from roles.paycalc import MonthFacts, MonthRecord, PayRules, Tier, compute_pay, dismissal_warning

SEED_TIERS = (
    Tier(D("80"), None, D("1.00")),
    Tier(D("70"), D("80"), D("0.80")),
    Tier(D("60"), D("70"), D("0.60")),
    Tier(D("0"), D("60"), D("0.00")),
)


@pytest.fixture(autouse=True)
def english_reasons():
    """The reasons are translated; these tests read the English source texts."""
    with translation.override("en"):
        yield


def seed_rules(**changes):
    """The seed's defaults: 10 % attendance bonus, 3 incidents / 1 day, four tiers, warning after 3 months."""
    values = {
        "attendance_bonus_rate": D("0.10"),
        "attendance_incident_limit": 3,
        "absence_days_limit": D("1"),
        "tiers": SEED_TIERS,
        "has_commission": True,
        "commission_rate": D("0.02"),
        "has_special_bonus": True,
        "warning_enabled": True,
        "warning_consecutive_months": 3,
        "warning_score": D("60"),
    }
    values.update(changes)
    return PayRules(**values)


NO_COMMISSION = {"has_commission": False, "commission_rate": None}

# Each case: name, rule changes, base salary, full performance bonus, the month's facts, and the
# expected 基本工资 全勤奖金 绩效奖金 提成 特殊奖励 实际收入.
# fmt: off
CASES = [
    # The seed's own rule: a good month pays everything.
    ("good month", {}, "3000", "1000", MonthFacts(D("85")), "3000.00 300.00 1000.00 0.00 0.00 4300.00"),
    ("score 100", {}, "3000", "1000", MonthFacts(D("100")), "3000.00 300.00 1000.00 0.00 0.00 4300.00"),
    ("score 80 (以上 includes it)", {}, "3000", "1000", MonthFacts(D("80")), "3000.00 300.00 1000.00 0.00 0.00 4300.00"),
    ("score 79.99", {}, "3000", "1000", MonthFacts(D("79.99")), "3000.00 300.00 800.00 0.00 0.00 4100.00"),
    ("score 70", {}, "3000", "1000", MonthFacts(D("70")), "3000.00 300.00 800.00 0.00 0.00 4100.00"),
    ("score 69.99", {}, "3000", "1000", MonthFacts(D("69.99")), "3000.00 300.00 600.00 0.00 0.00 3900.00"),
    ("score 60 earns 60 %", {}, "3000", "1000", MonthFacts(D("60")), "3000.00 300.00 600.00 0.00 0.00 3900.00"),
    ("score 59.99", {}, "3000", "1000", MonthFacts(D("59.99")), "3000.00 300.00 0.00 0.00 0.00 3300.00"),
    ("score 0", {}, "3000", "1000", MonthFacts(D("0")), "3000.00 300.00 0.00 0.00 0.00 3300.00"),
    # 全勤奖金: 3 incidents of any kind, or 1 day of absence, cancel it.
    ("2 incidents keep the bonus", {}, "3000", "1000", MonthFacts(D("85"), late_count=1, leave_count=1),
     "3000.00 300.00 1000.00 0.00 0.00 4300.00"),
    ("3 late arrivals cancel it", {}, "3000", "1000", MonthFacts(D("85"), late_count=3),
     "3000.00 0.00 1000.00 0.00 0.00 4000.00"),
    ("1 late + 1 early + 1 leave cancel it", {}, "3000", "1000",
     MonthFacts(D("85"), late_count=1, early_leave_count=1, leave_count=1), "3000.00 0.00 1000.00 0.00 0.00 4000.00"),
    ("0.5 day absent keeps it", {}, "3000", "1000", MonthFacts(D("85"), absent_days=D("0.5")),
     "3000.00 300.00 1000.00 0.00 0.00 4300.00"),
    ("1 day absent cancels it", {}, "3000", "1000", MonthFacts(D("85"), absent_days=D("1")),
     "3000.00 0.00 1000.00 0.00 0.00 4000.00"),
    ("HR's own limit of 5", {"attendance_incident_limit": 5}, "3000", "1000", MonthFacts(D("85"), late_count=4),
     "3000.00 300.00 1000.00 0.00 0.00 4300.00"),
    ("HR's own rate of 5 %", {"attendance_bonus_rate": D("0.05")}, "3000", "1000", MonthFacts(D("85")),
     "3000.00 150.00 1000.00 0.00 0.00 4150.00"),
    # 提成
    ("commission at 2 %", {}, "3000", "1000", MonthFacts(D("85"), sales_amount=D("50000")),
     "3000.00 300.00 1000.00 1000.00 0.00 5300.00"),
    ("no commission in the scheme", NO_COMMISSION, "3000", "1000", MonthFacts(D("85"), sales_amount=D("50000")),
     "3000.00 300.00 1000.00 0.00 0.00 4300.00"),
    ("commission but no rate set", {"commission_rate": None}, "3000", "1000",
     MonthFacts(D("85"), sales_amount=D("50000")), "3000.00 300.00 1000.00 0.00 0.00 4300.00"),
    # 特殊奖励
    ("special bonus", {}, "3000", "1000", MonthFacts(D("85"), special_bonus=D("200")),
     "3000.00 300.00 1000.00 0.00 200.00 4500.00"),
    ("no special bonus in the scheme", {"has_special_bonus": False}, "3000", "1000",
     MonthFacts(D("85"), special_bonus=D("200")), "3000.00 300.00 1000.00 0.00 0.00 4300.00"),
    # Rounding: each component half up to the cent; the total is their sum.
    ("10 % of 0.05 = 0.005 → 0.01", {}, "0.05", "0", MonthFacts(D("85")), "0.05 0.01 0.00 0.00 0.00 0.06"),
    ("10 % of 0.049 = 0.0049 → 0.00", {}, "0.049", "0", MonthFacts(D("85")), "0.05 0.00 0.00 0.00 0.00 0.05"),
    ("80 % of 0.01 = 0.008 → 0.01", {}, "0", "0.01", MonthFacts(D("75")), "0.00 0.00 0.01 0.00 0.00 0.01"),
    ("60 % of 333.33 = 199.998 → 200.00", {}, "3333.33", "333.33", MonthFacts(D("65")),
     "3333.33 333.33 200.00 0.00 0.00 3866.66"),
    ("1.5 % of 0.33 = 0.00495 → 0.00", {"commission_rate": D("0.015")}, "0", "0",
     MonthFacts(D("85"), sales_amount=D("0.33")), "0.00 0.00 0.00 0.00 0.00 0.00"),
    ("2.5 % of 0.2 = 0.005 → 0.01", {"commission_rate": D("0.025")}, "0", "0",
     MonthFacts(D("85"), sales_amount=D("0.2")), "0.00 0.00 0.00 0.01 0.00 0.01"),
    ("components round separately", {"commission_rate": D("0.025")}, "1234.565", "0.005",
     MonthFacts(D("85"), sales_amount=D("0.2")), "1234.57 123.46 0.01 0.01 0.00 1358.05"),
]
# fmt: on


@pytest.mark.parametrize("changes, base, bonus, facts, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_it_computes_each_component_of_the_seed_rule(changes, base, bonus, facts, expected):
    result = compute_pay(seed_rules(**changes), D(base), D(bonus), facts)
    got = (
        result.base_salary,
        result.attendance_bonus,
        result.performance_bonus,
        result.commission,
        result.special_bonus,
        result.total,
    )
    assert " ".join(str(x) for x in got) == expected


@pytest.mark.parametrize(
    "score, rate",
    [("59.99", "0.00"), ("60", "0.60"), ("69.99", "0.60"), ("70", "0.80"), ("79.99", "0.80"), ("80", "1.00")],
)
def test_it_reports_the_tier_rate_that_applied(score, rate):
    result = compute_pay(seed_rules(), D("3000"), D("1000"), MonthFacts(D(score)))
    assert result.performance_rate == D(rate)


def test_it_says_which_rule_fired_and_why():
    result = compute_pay(
        seed_rules(), D("3000"), D("1000"), MonthFacts(D("72.5"), late_count=2, leave_count=1, sales_amount=D("1000"))
    )
    assert result.attendance_bonus_cancelled
    text = "\n".join(result.reasons)
    assert "cancelled" in text and "3 late arrivals, early departures and leaves reach the limit of 3" in text
    assert "score 72.5 is from 70 to under 80, so 80% of the full amount is paid" in text
    assert "2% of sales of 1000" in text


def test_it_explains_absence_and_a_missing_commission_rate():
    result = compute_pay(
        seed_rules(commission_rate=None), D("3000"), D("1000"), MonthFacts(D("90"), absent_days=D("1.5"))
    )
    text = "\n".join(result.reasons)
    assert "1.5 day(s) of absence without leave reach the limit of 1" in text
    assert "no commission rate is set" in text
    assert "score 90 is 80 or above" in text


def test_a_score_no_tier_covers_pays_no_bonus():
    rules = seed_rules(tiers=(Tier(D("80"), None, D("1")),))
    result = compute_pay(rules, D("3000"), D("1000"), MonthFacts(D("50")))
    assert result.performance_bonus == D("0.00") and result.performance_rate == 0
    assert any("no tier" in reason for reason in result.reasons)


@pytest.mark.parametrize(
    "facts, message",
    [
        (MonthFacts(D("-0.01")), "performance_score must be between 0 and 100"),
        (MonthFacts(D("100.01")), "performance_score must be between 0 and 100"),
        (MonthFacts(D("85"), late_count=-1), "late_count must not be negative"),
        (MonthFacts(D("85"), early_leave_count=-1), "early_leave_count must not be negative"),
        (MonthFacts(D("85"), leave_count=-1), "leave_count must not be negative"),
        (MonthFacts(D("85"), absent_days=D("-0.5")), "absent_days must not be negative"),
        (MonthFacts(D("85"), sales_amount=D("-1")), "sales_amount must not be negative"),
        (MonthFacts(D("85"), special_bonus=D("-1")), "special_bonus must not be negative"),
        (MonthFacts(D("NaN")), "performance_score must be a finite number"),
    ],
)
def test_impossible_facts_are_refused_with_a_clear_message(facts, message):
    with pytest.raises(ValueError, match=message):
        compute_pay(seed_rules(), D("3000"), D("1000"), facts)


@pytest.mark.parametrize("base, bonus, message", [("-1", "0", "base_salary"), ("0", "-1", "performance_bonus_amount")])
def test_negative_amounts_are_refused(base, bonus, message):
    with pytest.raises(ValueError, match=f"{message} must not be negative"):
        compute_pay(seed_rules(), D(base), D(bonus), MonthFacts(D("85")))


def test_floats_are_refused_so_money_stays_decimal():
    with pytest.raises(TypeError):
        compute_pay(seed_rules(), 3000.0, D("1000"), MonthFacts(D("85")))


# Dismissal warning: 连续3个月未达成基础指标或绩效分未满60分.


def months(*spec):
    """'ok', 'low' (score 59.99), 'miss' (target missed), 'at60' (score exactly 60)."""
    kinds = {
        "ok": MonthRecord(D("85"), True),
        "low": MonthRecord(D("59.99"), True),
        "miss": MonthRecord(D("90"), False),
        "at60": MonthRecord(D("60"), True),
    }
    return [kinds[s] for s in spec]


@pytest.mark.parametrize(
    "spec, warning, indices",
    [
        (("low", "low", "low"), True, (0, 1, 2)),
        (("miss", "low", "miss"), True, (0, 1, 2)),
        (("ok", "low", "low", "ok", "low"), False, ()),
        (("at60", "at60", "at60"), False, ()),
        (("ok", "low", "miss", "low", "low", "ok"), True, (1, 2, 3, 4)),
        (("low", "low", "low", "ok", "miss", "miss", "miss"), True, (4, 5, 6)),
        (("low", "low"), False, ()),
        ((), False, ()),
    ],
)
def test_the_dismissal_warning_needs_three_bad_months_in_a_row(spec, warning, indices):
    result = dismissal_warning(seed_rules(), months(*spec))
    assert (result.warning, result.months) == (warning, indices)
    assert result.reasons


def test_the_warning_names_each_month_and_why():
    result = dismissal_warning(seed_rules(), months("low", "miss", "low"))
    text = "\n".join(result.reasons)
    assert "Month 1: the score 59.99 is under 60." in text
    assert "Month 2: the base target was missed." in text


def test_a_scheme_without_the_warning_never_warns():
    result = dismissal_warning(seed_rules(warning_enabled=False), months("low", "low", "low"))
    assert not result.warning and result.months == ()


def test_hr_can_change_the_warning_run_and_score():
    rules = seed_rules(warning_consecutive_months=2, warning_score=D("70"))
    assert dismissal_warning(rules, months("at60", "at60")).months == (0, 1)


def test_a_month_with_an_impossible_score_is_refused():
    with pytest.raises(ValueError, match=r"months\[1\].performance_score must be between 0 and 100"):
        dismissal_warning(seed_rules(), [MonthRecord(D("70"), True), MonthRecord(D("101"), True)])


# PayScheme.rules(): the bridge from the database to the engine.


@pytest.mark.django_db
def test_a_pay_scheme_becomes_rules_with_the_roles_own_commission_rate(django_assert_num_queries):
    from tests.factories import make_role

    scheme = PayScheme.objects.create(code="cs", name="客服", has_commission=True, default_commission_rate=D("0.01"))
    PerformanceTier.objects.create(scheme=scheme, min_score=80, max_score=None, rate=D("1"))
    PerformanceTier.objects.create(scheme=scheme, min_score=0, max_score=80, rate=D("0.5"))
    with django_assert_num_queries(1):
        rules = scheme.rules()
    assert rules.commission_rate == D("0.01")
    assert rules.attendance_bonus_rate == D("0.10") and rules.absence_days_limit == D("1")
    assert set(rules.tiers) == {Tier(D("80"), None, D("1")), Tier(D("0"), D("80"), D("0.5"))}

    role = make_role(pay_scheme=scheme, commission_rate=D("0.03"))
    assert scheme.rules(role).commission_rate == D("0.03")
    role.commission_rate = None
    assert scheme.rules(role).commission_rate == D("0.01")


# Properties


scores = st.decimals(min_value=0, max_value=100, places=2)
amounts = st.decimals(min_value=0, max_value=1_000_000, places=3)
counts = st.integers(min_value=0, max_value=10)
facts_strategy = st.builds(
    MonthFacts,
    performance_score=scores,
    late_count=counts,
    early_leave_count=counts,
    leave_count=counts,
    absent_days=st.decimals(min_value=0, max_value=31, places=1),
    sales_amount=amounts,
    special_bonus=amounts,
)
rules_strategy = st.builds(
    seed_rules,
    attendance_bonus_rate=st.decimals(min_value=0, max_value=1, places=3),
    attendance_incident_limit=st.integers(min_value=1, max_value=10),
    absence_days_limit=st.decimals(min_value=D("0.5"), max_value=5, places=1),
    has_commission=st.booleans(),
    commission_rate=st.none() | st.decimals(min_value=0, max_value=1, places=4),
    has_special_bonus=st.booleans(),
)


def components(result):
    return (
        result.base_salary,
        result.attendance_bonus,
        result.performance_bonus,
        result.commission,
        result.special_bonus,
    )


@given(rules=rules_strategy, base=amounts, bonus=amounts, facts=facts_strategy)
def test_the_total_is_the_sum_of_non_negative_cent_components(rules, base, bonus, facts):
    result = compute_pay(rules, base, bonus, facts)
    assert result.total == sum(components(result))
    for value in (*components(result), result.total):
        assert value >= 0
        assert value.as_tuple().exponent == -2


@given(rules=rules_strategy, base=amounts, bonus=amounts, facts=facts_strategy, other=scores)
def test_a_higher_score_never_pays_less(rules, base, bonus, facts, other):
    low, high = sorted([facts.performance_score, other])
    pay_low = compute_pay(rules, base, bonus, MonthFacts(low, sales_amount=facts.sales_amount))
    pay_high = compute_pay(rules, base, bonus, MonthFacts(high, sales_amount=facts.sales_amount))
    assert pay_low.total <= pay_high.total


@given(rules=rules_strategy, base=amounts, bonus=amounts, facts=facts_strategy, extra=counts, extra_days=counts)
def test_more_lateness_or_absence_never_pays_more(rules, base, bonus, facts, extra, extra_days):
    worse = MonthFacts(
        facts.performance_score,
        late_count=facts.late_count + extra,
        early_leave_count=facts.early_leave_count,
        leave_count=facts.leave_count,
        absent_days=facts.absent_days + extra_days,
        sales_amount=facts.sales_amount,
        special_bonus=facts.special_bonus,
    )
    before = compute_pay(rules, base, bonus, facts)
    after = compute_pay(rules, base, bonus, worse)
    assert after.total <= before.total
    if after.attendance_bonus_cancelled:
        assert after.attendance_bonus == 0
        assert after.total == before.total - before.attendance_bonus


records = st.lists(st.builds(MonthRecord, performance_score=scores, met_base_target=st.booleans()), max_size=24)


@given(months=records, needed=st.integers(min_value=1, max_value=6), threshold=scores)
def test_warning_months_are_a_run_of_at_least_n_bad_months(months, needed, threshold):
    rules = seed_rules(warning_consecutive_months=needed, warning_score=threshold)
    result = dismissal_warning(rules, months)
    if result.warning:
        assert len(result.months) >= needed
        assert list(result.months) == list(range(result.months[0], result.months[-1] + 1))
        for i in result.months:
            assert months[i].performance_score < threshold or not months[i].met_base_target
    else:
        assert result.months == ()
        bad = [m.performance_score < threshold or not m.met_base_target for m in months]
        assert not any(all(bad[i : i + needed]) for i in range(len(bad) - needed + 1))

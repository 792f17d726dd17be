"""Monthly pay cost: a role's headcount × a reference month's pay, totals per subtree and department."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roles import paycost
from roles.models import Role
from roles.paycalc import Tier
from tests.factories import make_role
from tests.queries import assert_constant_queries
from tests.roles.test_paycalc import seed_rules

# Each case: name, rule changes, base salary, full bonus, pay range, the pay of one person.
# fmt: off
PERSON_CASES = [
    ("the seed's rule: base + 10 % + full bonus", {}, "3000", "1000", (None, None), "4300.00"),
    ("commission and special bonus are not counted", {"has_special_bonus": True}, "3000", "1000", (None, None), "4300.00"),
    ("no full bonus set counts as none", {}, "3000", None, (None, None), "3300.00"),
    ("the scheme wins over the range", {}, "3000", "1000", ("1000", "2000"), "4300.00"),
    ("best tier pays 80 %: priced at 80 %", {"tiers": (Tier(D("0"), D("70"), D("0")), Tier(D("70"), None, D("0.8")))},
     "3000", "1000", (None, None), "4100.00"),
    ("no tiers: no bonus", {"tiers": ()}, "3000", "1000", (None, None), "3300.00"),
    ("half-cent attendance bonus rounds up", {"attendance_bonus_rate": D("0.05")}, "3000.10", "0", (None, None), "3150.11"),
]
# fmt: on


@pytest.mark.parametrize(("name", "changes", "base", "bonus", "pay_range", "expected"), PERSON_CASES)
def test_one_persons_pay_in_the_reference_month(name, changes, base, bonus, pay_range, expected):
    pay = paycost.person_pay(seed_rules(**changes), D(base), bonus and D(bonus), *(v and D(v) for v in pay_range))
    assert pay == D(expected), name


# Each case: name, pay range, the pay of one person of a role without a scheme (None: no cost known).
RANGE_CASES = [
    ("midpoint of the range", ("3500", "8000"), "5750.00"),
    ("a half cent rounds up", ("0.01", "0.02"), "0.02"),
    ("a single amount", ("4000", "4000"), "4000.00"),
    ("only a lower end: unknown", ("3500", None), None),
    ("only an upper end: unknown", (None, "8000"), None),
    ("no range: unknown", (None, None), None),
]


@pytest.mark.parametrize(("name", "pay_range", "expected"), RANGE_CASES)
def test_a_role_without_a_scheme_is_priced_at_the_middle_of_its_range(name, pay_range, expected):
    pay = paycost.person_pay(None, None, None, *(v and D(v) for v in pay_range))
    assert pay == (expected and D(expected)), name


def test_a_scheme_without_a_base_salary_falls_back_to_the_range():
    assert paycost.person_pay(seed_rules(), None, D("800"), D("2000"), D("3000")) == D("2500.00")
    assert paycost.person_pay(seed_rules(), None, D("800"), None, None) is None


def test_the_reference_score_is_the_lowest_that_earns_the_best_share():
    assert paycost.reference_score(seed_rules()) == D("80")
    assert paycost.reference_score(seed_rules(tiers=())) == D("100")


@pytest.mark.parametrize(
    ("headcount", "pay", "expected"),
    [(2, D("4300.00"), D("8600.00")), (0, D("4300.00"), D("0.00")), (3, None, None), (0, None, None)],
)
def test_a_roles_cost_is_headcount_times_pay_and_unknown_stays_unknown(headcount, pay, expected):
    assert paycost.role_cost(headcount, pay) == expected


@pytest.mark.parametrize("headcount", [-1, 1.5, True, "2"])
def test_an_impossible_headcount_is_refused(headcount):
    with pytest.raises(ValueError, match="headcount"):
        paycost.role_cost(headcount, D("100"))


def test_totals_add_subtrees_and_departments_and_count_the_unknown():
    # 1 ─ 2 ─ 4
    #   └ 3
    costs = {1: D("100"), 2: None, 3: D("30"), 4: D("7")}
    parents = {1: None, 2: 1, 3: 1, 4: 2}
    departments = {1: "a", 2: "b", 3: "b", 4: "a"}
    out = paycost.totals(costs, parents, departments)
    assert out.subtree == {
        1: paycost.Total(D("137"), 1, 4),
        2: paycost.Total(D("7"), 1, 2),
        3: paycost.Total(D("30"), 0, 1),
        4: paycost.Total(D("7"), 0, 1),
    }
    assert out.department == {"a": paycost.Total(D("107"), 0, 2), "b": paycost.Total(D("30"), 1, 2)}


def test_a_superior_outside_the_costs_ends_the_subtree():
    out = paycost.totals({2: D("5")}, {2: 1}, {2: "a"})
    assert out.subtree == {2: paycost.Total(D("5"), 0, 1)}


amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=100000, places=2))


@st.composite
def forests(draw):
    """Costs, superiors (each role under an earlier one or at the top) and departments of up to 30 roles."""
    costs = draw(st.lists(amounts, max_size=30))
    parents = {i: draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None for i in range(len(costs))}
    departments = {i: draw(st.sampled_from("xyz")) for i in range(len(costs))}
    return dict(enumerate(costs)), parents, departments


@given(forests())
def test_tops_and_departments_each_add_up_to_the_whole(forest):
    costs, parents, departments = forest
    out = paycost.totals(costs, parents, departments)
    known = sum((c for c in costs.values() if c is not None), D(0))
    unknown = sum(c is None for c in costs.values())
    tops = [i for i, p in parents.items() if p is None]
    assert sum((out.subtree[i].amount for i in tops), D(0)) == known
    assert sum(out.subtree[i].unknown for i in tops) == unknown
    assert sum((t.amount for t in out.department.values()), D(0)) == known
    assert sum(t.unknown for t in out.department.values()) == unknown
    for role_id, parent in parents.items():
        if parent is not None:  # a superior's subtree holds its subordinate's
            assert out.subtree[parent].amount >= out.subtree[role_id].amount
            assert out.subtree[parent].roles > out.subtree[role_id].roles


@given(
    st.integers(0, 500),
    st.decimals(min_value=0, max_value=100000, places=2),
    st.decimals(min_value=0, max_value=100000, places=2),
)
def test_more_people_never_cost_less_and_pay_never_falls_below_base(headcount, base, bonus):
    pay = paycost.reference_pay(seed_rules(), base, bonus)
    assert pay >= base
    assert paycost.role_cost(headcount + 1, pay) >= paycost.role_cost(headcount, pay)
    assert paycost.role_cost(headcount, pay) == (pay * headcount).quantize(D("0.01"))


# The standard catalogue's roles with a cost (tests.pages.add_internal_data gives 店铺客服 its pay).
SEED_COSTS = {
    "store-cs": "4341.00",  # 1 × (3150 + 315 + 876)
    "distribution-cs": "3680.00",  # 1 × (2800 + 280 + 600)
    "designer": "9300.00",  # 2 × (3500 + 350 + 800)
    "promotion-specialist": "4100.00",  # 1 × (3000 + 300 + 800)
    "cs-supervisor": "7200.00",  # 2 × the middle of 2200–5000
    "promotion-supervisor": "11500.00",  # 2 × the middle of 3500–8000
}


def test_the_catalogues_costs(catalogue):
    costs = paycost.monthly_costs(Role.objects.all())
    by_slug = {Role.objects.get(pk=pk).slug: cost for pk, cost in costs.items()}
    assert {slug: str(cost) for slug, cost in by_slug.items() if cost is not None} == SEED_COSTS
    assert by_slug["general-manager"] is None
    assert len(costs) == Role.objects.count()


def test_headcounts_given_replace_the_stored_ones(catalogue):
    designer = Role.objects.get(slug="designer")
    assert paycost.monthly_costs([designer.pk], headcounts={designer.pk: 5}) == {designer.pk: D("23250.00")}


def test_costs_load_in_a_fixed_number_of_queries(catalogue):
    designer = Role.objects.get(slug="designer")

    def grow():
        for _ in range(5):
            make_role(pay_scheme=designer.pay_scheme, base_salary=D("3000"), parent=designer)

    assert_constant_queries(lambda: paycost.monthly_costs(Role.objects.all()), grow, at_most=3)


def test_one_persons_pay_is_the_cost_of_one_seat(catalogue):
    pays = paycost.monthly_pays(Role.objects.filter(slug__in=["designer", "general-manager"]))
    assert {Role.objects.get(pk=pk).slug: pay for pk, pay in pays.items()} == {
        "designer": D("4650.00"),
        "general-manager": None,
    }


def test_a_loop_in_bad_input_is_cut_once_and_every_cost_counted_once():
    # 1 ─ 2 ─ 3 ─ back to 1
    out = paycost.totals({1: D("1"), 2: D("2"), 3: D("4")}, {1: 3, 2: 1, 3: 2}, {1: "a", 2: "a", 3: "a"})
    assert sorted(total.roles for total in out.subtree.values()) == [1, 2, 3]  # a chain, cut at one link
    assert max(total.amount for total in out.subtree.values()) == D("7")
    assert out.department == {"a": paycost.Total(D("7"), 0, 3)}

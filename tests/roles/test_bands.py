"""Band figures of the pay grades (roles/bands.py): a table computed by hand, and properties."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from roles import bands
from roles.bands import Band

D = Decimal


def band(low, mid, high):
    return Band(D(low), D(mid), D(high))


# Three adjacent pay grades: a gap between 1 and 2, an overlap between 2 and 3, equal midpoints of 2 and 3.
BANDS = {
    1: band("2000", "2500", "3000"),
    2: band("3500", "4000", "4500"),
    3: band("3000", "4000", "5000"),
}
# By hand:
#   spread      1: (3000−2000)/2000 = 0.5        2: (4500−3500)/3500 = 0.285714… → 0.2857   3: 2000/3000 = 0.6666… → 0.6667
#   differential 1: (4000−2500)/2500 = 0.6       2: (4000−4000)/4000 = 0                     3: none (the highest)
#   overlap     1: (3000−3500)/(4500−3500) = −0.5 (a gap)   2: (4500−3000)/(5000−3000) = 0.75   3: none
HAND_TABLE = [
    # number, spread, differential, overlap, as the API writes them and as people read them
    (1, "0.5000", "0.6000", "-0.5000", "50.00 %", "60.00 %", "-50.00 %"),
    (2, "0.2857", "0.0000", "0.7500", "28.57 %", "0.00 %", "75.00 %"),
    (3, "0.6667", None, None, "66.67 %", "—", "—"),
]


@pytest.mark.parametrize(
    ("number", "spread", "differential", "overlap", "spread_pct", "diff_pct", "overlap_pct"), HAND_TABLE
)
def test_band_figures_match_the_hand_computed_table(
    number, spread, differential, overlap, spread_pct, diff_pct, overlap_pct
):
    figures = bands.table(BANDS)[number]
    assert bands.ratio_text(figures.range_spread) == spread
    assert bands.ratio_text(figures.midpoint_differential) == differential
    assert bands.ratio_text(figures.overlap) == overlap
    assert bands.percent_text(figures.range_spread) == spread_pct
    assert bands.percent_text(figures.midpoint_differential) == diff_pct
    assert bands.percent_text(figures.overlap) == overlap_pct


ROUNDING = [
    # exact ratio → rounded half up (away from zero) to 4 decimals
    (Fraction(1, 3), "0.3333"),
    (Fraction(2, 3), "0.6667"),
    (Fraction(5, 100000), "0.0001"),  # exactly half a unit: up
    (Fraction(-5, 100000), "-0.0001"),  # a gap exactly half a unit: away from zero
    (Fraction(49999, 1000000000), "0.0000"),  # just under half: down
    (Fraction(12345, 100000), "0.1235"),
    (Fraction(-12345, 100000), "-0.1235"),
    (Fraction(0), "0.0000"),
]


@pytest.mark.parametrize(("ratio", "text"), ROUNDING)
def test_ratios_are_rounded_half_up_to_four_decimals(ratio, text):
    assert bands.ratio_text(bands.rounded(ratio)) == text


def test_a_band_at_exactly_half_a_unit_rounds_up():
    # (8000.40 − 8000) / 8000 = 0.00005 exactly: 0.01 %
    figures = bands.figures(band("8000", "8000.20", "8000.40"), None)
    assert bands.percent_text(figures.range_spread) == "0.01 %"


def test_the_highest_pay_grade_and_one_below_a_band_without_width_have_no_overlap():
    flat = band("5000", "5000", "5000")
    assert bands.figures(flat, None) == bands.Figures(D("0.0000"), None, None)
    below = bands.figures(band("3000", "4000", "5000"), flat)
    assert below.overlap is None  # (max − 5000) / 0: no figure
    assert below.midpoint_differential == D("0.2500")


@pytest.mark.parametrize(
    ("low", "mid", "high", "problems"),
    [
        ("0", "1", "2", {"band_min"}),
        ("-1", "1", "2", {"band_min"}),
        ("3000", "2500", "2000", {"band_max"}),
        ("2000", "1999.99", "3000", {"band_mid"}),
        ("2000", "3000.01", "3000", {"band_mid"}),
        ("2000", "2000", "2000", set()),
        ("2000", "2500", "3000", set()),
        ("2000", None, "3000", set()),
    ],
)
def test_band_problems_name_the_field(low, mid, high, problems):
    found = bands.band_problems(D(low), None if mid is None else D(mid), D(high))
    assert set(found) == problems


def test_the_default_midpoint_is_the_mean_rounded_half_up_to_a_fen():
    assert bands.default_midpoint(D("2200"), D("5000")) == D("3600.00")
    assert bands.default_midpoint(D("2200.01"), D("5000")) == D("3600.01")  # 3600.005 → up
    assert bands.default_midpoint(D("2200"), D("5000.01")) == D("3600.01")


@translation.override("en")
def test_the_band_prints_as_plain_numbers():
    assert bands.band_text(band("2200.00", "4100.00", "6000.00")) == "2200–6000 yuan, midpoint 4100"
    assert bands.band_text(band("2200.50", "3600.25", "5000.00")) == "2200.5–5000 yuan, midpoint 3600.25"


@translation.override("en")
def test_every_figure_has_its_formula():
    labels = [str(label) for label, _formula in bands.FORMULAS]
    assert labels == ["Range spread", "Midpoint differential", "Overlap"]
    assert all("÷" in str(formula) for _label, formula in bands.FORMULAS)


# ----------------------------------------------------------------------------- properties

amounts = st.decimals(min_value=D("0.01"), max_value=D("99999999.99"), places=2)


@st.composite
def valid_bands(draw):
    low, high = sorted([draw(amounts), draw(amounts)])
    mid = draw(st.decimals(min_value=low, max_value=high, places=2))
    return Band(low, mid, high)


def exact(value):
    return Fraction(value)


@given(valid_bands())
def test_the_spread_is_never_negative_and_zero_only_without_width(one):
    spread = bands.range_spread(one)
    assert spread >= 0
    assert (spread == 0) == (one.minimum == one.maximum)
    assert spread == (exact(one.maximum) - exact(one.minimum)) / exact(one.minimum)


@given(valid_bands(), valid_bands())
def test_a_negative_overlap_is_a_gap_and_a_differential_follows_the_midpoints(lower, higher):
    assume(higher.maximum > higher.minimum)
    overlap = bands.overlap(lower, higher)
    assert (overlap < 0) == (lower.maximum < higher.minimum)
    assert (overlap >= 1) == (lower.maximum >= higher.maximum)
    differential = bands.midpoint_differential(lower, higher)
    assert (differential > 0) == (higher.midpoint > lower.midpoint)
    assert (differential == 0) == (higher.midpoint == lower.midpoint)


@given(valid_bands(), valid_bands(), st.integers(min_value=2, max_value=1000))
def test_the_figures_do_not_depend_on_the_currency_unit(lower, higher, factor):
    def scaled(b):
        return Band(b.minimum * factor, b.midpoint * factor, b.maximum * factor)

    assert bands.figures(scaled(lower), scaled(higher)) == bands.figures(lower, higher)


@given(st.fractions(min_value=-1000, max_value=1000))
def test_rounding_is_within_half_a_unit_and_symmetric(ratio):
    value = bands.rounded(ratio)
    assert abs(exact(value) - ratio) <= Fraction(1, 20000)
    assert value == value.quantize(D("0.0001"))
    assert bands.rounded(-ratio) == -value
    assert D(bands.ratio_text(value)) == value
    assert bands.percent_text(value) == f"{value * 100:.2f} %"


@given(st.dictionaries(st.integers(min_value=1, max_value=60), valid_bands(), min_size=1, max_size=8))
def test_each_pay_grade_is_measured_against_the_next_higher_number(table_bands):
    table = bands.table(table_bands)
    numbers = sorted(table_bands)
    assert table[numbers[-1]].midpoint_differential is None and table[numbers[-1]].overlap is None
    for number, higher in zip(numbers, numbers[1:], strict=False):
        assert table[number] == bands.figures(table_bands[number], table_bands[higher])


@given(amounts, amounts)
def test_the_default_midpoint_lies_in_the_band(first, second):
    low, high = sorted([first, second])
    mid = bands.default_midpoint(low, high)
    assert low <= mid <= high
    assert abs(2 * mid - (low + high)) <= D("0.01")
    assert bands.band_problems(low, mid, high) == {}

"""Pay bands (宽带薪酬) of the pay grades (职等), as plain functions: no database.

A band is a monthly minimum, midpoint and maximum in yuan. For a pay grade n and the next higher
one (the next higher number that exists; "n+1" in the usual wording):

- range spread (带宽)            = (max(n) − min(n)) / min(n)
- midpoint differential (级差)  = (mid(n+1) − mid(n)) / mid(n)
- overlap (重叠度)              = (max(n) − min(n+1)) / (max(n+1) − min(n+1)); negative: a gap

Ratios are computed exactly (fractions) and rounded once, half up (away from zero for a negative
overlap), to 4 decimals: the API's strings ("0.3333") and the percentages people read (33.33 %,
rounded half up to 0.01 %) come from the same rounded number. The highest pay grade has no next
one, so no differential or overlap (None); neither has a pay grade whose next higher band has no
width (maximum = minimum): its overlap would divide by zero.

FORMULAS is the one wording of these rules: every place that shows the figures prints it.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import floor

from django.utils.translation import gettext_lazy as _

from .rules import plain_number

CENT = Decimal("0.01")
RATIO_PLACES = Decimal("0.0001")

# (figure, formula) in the order the figures are shown; the formulas as people write them.
FORMULAS = (
    (_("Range spread"), _("(maximum − minimum) ÷ minimum")),
    (_("Midpoint differential"), _("(the next higher pay grade's midpoint − midpoint) ÷ midpoint")),
    (
        _("Overlap"),
        _(
            "(maximum − the next higher pay grade's minimum) ÷ (the next higher pay grade's maximum − its "
            "minimum); negative: a gap between the two bands"
        ),
    ),
)
ROUNDING_NOTE = _(
    "Percentages are rounded half up to 0.01 %. The highest pay grade has no next higher one, so no "
    "midpoint differential or overlap."
)


@dataclass(frozen=True)
class Band:
    """One pay grade's monthly band in yuan; minimum ≤ midpoint ≤ maximum (checked by the model)."""

    minimum: Decimal
    midpoint: Decimal
    maximum: Decimal


@dataclass(frozen=True)
class Figures:
    """The band figures of one pay grade as exact ratios rounded to 4 decimals (0.3333 is 33.33 %);
    None where there is no next higher pay grade (or it has no width, for the overlap)."""

    range_spread: Decimal | None
    midpoint_differential: Decimal | None
    overlap: Decimal | None


def default_midpoint(minimum, maximum):
    """The midpoint when none is given: the mean of minimum and maximum, rounded half up to 0.01 yuan."""
    return ((Decimal(minimum) + Decimal(maximum)) / 2).quantize(CENT, rounding=ROUND_HALF_UP)


def band_problems(minimum, midpoint, maximum):
    """What is wrong with a band, as {field: message}; empty when it is fine. Missing values are not
    checked here (the form says they are required). Field names are PayGrade's."""
    problems = {}
    if minimum is not None and minimum <= 0:
        problems["band_min"] = _("The minimum must be above 0.")
    if minimum is not None and maximum is not None and minimum > maximum:
        problems["band_max"] = _("The maximum must not be below the minimum.")
    elif midpoint is not None and minimum is not None and maximum is not None:
        if not minimum <= midpoint <= maximum:
            problems["band_mid"] = _("The midpoint must lie between the minimum and the maximum.")
    return problems


def rounded(ratio):
    """An exact ratio (Fraction) rounded half up, away from zero, to 4 decimals; None stays None."""
    if ratio is None:
        return None
    units = floor(abs(ratio) * 10000 + Fraction(1, 2))
    value = Decimal(units) / 10000
    return (-value if ratio < 0 else value).quantize(RATIO_PLACES)


def range_spread(band):
    """(max − min) / min, exact; None for a minimum of 0 (refused on input)."""
    if band.minimum == 0:
        return None
    return (Fraction(band.maximum) - Fraction(band.minimum)) / Fraction(band.minimum)


def midpoint_differential(band, higher):
    """(mid(higher) − mid) / mid, exact; None without a higher band (or for a midpoint of 0)."""
    if higher is None or band.midpoint == 0:
        return None
    return (Fraction(higher.midpoint) - Fraction(band.midpoint)) / Fraction(band.midpoint)


def overlap(band, higher):
    """(max − min(higher)) / (max(higher) − min(higher)), exact; negative for a gap; None without a
    higher band or when it has no width."""
    if higher is None or higher.maximum == higher.minimum:
        return None
    return (Fraction(band.maximum) - Fraction(higher.minimum)) / (Fraction(higher.maximum) - Fraction(higher.minimum))


def figures(band, higher):
    """The rounded figures of `band` with the next higher pay grade's band `higher` (None: the highest)."""
    return Figures(
        range_spread=rounded(range_spread(band)),
        midpoint_differential=rounded(midpoint_differential(band, higher)),
        overlap=rounded(overlap(band, higher)),
    )


def table(bands):
    """{number: Figures} for bands given as {pay grade number: Band}, each with the next higher number's band."""
    numbers = sorted(bands)
    higher = dict(zip(numbers, numbers[1:], strict=False))
    return {n: figures(bands[n], bands[higher[n]] if n in higher else None) for n in numbers}


def band_text(band):
    """A band as the job description prints it: "2200–6000 yuan, midpoint 4100"."""
    return _("%(minimum)s–%(maximum)s yuan, midpoint %(midpoint)s") % {
        "minimum": plain_number(band.minimum),
        "maximum": plain_number(band.maximum),
        "midpoint": plain_number(band.midpoint),
    }


def ratio_text(ratio):
    """A rounded ratio as the API writes it: "0.3333", "-0.1250"; None stays None."""
    return None if ratio is None else f"{ratio:.4f}"


def percent_text(ratio):
    """A rounded ratio as people read it: "33.33 %", "-12.50 %"; "—" for None."""
    return "—" if ratio is None else f"{ratio * 100:.2f} %"

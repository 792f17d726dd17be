"""/roles/bands/ (薪酬带宽对照): each role's reference pays drawn against its pay grade's band, for pay readers only
(404 for everyone else, as the other internal pages).

A role is shown when it has a pay scheme, a base salary and a pay grade: its three reference months
(roles.paycost.reference_pays: target, lowest paid tier, floor), compa-ratio = target ÷ midpoint, and the
lint's findings about its pay and its band (roles.lint). Roles are grouped by pay grade, highest first;
the roles of one pay grade share one scale, so their band bars line up and their markers compare.
A fixed number of queries for any number of roles.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404
from django.shortcuts import render

from . import bands, lint, linting, paycost, permissions
from .reading import Audience, RoleReader

# Room either side of the band and the pays on a group's scale, as a share of its span.
MARGIN = 0.06


@dataclass(frozen=True)
class Scale:
    """Where an amount sits on a bar, in percent of its width: `low` at MARGIN, `high` at 100 % − MARGIN."""

    low: Decimal
    high: Decimal

    def at(self, amount):
        """A position to draw, not money: a float rounded to 0.1 %."""
        span = float(self.high - self.low)
        if span <= 0:
            return 50.0
        return round((MARGIN + float(amount - self.low) / span * (1 - 2 * MARGIN)) * 100, 1)


def scale_of(band, pays):
    """The scale of a pay grade's roles: the band and every reference pay of those roles."""
    amounts = [band.minimum, band.maximum, *(p.floor for p in pays), *(p.target for p in pays)]
    return Scale(min(amounts), max(amounts))


@dataclass(frozen=True)
class Row:
    role: dict  # ROW_FIELDS
    pays: paycost.ReferencePays
    compa_ratio: Decimal | None
    findings: list
    bar: dict  # percent positions: band_left, band_width, midpoint, target, lowest_tier, floor


@dataclass(frozen=True)
class Group:
    pay_grade: lint.PayGradeFacts
    band_text: str
    figures: list  # (name, percentage) of 带宽, 级差 and 重叠度, as bands.FORMULAS names them
    band_findings: list
    rows: list
    scale: Scale


def _bar(scale, band, pays):
    left, right = scale.at(band.minimum), scale.at(band.maximum)
    return {
        "band_left": left,
        "band_width": round(right - left, 1),
        "midpoint": scale.at(band.midpoint),
        "target": scale.at(pays.target),
        "lowest_tier": scale.at(pays.lowest_tier),
        "floor": scale.at(pays.floor),
    }


def _figure_texts(figures):
    values = (figures.range_spread, figures.midpoint_differential, figures.overlap)
    return [(name, bands.percent_text(value)) for (name, _formula), value in zip(bands.FORMULAS, values, strict=True)]


# What a row shows, read as plain values: model instances for 2,000 roles and their six related rows would
# cost more than the page's pays.
ROW_FIELDS = (
    "pk", "slug", "title", "department__name", "grade__name", "pay_grade__number",
    "parent__slug", "parent__title", "parent__pay_grade__number",
)  # fmt: skip


def pay_bands_page(request):
    if not permissions.can_see_pay(request.user):
        raise Http404
    reader = RoleReader(Audience.of_request(request))
    roles = (
        reader.organisation()
        .filter(pay_scheme__isnull=False, base_salary__isnull=False, pay_grade__isnull=False)
        .order_by("-pay_grade__number", "tree_id", "lft")
    )
    pays = paycost.reference_pays_of(roles)
    roles = list(roles.values(*ROW_FIELDS))
    options = linting.lint_settings()
    ladder = linting.pay_grade_facts()  # every pay grade, lowest first
    band_findings = {}
    for finding in lint.band_findings(ladder, options):
        band_findings.setdefault(finding.field, []).append(finding)
    by_number = {grade.number: grade for grade in ladder}
    # Each pay grade's figures need the next higher band, shown or not.
    next_band = {grade.number: higher.band for grade, higher in zip(ladder, ladder[1:], strict=False)}

    by_grade = {}
    for role in roles:
        by_grade.setdefault(role["pay_grade__number"], []).append(role)
    groups = []
    for number, members in by_grade.items():
        pay_grade = by_number[number]
        band = pay_grade.band
        scale = scale_of(band, [pays[role["pk"]] for role in members])
        rows = []
        for role in members:
            role_pays = pays[role["pk"]]
            facts = lint.RoleFacts(
                slug=role["slug"], title=role["title"], pay_grade=number, band=band, target_pay=role_pays.target
            )
            superior = None
            if role["parent__slug"] is not None:
                superior = lint.RoleFacts(
                    slug=role["parent__slug"], title=role["parent__title"], pay_grade=role["parent__pay_grade__number"]
                )
            rows.append(
                Row(
                    role=role,
                    pays=role_pays,
                    compa_ratio=paycost.compa_ratio(role_pays.target, band.midpoint),
                    findings=lint.pay_band_findings(facts, superior),
                    bar=_bar(scale, band, role_pays),
                )
            )
        groups.append(
            Group(
                pay_grade=pay_grade,
                band_text=bands.band_text(band),
                figures=_figure_texts(bands.figures(band, next_band.get(number))),
                band_findings=band_findings.get(f"pay_grade.{number}", []),
                rows=rows,
                scale=scale,
            )
        )
    flagged = sum(1 for group in groups for row in group.rows if row.findings)
    return render(
        request,
        "roles/bands.html",
        {
            "groups": groups,
            "role_count": len(roles),
            "flagged": flagged,
            "formulas": bands.FORMULAS,
            "rounding_note": bands.ROUNDING_NOTE,
            "overlap_low": options.band_overlap_min,
            "overlap_high": options.band_overlap_max,
        },
    )

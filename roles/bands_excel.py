"""The pay band table (职等) to Excel and back (issue 14, item 5).

Export: one row per pay grade, highest first — number, name, band minimum, midpoint, maximum and
description, then the figures (带宽, 级差, 重叠度) as percentages in columns headed "(read-only)",
with the formulas printed above the table. The same file is the import's layout.

Import (roles.importer.bands reads the file; this module compares and saves):
- rows are matched by pay grade number: a new number adds a pay grade, a known one changes the
  fields that differ, an equal one changes nothing (so an exported file imported unchanged saves
  nothing at all);
- a pay grade the file leaves out is kept as it is, never deleted: deleting one is the admin's (it
  refuses one in use). The preview lists them. A file without the description column keeps the saved
  descriptions;
- nothing is saved from a file with any error: a row's problems are shown with its row and column;
- a role's 职等 cannot leave its 职级's range through the import: rows are matched by number and a
  number never changes, so every role keeps the number its grade's range was checked against.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopconfig.models import CatalogueRevision

from . import bands, lint, linting, paycost
from .exports.excel import Column, catalogue_workbook
from .importer import bands as parser
from .models import PayGrade, Role
from .rules import plain_number

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"
STATUS_LABELS = {
    NEW: gettext_lazy("new"),
    CHANGED: gettext_lazy("changed"),
    UNCHANGED: gettext_lazy("unchanged"),
    ERROR: gettext_lazy("error"),
}
COMPARED = ("name", "band_min", "band_mid", "band_max", "description")


def compared(sheet):
    """The fields the sheet sets: all, but a file without a description column keeps the saved descriptions
    (a missing midpoint column is the mean, as an empty cell is)."""
    return tuple(name for name in COMPARED if name != "description" or name in sheet.columns)


# ----------------------------------------------------------------------------- export


def read_only_label(figure):
    return _("%(figure)s (read-only)") % {"figure": figure}


def export_columns(figures):
    """The table's columns: PayGrade's fields as the import reads them, then the read-only figures
    (`figures`: {number: bands.Figures})."""
    amount = "#,##0.00"
    columns = [
        Column(parser.label("number"), lambda g: g.number, 8, "0"),
        Column(parser.label("name"), lambda g: g.name, 14),
        Column(parser.label("band_min"), lambda g: g.band_min, 12, amount),
        Column(parser.label("band_mid"), lambda g: g.band_mid, 12, amount),
        Column(parser.label("band_max"), lambda g: g.band_max, 12, amount),
        Column(parser.label("description"), lambda g: g.description, 40),
    ]
    for (figure, _formula), name in zip(bands.FORMULAS, parser.READ_ONLY, strict=True):
        columns.append(
            Column(read_only_label(figure), lambda g, name=name: getattr(figures[g.number], name), 12, "0.00%")
        )
    return columns


def export_notes():
    """The lines above the table: how the file is read, the formulas and their rounding."""
    return [
        _(
            "Columns marked (read-only) are worked out from the bands and are not read when the file is imported. "
            "Rows are matched by pay grade number: a new number adds a pay grade, a pay grade the file leaves out "
            "is kept. An empty midpoint is the mean of minimum and maximum. Amounts are monthly, in yuan."
        ),
        *(f"{figure} = {formula}" for figure, formula in bands.FORMULAS),
        str(bands.ROUNDING_NOTE),
    ]


def table_workbook(grades, *, author):
    """The .xlsx bytes of a band table: `grades` are PayGrade (saved or not), the figures worked out among them."""
    grades = sorted(grades, key=lambda grade: grade.number, reverse=True)
    columns = export_columns(bands.table({grade.number: grade.band() for grade in grades}))
    rows = [[column.value(grade) for column in columns] for grade in grades]
    return catalogue_workbook(columns, rows, title=_("Pay bands"), author=author, notes=export_notes())


def band_workbook(*, author):
    """The .xlsx bytes of the saved band table (one query, however many pay grades)."""
    return table_workbook(PayGrade.objects.all(), author=author)


# ----------------------------------------------------------------------------- compare


@dataclass
class Outcome:
    """What importing one row would do: its status and the fields that change (label, before, after)."""

    row: parser.BandRow
    status: str
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # the row's problems as text, naming row and column

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def shown(name, value):
    """A value as the preview shows it: amounts as people write them (3500, 3500.5)."""
    if value is None:
        return ""
    return plain_number(value) if name in parser.AMOUNTS else str(value)


def compare(sheet, current):
    """(outcomes, kept numbers): what importing the sheet's rows would do to the pay grades `current`
    ({number: {field: value}}), and the numbers of those the file leaves out. Pure."""
    rows, outcomes = sheet.rows, []
    for row in rows:
        if row.problems:
            outcomes.append(Outcome(row, ERROR, errors=sheet.problem_texts(row)))
            continue
        before = current.get(row.number)
        if before is None:
            outcomes.append(Outcome(row, NEW))
            continue
        changes = [
            (parser.label(name), shown(name, before[name]), shown(name, getattr(row, name)))
            for name in compared(sheet)
            if before[name] != getattr(row, name)
        ]
        outcomes.append(Outcome(row, CHANGED if changes else UNCHANGED, changes))
    in_file = {row.number for row in rows}
    return outcomes, sorted((number for number in current if number not in in_file), reverse=True)


def proposed(rows, current):
    """{number: (name, bands.Band)} after the import: the file's rows over the pay grades saved now (rows with
    errors leave theirs as saved)."""
    table = {n: (v["name"], bands.Band(v["band_min"], v["band_mid"], v["band_max"])) for n, v in current.items()}
    for row in rows:
        if not row.problems:
            table[row.number] = (row.name, bands.Band(row.band_min, row.band_mid, row.band_max))
    return table


# ----------------------------------------------------------------------------- preview and import


# The lint's rules that a band changes: the pay against its band, and the bands' own.
BAND_RULES = ("pay-below-band", "pay-above-band", "band-inverted", "band-no-progression", "band-overlap")


@dataclass(frozen=True)
class FindingChange:
    """A band finding the import would make disappear, cause or leave: `finding` is the lint's
    (after the import; before it for one that disappears), `subject` the role's title or the pay grade."""

    finding: lint.Finding
    subject: str

    @property
    def key(self):
        return (self.finding.role, self.finding.rule, self.finding.field)


@dataclass
class Findings:
    gone: list  # FindingChange the import would make disappear
    new: list  # … that it would cause
    kept: list  # … that stay


class BandLint:
    """The lint's band findings of any band table, for the roles as they are: loaded once (a fixed number
    of queries), then judged for the table saved now and for the one after the import."""

    def __init__(self):
        self.settings = linting.lint_settings()
        self.target_pays = paycost.reference_pays_of(Role.objects.all())
        self.roles = list(
            Role.objects.filter(pay_grade__isnull=False)
            .order_by("tree_id", "lft")
            .values_list("pk", "slug", "title", "pay_grade__number")
        )

    def findings(self, table):
        """FindingChange of the BAND_RULES for `table` ({number: (name, bands.Band)}): roles first, then bands."""
        found, context = [], lint.LintContext(settings=self.settings)
        for pk, slug, title, number in self.roles:
            pays = self.target_pays.get(pk)
            if pays is None or number not in table:
                continue
            facts = lint.RoleFacts(
                slug=slug, title=title, pay_grade=number, band=table[number][1], target_pay=pays.target
            )
            found += [FindingChange(f, title) for f in lint.lint_role(facts, context) if f.rule in BAND_RULES]
        grades = [lint.PayGradeFacts(number, name, band) for number, (name, band) in table.items()]
        for finding in lint.band_findings(grades, self.settings):
            if finding.rule in BAND_RULES:
                number = int(finding.field.rpartition(".")[2])
                found.append(FindingChange(finding, str(PayGrade(number=number, name=table[number][0]))))
        return found

    def compare(self, before, after):
        """Findings: which of the findings of table `before` disappear with table `after`, which are new, which stay."""
        now, then = self.findings(before), self.findings(after)
        now_keys, then_keys = {c.key for c in now}, {c.key for c in then}
        return Findings(
            gone=[c for c in now if c.key not in then_keys],
            new=[c for c in then if c.key not in now_keys],
            kept=[c for c in then if c.key in now_keys],
        )


@dataclass
class Preview:
    sheet: parser.BandSheet
    outcomes: list
    kept: list  # PayGrade the file leaves out, highest first
    table: list  # (number, name, bands.Band, bands.Figures) after the import, highest first
    counts: dict = field(default_factory=dict)
    findings: Findings | None = None  # the lint's band findings the import would change

    @property
    def has_errors(self):
        return self.counts[ERROR] > 0

    @property
    def changes_anything(self):
        return self.counts[NEW] + self.counts[CHANGED] > 0


def current_values(grades):
    return {grade.number: {name: getattr(grade, name) for name in COMPARED} for grade in grades}


def preview(sheet, grades=None):
    """What importing the sheet would do, against the pay grades saved now, and the band findings it would
    change (a fixed number of queries, however many pay grades and roles)."""
    grades = list(PayGrade.objects.order_by("-number")) if grades is None else grades
    current = current_values(grades)
    outcomes, kept = compare(sheet, current)
    counts = {status: sum(o.status == status for o in outcomes) for status in STATUS_LABELS}
    kept_grades = [grade for grade in grades if grade.number in set(kept)]
    after = proposed(sheet.rows, current)
    figures = bands.table({number: band for number, (_name, band) in after.items()})
    table = [(number, after[number][0], after[number][1], figures[number]) for number in sorted(after, reverse=True)]
    findings = BandLint().compare(proposed((), current), after)
    return Preview(sheet, outcomes, kept_grades, table, counts, findings)


class ImportRefused(Exception):
    """The file has errors: nothing was saved."""


@transaction.atomic
def import_bands(sheet):
    """Save the sheet's new and changed pay grades, all or nothing: ImportRefused (nothing saved) when any
    row has an error. The comparison is made again under a lock on the pay grades, as they are now."""
    grades = list(PayGrade.objects.select_for_update().order_by("-number"))
    result = preview(sheet, grades)
    if result.has_errors:
        raise ImportRefused(_("The file has errors: nothing was saved. Correct them and import the file again."))
    by_number = {grade.number: grade for grade in grades}
    new, changed = [], []
    for outcome in result.outcomes:
        values = {name: getattr(outcome.row, name) for name in compared(sheet)}
        if outcome.status == NEW:
            new.append(PayGrade(number=outcome.row.number, **values))
        elif outcome.status == CHANGED:
            grade = by_number[outcome.row.number]
            for name, value in values.items():
                setattr(grade, name, value)
            changed.append(grade)
    if new:
        try:
            with transaction.atomic():
                PayGrade.objects.bulk_create(new)
        except IntegrityError:
            # The lock holds the rows read, not the numbers that were free: another import or an admin
            # may have added one of them since.
            raise ImportRefused(
                _("A pay grade of this file was added by someone else meanwhile: nothing was saved. Upload it again.")
            ) from None
    if changed:
        PayGrade.objects.bulk_update(changed, compared(sheet))
    if new or changed:
        CatalogueRevision.bump()  # bulk writes send no signals; pages that show bands read them anew
    return result

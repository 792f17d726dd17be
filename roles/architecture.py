"""The job-architecture matrix (职位体系表): pay grades (职等) as rows from the top, job families
(序列) as columns, each role in its cell; the page, its Excel file and its PDF read it from here.

Which roles, and under which titles, is the one read path's answer (roles.reading.RoleReader on
today's organisation); whether a row carries its pay band is the audience's (Audience.see_pay):
for other readers the band is never loaded into the matrix at all. The grades' (职级) ranges of
pay grades mark blocks of rows. Career paths (Role.leads_to) come as pairs between the roles
shown. A fixed number of queries, whatever the number of roles.
"""

from dataclasses import dataclass, field
from itertools import groupby

from .models import Grade, JobFamily, PayGrade, Role
from .reading import RoleLink, RoleReader
from .rules import plain_number


@dataclass
class Chip:
    """A role in its cell, with the roles its career paths lead to (among those shown)."""

    role: RoleLink
    leads_to: list = field(default_factory=list)

    pk = property(lambda self: self.role.pk)
    slug = property(lambda self: self.role.slug)
    title = property(lambda self: self.role.title)


@dataclass
class MatrixRow:
    """One pay grade: its roles per job family (in the families' order) and, for pay readers, its band."""

    pay_grade: PayGrade
    cells: list  # one list of Chip per family
    band: object = None  # bands.Band for pay readers, else None
    grades: tuple = ()  # names of the grades whose range holds this pay grade
    grade_span: int = 0  # rows the grade label spans from this row (0: inside a block above)

    @property
    def band_text(self):
        """The band as minimum–midpoint–maximum, or "" when not shown."""
        if self.band is None:
            return ""
        return "–".join(plain_number(amount) for amount in (self.band.minimum, self.band.midpoint, self.band.maximum))


@dataclass
class Matrix:
    families: list
    rows: list
    unplaced: list = field(default_factory=list)  # Chips of roles without a family or pay grade
    paths: list = field(default_factory=list)  # (from RoleLink, to RoleLink) between roles shown
    see_pay: bool = False

    @property
    def role_count(self):
        return sum(len(cell) for row in self.rows for cell in row.cells)


def grade_blocks(numbers, grades):
    """For pay grade numbers from the top, the grade names holding each and how many rows the label
    spans from it: [(names, span)], span 0 inside a block. Consecutive rows held by the same grades
    form one block, so overlapping ranges still read clearly."""
    held = [
        tuple(g.name for g in grades if g.has_pay_grade_range and g.min_pay_grade <= n <= g.max_pay_grade)
        for n in numbers
    ]
    out = []
    for names, block in groupby(held):
        size = len(list(block))
        out.extend([(names, size)] + [(names, 0)] * (size - 1))
    return out


def load(audience):
    """The matrix of today's organisation as this audience reads it."""
    reader = RoleReader(audience)
    rows = reader.rows(reader.organisation(), fields=("slug", "job_family_id", "pay_grade_id"))
    families = list(JobFamily.objects.all())
    pay_grades = list(PayGrade.objects.order_by("-number"))
    grades = list(Grade.objects.all())
    column = {family.pk: i for i, family in enumerate(families)}
    line = {pay_grade.pk: i for i, pay_grade in enumerate(pay_grades)}
    blocks = grade_blocks([pay_grade.number for pay_grade in pay_grades], grades)
    matrix = Matrix(
        families=families,
        rows=[
            MatrixRow(
                pay_grade=pay_grade,
                cells=[[] for _ in families],
                band=pay_grade.band() if audience.see_pay else None,
                grades=names,
                grade_span=span,
            )
            for pay_grade, (names, span) in zip(pay_grades, blocks, strict=True)
        ],
        see_pay=audience.see_pay,
    )
    chips = {}
    for role_id, _superior, title, _status, _public, slug, family_id, pay_grade_id in rows:
        chip = chips[role_id] = Chip(RoleLink(role_id, slug, title))
        if family_id in column and pay_grade_id in line:
            matrix.rows[line[pay_grade_id]].cells[column[family_id]].append(chip)
        else:
            matrix.unplaced.append(chip)
    pairs = Role.leads_to.through.objects.values_list("from_role_id", "to_role_id").order_by("pk")
    for start, end in pairs:
        if start in chips and end in chips:
            chips[start].leads_to.append(chips[end].role)
            matrix.paths.append((chips[start].role, chips[end].role))
    return matrix

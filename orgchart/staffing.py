"""The chart's data: visible roles as flat rows with headcount filled and vacant, in two queries."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from roles.models import Department, Grade

from .models import Employee


def staffed(roles):
    """Annotate roles with the number of people in post today (a correlated count, no GROUP BY)."""
    in_post = (
        Employee.objects.in_post()
        .filter(role_id=OuterRef("pk"))
        .order_by()
        .values("role_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return roles.annotate(filled=Coalesce(Subquery(in_post, output_field=IntegerField()), 0))


QUERY_FIELDS = ("slug", "department_id", "grade_id", "headcount")
# The wire format: one array per role, in tree order (a tenth of the size of one object per role).
COLUMNS = ["id", "parentId", "slug", "title", "department", "grade", "headcount", "filled", "draft"]


def in_post_counts():
    """People in post today per role id, in one grouped query (roles without anyone are absent)."""
    active = Employee.objects.in_post().order_by().values_list("role_id")
    return dict(active.annotate(count=Count("pk")))


def chart_data(reader, roles):
    """The roles (from reader.roles()) as compact rows, with department and grade tables and the dotted-line links.

    The reader decides the titles and the superiors (roles.reading); "draft" marks a role the
    public may not read. Five small queries whatever the number of roles: a plain scan of the
    roles, the people in post grouped by role (faster than a count per row), departments,
    grades and dotted lines.
    """
    rows = reader.rows(roles, QUERY_FIELDS)
    filled = in_post_counts()
    out, shown, department_ids, grade_ids = [], set(), set(), set()
    for role_id, superior, title, _status, public, slug, dept_id, grade_id, headcount in rows:
        out.append([role_id, superior, slug, title, dept_id, grade_id, headcount, filled.get(role_id, 0), not public])
        shown.add(role_id)
        department_ids.add(dept_id)
        grade_ids.add(grade_id)
    departments = Department.objects.filter(pk__in=department_ids).values_list("pk", "name", "color")
    return {
        "columns": COLUMNS,
        "rows": out,
        # JSON object keys are text
        "departments": {str(pk): {"name": name, "color": color or "#4e79a7"} for pk, name, color in departments},
        "grades": {str(pk): name for pk, name in Grade.objects.filter(pk__in=grade_ids).values_list("pk", "name")},
        "dotted": [[a, b] for a, b in reader.dotted_pairs() if a in shown and b in shown],
        "roleUrl": reverse("roles:list"),
    }


def chart_nodes(data):
    """The compact rows as one dict per role, for templates and tests."""
    for row in data["rows"]:
        node = dict(zip(data["columns"], row, strict=True))
        node["department"] = data["departments"][str(node["department"])]
        node["grade"] = data["grades"][str(node["grade"])]
        node["url"] = f"{data['roleUrl']}{node['slug']}/"
        yield node

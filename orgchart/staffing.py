"""The chart's data: visible roles as flat rows with headcount filled and vacant, in two queries."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from roles.models import Role
from roles.treecheck import nearest_visible_ancestors

from .models import Employee


def staffed(roles):
    """Annotate roles with the number of people actively in post (a correlated count, no GROUP BY)."""
    in_post = (
        Employee.objects.active()
        .filter(role_id=OuterRef("pk"))
        .order_by()
        .values("role_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return roles.annotate(filled=Coalesce(Subquery(in_post, output_field=IntegerField()), 0))


def nearest_visible_parents(rows):
    """Map each row's id to the id of its nearest visible superior (None at the top); see nearest_visible_ancestors."""
    return {role_id: row[0] if row else None for role_id, (row, _depth) in nearest_visible_ancestors(rows).items()}


QUERY_FIELDS = ("id", "tree_id", "lft", "rght", "slug", "title", "department_id", "grade_id", "headcount", "filled",
                "status", "live_version_id", "department__name", "department__color", "grade__name")  # fmt: skip
# The wire format: one array per role, in tree order (a tenth of the size of one object per role).
COLUMNS = ["id", "parentId", "slug", "title", "department", "grade", "headcount", "filled", "draft"]


def chart_data(roles, dotted_pairs):
    """The visible roles as compact rows, with department and grade tables and the dotted-line links."""
    rows = list(staffed(roles).order_by("tree_id", "lft").values_list(*QUERY_FIELDS))
    parents = nearest_visible_parents(row[:4] for row in rows)
    departments, grades, out = {}, {}, []
    published, being_edited = Role.Status.PUBLISHED, (Role.Status.DRAFT, Role.Status.IN_REVIEW)
    for role_id, _t, _l, _r, slug, title, dept_id, grade_id, headcount, filled, *state, dept, color, grade in rows:
        status, live = state
        # "draft": not public. A published role being edited stays public in its live version.
        public = status == published or (status in being_edited and live is not None)
        out.append([role_id, parents[role_id], slug, title, dept_id, grade_id, headcount, filled, not public])
        departments[str(dept_id)] = {"name": dept, "color": color or "#4e79a7"}  # JSON object keys are text
        grades[str(grade_id)] = grade
    return {
        "columns": COLUMNS,
        "rows": out,
        "departments": departments,
        "grades": grades,
        "dotted": [[a, b] for a, b in dotted_pairs if a in parents and b in parents],
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


def dotted_line_pairs():
    """(subordinate id, dotted-line superior id) for every matrix relation, in one query."""
    through = Role.dotted_line_superiors.through
    return through.objects.values_list("from_role_id", "to_role_id")

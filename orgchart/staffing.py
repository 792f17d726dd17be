"""The chart's data: visible roles as flat rows with headcount filled and vacant, in two queries."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from roles.models import Role

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
    """Map each row's id to its nearest ancestor among the rows (None at the top).

    Rows are (id, tree_id, lft, rght) in tree order. A hidden draft in the middle
    of the tree is skipped over instead of cutting its subordinates off the chart.
    """
    parents, stack = {}, []
    for row in rows:
        role_id, tree_id, lft, _rght = row
        while stack and (stack[-1][1] != tree_id or stack[-1][3] < lft):
            stack.pop()
        parents[role_id] = stack[-1][0] if stack else None
        stack.append(row)
    return parents


CHART_FIELDS = ("id", "tree_id", "lft", "rght", "slug", "title", "headcount", "status",
                "department__name", "department__color", "grade__name", "filled")  # fmt: skip


def chart_data(roles, dotted_pairs):
    """Flat nodes for the browser to draw, plus dotted-line links between visible roles."""
    rows = list(staffed(roles).order_by("tree_id", "lft").values_list(*CHART_FIELDS))
    parents = nearest_visible_parents(row[:4] for row in rows)
    url_prefix = reverse("roles:list")
    published = Role.Status.PUBLISHED
    nodes = [
        {
            "id": role_id,
            "parentId": parents[role_id],
            "slug": slug,
            "title": title,
            "url": f"{url_prefix}{slug}/",
            "department": department,
            "color": color or "#4e79a7",
            "grade": grade,
            "headcount": headcount,
            "filled": filled,
            "vacant": max(headcount - filled, 0),
            "overstaffed": filled > headcount,
            "draft": status != published,
        }
        for role_id, _t, _l, _r, slug, title, headcount, status, department, color, grade, filled in rows
    ]
    dotted = [{"from": a, "to": b} for a, b in dotted_pairs if a in parents and b in parents]
    return {"nodes": nodes, "dotted": dotted}


def dotted_line_pairs():
    """(subordinate id, dotted-line superior id) for every matrix relation, in one query."""
    through = Role.dotted_line_superiors.through
    return through.objects.values_list("from_role_id", "to_role_id")

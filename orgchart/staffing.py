"""The chart's data: visible roles as flat rows with headcount filled and vacant, in two queries."""

from django.db.models import Count, Q
from django.urls import reverse

from roles.models import Role


def staffed(roles):
    """Annotate roles with the number of people actively in post."""
    return roles.annotate(filled=Count("employees", filter=Q(employees__active=True)))


def nearest_visible_parents(rows):
    """Map each row's id to its nearest ancestor among the rows (None at the top).

    Rows must be in tree order (tree_id, lft). A hidden draft in the middle of the
    tree is skipped over instead of cutting its subordinates off the chart.
    """
    parents, stack = {}, []
    for row in rows:
        while stack and (stack[-1]["tree_id"] != row["tree_id"] or stack[-1]["rght"] < row["lft"]):
            stack.pop()
        parents[row["id"]] = stack[-1]["id"] if stack else None
        stack.append(row)
    return parents


def chart_data(roles, dotted_pairs):
    """Flat nodes for the browser to draw, plus dotted-line links between visible roles."""
    rows = list(
        staffed(roles)
        .order_by("tree_id", "lft")
        .values(
            "id",
            "slug",
            "title",
            "headcount",
            "status",
            "tree_id",
            "lft",
            "rght",
            "department__name",
            "department__color",
            "grade__name",
            "filled",
        )
    )
    parents = nearest_visible_parents(rows)
    detail_url = reverse("roles:detail", args=["SLUG"])
    nodes = [
        {
            "id": row["id"],
            "parentId": parents[row["id"]],
            "slug": row["slug"],
            "title": row["title"],
            "url": detail_url.replace("SLUG", row["slug"]),
            "department": row["department__name"],
            "color": row["department__color"] or "#4e79a7",
            "grade": row["grade__name"],
            "headcount": row["headcount"],
            "filled": row["filled"],
            "vacant": max(row["headcount"] - row["filled"], 0),
            "overstaffed": row["filled"] > row["headcount"],
            "draft": row["status"] != Role.Status.PUBLISHED,
        }
        for row in rows
    ]
    ids = set(parents)
    dotted = [{"from": a, "to": b} for a, b in dotted_pairs if a in ids and b in ids]
    return {"nodes": nodes, "dotted": dotted}


def dotted_line_pairs():
    """(subordinate id, dotted-line superior id) for every matrix relation, in one query."""
    through = Role.dotted_line_superiors.through
    return through.objects.values_list("from_role_id", "to_role_id")

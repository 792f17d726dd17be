"""The chart's data: visible roles as flat rows with their seats (the active headcount plan's, else the job
description's headcount) and the people in post: how many, and for readers who may see people's names, who."""

from django.db.models import CharField, Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse

from roles import dated
from roles.models import Department, Grade
from shopconfig.revision_cache import cached

from .models import Employee, HeadcountLine, HeadcountPlan


def staffed(roles, day=None):
    """Annotate roles with `filled`, the people in post on `day` (default today), and `seats`: the planned
    seats of the active headcount plan covering the day where it has a line for the role, else the role's
    headcount (the job description's 编制). Correlated subqueries, no GROUP BY."""
    day = day or dated.today()
    in_post = (
        Employee.objects.in_post(day)
        .filter(role_id=OuterRef("pk"))
        .order_by()
        .values("role_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    planned = _plan_lines(day).filter(role_id=OuterRef("pk")).values("seats")[:1]
    return roles.annotate(
        filled=Coalesce(Subquery(in_post, output_field=IntegerField()), 0),
        seats=Coalesce(Subquery(planned), F("headcount"), output_field=IntegerField()),
    )


def _plan_lines(day):
    """The role lines of the active plan covering `day` (at most one plan: HeadcountPlan.clean)."""
    return HeadcountLine.objects.filter(
        plan__status=HeadcountPlan.Status.ACTIVE, plan__start_date__lte=day, plan__end_date__gte=day, role__isnull=False
    )


def planned_seats(day=None):
    """Planned seats per role id where the active plan covering `day` (default today) has a line for the role,
    in one query; other roles are absent (their headcount applies)."""
    return dict(_plan_lines(day or dated.today()).values_list("role_id", "seats"))


QUERY_FIELDS = ("slug", "department_id", "grade_id", "headcount")
# The wire format: one array per role, in tree order (a tenth of the size of one object per role).
COLUMNS = ["id", "parentId", "slug", "title", "department", "grade", "headcount", "filled", "draft"]
# Readers who may see people's names (Audience.see_people) get one more column: the people in post,
# each [name, employee number, start date as YYYY-MM-DD or null], earliest start first.
PEOPLE_COLUMNS = [*COLUMNS, "people"]


def in_post_counts(day=None):
    """People in post on `day` (default today) per role id, in one grouped query (roles without anyone are absent)."""
    in_post = Employee.objects.in_post(day).order_by().values_list("role_id")
    return dict(in_post.annotate(count=Count("pk")))


def people_in_post(day=None):
    """Who is in post at the end of `day` (default today), by role id: (name, employee number, start
    date as YYYY-MM-DD or None) each, earliest start first (unknown last), then by name.

    Kept per catalogue revision and day in each process (shopconfig.revision_cache), like the
    roles' rows: every write to an employee changes the revision (orgchart/signals.py), so a
    repeated read costs one small query; otherwise one query. Callers share the answer: it is
    made of tuples, which they cannot change.
    """
    day = day or dated.today()
    return cached(("people-in-post", day), lambda: _read_people_in_post(day))


def _read_people_in_post(day):
    people = (
        Employee.objects.in_post(day)
        .order_by("role_id", F("start_date").asc(nulls_last=True), "name", "pk")
        # The date as the database's ISO text: no date objects to make and format back, 20,000 times.
        .values_list("role_id", "name", "employee_number", Cast("start_date", CharField()))
    )
    by_role = {}
    for role_id, *person in people:
        by_role.setdefault(role_id, []).append(tuple(person))
    return {role_id: tuple(listed) for role_id, listed in by_role.items()}


def chart_data(reader, roles):
    """The roles (from reader.roles()) as compact rows, with department and grade tables and the dotted-line links.

    The reader decides the titles and the superiors (roles.reading) and the day; "draft" marks a
    role the public may not read. "headcount" is the planned seats of the active headcount plan where
    it has a line for the role, else the job description's headcount; "filled" the people in post at
    the end of the reader's day. A reader who may see people's names (Audience.see_people, and no one
    else) also gets who they are: the "people" column (PEOPLE_COLUMNS). The roles' rows, the names,
    the plan's seats, departments, grades and today's dotted lines are kept per catalogue revision
    (their writes change it), so a repeated read costs the revision and the people in post counted by
    role: two small queries whatever the number of roles or people.
    """
    rows = reader.rows(roles, QUERY_FIELDS)
    day = reader.as_of or dated.today()
    see_people = reader.audience.see_people
    if see_people:
        people = people_in_post(day)
        filled = {role_id: len(listed) for role_id, listed in people.items()}
    else:
        filled = in_post_counts(day)
    planned = cached(("planned-seats", day), lambda: planned_seats(day))
    out, shown, department_ids, grade_ids = [], set(), set(), set()
    for role_id, superior, title, _status, public, slug, dept_id, grade_id, headcount in rows:
        seats = planned.get(role_id, headcount)
        row = [role_id, superior, slug, title, dept_id, grade_id, seats, filled.get(role_id, 0), not public]
        if see_people:
            row.append(people.get(role_id, ()))
        out.append(row)
        shown.add(role_id)
        department_ids.add(dept_id)
        grade_ids.add(grade_id)
    departments, grades = cached(("departments-and-grades",), _departments_and_grades)
    dotted = reader.dotted_pairs() if reader.as_of else cached(("dotted-lines",), reader.dotted_pairs)
    return {
        "columns": PEOPLE_COLUMNS if see_people else COLUMNS,
        "rows": out,
        "departments": {key: value for key, value in departments.items() if int(key) in department_ids},
        "grades": {key: value for key, value in grades.items() if int(key) in grade_ids},
        "dotted": [[a, b] for a, b in dotted if a in shown and b in shown],
        "roleUrl": reverse("roles:list"),
    }


def _departments_and_grades():
    """Every department's name and colour and every grade's name, keyed by id as text (JSON object keys),
    in their display order: kept per revision, as their writes change it (roles/signals.py)."""
    departments = Department.objects.values_list("pk", "name", "color")
    return (
        {str(pk): {"name": name, "color": color or "#4e79a7"} for pk, name, color in departments},
        {str(pk): name for pk, name in Grade.objects.values_list("pk", "name")},
    )


def chart_nodes(data):
    """The compact rows as one dict per role, for templates and tests."""
    for row in data["rows"]:
        node = dict(zip(data["columns"], row, strict=True))
        node["department"] = data["departments"][str(node["department"])]
        node["grade"] = data["grades"][str(node["grade"])]
        node["url"] = f"{data['roleUrl']}{node['slug']}/"
        yield node

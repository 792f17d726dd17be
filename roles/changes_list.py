"""The changes list: the dated changes in force in a period, as rows for the page, the API and the file."""

import datetime

from django.utils.translation import gettext as _

from . import dated, timeline
from .models import Department, Grade, Role, RoleChange
from .reading import BadParameter, requested_day


def period(params):
    """The period of ?from=&to= (default: the 30 days up to today) and the kind asked for (as a list);
    BadParameter naming the parameter when a day is no date, `from` is after `to` or a kind is unknown."""
    end = requested_day(params, "to") or dated.today()
    start = requested_day(params, "from") or end - datetime.timedelta(days=30)
    if start > end:
        raise BadParameter({"from": [_("“from” must not be after “to”.")]}, code="invalid_period")
    kind = params.get("kind", "")
    if kind and kind not in RoleChange.Kind.values:
        raise BadParameter({"kind": [_("Unknown kind of change: %(kinds)s.") % {"kinds": kind}]})
    return start, end, [kind] if kind else []


def names():
    """Names for the ids a change holds: roles (today's titles), departments, grades; three queries."""
    return {
        "role": dict(Role.objects.values_list("pk", "title")),
        "department": dict(Department.objects.values_list("pk", "name")),
        "grade": dict(Grade.objects.values_list("pk", "name")),
        "yes": _("yes"),
        "no": _("no"),
    }


def rows(params):
    """The changes list of ?from=&to=&kind=&department= as rows for a page, a file or the API."""
    start, end, kinds = period(params)
    found = dated.changes_between(start, end, kinds)
    department = params.get("department", "")
    if department:
        allowed = set(Role.objects.in_department(department).values_list("pk", flat=True))
        found = [(step, row) for step, row in found if row.role_id in allowed]
    words = names()
    # One translation per kind, not per row: get_kind_display() rebuilds its table on every call
    # (a third of the time of a year's list).
    kind_labels = {kind: str(label) for kind, label in RoleChange.Kind.choices}
    listed = [
        {
            "id": row.pk,
            "role": row.role,
            "kind": row.kind,
            "kind_label": kind_labels.get(row.kind, row.kind),
            "before": timeline.value_text(row.kind, step.before, words),
            "after": timeline.value_text(row.kind, step.after, words),
            "effective_date": row.effective_date,
            "recorded_at": row.recorded_at,
            "recorded_by": row.recorded_by.get_username() if row.recorded_by else "",
            "reason": row.reason,
        }
        for step, row in found
    ]
    return start, end, kinds, listed

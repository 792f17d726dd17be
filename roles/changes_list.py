"""The changes list: the dated changes in force in a period, as rows for the page, the API and the file."""

import datetime
from collections.abc import Sequence
from functools import cached_property
from urllib.parse import urlencode

from django.core.paginator import Paginator
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
    """The changes list of ?from=&to=&kind=&department= as Rows for a page, a file or the API."""
    start, end, kinds = period(params)
    return start, end, kinds, Rows(params, start, end, kinds)


class Rows(Sequence):
    """The changes of a period, oldest first, as dicts built only for the rows asked for: len() is one
    SQL count, a slice four queries whatever its size (rows, the history of their roles, names).
    `.page` is the page ?page= asks for (PER_PAGE rows); `.page_links` keep the filters."""

    PER_PAGE = 100

    def __init__(self, params, start, end, kinds):
        """Keep the filters; nothing is read yet."""
        self.params, self.start, self.end, self.kinds = params, start, end, kinds
        changes = RoleChange.objects.filter(effective_date__range=(start, end))
        if kinds:
            changes = changes.filter(kind__in=kinds)
        department = params.get("department", "")
        if department:
            changes = changes.filter(role__in=Role.objects.in_department(department))
        self.changes = changes.order_by("effective_date", "pk")
        self._count = None

    def __len__(self):
        """How many changes the filters find, counted in SQL (once)."""
        if self._count is None:
            self._count = self.changes.count()
        return self._count

    def __getitem__(self, index):
        """One row or a slice of rows, built from a fixed number of queries."""
        if not isinstance(index, (int, slice)):
            raise TypeError(index)  # templates try rows["page"] before rows.page
        if isinstance(index, slice):
            return _listed(list(self.changes.select_related("role", "recorded_by")[index]))
        return self[index : index + 1][0] if index >= 0 else self[len(self) + index]

    def __iter__(self):
        """Every row (the file lists them all)."""
        return iter(self[:])

    @cached_property
    def page(self):
        """The page ?page= asks for (the first when it is none, the last when past the end)."""
        return Paginator(self, self.PER_PAGE).get_page(self.params.get("page"))

    @cached_property
    def page_links(self):
        """Query strings of the previous and next pages (None where there is none), the filters kept."""
        filters = [("from", self.start), ("to", self.end), ("kind", "".join(self.kinds))]
        filters.append(("department", self.params.get("department", "")))

        def link(number):
            """The query string of page `number` with the filters."""
            return urlencode([(name, value) for name, value in [*filters, ("page", number)] if value])

        page = self.page
        return {
            "previous": link(page.number - 1) if page.has_previous() else None,
            "next": link(page.number + 1) if page.has_next() else None,
        }


def _listed(changes):
    """RoleChange rows as the list's dicts, with the value each replaced: one query for their roles' history."""
    history = {}
    for change in dated._changes_of({row.role_id for row in changes}):
        history.setdefault(change.role_id, []).append(change)
    shown = {row.pk for row in changes}
    steps = {
        step.change.seq: step
        for role_changes in history.values()
        for step in timeline.steps(role_changes)
        if step.change.seq in shown
    }
    words = names() if changes else {}
    # One translation per kind, not per row: get_kind_display() rebuilds its table on every call.
    kind_labels = {kind: str(label) for kind, label in RoleChange.Kind.choices}
    return [
        {
            "id": row.pk,
            "role": row.role,
            "kind": row.kind,
            "kind_label": kind_labels.get(row.kind, row.kind),
            "before": timeline.value_text(row.kind, steps[row.pk].before, words),
            "after": timeline.value_text(row.kind, steps[row.pk].after, words),
            "effective_date": row.effective_date,
            "recorded_at": row.recorded_at,
            "recorded_by": row.recorded_by.get_username() if row.recorded_by else "",
            "reason": row.reason,
        }
        for row in changes
    ]

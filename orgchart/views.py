"""The org chart page, its data, and the vacancy list."""

import datetime
import json
from urllib.parse import urlencode

from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from roles import changes_list, dated, paycost, permissions, timeline
from roles.exports import excel
from roles.exports.text import safe_filename
from roles.models import Department, Role, RoleChange
from roles.reading import Audience, RoleReader, requested_day
from shopconfig.downloads import download
from shopconfig.revision_cache import cached

from .chartfile.scene import card_labels
from .models import Employee
from .staffing import chart_data, staffed


def html_safe_json(data):
    """Compact JSON with <, > and & escaped, as json_script does: role titles are user text.

    (str.replace, not str.translate: translate is ~50 times slower on a large Chinese string.)
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def query_string(*pairs):
    """The (name, value) pairs that have a value as a query string: links that keep a page's choices."""
    return urlencode([(name, value) for name, value in pairs if value])


def chart_roles(request):
    """The reader, the roles it may see (one subtree when ?root=<slug> is given) and that root, or None."""
    reader = RoleReader.of_request(request)
    roles = reader.organisation()
    root_slug = request.GET.get("root")
    if not root_slug:
        return reader, roles, None
    root = get_object_or_404(roles, slug=root_slug)
    return reader, reader.branch(roles, root), root


def chart_labels():
    """Words chart.js puts on the page, in the reader's language; {name} marks a number it fills in."""
    return {
        **card_labels(),
        "openJobDescription": _("Open the job description of {title}"),
        "showReports": _("Show {count} direct reports"),
        "hideReports": _("Hide {count} direct reports"),
        "found": _("{count} roles found"),
        "foundFirst": _("{count} roles found, showing the first {shown}"),
        "noMatch": _("No matching roles"),
        "summary": _("{roles} roles · headcount {headcount} · filled {filled} · vacant {vacant}"),
        "marks": comparison_marks(),
        "fields": {kind: str(label) for kind, label in RoleChange.Kind.choices},
        "changedFields": _("Changed since {day}: {fields}"),
    }


def people_labels():
    """The words of the cards' names, the list of a role's people and the search for people, sent to
    readers who may see people's names."""
    return {
        "showPeople": _("Show the {count} people in post in {title}"),
        "peopleSeparator": pgettext("between names", ", "),
        "peopleSummary": _("{filled} in post · headcount {headcount}"),
        "employeeNumber": _("No. {number}"),
        "startedOn": _("started {day}"),
        "startUnknown": _("start date not recorded"),
        "foundPeople": _("{roles} roles and {people} people found"),
        "showingFirst": _(", showing the first {shown}"),
        "noMatchPeople": _("No matching roles or people"),
    }


def cost_labels():
    """The words of a card's cost line, sent only to readers who may see pay."""
    return {
        "cost": _("Monthly cost ¥{amount}"),
        "costUnknown": _("{count} without a known cost"),
        "costNone": _("Monthly cost not known"),
    }


def comparison_marks():
    """The words of the comparison's marks (timeline.MARKS) on cards, in the legend and the summary."""
    return {
        "added": pgettext("chart comparison", "added"),
        "removed": pgettext("chart comparison", "removed"),
        "moved": pgettext("chart comparison", "moved"),
        "changed": pgettext("chart comparison", "changed"),
    }


def chart(request):
    """The chart page: the organisation of a day, compared with another when asked, with pay costs for pay readers."""
    reader, root, data, comparison, costs = chart_page_data(request)
    see_people = reader.audience.see_people
    labels = chart_labels() | (cost_labels() if costs else {}) | (people_labels() if see_people else {})
    context = {
        "data": data,
        "data_json": mark_safe(html_safe_json(data)),
        "labels_json": mark_safe(html_safe_json(labels)),
        "see_people": see_people,
        "root": root,
        "focus": request.GET.get("focus", ""),
        "reader": reader,
        "today": dated.today(),
        "file_query": query_string(("root", root and root.slug), ("as_of", reader.asked)),
        "comparison": comparison,
        "marks": comparison_marks(),
        "costs": costs,
        "can_see_plans": permissions.can_see_plans(request.user),
    }
    return render(request, "orgchart/chart.html", context)


def chart_json(request):
    """The chart's data (with the comparison and the costs the reader may see) for scripts."""
    data = chart_page_data(request)[2]
    response = HttpResponse(html_safe_json(data), content_type="application/json")
    response["Cache-Control"] = "private, no-cache"
    return response


def chart_page_data(request):
    """(reader, root, data, comparison, costs) of the chart page and its data.json: `data` carries
    the marks of ?compare= and the subtree costs; comparison and costs are the page's summaries (or None)."""
    reader, roles, root = chart_roles(request)
    data = chart_data(reader, roles)
    comparison = compare_days(request, reader, root, data)
    costs = add_costs(reader, data)
    return reader, root, data, comparison, costs


# ----------------------------------------------------------------------------- two days compared


def chart_rows(data):
    """The chart data's compact rows as one dict per role, keyed by column name (ids, not names)."""
    return [dict(zip(data["columns"], row, strict=True)) for row in data["rows"]]


def day_states(data):
    """The chart data's roles as timeline.compare reads them: superior, title, department, grade,
    headcount and dotted lines by role id."""
    dotted = {}
    for subordinate, boss in data["dotted"]:
        dotted.setdefault(subordinate, []).append(boss)
    return {
        row["id"]: {
            "parent": row["parentId"],
            "title": row["title"],
            "department": row["department"],
            "grade": row["grade"],
            "headcount": row["headcount"],
            "dotted": dotted.get(row["id"], []),
        }
        for row in chart_rows(data)
    }


def compare_days(request, reader, root, data):
    """With ?compare=<day>: marks what differs in `data` from that day (read by the same audience,
    so its visibility rules apply to both days), adds the roles removed since as ghosts where they
    were, and returns the page's summary; None without ?compare= (BadParameter when it is no date)."""
    asked = requested_day(request.GET, "compare")
    if asked is None:
        return None
    other = RoleReader(reader.audience, as_of=asked)
    roles = other.organisation()
    then = chart_data(other, roles if root is None else other.branch(roles, root))
    differences = timeline.compare(day_states(then), day_states(data))
    compared_day = other.as_of or dated.today()
    removed = {role_id for role_id, difference in differences.items() if difference.mark == "removed"}
    data["departments"] = then["departments"] | data["departments"]  # a removed role's department too
    data["grades"] = then["grades"] | data["grades"]
    data["compare"] = {
        "day": compared_day.isoformat(),
        "marks": {str(role_id): [d.mark, list(d.fields)] for role_id, d in differences.items()},
        # In the day's tree order, so a removed superior comes before the removed roles under it.
        "ghosts": [row for row in then["rows"] if row[0] in removed],
    }
    marks = comparison_marks()
    summary = {
        "day": compared_day,
        "asked": asked,
        "before_history": other.before_history,
        "counts": [(mark, marks[mark], count) for mark, count in timeline.tally(differences).items()],
    }
    shown_day = reader.as_of or dated.today()
    if permissions.can_see_internal(request.user) and shown_day != compared_day:
        first, last = sorted((shown_day, compared_day))
        summary["changes_query"] = query_string(("from", first + datetime.timedelta(days=1)), ("to", last))
    return summary


# ----------------------------------------------------------------------------- pay cost


def add_costs(reader, data):
    """For readers who may see pay (never others): each role's subtree monthly cost in `data`
    (roles.paycost, with the day's headcounts) and the page's department totals; None for others."""
    if not reader.audience.see_pay:
        return None
    role_id, superior, department, headcount, title = (
        data["columns"].index(name) for name in ("id", "parentId", "department", "headcount", "title")
    )
    rows = data["rows"]
    # One person's pay follows from the roles and pay schemes alone: worked out once per catalogue revision.
    pays = cached(("monthly-pays",), lambda: paycost.monthly_pays(Role.objects.all()))
    costs = {row[role_id]: paycost.role_cost(row[headcount], pays.get(row[role_id])) for row in rows}
    parent_of = {row[role_id]: row[superior] for row in rows}
    department_of = {row[role_id]: row[department] for row in rows}
    found = paycost.totals(costs, parent_of, department_of)
    data["cost"] = {str(pk): cost_figures(total) for pk, total in found.subtree.items()}
    departments = [
        {"name": data["departments"][str(dept)]["name"], **cost_figures(total)}
        for dept, total in sorted(found.department.items(), key=lambda item: (-item[1].amount, item[1].unknown))
    ]
    whole = paycost.Total()
    for total in found.department.values():  # every role is in one department
        whole = whole.joined(total)
    unknown = [row[title] for row in rows if costs[row[role_id]] is None]
    return {"departments": departments, "unknown_roles": unknown, **cost_figures(whole)}


def cost_figures(total):
    """A paycost.Total as shown: the amount in yuan with thousands separators (None when no role in it
    has a known cost: unknown, never 0) and how many roles have no cost known."""
    amount = f"{total.amount:,.2f}" if total.unknown < total.roles else None
    return {"amount": amount, "unknown": total.unknown, "roles": total.roles}


def vacancies(request):
    audience = Audience.of_request(request)
    reader = RoleReader(audience)
    roles = staffed(reader.cards(reader.organisation())).exclude(filled=F("seats")).order_by("tree_id", "lft")
    roles = reader.load(roles, superior_only=True)
    people = {}
    if audience.see_people:
        for person in Employee.objects.in_post().filter(role__in=[r.pk for r in roles]).select_related("shift"):
            people.setdefault(person.role_id, []).append(person)
    for role in roles:  # seats: the active headcount plan's where it has a line, else the headcount
        role.vacant = max(role.seats - role.filled, 0)
        role.people = people.get(role.pk, [])
    return render(
        request,
        "orgchart/vacancies.html",
        {
            "open_roles": [r for r in roles if r.vacant],
            "overstaffed": [r for r in roles if r.filled > r.seats],
            "internal": audience.see_people,
        },
    )


def changes(request):
    """What changed in the organisation in a period: managers and HR only."""
    if not permissions.can_see_internal(request.user):
        raise Http404
    start, end, kinds, rows = changes_list.rows(request.GET)
    context = {
        # The file lists what the page lists: the same period, even when the page took the default one.
        "file_query": query_string(
            ("from", start), ("to", end), ("kind", "".join(kinds)), ("department", request.GET.get("department"))
        ),
        "rows": rows,
        "start": start,
        "end": end,
        "kinds": RoleChange.Kind.choices,
        "selected_kinds": kinds,
        "departments": Department.objects.filter(parent=None),
        "selected_department": request.GET.get("department", ""),
    }
    return render(request, "orgchart/changes.html", context)


def changes_xlsx(request):
    """The changes list of the same filters as an Excel workbook: managers and HR only."""
    if not permissions.can_see_internal(request.user):
        raise Http404
    start, end, _kinds, rows = changes_list.rows(request.GET)
    title = _("Changes to the organisation")
    content = excel.changes_workbook(rows, title=title, author=request.shop.company_name)
    return download(content, safe_filename(f"{title} {start:%Y-%m-%d}–{end:%Y-%m-%d}") + ".xlsx", excel.XLSX_TYPE)

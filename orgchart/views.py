"""The org chart page, its data, and the vacancy list."""

import json
from urllib.parse import urlencode

from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from roles import changes_list, dated, permissions
from roles.exports import excel
from roles.exports.text import safe_filename
from roles.models import Department, RoleChange
from roles.reading import Audience, RoleReader
from shopconfig.downloads import download

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
    roles = reader.roles()
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
    }


def chart(request):
    reader, roles, root = chart_roles(request)
    data = chart_data(reader, roles)
    context = {
        "data": data,
        "data_json": mark_safe(html_safe_json(data)),
        "labels_json": mark_safe(html_safe_json(chart_labels())),
        "root": root,
        "focus": request.GET.get("focus", ""),
        "reader": reader,
        "today": dated.today(),
        "file_query": query_string(("root", root and root.slug), ("as_of", reader.asked)),
    }
    return render(request, "orgchart/chart.html", context)


def chart_json(request):
    reader, roles, _root = chart_roles(request)
    response = HttpResponse(html_safe_json(chart_data(reader, roles)), content_type="application/json")
    response["Cache-Control"] = "private, no-cache"
    return response


def vacancies(request):
    audience = Audience.of_request(request)
    reader = RoleReader(audience)
    roles = staffed(reader.cards()).exclude(filled=F("headcount")).order_by("tree_id", "lft")
    roles = reader.load(roles, superior_only=True)
    people = {}
    if audience.see_people:
        for person in Employee.objects.active().filter(role__in=[r.pk for r in roles]).select_related("shift"):
            people.setdefault(person.role_id, []).append(person)
    for role in roles:
        role.vacant = max(role.headcount - role.filled, 0)
        role.people = people.get(role.pk, [])
    return render(
        request,
        "orgchart/vacancies.html",
        {
            "open_roles": [r for r in roles if r.vacant],
            "overstaffed": [r for r in roles if r.filled > r.headcount],
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

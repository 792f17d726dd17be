"""The org chart page, its data, and the vacancy list."""

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from roles import permissions

from .models import Employee
from .staffing import chart_data, dotted_line_pairs, staffed


def html_safe_json(data):
    """Compact JSON with <, > and & escaped, as json_script does: role titles are user text.

    (str.replace, not str.translate: translate is ~50 times slower on a large Chinese string.)
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def _chart_roles(request):
    """The visible roles, narrowed to one subtree when ?root=<slug> is given."""
    roles = permissions.visible_roles(request.user)
    root_slug = request.GET.get("root")
    if not root_slug:
        return roles, None
    root = get_object_or_404(roles, slug=root_slug)
    return roles.filter(tree_id=root.tree_id, lft__gte=root.lft, rght__lte=root.rght), root


def chart(request):
    roles, root = _chart_roles(request)
    data = chart_data(roles, dotted_line_pairs())
    return render(
        request,
        "orgchart/chart.html",
        {"data": data, "root": root, "focus": request.GET.get("focus", "")},
    )


def chart_json(request):
    roles, _root = _chart_roles(request)
    response = HttpResponse(html_safe_json(chart_data(roles, dotted_line_pairs())), content_type="application/json")
    response["Cache-Control"] = "private, no-cache"
    return response


def vacancies(request):
    roles = staffed(permissions.visible_roles(request.user).with_card_relations()).order_by("tree_id", "lft")
    roles = [r for r in roles if r.filled != r.headcount]
    internal = permissions.can_see_internal(request.user)
    people = {}
    if internal:
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
            "internal": internal,
        },
    )

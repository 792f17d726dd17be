"""The org chart page, its data, and the vacancy list."""

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from roles import permissions
from shopconfig.models import ShopProfile

from .models import Employee
from .staffing import chart_data, dotted_line_pairs, staffed

# Role titles are user text: keep <, > and & out of the JSON so no sniffing browser
# or careless consumer can ever treat it as markup (as json_script does).
HTML_SAFE_JSON = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _chart_roles(request, shop):
    """The visible roles, narrowed to one subtree when ?root=<slug> is given."""
    roles = permissions.visible_roles(request.user, shop)
    root_slug = request.GET.get("root")
    if not root_slug:
        return roles, None
    root = get_object_or_404(roles, slug=root_slug)
    return roles.filter(tree_id=root.tree_id, lft__gte=root.lft, rght__lte=root.rght), root


def chart(request):
    shop = ShopProfile.load()
    roles, root = _chart_roles(request, shop)
    data = chart_data(roles, dotted_line_pairs())
    return render(
        request,
        "orgchart/chart.html",
        {"data": data, "root": root, "focus": request.GET.get("focus", "")},
    )


def chart_json(request):
    shop = ShopProfile.load()
    roles, _root = _chart_roles(request, shop)
    body = json.dumps(chart_data(roles, dotted_line_pairs()), ensure_ascii=False).translate(HTML_SAFE_JSON)
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "private, no-cache"
    return response


def vacancies(request):
    shop = ShopProfile.load()
    roles = staffed(permissions.visible_roles(request.user, shop).with_card_relations()).order_by("tree_id", "lft")
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

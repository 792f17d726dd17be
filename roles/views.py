"""The catalogue pages: the list of roles and one job description (岗位说明书)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from . import permissions
from .forms import PayCalculatorForm
from .models import Department, Grade, Role

ROLES_PER_PAGE = 100
SEARCH_FIELDS = (
    "title",
    "code",
    "summary",
    "duties__text",
    "skills__text",
    "requirement__experience_text",
    "requirement__education_text",
    "requirement__majors",
    "requirement__physical",
    "requirement__other",
)


def search_filter(query):
    """Roles whose title, duties or requirements contain every word of the query."""
    condition = Q()
    for word in query.split():
        any_field = Q()
        for field in SEARCH_FIELDS:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


def role_list(request):
    roles = permissions.visible_roles(request.user).with_card_relations()
    query = request.GET.get("q", "").strip()
    department = request.GET.get("department", "")
    grade = request.GET.get("grade", "")
    if query:
        matching = Role.objects.filter(search_filter(query)).values("pk")
        roles = roles.filter(pk__in=matching)
    if department:
        roles = roles.filter(Q(department__code=department) | Q(department__parent__code=department))
    if grade:
        roles = roles.filter(grade__code=grade)
    roles = roles.order_by("department__order", "department__name", "tree_id", "lft")
    page = Paginator(roles, ROLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "roles/role_list.html",
        {
            "roles": page.object_list,
            "page": page,
            "page_query": urlencode({k: v for k, v in request.GET.items() if k != "page" and v}),
            "query": query,
            "departments": Department.objects.all(),
            "grades": Grade.objects.all(),
            "selected_department": department,
            "selected_grade": grade,
            "internal": permissions.can_see_internal(request.user),
            "show_pay_range": permissions.can_see_pay_range(request.user, request.shop),
        },
    )


def role_detail(request, slug):
    visible = permissions.visible_roles(request.user)
    see_pay = permissions.can_see_pay(request.user)
    internal = permissions.can_see_internal(request.user)
    role = get_object_or_404(visible.with_job_description(visible, see_pay), slug=slug)
    pay_form = pay_result = None
    if see_pay and role.pay_scheme:
        submitted = any(key.startswith(f"{PayCalculatorForm.prefix}-") for key in request.GET)
        pay_form = PayCalculatorForm(request.GET if submitted else None, role=role)
        pay_result = pay_form.compute() if submitted else None
    return render(
        request,
        "roles/role_detail.html",
        {
            "role": role,
            "requirement": getattr(role, "requirement", None),
            "reporting_line": list(role.get_ancestors().filter(pk__in=visible.values("pk"))),
            "internal": internal,
            "see_pay": see_pay,
            "pay_form": pay_form,
            "pay_result": pay_result,
            "show_pay_range": permissions.can_see_pay_range(request.user, request.shop),
        },
    )

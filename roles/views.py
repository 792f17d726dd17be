"""The catalogue pages: the list of roles and one job description (岗位说明书)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import permissions, workflow
from . import versions as versions_diff
from .forms import PayCalculatorForm, RestoreForm
from .models import Department, Grade, PayScheme, Role, RoleVersion, with_live_content

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
    internal = permissions.can_see_internal(request.user)
    shown = page.object_list
    if not internal:  # a role being edited shows its approved title and summary, under today's department
        shown = with_live_content(shown, visible=permissions.visible_roles(request.user), keep=("department", "parent"))
    return render(
        request,
        "roles/role_list.html",
        {
            "roles": shown,
            "page": page,
            "page_query": urlencode({k: v for k, v in request.GET.items() if k != "page" and v}),
            "query": query,
            "departments": Department.objects.all(),
            "grades": Grade.objects.all(),
            "selected_department": department,
            "selected_grade": grade,
            "internal": internal,
            "show_pay_range": permissions.can_see_pay_range(request.user, request.shop),
        },
    )


def role_detail(request, slug):
    visible = permissions.visible_roles(request.user)
    see_pay = permissions.can_see_pay(request.user)
    internal = permissions.can_see_internal(request.user)
    role = get_object_or_404(visible.with_job_description(visible, see_pay), slug=slug)
    reporting_line = list(role.get_ancestors().filter(pk__in=visible.values("pk")))
    live_number = None
    if role.shows_live_version:
        # Staff read the working copy, told what the public reads; the public reads the live version.
        if internal:
            live_number = RoleVersion.objects.values_list("number", flat=True).get(pk=role.live_version_id)
        else:
            role = with_live_content([role], visible=visible, see_pay=see_pay)[0]
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
            "reporting_line": reporting_line,
            "live_number": live_number,
            "internal": internal,
            "see_pay": see_pay,
            "pay_form": pay_form,
            "pay_result": pay_result,
            "show_pay_range": permissions.can_see_pay_range(request.user, request.shop),
        },
    )


def _chosen(query, key, numbers, default):
    """A version number picked on the history page, if it is one of this role's."""
    try:
        number = int(query.get(key, ""))
    except ValueError:
        return default
    return number if number in numbers else default


def _snapshot_names(snapshots, see_pay):
    """Today's titles of the roles and names of the pay schemes that snapshots name by slug or code."""
    slugs = {slug for s in snapshots for slug in [s["parent"], *s["dotted_line_superiors"]] if slug}
    titles = dict(Role.objects.filter(slug__in=slugs).values_list("slug", "title")) if slugs else {}
    names = {"parent": titles, "dotted_line_superiors": titles}
    codes = {s["pay_scheme"] for s in snapshots if s["pay_scheme"]}
    if see_pay and codes:
        names["pay_scheme"] = dict(PayScheme.objects.filter(code__in=codes).values_list("code", "name"))
    return names


def role_history(request, slug):
    """/roles/<slug>/history/: the versions of a job description, two of them compared side by side.

    For HR and managers; pay appears only for readers who may see it. HR restores a version here
    (a POST), which records a new version and makes the role a draft.
    """
    if not permissions.can_see_internal(request.user):
        raise Http404
    role = get_object_or_404(Role, slug=slug)
    versions = list(role.versions.select_related("created_by", "approved_by").defer("snapshot"))
    numbers = [version.number for version in versions]
    by_id = {version.pk: version for version in versions}
    for version in versions:
        version.restored_number = by_id[version.restored_from_id].number if version.restored_from_id in by_id else None
        version.is_live = version.pk == role.live_version_id
        version.in_review = (
            role.status == Role.Status.IN_REVIEW and version.number == numbers[0] and not version.is_published
        )

    can_restore = permissions.can_edit(request.user)
    restore_form = None
    if can_restore and numbers:
        restore_form = RestoreForm(
            request.POST if request.method == "POST" else None,
            numbers=numbers,
            initial={"version": _chosen(request.GET, "a", numbers, numbers[-1])},
        )
    if request.method == "POST":
        if restore_form is None:
            raise PermissionDenied
        if restore_form.is_valid():
            number = restore_form.cleaned_data["version"]
            try:
                restored = workflow.restore(role.pk, number, request.user, restore_form.cleaned_data["comment"])
            except ValidationError as error:
                restore_form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Version %(old)d was restored as version %(new)d, a draft waiting for approval.")
                    % {"old": number, "new": restored.number},
                )
                return redirect(f"{reverse('roles:history', args=[role.slug])}?a={number}&b={restored.number}")

    a = _chosen(request.GET, "a", numbers, numbers[1] if len(numbers) > 1 else None)
    b = _chosen(request.GET, "b", numbers, numbers[0] if numbers else None)
    comparison = None
    if a is not None and b is not None:
        snapshots = dict(role.versions.filter(number__in={a, b}).values_list("number", "snapshot"))
        see_pay = permissions.can_see_pay(request.user)
        comparison = versions_diff.compare(
            snapshots[a], snapshots[b], see_pay=see_pay, names=_snapshot_names(snapshots.values(), see_pay)
        )
    return render(
        request,
        "roles/role_history.html",
        {
            "role": role,
            "versions": versions,
            "a": a,
            "b": b,
            "comparison": comparison,
            "restore_form": restore_form,
            "live_number": by_id[role.live_version_id].number if role.live_version_id in by_id else None,
        },
    )

"""The catalogue pages: the list of roles and one job description (岗位说明书)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import dated, permissions, workflow
from . import versions as versions_diff
from .forms import PayCalculatorForm, RestoreForm
from .models import Department, Grade, PayScheme, Role, RoleVersion
from .reading import RoleReader

ROLES_PER_PAGE = 100


def day_context(reader):
    """What a page needs to say which day it shows and to carry ?as_of= into its links."""
    return {
        "reader": reader,
        "today": dated.today(),
        "day_query": urlencode({"as_of": reader.asked.isoformat()}) if reader.asked else "",
    }


def role_list(request):
    reader = RoleReader.of_request(request)
    audience = reader.audience
    query = request.GET.get("q", "").strip()
    department = request.GET.get("department", "")
    grade = request.GET.get("grade", "")
    roles = reader.by_department(reader.in_place(reader.search(reader.cards(), query), department, grade))
    page = Paginator(roles, ROLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "roles/role_list.html",
        {
            "roles": reader.load(page.object_list, superior_only=True),
            "page": page,
            "page_query": urlencode({k: v for k, v in request.GET.items() if k != "page" and v}),
            "query": query,
            "departments": Department.objects.all(),
            "grades": Grade.objects.all(),
            "selected_department": department,
            "selected_grade": grade,
            "internal": audience.see_drafts,
            "show_pay_range": audience.see_pay_range,
            **day_context(reader),
        },
    )


def role_detail(request, slug):
    reader = RoleReader.of_request(request)
    audience = reader.audience
    role = reader.get(slug=slug)
    live_number = scheduled = None
    present = reader.as_of is None  # notes about what the public reads today
    if present and audience.see_drafts and role.shows_live_version:  # staff are told which version the public reads
        live_number = RoleVersion.objects.values_list("number", flat=True).get(pk=role.live_version_id)
    if present and audience.see_drafts:  # and when an approved version comes into force
        scheduled = workflow.scheduled_version(role)
    pay_form = pay_result = None
    if audience.see_pay and role.pay_scheme:
        submitted = any(key.startswith(f"{PayCalculatorForm.prefix}-") for key in request.GET)
        pay_form = PayCalculatorForm(request.GET if submitted else None, role=role)
        pay_result = pay_form.compute() if submitted else None
    return render(
        request,
        "roles/role_detail.html",
        {
            "role": role,
            "live_number": live_number,
            "scheduled": scheduled,
            "internal": audience.see_drafts,
            "see_pay": audience.see_pay,
            "pay_form": pay_form,
            "pay_result": pay_result,
            "show_pay_range": audience.see_pay_range,
            **day_context(reader),
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
            "scheduled": next((version for version in versions if version.is_scheduled), None),
        },
    )

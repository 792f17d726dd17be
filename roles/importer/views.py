"""The admin page "Import job descriptions": paste or upload, preview, then save as drafts.

Step 1 (preview) parses the text and runs the import as a dry run, so the page shows each card
as read and what saving would do. The text travels to step 2 in a hidden field: nothing is
stored in between, and step 2 saves the cards HR left ticked. Only staff who may add roles
see the page (the URL is wrapped in admin.site.admin_view in shopconfig/urls.py).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import Role
from . import sources
from .errors import JobDescriptionImportError
from .forms import ImportForm
from .parser import parse_cards
from .service import SKIPPED, import_cards

TEMPLATE = "admin/roles/role_import.html"
ADD_PERMISSION = "roles.add_role"


def import_roles(request):
    if not request.user.has_perm(ADD_PERMISSION):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("step") == "save":
        return _save(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text, source_name = form.cleaned_data["source_text"], form.cleaned_data["source_name"]
        try:
            parsed = parse_cards(text)
        except JobDescriptionImportError as error:
            form.add_error(None, error.message)
        else:
            return _preview(request, text, source_name, parsed)
    return render(request, TEMPLATE, _context(request, form=form))


def _preview(request, text, source_name, parsed, chosen=None):
    result = import_cards(parsed.cards, user=request.user, dry_run=True, source=source_name)
    rows = [
        {
            "number": number,
            "card": outcome.card,
            "outcome": outcome,
            "importable": outcome.action != SKIPPED,
            "chosen": outcome.action != SKIPPED and (chosen is None or number in chosen),
        }
        for number, outcome in enumerate(result.outcomes, 1)
    ]
    context = _context(request, parsed=parsed, rows=rows, text=text, source_name=source_name, result=result)
    return render(request, TEMPLATE, context)


def _save(request):
    text, source_name = request.POST.get("text", ""), request.POST.get("source_name", "")
    try:
        parsed = parse_cards(sources.check_text(text))
    except JobDescriptionImportError as error:
        messages.error(request, error.message)
        return redirect("role-import")
    chosen = {int(n) for n in request.POST.getlist("card") if n.isdigit()}
    cards = [card for number, card in enumerate(parsed.cards, 1) if number in chosen]
    if not cards:
        messages.error(request, _("Tick at least one job description to save."))
        return _preview(request, text, source_name, parsed, chosen)
    result = import_cards(cards, user=request.user, source=source_name)
    messages.success(
        request,
        _("Saved as drafts: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(skipped)d skipped.")
        % {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
            "skipped": len(result.skipped),
        },
    )
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(reverse("admin:roles_role_changelist") + "?status__exact=draft")


def _context(request, **extra):
    return {
        **admin.site.each_context(request),
        "title": _("Import job descriptions"),
        "opts": Role._meta,
        **extra,
    }

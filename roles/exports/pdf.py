"""Job descriptions (岗位说明书) as print-quality A4 PDFs: one role's, and the admin's selection.

The roles come from roles.reading, the card from templates/roles/jd_pdf.html, and the PDF from
the engine in roles.exports.pdfengine (WeasyPrint, fetching only the project's own files).
"""

from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from shopconfig.downloads import download
from shopconfig.models import ShopProfile

from ..reading import Audience, RoleReader
from .pdfengine import PDF_CONTENT_TYPE, PdfError, page_css, render_pdf, safe_filename

# Selecting more roles than this in the admin is a job for the handbook (a background task).
ADMIN_MAX_ROLES = 60

# The print stylesheet of templates/roles/jd_pdf.html (and of the handbook, which extends it).
JD_STYLESHEETS = ("css/jd_pdf.css",)


def jd_context(roles, audience, *, shop, title, bookmark_offset=1, as_of=None):
    """Template context shared by one role's PDF, the admin's selection and the handbook; `as_of`:
    the day they are read on when it is not today (RoleReader.as_of)."""
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "roles": roles,
        "as_of": as_of,
        "in_document": {role.slug for role in roles} if len(roles) > 1 else set(),
        "bookmark_offset": bookmark_offset,
        "see_pay": audience.see_pay,
        "show_pay_range": audience.see_pay_range,
        "shop": shop,
        "document_title": title,
        "generated_at": timezone.localtime(),
        "html_lang": "zh-CN" if language.startswith("zh") else language,
    }


def render_roles_pdf(roles, audience, *, shop, title, url_fetcher=None, as_of=None, optimised=True):
    """One PDF with a job description per role (loaded by roles.reading), each starting on a new page."""
    context = jd_context(roles, audience, shop=shop, title=title, as_of=as_of)
    html = render_to_string("roles/jd_pdf.html", context)
    return render_pdf(
        html, stylesheets=JD_STYLESHEETS, css=[page_css()], url_fetcher=url_fetcher, optimised=optimised
    ).content


def pdf_error_response(request, error):
    return render(request, "roles/jd_pdf_error.html", {"error": error}, status=500)


# ----------------------------------------------------------------------------- views


def role_pdf(request, slug):
    """/roles/<slug>.pdf[?as_of=]: the job description as the reader may see it (pay only for those allowed)."""
    reader = RoleReader.of_request(request)
    role = reader.get(slug=slug)
    title = f"{role.title} · {_('job description')}"
    try:
        content = render_roles_pdf([role], reader.audience, shop=request.shop, title=title, as_of=reader.as_of)
    except PdfError as error:
        return pdf_error_response(request, error)
    name = safe_filename(role.title, _("job description"), reader.as_of and reader.as_of.isoformat())
    response = download(content, name, PDF_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-cache"
    return response


@admin.action(description=gettext_lazy("Download the job descriptions of the selected roles as one PDF"))
def download_selected_pdf(modeladmin, request, queryset):
    """Admin action: the selected roles in one PDF, each from a new page, with a bookmark per role.

    One file rather than a ZIP of PDFs: HR prints or sends the set in one go, WeasyPrint lays
    it out and subsets the fonts once (N separate PDFs would each embed their own font subset
    and take N renders), and one role selected is simply that role's PDF.
    """
    count = queryset.count()
    if count > ADMIN_MAX_ROLES:
        modeladmin.message_user(
            request,
            _("Select at most %(limit)d roles for one PDF; the handbook (/handbook.pdf) has them all.")
            % {"limit": ADMIN_MAX_ROLES},
            messages.WARNING,
        )
        return None
    shop = ShopProfile.load()
    audience = Audience.of(request.user, shop)
    reader = RoleReader(audience)
    roles = reader.load(reader.job_descriptions().filter(pk__in=queryset.values("pk")).order_by("tree_id", "lft"))
    if len(roles) == 1:
        title, name = f"{roles[0].title} · {_('job description')}", safe_filename(roles[0].title, _("job description"))
    else:
        title = _("Job descriptions")
        name = safe_filename(shop.company_name, _("Job descriptions"), timezone.localdate().isoformat())
    try:
        content = render_roles_pdf(roles, audience, shop=shop, title=title)
    except PdfError as error:
        modeladmin.message_user(request, str(error), messages.ERROR)
        return None
    return download(content, name, PDF_CONTENT_TYPE)

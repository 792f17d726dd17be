"""The job-architecture matrix (职位体系表): /roles/architecture/ and its Excel and PDF files.

Everyone who may read the catalogue sees the matrix (visitors only when the shop publishes its
catalogue); pay bands only pay readers (roles.architecture loads them for them alone).
"""

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shopconfig.downloads import download

from . import architecture
from .exports.excel import XLSX_TYPE, Column, catalogue_workbook, table
from .exports.pdf import JD_STYLESHEETS, pdf_error_response
from .exports.pdfengine import PDF_CONTENT_TYPE, PdfError, page_css, render_pdf, safe_filename
from .exports.text import safe_filename as safe_basename
from .reading import Audience


def _matrix(request):
    audience = Audience.of_request(request)
    if not audience.reads_catalogue:
        raise Http404
    return architecture.load(audience)


def title():
    return _("Job architecture")


def architecture_page(request):
    """/roles/architecture/[?paths=1]: the matrix; ?paths=1 draws the career paths as arrows."""
    matrix = _matrix(request)
    show_paths = request.GET.get("paths") == "1"
    prefix = reverse("roles:list")
    cells = [cells_html(row.cells, prefix, show_paths) for row in matrix.rows]
    return render(
        request,
        "roles/architecture.html",
        {"matrix": matrix, "rows": list(zip(matrix.rows, cells, strict=True)), "show_paths": show_paths},
    )


def cells_html(cells, prefix, show_paths):
    """One row's family cells: each role a link to its job description and, with `show_paths`, the
    roles it leads to. Built here rather than in the template: at 2,000 roles the template's loops
    cost 100 ms, this a few."""
    out = []
    for cell in cells:
        chips = []
        for chip in cell:
            chips.append(
                f'<a class="role-chip" id="arch-role-{chip.pk}" href="{prefix}{escape(chip.slug)}/">{escape(chip.title)}</a>'
            )
            if show_paths:
                chips.extend(
                    f'<span class="path-note" data-from="{chip.pk}" data-to="{target.pk}">→ {escape(target.title)}</span>'
                    for target in chip.leads_to
                )
        out.append(f'<td class="cell">{"".join(chips)}</td>')
    return mark_safe("".join(out))  # every value above is escaped or a number


def matrix_columns(matrix):
    """The Excel columns: 职等, 职级, one per job family, and for pay readers the band's three figures."""
    columns = [
        Column(_("pay grade"), lambda row: str(row.pay_grade), 14),
        Column(_("grade"), lambda row: "、".join(row.grades), 10),
    ]
    for i, family in enumerate(matrix.families):
        columns.append(Column(family.name, lambda row, i=i: "\n".join(link.title for link in row.cells[i]), 18))
    if matrix.see_pay:
        columns += [
            Column(_("band minimum"), lambda row: row.band.minimum, 10, "#,##0"),
            Column(_("band midpoint"), lambda row: row.band.midpoint, 10, "#,##0"),
            Column(_("band maximum"), lambda row: row.band.maximum, 10, "#,##0"),
        ]
    return columns


def architecture_xlsx(request):
    """/roles/architecture.xlsx: the matrix as one sheet, a row per pay grade from the top."""
    matrix = _matrix(request)
    columns = matrix_columns(matrix)
    notes = []
    if matrix.unplaced:
        notes.append(_("Not placed yet: %(roles)s") % {"roles": "、".join(link.title for link in matrix.unplaced)})
    content = catalogue_workbook(
        columns, table(columns, matrix.rows), title=title(), author=request.shop.company_name, notes=notes
    )
    return download(content, f"{safe_basename(title())}.xlsx", XLSX_TYPE)


# The print stylesheets of templates/roles/architecture_pdf.html (it extends the job description's).
ARCHITECTURE_STYLESHEETS = (*JD_STYLESHEETS, "css/architecture_pdf.css")


def architecture_pdf(request):
    """/roles/architecture.pdf: the matrix on A3 landscape pages, fonts embedded (the shared PDF engine)."""
    matrix = _matrix(request)
    language = get_language() or "zh-hans"
    html = render_to_string(
        "roles/architecture_pdf.html",
        {
            "matrix": matrix,
            "shop": request.shop,
            "document_title": title(),
            "generated_at": timezone.localtime(),
            "html_lang": "zh-CN" if language.startswith("zh") else language,
        },
    )
    try:
        content = render_pdf(html, stylesheets=ARCHITECTURE_STYLESHEETS, css=[page_css()]).content
    except PdfError as error:
        return pdf_error_response(request, error)
    response = download(content, safe_filename(request.shop.company_name, title()), PDF_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-cache"
    return response

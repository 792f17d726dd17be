"""The band table in Excel: /roles/bands.xlsx (pay readers) and the admin-styled import page
/roles/bands/import/ (HR: roles.permissions.can_change_bands), like the roster import.

Step 1 reads the file (refused unread when it is not .xlsx or over the size limit) and shows every
change, the figures after the import and the rows' errors. The rows read travel to step 2 signed
(django.core.signing), so what is saved is what was previewed, for a day at most; step 2 compares
them again with the pay grades as they are then and saves all of them or, with any error, nothing.
"""

from django import forms
from django.contrib import admin
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopconfig.downloads import download

from . import bands, bands_excel, permissions
from .exports.excel import XLSX_TYPE
from .exports.text import safe_filename
from .importer import bands as parser
from .importer.errors import UnreadableFile
from .models import PayGrade
from .reading import Audience

TEMPLATE = "admin/roles/bands_import.html"
SIGNING_SALT = "roles.bands.import"
MAX_AGE = 24 * 60 * 60  # seconds a preview may wait for its import


def bands_xlsx(request):
    """The band table for pay readers; as if it did not exist for anyone else."""
    if not Audience.of_request(request).see_pay:
        raise Http404
    content = bands_excel.band_workbook(author=request.shop.company_name)
    return download(content, f"{safe_filename(_('Pay bands'))}.xlsx", XLSX_TYPE)


class BandsForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Band table"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=gettext_lazy("Excel .xlsx in the layout of the exported band table."),
    )

    def clean(self):
        """Read the upload (name and size first): cleaned_data gets `sheet` (parser.BandSheet)."""
        data = super().clean()
        upload = data.get("file")
        if upload:
            try:
                data["sheet"] = parser.read_upload(upload)
            except UnreadableFile as error:
                raise ValidationError(error.message) from None
        return data


def import_page(request):
    if not permissions.can_change_bands(request.user):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("step") == "import":
        return _import(request)
    form = BandsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        sheet, file_name = form.cleaned_data["sheet"], form.cleaned_data["file"].name
        result = bands_excel.preview(sheet)
        payload = signing.dumps({"sheet": sheet.as_data(), "file": file_name}, salt=SIGNING_SALT, compress=True)
        return render(request, TEMPLATE, _context(request, result=result, payload=payload, file_name=file_name))
    return render(request, TEMPLATE, _context(request, form=form))


def _import(request):
    try:
        data = signing.loads(request.POST.get("sheet", ""), salt=SIGNING_SALT, max_age=MAX_AGE)
        sheet = parser.BandSheet.from_data(data["sheet"])
    except signing.BadSignature:
        error = _("The preview is more than a day old or was altered: upload the file again.")
        return render(request, TEMPLATE, _context(request, form=BandsForm(), error=error), status=400)
    try:
        result = bands_excel.import_bands(sheet)
    except bands_excel.ImportRefused as refusal:
        return render(request, TEMPLATE, _context(request, form=BandsForm(), error=str(refusal)), status=409)
    return render(request, TEMPLATE, _context(request, result=result, done=True, file_name=data["file"]))


def _context(request, **extra):
    result = extra.get("result")
    return {
        **admin.site.each_context(request),
        "title": _("Import the pay bands"),
        "opts": PayGrade._meta,
        "labels": [parser.label(name) for name in parser.FIELDS],
        "figure_labels": [figure for figure, _formula in bands.FORMULAS],
        "formulas": bands.FORMULAS,
        "table_after": _table_rows(result.table) if result else [],
        "rounding_note": bands.ROUNDING_NOTE,
        **extra,
    }


def _table_rows(table):
    """The table after the import as the page shows it: number, name, the band's amounts and figures as text."""
    return [
        (
            number,
            name,
            *(bands_excel.shown("band_min", amount) for amount in (band.minimum, band.midpoint, band.maximum)),
            *map(bands.percent_text, (figures.range_spread, figures.midpoint_differential, figures.overlap)),
        )
        for number, name, band, figures in table
    ]

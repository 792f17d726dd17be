"""The admin page "Import the roster" (花名册导入): upload an .xlsx, see the preview, import; and the template file.

Step 1 reads the file (refused unread when it is not .xlsx or over the size limit) and shows each row
as the import would treat it. The file itself is not kept: the rows read from it travel to step 2 in
a hidden field, signed (django.core.signing) so that what is imported is exactly what was previewed,
and stale after a day. Step 2 works the preview out again inside the import's transaction (the
database may have changed meanwhile), imports the valid rows and shows what was done.

HR only: the URLs are wrapped in admin.site.admin_view (a staff login) in orgchart/urls.py, and the
page asks for the permissions to add and change employees (PERMISSIONS) as the employee admin does.
"""

from django.contrib import admin
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from roles import dated
from roles.exports.excel import XLSX_TYPE, Column, catalogue_workbook
from roles.exports.text import safe_filename
from roles.models import Shift
from roles.reading import Audience, RoleReader
from shopconfig.downloads import download

from ..models import Employee
from . import parser
from .forms import RosterForm
from .service import ImportFailed, import_roster, preview

TEMPLATE = "admin/orgchart/roster_import.html"
PERMISSIONS = ("orgchart.add_employee", "orgchart.change_employee")
SIGNING_SALT = "orgchart.roster.import"
MAX_AGE = 24 * 60 * 60  # seconds a preview may wait for its import


def _check(request):
    if not request.user.has_perms(PERMISSIONS):
        raise PermissionDenied


def import_page(request):
    _check(request)
    if request.method == "POST" and request.POST.get("step") == "import":
        return _import(request)
    form = RosterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        roster = form.cleaned_data["roster"]
        result = preview(roster)
        payload = signed(roster, form.cleaned_data["file"].name)
        return render(
            request,
            TEMPLATE,
            _context(request, result=result, payload=payload, file_name=form.cleaned_data["file"].name),
        )
    return render(request, TEMPLATE, _context(request, form=form))


def signed(roster, file_name):
    """The rows read from a file, signed, for the preview's import button to send back."""
    return signing.dumps({"roster": roster.as_data(), "file": file_name}, salt=SIGNING_SALT, compress=True)


def _import(request):
    try:
        data = signing.loads(request.POST.get("roster", ""), salt=SIGNING_SALT, max_age=MAX_AGE)
        roster = parser.Roster.from_data(data["roster"])
    except signing.BadSignature:
        error = _("The preview is more than a day old or was altered: upload the file again.")
        return render(request, TEMPLATE, _context(request, form=RosterForm(), error=error), status=400)
    try:
        result = import_roster(roster, user=request.user)
    except ImportFailed as failure:
        return render(request, TEMPLATE, _context(request, form=RosterForm(), error=failure.message), status=409)
    return render(request, TEMPLATE, _context(request, result=result, done=True, file_name=data["file"]))


def _context(request, **extra):
    return {
        **admin.site.each_context(request),
        "title": _("Import the roster (花名册)"),
        "opts": Employee._meta,
        "columns": parser.COLUMNS,
        **extra,
    }


def template_xlsx(request):
    """An empty roster with the headers and one example row: a role and a shift of the catalogue."""
    _check(request)
    role = RoleReader(Audience(see_drafts=True)).organisation().order_by("tree_id", "lft").first()
    shift = Shift.objects.first()
    example = {
        "name": "张三",
        "employee_number": "E0001",
        "role": role.title if role else "",
        "shift": shift.name if shift else "",
        "start_date": dated.today(),
        "end_date": None,
    }
    columns = [
        Column(column.header, None, 14, "yyyy-mm-dd" if column.field in parser.DATE_FIELDS else "@")
        for column in parser.COLUMNS
    ]
    title = _("Roster")
    content = catalogue_workbook(
        columns, [[example[c.field] for c in parser.COLUMNS]], title=title, author=request.shop.company_name
    )
    return download(content, f"{safe_filename(title)}.xlsx", XLSX_TYPE)

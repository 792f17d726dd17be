"""The headcount report (编制报表) page and its Excel file: managers and HR only (404 for others, as the
changes list). The figures: orgchart/headcount_report.py."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from roles import permissions
from roles.exports import excel
from roles.exports.text import safe_filename
from roles.reading import Audience, RoleReader
from shopconfig.downloads import download

from . import headcount_report
from .models import HeadcountPlan
from .views import query_string


def report_of(request):
    """(report or None, plan, day) of the request's ?plan=&as_of=, for managers and HR only."""
    if not permissions.can_see_internal(request.user):
        raise Http404
    plan, day = headcount_report.choose(request.GET)
    if plan is None:
        return None, None, day
    reader = RoleReader(Audience.of_request(request), as_of=day)
    return headcount_report.build(plan, day, reader), plan, day


# The page lists the newest placements over plan; the Excel file lists them all.
PLACEMENTS_SHOWN = 50


def headcount_page(request):
    """Plan against people per department and role on a day, the counting rule above the table."""
    report, plan, day = report_of(request)
    placements = report.placements if report else []
    context = {
        "report": report,
        "placements": placements[:PLACEMENTS_SHOWN],
        "more_placements": max(len(placements) - PLACEMENTS_SHOWN, 0),
        "plan": plan,
        "day": day,
        "plans": HeadcountPlan.objects.all(),
        "figure_labels": headcount_report.figure_labels(),
        "file_query": query_string(("plan", plan and plan.pk), ("as_of", request.GET.get("as_of") and day)),
    }
    return render(request, "orgchart/headcount.html", context)


def figure_columns():
    """The figures of a row (headcount.Figures) as workbook columns, in the page's order."""
    return [
        excel.Column(label, lambda row, name=name: getattr(row.figures, name), 8, "0")
        for name, label in headcount_report.figure_labels()
    ]


def headcount_xlsx(request):
    """The report's table as an Excel workbook, the plan, the day and the counting rule above it."""
    report, plan, day = report_of(request)
    if report is None:
        raise Http404(_("No active headcount plan covers this day."))
    columns = [
        excel.Column(_("department or role"), lambda row: "\u3000" * row.depth + row.name, 24),
        excel.Column(_("control"), lambda row: row.control, 16),
        *figure_columns(),
    ]
    total = headcount_report.Row(headcount_report.DEPARTMENT, 0, _("Total"), 0, report.total, "", 0)
    title = _("Headcount report")
    heading = _("Headcount plan “%(plan)s” (%(start)s – %(end)s), counted on %(day)s") % {
        "plan": plan.name,
        "start": plan.start_date.isoformat(),
        "end": plan.end_date.isoformat(),
        "day": day.isoformat(),
    }
    content = excel.catalogue_workbook(
        columns,
        excel.table(columns, [*report.rows, total]),
        title=title,
        author=request.shop.company_name,
        notes=[heading, report.counting_rule],
        more_sheets=[(_("Over-plan placements"), *placement_sheet(report.placements))],
    )
    return download(content, safe_filename(f"{title} {plan.name} {day:%Y-%m-%d}") + ".xlsx", excel.XLSX_TYPE)


def placement_sheet(placements):
    """(columns, rows) of the placements saved over the plan under warn."""
    columns = [
        excel.Column(_("placed at"), lambda p: excel.local_minute(p.placed_at), 16, "yyyy-mm-dd hh:mm"),
        excel.Column(_("name"), lambda p: p.employee_name, 10),
        excel.Column(_("employee number"), lambda p: p.employee_number, 10),
        excel.Column(_("role"), lambda p: p.role_title, 16),
        excel.Column(_("plan line"), lambda p: p.line_name, 16),
        excel.Column(_("change"), lambda p: p.get_action_display(), 10),
        excel.Column(_("planned"), lambda p: p.planned, 8, "0"),
        excel.Column(_("allowed"), lambda p: p.allowed, 8, "0"),
        excel.Column(_("occupied with this placement"), lambda p: p.occupied, 8, "0"),
        excel.Column(_("placed by"), lambda p: p.placed_by.username if p.placed_by else "", 10),
    ]
    return columns, excel.table(columns, placements)

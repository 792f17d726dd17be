"""Excel workbooks: the catalogue (岗位职责细分表, /roles.xlsx: one row per role, the columns the reader
may see) and the changes list (/orgchart/changes.xlsx), in one house style."""

import math
import re
from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from shopconfig.downloads import download

from ..reading import Audience, RoleReader
from .text import (
    clean_text,
    department_label,
    kpi_text,
    local_date,
    names,
    numbered,
    requirement_lines,
    safe_filename,
    titles,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A spreadsheet reads a cell that starts with one of these as a formula (or, for tab and
# carriage return, as a separator that can push a formula into the next cell when the sheet is
# saved as CSV and reopened): the "CSV/formula injection" list of OWASP.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
# OWASP's recommendation: prefix a single quote. It is visible in the cell, but unlike Excel's
# hidden quotePrefix style it is part of the value, so it survives a save as CSV and a re-edit of
# the cell, and any program reading the value back sees text, not a formula.
FORMULA_GUARD = "'"

# Excel refuses (with a "repair" prompt) text longer than this in one cell.
EXCEL_CELL_LIMIT = 32767
# OOXML stores control characters as _xHHHH_; a literal "_x0041_" typed by a user must have its
# underscore escaped (_x005F_) or Excel shows "A" (ECMA-376 Part 1, 22.9.2.19 ST_Xstring).
_OOXML_ESCAPE_LOOKALIKE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")


def escape_formula(text):
    """Text a spreadsheet will never evaluate: a leading = + - @ tab CR or NUL gets a ' in front.

    Everything else is returned unchanged, so escaping twice is the same as escaping once.
    """
    if text.startswith(FORMULA_TRIGGERS):
        return FORMULA_GUARD + text
    return text


def cell_text(text):
    """What a text cell of the workbook holds: cleaned, formula-escaped and within Excel's limit."""
    text = escape_formula(clean_text(text))
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 1] + "…"
    return text


def ooxml_string(text):
    """`text` as stored in the file, so that Excel shows exactly `text`."""
    return _OOXML_ESCAPE_LOOKALIKE.sub("_x005F_", text)


def display_width(text):
    """Approximate column width in Excel units: CJK characters are two wide, ASCII one.

    UTF-8 spends three bytes on a CJK character and one on ASCII, which gives the count
    without a Python loop over characters.
    """
    return len(text) + (len(text.encode()) - len(text)) // 2


@dataclass(frozen=True)
class Column:
    label: str
    value: object  # callable(role) -> str | number | date | None
    max_width: int = 24
    number_format: str | None = None


def commission(role):
    """The role's commission rate, or its scheme's default when the role leaves it empty."""
    if role.commission_rate is not None:
        return role.commission_rate
    scheme = role.pay_scheme
    return scheme.default_commission_rate if scheme and scheme.has_commission else None


def catalogue_columns(audience):
    """The columns of the catalogue this audience may see, in order."""

    def requirements(role):
        lines = requirement_lines(getattr(role, "requirement", None))
        return "\n".join(f"{label}：{text}" for label, text in lines if text)

    columns = [
        Column(_("role number"), lambda r: r.code, 12),
        Column(_("title"), lambda r: r.title, 18),
        Column(_("department"), lambda r: department_label(r.department), 22),
        Column(_("grade"), lambda r: r.grade.name, 10),
        Column(_("job family"), lambda r: r.job_family.name if r.job_family else "", 10),
        Column(_("pay grade"), lambda r: r.pay_grade.number if r.pay_grade else None, 8, "0"),
        Column(_("superior"), lambda r: r.superior.title if r.superior else "", 16),
        Column(_("dotted-line superiors"), lambda r: titles(r.dotted_superiors), 16),
        Column(_("subordinates"), lambda r: titles(r.subordinates), 30),
        Column(_("headcount"), lambda r: r.headcount, 8, "0"),
        Column(_("shifts"), lambda r: names(r.shifts.all()), 10),
        Column(_("work location"), lambda r: r.work_location, 16),
        Column(_("main responsibility"), lambda r: r.summary, 40),
        Column(_("duties"), lambda r: numbered(d.text for d in r.duties.all()), 60),
        Column(_("requirements"), requirements, 40),
        Column(_("skill requirements"), lambda r: numbered(s.text for s in r.skills.all()), 40),
        Column(_("KPIs"), lambda r: numbered(kpi_text(k, audience) for k in r.kpis.all()), 50),
    ]
    if audience.see_pay_range:
        columns += [
            Column(_("reference pay from"), lambda r: r.pay_min, 10, "#,##0"),
            Column(_("reference pay to"), lambda r: r.pay_max, 10, "#,##0"),
            Column(_("pay and benefits"), lambda r: r.benefits, 30),
        ]
    if audience.see_pay:
        columns += [
            Column(_("pay scheme"), lambda r: r.pay_scheme.name if r.pay_scheme else "", 20),
            Column(_("base salary"), lambda r: r.base_salary, 10, "#,##0.00"),
            Column(_("full performance bonus"), lambda r: r.performance_bonus_amount, 10, "#,##0.00"),
            Column(_("commission rate"), lambda r: commission(r), 10, "0.00%"),
            Column(_("band minimum"), lambda r: r.pay_grade.band_min if r.pay_grade else None, 10, "#,##0.00"),
            Column(_("band midpoint"), lambda r: r.pay_grade.band_mid if r.pay_grade else None, 10, "#,##0.00"),
            Column(_("band maximum"), lambda r: r.pay_grade.band_max if r.pay_grade else None, 10, "#,##0.00"),
        ]
    if audience.see_drafts:
        columns.append(Column(_("status"), lambda r: r.get_status_display(), 8))
    columns.append(Column(_("updated"), lambda r: local_date(r.updated_at), 11, "yyyy-mm-dd"))
    return columns


def table(columns, items):
    """The items as rows of plain values, one per column, before any spreadsheet formatting."""
    return [[column.value(item) for column in columns] for item in items]


def catalogue_rows(roles, audience):
    """(columns, rows): the table as plain values, before any spreadsheet formatting."""
    columns = catalogue_columns(audience)
    return columns, table(columns, roles)


def local_minute(moment):
    """A stored time as the shop's wall clock to the minute (Excel cells hold no time zone)."""
    return timezone.localtime(moment).replace(tzinfo=None, second=0, microsecond=0) if moment else None


def changes_columns():
    """The columns of the changes list (roles.changes_list.rows) as a workbook, in the page's order."""
    return [
        Column(_("effective date"), lambda c: c["effective_date"], 11, "yyyy-mm-dd"),
        Column(_("role"), lambda c: c["role"].title, 18),
        Column(_("what changed"), lambda c: c["kind_label"], 10),
        Column(_("before"), lambda c: c["before"], 24),
        Column(_("after"), lambda c: c["after"], 24),
        Column(_("recorded by"), lambda c: c["recorded_by"], 12),
        Column(_("recorded"), lambda c: local_minute(c["recorded_at"]), 16, "yyyy-mm-dd hh:mm"),
        Column(_("reason"), lambda c: c["reason"], 30),
    ]


def changes_workbook(changes, *, title, author):
    """The .xlsx bytes of the changes list's rows, in the catalogue's style."""
    columns = changes_columns()
    return catalogue_workbook(columns, table(columns, changes), title=title, author=author)


HEADER_PADDING = 3  # the filter button covers the end of a header
MAX_HEADER_WIDTH = 16  # a longer label wraps rather than widening a column of numbers


def _column_widths(columns, rows):
    """Widths that fit the content, between the header's width and the column's maximum."""
    widths = []
    for i, column in enumerate(columns):
        label = display_width(column.label) + HEADER_PADDING
        cap = max(column.max_width, min(label, MAX_HEADER_WIDTH))
        width = min(label, cap)
        for row in rows:
            if width >= cap:
                break
            value = row[i]
            text = value if isinstance(value, str) else ("" if value is None else str(value))
            for line in text.split("\n"):
                width = max(width, display_width(line) + 1)
        widths.append(max(6, min(width, cap)))
    return widths


# LibreOffice (unlike Excel) does not grow a row to fit wrapped text unless the file gives its
# height, so every multi-line row gets one, estimated from the column widths. 15 pt is Excel's
# line of the workbook's default font (Calibri 11, CJK drawn by its fallback); LibreOffice's
# lines are shorter, so there it errs on the roomy side rather than clipping. CJK glyphs are a
# little wider than two "0"s, the unit of column widths.
LINE_HEIGHT = 15
MAX_ROW_HEIGHT = 409  # Excel's limit
CJK_WIDTH_FACTOR = 1.05


def row_height(values, widths):
    """Points needed to show every line of the row's wrapped text, or None for one line."""
    lines = 1
    for value, width in zip(values, widths, strict=True):
        if isinstance(value, str) and value:
            usable = max(width - 1, 1)
            cell_lines = sum(
                max(1, math.ceil(display_width(line) * CJK_WIDTH_FACTOR / usable)) for line in value.split("\n")
            )
            lines = max(lines, cell_lines)
    if lines == 1:
        return None
    return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 2)


def sheet_title(text):
    return re.sub(r"[\\/*?:\[\]]", "_", text)[:31] or "Sheet1"


STYLE_NAMES = {
    None: "text",
    "0": "count",
    "#,##0": "yuan",
    "#,##0.00": "amount",
    "0.00%": "rate",
    "yyyy-mm-dd": "date",
    "yyyy-mm-dd hh:mm": "time",
}


def _cell_styles(workbook, columns):
    """Named styles, one per kind of column: assigning a name costs far less than assigning
    alignment and number format objects to each of tens of thousands of cells."""
    header = NamedStyle(
        "RoleAtlas header",
        font=Font(bold=True),
        fill=PatternFill("solid", fgColor="DDEBF7"),
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        border=Border(bottom=Side(style="thin", color="7F7F7F")),
    )
    workbook.add_named_style(header)
    body = {}
    for number_format in dict.fromkeys(column.number_format for column in columns):
        style = NamedStyle(
            f"RoleAtlas {STYLE_NAMES.get(number_format, number_format)}",
            alignment=Alignment(vertical="top", wrap_text=True),
            number_format=number_format or "General",
        )
        workbook.add_named_style(style)
        body[number_format] = style.name
    return header.name, [body[column.number_format] for column in columns]


def catalogue_workbook(columns, rows, *, title, author, more_sheets=(), notes=()):
    """The .xlsx bytes: bold frozen header with filters, wrapped text, A4 landscape print setup.

    `more_sheets`: further (sheet title, columns, rows) after the first sheet, in the same style.
    `notes`: lines of text above the first sheet's table, each across its columns (the rule its
    figures follow, say). Written in openpyxl's write-only mode, which streams rows instead of
    keeping a cell object per value.
    """
    sheets = [(title, columns, rows, notes), *((name, cols, items, ()) for name, cols, items in more_sheets)]
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.creator = author
    workbook.properties.lastModifiedBy = author
    header_style, styles = _cell_styles(workbook, [column for _t, cols, _r, _n in sheets for column in cols])
    note_style = None
    if notes:
        note_style = NamedStyle("RoleAtlas note", alignment=Alignment(vertical="top", wrap_text=True))
        workbook.add_named_style(note_style)
    for name, sheet_columns, sheet_rows, sheet_notes in sheets:
        column_styles, styles = styles[: len(sheet_columns)], styles[len(sheet_columns) :]
        sheet = workbook.create_sheet(sheet_title(name))
        _write_sheet(sheet, sheet_columns, sheet_rows, header_style, column_styles, sheet_notes, note_style)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet, columns, rows, header_style, column_styles, notes=(), note_style=None):
    """One sheet of catalogue_workbook: widths, frozen header with filters, print setup, the notes above
    the table (each in one cell merged across its columns), then the header and the rows. A write-only
    sheet writes its settings with the first row: they go first."""
    widths = _column_widths(columns, rows)
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    last_column = get_column_letter(len(columns))
    header_row = len(notes) + 1
    # the header row and the first two columns (what a row is about) stay in view
    sheet.freeze_panes = f"C{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + len(rows)}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    for number, note in enumerate(notes, 1):
        sheet.merged_cells.add(f"A{number}:{last_column}{number}")
        height = row_height([note], [sum(widths)])
        if height:
            sheet.row_dimensions[number].height = height
        cell = _text_cell(sheet, note)
        cell.style = note_style.name
        sheet.append([cell])
    header = []
    for column in columns:
        cell = _text_cell(sheet, column.label)
        cell.style = header_style
        header.append(cell)
    header_height = row_height([column.label for column in columns], [w - HEADER_PADDING + 1 for w in widths])
    if header_height:
        sheet.row_dimensions[header_row].height = header_height  # rows are streamed: heights go first
    sheet.append(header)
    for number, row in enumerate(rows, header_row + 1):
        height = row_height(row, widths)
        if height:
            sheet.row_dimensions[number].height = height  # read when the row is streamed out
        cells = []
        for style, value in zip(column_styles, row, strict=True):
            if value is None or value == "":
                cells.append(None)  # nothing to write, not even a style
                continue
            if isinstance(value, str):
                cell = _text_cell(sheet, value)
            else:
                cell = WriteOnlyCell(sheet, value)
            cell.style = style
            cells.append(cell)
        sheet.append(cells)


def _text_cell(sheet, text):
    cell = WriteOnlyCell(sheet, ooxml_string(cell_text(text)))
    cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula and "#N/A" as an error
    return cell


def catalogue_xlsx(request):
    audience = Audience.of_request(request)
    reader = RoleReader(audience)
    roles = reader.job_descriptions().order_by("department__order", "department__name", "tree_id", "lft")
    columns, rows = catalogue_rows(reader.load(roles), audience)
    title = _("Role duties breakdown")
    content = catalogue_workbook(columns, rows, title=title, author=request.shop.company_name)
    return download(content, f"{safe_filename(title)}.xlsx", XLSX_TYPE)

"""Word and Excel exports: one job description as an editable .docx, the catalogue as an .xlsx.

The builders are plain functions of roles that are already loaded (they run no query); the
views at the bottom load the roles, apply the same permissions as the pages and wrap the bytes
in a download with a Chinese file name.
"""

import math
import re
from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from shopconfig.downloads import download

from ..models import Role
from ..reading import Audience, RoleReader
from ..rules import plain_number

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# ---------------------------------------------------------------------------------------------
# Text rules (pure)
# ---------------------------------------------------------------------------------------------

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

# Characters XML 1.0 forbids (C0 controls except tab/newline/carriage return, lone surrogates,
# U+FFFE/U+FFFF) plus C1 controls, which are legal XML but only ever arrive by copy-paste accident.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# OOXML stores control characters as _xHHHH_; a literal "_x0041_" typed by a user must have its
# underscore escaped (_x005F_) or Excel shows "A" (ECMA-376 Part 1, 22.9.2.19 ST_Xstring).
_OOXML_ESCAPE_LOOKALIKE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_FILENAME_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def escape_formula(text):
    """Text a spreadsheet will never evaluate: a leading = + - @ tab CR or NUL gets a ' in front.

    Everything else is returned unchanged, so escaping twice is the same as escaping once.
    """
    if text.startswith(FORMULA_TRIGGERS):
        return FORMULA_GUARD + text
    return text


def clean_text(text):
    """User text that Word and Excel accept: line ends as \\n, no control characters but tab and newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNPRINTABLE.sub("", text)


def cell_text(text):
    """What a text cell of the workbook holds: cleaned, formula-escaped and within Excel's limit."""
    text = escape_formula(clean_text(text))
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 1] + "…"
    return text


def ooxml_string(text):
    """`text` as stored in the file, so that Excel shows exactly `text`."""
    return _OOXML_ESCAPE_LOOKALIKE.sub("_x005F_", text)


def safe_filename(name, fallback="export"):
    """A file name every operating system accepts; Chinese is kept (the header encodes it)."""
    name = _FILENAME_UNSAFE.sub("_", clean_text(name)).strip(" ._")
    return name[:120] or fallback


def display_width(text):
    """Approximate column width in Excel units: CJK characters are two wide, ASCII one.

    UTF-8 spends three bytes on a CJK character and one on ASCII, which gives the count
    without a Python loop over characters.
    """
    return len(text) + (len(text.encode()) - len(text)) // 2


def numbered(items):
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


def money(value):
    return f"{value} {_('yuan')}" if value is not None else ""


def percent(rate):
    return f"{plain_number(rate * 100)}%" if rate is not None else ""


# ---------------------------------------------------------------------------------------------
# What a reader may see, and the role card as text
# ---------------------------------------------------------------------------------------------


def department_label(department):
    # .parent rather than .parent_id: a live version's department (RoleVersion.as_role) is unsaved.
    if department.parent is not None:
        return f"{department.parent.name} · {department.name}"
    return department.name


def pay_range_text(role):
    if role.pay_min is None and role.pay_max is None:
        return ""
    low = "?" if role.pay_min is None else plain_number(role.pay_min.quantize(1))
    high = "?" if role.pay_max is None else plain_number(role.pay_max.quantize(1))
    return f"{low}–{high} {_('yuan')}"


def requirement_lines(requirement):
    """任职要求 as (label, text) pairs, in the order of the seed card (skills are listed apart)."""
    if requirement is None:
        return [(_("experience"), ""), (_("education"), ""), (_("physical requirements"), "")]
    education = requirement.education_text
    if requirement.majors:
        education = f"{education}，{requirement.majors}" if education else requirement.majors
    lines = [
        (_("experience"), requirement.experience_text),
        (_("education"), education),
        (_("physical requirements"), requirement.physical),
    ]
    if requirement.other:
        lines.append((_("other requirements"), requirement.other))
    return lines


def kpi_text(kpi, audience):
    """One KPI on one line; the weight is pay information and shown only to those who see pay."""
    parts = []
    if audience.see_pay and kpi.weight is not None:
        parts.append(f"{_('weight (%)')}：{plain_number(kpi.weight)}")
    if kpi.target:
        parts.append(f"{_('target')}：{kpi.target}")
    if kpi.measurement:
        parts.append(f"{_('how measured')}：{kpi.measurement}")
    return f"{kpi.name}（{'；'.join(parts)}）" if parts else kpi.name


def attendance_text(scheme):
    return _(
        "%(rate)s × base salary; cancelled at %(limit)s late arrivals, early departures or leaves "
        "in a month, or %(days)s day(s) of absence without leave."
    ) % {
        "rate": percent(scheme.attendance_bonus_rate),
        "limit": scheme.attendance_incident_limit,
        "days": plain_number(scheme.absence_days_limit),
    }


def tier_text(tier):
    if tier.max_score is None:
        label = _("score %(low)s and above") % {"low": plain_number(tier.min_score)}
    else:
        label = _("score %(low)s to under %(high)s") % {
            "low": plain_number(tier.min_score),
            "high": plain_number(tier.max_score),
        }
    return f"{label}: {percent(tier.rate)}"


def local_date(moment):
    return timezone.localtime(moment).date() if moment else None


# ---------------------------------------------------------------------------------------------
# The catalogue workbook (岗位职责细分表)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    label: str
    value: object  # callable(role) -> str | number | date | None
    max_width: int = 24
    number_format: str | None = None


def _titles(roles):
    return "、".join(r.title for r in roles)


def _names(items):
    return "、".join(item.name for item in items)


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
        Column(_("superior"), lambda r: r.superior.title if r.superior else "", 16),
        Column(_("dotted-line superiors"), lambda r: _titles(r.dotted_superiors), 16),
        Column(_("subordinates"), lambda r: _titles(r.subordinates), 30),
        Column(_("headcount"), lambda r: r.headcount, 8, "0"),
        Column(_("shifts"), lambda r: _names(r.shifts.all()), 10),
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
        ]
    if audience.see_drafts:
        columns.append(Column(_("status"), lambda r: r.get_status_display(), 8))
    columns.append(Column(_("updated"), lambda r: local_date(r.updated_at), 11, "yyyy-mm-dd"))
    return columns


def catalogue_rows(roles, audience):
    """(columns, rows): the table as plain values, before any spreadsheet formatting."""
    columns = catalogue_columns(audience)
    rows = [[column.value(role) for column in columns] for role in roles]
    return columns, rows


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


STYLE_NAMES = {None: "text", "0": "count", "#,##0": "yuan", "#,##0.00": "amount", "0.00%": "rate", "yyyy-mm-dd": "date"}


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


def catalogue_workbook(columns, rows, *, title, author):
    """The .xlsx bytes: bold frozen header with filters, wrapped text, A4 landscape print setup.

    Written in openpyxl's write-only mode, which streams rows instead of keeping a cell
    object per value.
    """
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.creator = author
    workbook.properties.lastModifiedBy = author
    header_style, column_styles = _cell_styles(workbook, columns)
    sheet = workbook.create_sheet(sheet_title(title))
    widths = _column_widths(columns, rows)
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    last_column = get_column_letter(len(columns))
    sheet.freeze_panes = "C2"  # header row, role number and title stay in view
    sheet.auto_filter.ref = f"A1:{last_column}{len(rows) + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    header = []
    for column in columns:
        cell = _text_cell(sheet, column.label)
        cell.style = header_style
        header.append(cell)
    header_height = row_height([column.label for column in columns], [w - HEADER_PADDING + 1 for w in widths])
    if header_height:
        sheet.row_dimensions[1].height = header_height  # rows are streamed: heights go first
    sheet.append(header)
    for number, row in enumerate(rows, 2):
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
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, text):
    cell = WriteOnlyCell(sheet, ooxml_string(cell_text(text)))
    cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula and "#N/A" as an error
    return cell


# ---------------------------------------------------------------------------------------------
# One job description (岗位说明书) as Word
# ---------------------------------------------------------------------------------------------

# Body text in SimSun (宋体) and headings in SimHei (黑体), the usual pairing of Chinese business
# documents. Both ship with every Simplified-Chinese Windows, with WPS Office and with Office for
# Mac, so the file looks the same on an HR office PC; LibreOffice substitutes Noto CJK for them.
# Noto Sans CJK SC is rarely installed there (Word would pick a substitute on its own), and
# Microsoft YaHei's tall line metrics make Word's automatic line spacing loose in tables.
BODY_FONTS = ("Times New Roman", "SimSun")  # (Latin, East Asian)
HEADING_FONTS = ("Arial", "SimHei")
HEADING_STYLES = {"Title", "Heading 1", "Heading 2", "Heading 3"}
LABEL_SHADING = "F2F2F2"
# Elements that come after w:shd in a table cell's properties (ECMA-376 CT_TcPr order).
_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")


def _set_fonts(rpr, fonts):
    latin, east_asian = fonts
    rfonts = rpr.get_or_add_rFonts()
    for name in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(name), None)  # a theme font would win over the names below
    for name in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(name), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)
    # Quotes, dashes and ellipses exist in both scripts; the hint makes Word use the Chinese font.
    rfonts.set(qn("w:hint"), "eastAsia")


def _setup_document(document):
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4; the template is US Letter
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.2)

    styles_root = document.styles.element
    defaults = styles_root.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults, BODY_FONTS)
    lang = defaults.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")  # Chinese line breaking and punctuation rules
    for style in document.styles:
        rpr = style.element.rPr
        if rpr is not None and rpr.rFonts is not None:
            _set_fonts(rpr, HEADING_FONTS if style.name in HEADING_STYLES else BODY_FONTS)

    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)  # 五号
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.25
    for name, size, before, after in [("Title", 18, 0, 6), ("Heading 1", 14, 14, 4), ("Heading 2", 12, 8, 2)]:
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element.get_or_add_rPr(), HEADING_FONTS)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
    title = document.styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    borders = title.element.pPr.find(qn("w:pBdr"))
    if borders is not None:
        title.element.pPr.remove(borders)


class _NumberedLists:
    """Each list restarts at 1: Word continues one numbering across every "List Number" paragraph."""

    def __init__(self, document):
        self.numbering = document.part.numbering_part.element
        style_num = document.styles["List Number"].element.pPr.numPr.numId.val
        self.abstract_id = self.numbering.num_having_numId(style_num).abstractNumId.val

    def add(self, document, items):
        num = self.numbering.add_num(self.abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        for item in items:
            paragraph = document.add_paragraph(clean_text(item), style="List Number")
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num.numId


def _shade(cell, fill):
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.insert_element_before(shd, *_AFTER_SHD)


def _write_cell(cell, text, bold=False):
    paragraph = cell.paragraphs[0]  # a new cell holds one empty paragraph
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(clean_text(text))
    if bold:
        run.bold = True
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _card_table(document, rows, widths):
    """A bordered table of (label, value, label, value) rows; a row of two spans the width."""
    table = document.add_table(rows=0, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for pairs in rows:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width  # Word reads the cell widths, LibreOffice the grid columns
        if len(pairs) == 1 and len(widths) == 4:
            cells = [cells[0], cells[1].merge(cells[3])]
        for i, (label, value) in enumerate(pairs):
            _write_cell(cells[2 * i], label, bold=True)
            _shade(cells[2 * i], LABEL_SHADING)
            _write_cell(cells[2 * i + 1], value or "—")
    return table


def _labelled(document, label, text):
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}：").bold = True
    paragraph.add_run(clean_text(text) or "—")
    return paragraph


def _page_number_footer(section, text):
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(f"{clean_text(text)}  ")
    field_ = OxmlElement("w:fldSimple")
    field_.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    run_text = OxmlElement("w:t")
    run_text.text = "1"
    run.append(run_text)
    field_.append(run)
    paragraph._p.append(field_)
    for run in paragraph.runs:
        run.font.size = Pt(9)


def role_document(role, audience, *, shop_name):
    """The .docx bytes of one 岗位说明书 (a role loaded by roles.reading), laid out like the job-description page."""
    document = Document()
    _setup_document(document)
    lists = _NumberedLists(document)
    doc_title = f"{clean_text(role.title)} {_('job description')}"

    company = document.add_paragraph(clean_text(shop_name))
    company.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(doc_title, style="Title")
    if role.status != Role.Status.PUBLISHED:
        status = document.add_paragraph()
        status.alignment = WD_ALIGN_PARAGRAPH.CENTER
        status.add_run(f"{_('status')}：{role.get_status_display()}").bold = True

    superior = role.superior.title if role.superior else "—"
    for boss in role.dotted_superiors:
        superior += f"\n{_('dotted line')}：{boss.title}"
    rows = [
        [(_("title"), role.title), (_("role number"), role.code)],
        [(_("department"), department_label(role.department)), (_("grade"), role.grade.name)],
        [(_("superior"), superior), (_("subordinates"), _titles(role.subordinates) or _("none"))],
        [(_("headcount"), str(role.headcount)), (_("shifts"), _names(role.shifts.all()))],
    ]
    if role.work_location:
        rows.append([(_("work location"), role.work_location)])
    _card_table(document, rows, [Cm(2.6), Cm(5.4), Cm(2.6), Cm(5.4)])

    document.add_heading(_("main responsibility"), level=1)
    for line in (clean_text(role.summary) or "—").split("\n"):
        document.add_paragraph(line)

    document.add_heading(_("duties"), level=1)
    duties = [duty.text for duty in role.duties.all()]
    if duties:
        lists.add(document, duties)
    else:
        document.add_paragraph("—")

    document.add_heading(_("requirements"), level=1)
    for label, text in requirement_lines(getattr(role, "requirement", None)):
        _labelled(document, label, text)
    document.add_heading(_("skill requirements"), level=2)
    skills = [skill.text for skill in role.skills.all()]
    if skills:
        lists.add(document, skills)
    else:
        document.add_paragraph("—")

    kpis = list(role.kpis.all())
    if kpis:
        document.add_heading(_("KPIs"), level=1)
        lists.add(document, [kpi_text(kpi, audience) for kpi in kpis])

    for label, value in role.standard_fields():
        if value:
            document.add_heading(str(label), level=1)
            for line in clean_text(value).split("\n"):
                document.add_paragraph(line)

    if audience.see_pay_range:
        document.add_heading(_("pay"), level=1)
        pay_rows = [[(_("reference pay"), pay_range_text(role) or "—")]]
        if role.benefits:
            pay_rows.append([(_("pay and benefits"), role.benefits)])
        scheme = role.pay_scheme
        if audience.see_pay and scheme:
            bonus = f"{_('full amount')}：{money(role.performance_bonus_amount) or '—'}"
            pay_rows += [
                [(_("pay scheme"), "\n".join(filter(None, [scheme.name, scheme.formula])))],
                [(_("base salary"), money(role.base_salary))],
                [(_("full-attendance bonus"), attendance_text(scheme))],
                [(_("performance bonus"), "\n".join([bonus, *(tier_text(t) for t in scheme.tiers.all())]))],
            ]
        _card_table(document, pay_rows, [Cm(3.2), Cm(12.8)])

    dates = f"{_('Updated')} {local_date(role.updated_at)}"
    if role.prepared_on:
        dates += f" · {_('prepared on')} {role.prepared_on}"
    footer = document.add_paragraph()
    footer.paragraph_format.space_before = Pt(12)
    footer.add_run(dates).font.size = Pt(9)
    _page_number_footer(document.sections[0], f"{shop_name} · {doc_title}")

    properties = document.core_properties
    properties.title = doc_title
    properties.subject = clean_text(department_label(role.department))
    properties.author = properties.last_modified_by = clean_text(shop_name)
    properties.comments = ""
    properties.keywords = _("job description")
    properties.language = "zh-CN"
    properties.revision = 1
    properties.created = properties.modified = timezone.now()
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


def role_docx(request, slug):
    audience = Audience.of_request(request)
    role = RoleReader(audience).get(slug=slug)
    content = role_document(role, audience, shop_name=request.shop.company_name)
    filename = safe_filename(f"{role.title}-{_('job description')}", fallback=role.slug)
    return download(content, f"{filename}.docx", DOCX_TYPE)


def catalogue_xlsx(request):
    audience = Audience.of_request(request)
    reader = RoleReader(audience)
    roles = reader.job_descriptions().order_by("department__order", "department__name", "tree_id", "lft")
    columns, rows = catalogue_rows(reader.load(roles), audience)
    title = _("Role duties breakdown")
    content = catalogue_workbook(columns, rows, title=title, author=request.shop.company_name)
    return download(content, f"{safe_filename(title)}.xlsx", XLSX_TYPE)

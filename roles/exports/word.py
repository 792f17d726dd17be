"""One job description (岗位说明书) as an editable Word document (/roles/<slug>.docx).

Laid out like the job-description page: the card, then the sections of roles.sections.JD_SECTIONS
in their order and under their headings.
"""

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

from shopconfig.downloads import download

from ..models import Role
from ..paycalc import attendance_text, tier_text
from ..reading import RoleReader
from ..sections import DUTIES, JD_SECTIONS, KPIS, PAY, REQUIREMENTS, STANDARD_FIELDS, SUMMARY
from .text import (
    as_of_text,
    clean_text,
    department_label,
    kpi_text,
    local_date,
    money,
    names,
    pay_range_text,
    placement_text,
    requirement_lines,
    safe_filename,
    titles,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

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


# ------------------------------------------------------------------ the sections, in JD_SECTIONS order
# Each writes its section (heading included) or nothing: (document, role, audience, lists, heading).


def _summary(document, role, audience, lists, heading):
    document.add_heading(str(heading), level=1)
    for line in (clean_text(role.summary) or "—").split("\n"):
        document.add_paragraph(line)


def _numbered_or_dash(document, lists, items):
    if items:
        lists.add(document, items)
    else:
        document.add_paragraph("—")


def _duties(document, role, audience, lists, heading):
    document.add_heading(str(heading), level=1)
    _numbered_or_dash(document, lists, [duty.text for duty in role.duties.all()])


def _requirements(document, role, audience, lists, heading):
    document.add_heading(str(heading), level=1)
    for label, text in requirement_lines(getattr(role, "requirement", None)):
        _labelled(document, label, text)
    document.add_heading(_("skill requirements"), level=2)
    _numbered_or_dash(document, lists, [skill.text for skill in role.skills.all()])


def _kpis(document, role, audience, lists, heading):
    kpis = list(role.kpis.all())
    if kpis:
        document.add_heading(str(heading), level=1)
        lists.add(document, [kpi_text(kpi, audience) for kpi in kpis])


def _standard_fields(document, role, audience, lists, heading):
    for label, value in role.standard_fields():
        if value:
            document.add_heading(str(label), level=1)
            for line in clean_text(value).split("\n"):
                document.add_paragraph(line)


def _pay(document, role, audience, lists, heading):
    if not audience.see_pay_range:
        return
    document.add_heading(str(heading), level=1)
    pay_rows = [[(_("reference pay"), pay_range_text(role) or "—")]]
    if role.benefits:
        pay_rows.append([(_("pay and benefits"), role.benefits)])
    if audience.see_pay and role.pay_grade is not None:
        pay_rows.append([(_("pay band"), role.pay_grade.band_text())])
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


SECTION_WRITERS = {
    SUMMARY: _summary,
    DUTIES: _duties,
    REQUIREMENTS: _requirements,
    KPIS: _kpis,
    STANDARD_FIELDS: _standard_fields,
    PAY: _pay,
}


def role_document(role, audience, *, shop_name, as_of=None):
    """The .docx bytes of one 岗位说明书 (a role loaded by roles.reading), laid out like the job-description
    page; `as_of`: the day it was read on, when not today."""
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
    if as_of is not None:
        document.add_paragraph(as_of_text(as_of)).alignment = WD_ALIGN_PARAGRAPH.CENTER

    superior = role.superior.title if role.superior else "—"
    for boss in role.dotted_superiors:
        superior += f"\n{_('dotted line')}：{boss.title}"
    rows = [
        [(_("title"), role.title), (_("role number"), role.code)],
        [(_("department"), department_label(role.department)), (_("grade"), role.grade.name)],
        [(_("job family"), placement_text(role.job_family)), (_("pay grade"), placement_text(role.pay_grade))],
        [(_("superior"), superior), (_("subordinates"), titles(role.subordinates) or _("none"))],
        [(_("headcount"), str(role.headcount)), (_("shifts"), names(role.shifts.all()))],
    ]
    if role.work_location:
        rows.append([(_("work location"), role.work_location)])
    _card_table(document, rows, [Cm(2.6), Cm(5.4), Cm(2.6), Cm(5.4)])

    for key, heading in JD_SECTIONS:
        SECTION_WRITERS[key](document, role, audience, lists, heading)

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


def role_docx(request, slug):
    """/roles/<slug>.docx[?as_of=]: the job description in Word, as the reader may see it."""
    reader = RoleReader.of_request(request)
    role = reader.get(slug=slug)
    content = role_document(role, reader.audience, shop_name=request.shop.company_name, as_of=reader.as_of)
    day = f"-{reader.as_of.isoformat()}" if reader.as_of else ""
    filename = safe_filename(f"{role.title}-{_('job description')}{day}", fallback=role.slug)
    return download(content, f"{filename}.docx", DOCX_TYPE)

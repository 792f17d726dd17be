"""The Word job description (/roles/<slug>.docx) and the Excel catalogue (/roles.xlsx)."""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from orgchart.models import Employee
from roles.exports import excel, word
from roles.exports.text import clean_text, safe_filename
from roles.models import Requirement, Role, Shift
from shopconfig.models import ShopProfile
from tests.downloads import attachment_filename
from tests.factories import make_role
from tests.pages import login, page_view
from tests.queries import assert_constant_queries

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


def excel_display(stored):
    """What Excel shows for a stored string: OOXML's _xHHHH_ escapes decoded (ECMA-376 ST_Xstring)."""
    return re.sub("_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), stored)


# --- the formula-escaping rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, escaped",
    [
        ('=HYPERLINK("http://evil","点我")', '\'=HYPERLINK("http://evil","点我")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\0=1+1", "'\0=1+1"),
        ("负责店铺推广 = 直通车 + 钻展", "负责店铺推广 = 直通车 + 钻展"),  # only the first character counts
        (" =1+1", " =1+1"),  # a leading space makes it text already
        ("＝1+1", "＝1+1"),  # full-width signs are not formula prefixes
        ("'=1+1", "'=1+1"),  # already escaped: unchanged
        ("", ""),
        ("店长", "店长"),
    ],
)
def test_formula_escaping_rule(text, escaped):
    assert excel.escape_formula(text) == escaped


@given(st.text())
def test_escaped_text_never_starts_a_formula_and_is_otherwise_unchanged(text):
    escaped = excel.escape_formula(text)
    assert not escaped.startswith(TRIGGERS)
    assert escaped in (text, "'" + text)
    assert escaped == text or text.startswith(TRIGGERS)
    assert excel.escape_formula(escaped) == escaped


@pytest.mark.parametrize(
    "text, cleaned",
    [
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
        ("a\tb\nc", "a\tb\nc"),
        ("bell\x07 nul\x00 esc\x1b del\x7f c1\x85", "bell nul esc del c1"),
        ("\ufffe\uffff", ""),
    ],
)
def test_text_is_cleaned_of_characters_office_files_cannot_hold(text, cleaned):
    assert clean_text(text) == cleaned


def test_cell_text_stays_within_excels_cell_limit():
    text = excel.cell_text("=" + "长" * 40000)
    assert len(text) == excel.EXCEL_CELL_LIMIT
    assert text.startswith("'=") and text.endswith("…")


@pytest.mark.parametrize(
    "name, safe",
    [
        ("推广专员-岗位说明书", "推广专员-岗位说明书"),
        ('客服/售后:"夜班"', "客服_售后_夜班"),
        ("..\\..\\etc", "etc"),
        ("\x00", "export"),
    ],
)
def test_file_names_are_safe_on_every_system(name, safe):
    assert safe_filename(name) == safe


def one_cell_workbook(text):
    columns = [excel.Column("text", lambda role, links: role)]
    content = excel.catalogue_workbook(columns, [[text]], title="t", author="a")
    return load_workbook(io.BytesIO(content))["t"]["A2"]


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1))
def test_any_text_round_trips_through_openpyxl_as_text_that_is_not_a_formula(text):
    cell = one_cell_workbook(text)
    expected = excel.cell_text(text)
    if expected == "":
        assert cell.value is None
        return
    assert cell.data_type == "s"
    assert excel_display(cell.value) == expected
    assert not excel_display(cell.value).startswith(TRIGGERS)


def test_text_that_looks_like_an_ooxml_escape_is_shown_literally():
    cell = one_cell_workbook("_x0041_ 与 _x000D_")
    assert excel_display(cell.value) == "_x0041_ 与 _x000D_"


# --- /roles.xlsx ---------------------------------------------------------------------------------


def fetch_workbook(client, url="/roles.xlsx"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    return response, sheet, header, rows


def workbook_text(rows):
    return "\n".join(str(value) for row in rows for value in row.values() if value is not None)


def test_the_catalogue_has_one_row_per_role_with_the_seed_card_columns(catalogue, client):
    _response, sheet, header, rows = fetch_workbook(client)
    for label in ["岗位编号", "岗位名称", "部门", "职级", "上级", "下属", "编制", "班次", "主要职责", "职责"]:
        assert label in header, label
    for label in ["任职要求", "技能要求", "考核指标", "更新时间"]:
        assert label in header, label
    assert len(rows) == Role.objects.published().count()
    by_title = {row["岗位名称"]: row for row in rows}
    promotion = by_title["推广专员"]
    assert promotion["部门"] == "电子商务部 · 推广组"
    assert promotion["职级"] == "专员"
    assert promotion["上级"] == "推广主管"
    assert promotion["虚线上级"] == "运营总监"
    assert promotion["编制"] == 1
    assert promotion["职责"].startswith("1. ") and "店铺数据的反馈与分析" in promotion["职责"]
    assert "工作经验：有半年以上淘宝运营工作经验" in promotion["任职要求"]
    assert "推广专员" in by_title["推广主管"]["下属"]
    for role in Role.objects.published().prefetch_related("duties"):
        for duty in role.duties.all():
            assert duty.text in by_title[role.title]["职责"]


def test_the_workbook_is_ready_to_use_in_a_spreadsheet(catalogue, client):
    response, sheet, header, rows = fetch_workbook(client)
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{len(rows) + 1}"
    assert all(cell.font.b for cell in sheet[1])
    duties = header.index("职责") + 1
    promotion = 2 + [row["岗位名称"] for row in rows].index("推广专员")
    assert sheet.cell(promotion, duties).alignment.wrap_text
    assert sheet.cell(promotion, duties).alignment.vertical == "top"
    assert sheet.row_dimensions[promotion].height > 15  # LibreOffice shows every line only if told
    assert 40 <= sheet.column_dimensions[sheet.cell(1, duties).column_letter].width <= 60
    assert sheet.title == translation.gettext("Role duties breakdown")[:31]
    book = load_workbook(io.BytesIO(response.content))
    assert book.properties.creator == ShopProfile.load().company_name


def test_formula_looking_text_stays_text_in_the_xlsx(catalogue, client):
    role = make_role('=HYPERLINK("http://evil.example","点我")', slug="evil", summary="@SUM(1+1)*cmd|' /C calc'!A0")
    role.duties.create(text="=1+1", order=1)
    role.duties.create(text="-2+3", order=2)
    response, sheet, header, rows = fetch_workbook(client)
    evil = next(row for row in rows if "HYPERLINK" in (row["岗位名称"] or ""))
    assert evil["岗位名称"] == '\'=HYPERLINK("http://evil.example","点我")'
    assert evil["主要职责"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert evil["职责"] == "1. =1+1\n2. -2+3"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        assert "<f>" not in package.read("xl/worksheets/sheet1.xml").decode()


def test_control_characters_in_user_text_do_not_break_either_file(catalogue, client):
    role = Role.objects.get(slug="promotion-specialist")
    # PostgreSQL refuses NUL in text (and Django's forms reject it), so NUL only where it can be stored.
    nul = "" if connection.vendor == "postgresql" else "\x00"
    role.duties.create(text=f"复制来的{nul}文字\x07带控制符\x1b", order=99)
    _response, _sheet, _header, rows = fetch_workbook(client)
    assert "复制来的文字带控制符" in workbook_text(rows)
    assert "复制来的文字带控制符" in docx_text(client.get("/roles/promotion-specialist.docx"))


def test_visitors_get_published_roles_without_pay_weights_or_drafts(catalogue, client):
    _response, _sheet, header, rows = fetch_workbook(client)
    text = workbook_text(rows)
    assert "直播运营" not in text
    for secret in ["3150", "876", "客服绩效考核制度", "权重"]:
        assert secret not in text, secret
    for column in ["状态", "薪资方案", "基本工资", "参考薪资下限", "待遇"]:
        assert column not in header, column


def test_visitors_see_the_reference_pay_only_when_the_shop_publishes_it(catalogue, client):
    shop = ShopProfile.load()
    shop.show_public_pay_range = True
    shop.save()
    _response, _sheet, header, rows = fetch_workbook(client)
    supervisor = next(row for row in rows if row["岗位名称"] == "客服主管")
    assert (supervisor["参考薪资下限"], supervisor["参考薪资上限"]) == (2200, 5000)
    assert "薪资方案" not in header and "客服绩效考核制度" not in workbook_text(rows)


@pytest.mark.parametrize("who", ["manager", "hr"])
def test_managers_and_hr_get_every_role_with_pay_and_status(catalogue, client, who):
    login(client, who)
    _response, _sheet, header, rows = fetch_workbook(client)
    assert len(rows) == Role.objects.count()
    by_title = {row["岗位名称"]: row for row in rows}
    assert by_title["直播运营"]["状态"] == "草稿"
    assert by_title["店长"]["状态"] == "已发布"
    cs = by_title["店铺客服"]
    assert cs["基本工资"] == 3150 and cs["满额绩效奖金"] == 876
    assert cs["薪资方案"] == "客服绩效考核制度"
    assert "权重(%)：35" in by_title["客服主管"]["考核指标"]


def test_a_private_catalogue_exports_no_roles_to_visitors(catalogue, client):
    shop = ShopProfile.load()
    shop.public_catalogue = False
    shop.save()
    _response, _sheet, _header, rows = fetch_workbook(client)
    assert rows == []


def add_full_roles(count):
    """Roles with everything the workbook shows, so every relation is exercised."""
    parent = Role.objects.get(slug="cs-supervisor")
    night = Shift.objects.get(code="night")
    for i in range(count):
        role = make_role(f"客服{i}", parent=parent, department=parent.department, grade=parent.grade)
        Requirement.objects.create(role=role, experience_text="一年以上", education_text="大专")
        role.duties.create(text=f"职责{i}", order=1)
        role.skills.create(text=f"技能{i}", order=1)
        role.kpis.create(name=f"指标{i}", weight=Decimal("50"), order=1)
        role.shifts.add(night)
        role.dotted_line_superiors.add(parent)
        Employee.objects.create(name=f"员工{i}", employee_number=f"N{i}", role=role)
        if i % 10 == 0:
            parent = role


@pytest.mark.parametrize("who", ["anonymous", "hr"])
def test_the_xlsx_query_count_does_not_grow_with_roles(catalogue, client, who):
    login(client, who)
    assert_constant_queries(page_view(client, "/roles.xlsx"), lambda: add_full_roles(200))
    _response, _sheet, _header, rows = fetch_workbook(client)
    assert sum(1 for row in rows if (row["岗位名称"] or "").startswith("客服1")) > 100


# --- /roles/<slug>.docx --------------------------------------------------------------------------


def docx_document(response):
    assert response.status_code == 200
    assert response["Content-Type"] == word.DOCX_TYPE
    return Document(io.BytesIO(response.content))


def docx_text(response):
    document = docx_document(response)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def test_the_docx_opens_and_holds_every_duty_skill_and_card_field(catalogue, client):
    role = Role.objects.get(slug="promotion-specialist")
    text = docx_text(client.get("/roles/promotion-specialist.docx"))
    for item in [*role.duties.all(), *role.skills.all()]:
        assert item.text in text, item.text
    for label in ["岗位名称", "岗位编号", "部门", "职级", "上级", "下属", "编制", "班次"]:
        assert label in text, label
    for heading in ["主要职责", "职责", "任职要求", "技能要求"]:
        assert heading in text, heading
    assert "推广主管" in text and "虚线汇报：运营总监" in text
    assert "有半年以上淘宝运营工作经验" in text
    assert ShopProfile.load().company_name in text


def test_the_docx_is_a_word_document_with_real_headings_lists_and_a_table(catalogue, client):
    document = docx_document(client.get("/roles/cs-supervisor.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:5] == ["主要职责", "职责", "任职要求", "技能要求", "考核指标"]
    assert document.paragraphs[1].style.name == "Title"
    assert document.tables[0].style.name == "Table Grid"
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert len(numbered) >= 3
    list_ids = {p._p.pPr.numPr.numId.val for p in numbered}
    assert len(list_ids) == 3  # duties, skills and KPIs each start again at 1
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_the_docx_names_a_chinese_font_and_its_shop(catalogue, client):
    document = docx_document(client.get("/roles/cs-supervisor.docx"))
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "SimSun" and fonts.get(qn("w:eastAsiaTheme")) is None
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    heading = document.styles["Heading 1"].element.rPr.rFonts
    assert heading.get(qn("w:eastAsia")) == "SimHei" and heading.get(qn("w:eastAsiaTheme")) is None
    properties = document.core_properties
    assert properties.title == "客服主管 岗位说明书"
    assert properties.author == ShopProfile.load().company_name


def test_the_docx_hides_pay_from_visitors(catalogue, client):
    text = docx_text(client.get("/roles/store-cs.docx"))
    for secret in ["3150", "876", "客服绩效考核制度", "薪资"]:
        assert secret not in text, secret
    assert "权重" not in docx_text(client.get("/roles/cs-supervisor.docx"))


def test_the_docx_shows_the_published_pay_range_but_not_the_scheme(catalogue, client):
    shop = ShopProfile.load()
    shop.show_public_pay_range = True
    shop.save()
    text = docx_text(client.get("/roles/cs-supervisor.docx"))
    assert "2200–5000 元" in text
    assert "客服绩效考核制度" not in docx_text(client.get("/roles/store-cs.docx"))


@pytest.mark.parametrize("who", ["manager", "hr"])
def test_the_docx_shows_pay_to_managers_and_hr(catalogue, client, who):
    login(client, who)
    text = docx_text(client.get("/roles/store-cs.docx"))
    assert "3150.00 元" in text and "876.00 元" in text and "客服绩效考核制度" in text
    assert "绩效 80 分以上: 100%" in text
    assert "权重(%)：35" in docx_text(client.get("/roles/cs-supervisor.docx"))
    draft = docx_text(client.get("/roles/live-ops.docx"))
    assert "直播运营" in draft and "草稿" in draft


def test_drafts_and_private_catalogues_are_404_for_visitors(catalogue, client):
    assert client.get("/roles/live-ops.docx").status_code == 404
    assert "直播运营" not in docx_text(client.get("/roles/store-manager.docx"))
    shop = ShopProfile.load()
    shop.public_catalogue = False
    shop.save()
    assert client.get("/roles/store-manager.docx").status_code == 404


# --- file names ----------------------------------------------------------------------------------


def test_download_file_names_parse_as_chinese(catalogue, client):
    response = client.get("/roles/promotion-specialist.docx")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert attachment_filename(response) == "推广专员-岗位说明书.docx"
    with translation.override("zh-hans"):
        expected = translation.gettext("Role duties breakdown") + ".xlsx"
    assert attachment_filename(client.get("/roles.xlsx")) == expected


def test_a_title_with_path_characters_gives_a_safe_file_name(catalogue, client):
    make_role("客服/售后", slug="cs-after-sales")
    assert attachment_filename(client.get("/roles/cs-after-sales.docx")) == "客服_售后-岗位说明书.docx"


def test_english_visitors_get_english_labels_and_file_names(catalogue, client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/roles/"})
    response = client.get("/roles/promotion-specialist.docx")
    assert attachment_filename(response) == "推广专员-job description.docx"
    assert "main responsibility" in docx_text(response)
    _response, _sheet, header, _rows = fetch_workbook(client)
    assert "title" in header and "duties" in header

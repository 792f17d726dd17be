"""Reading a roster (花名册) from .xlsx: headers, cells, dates, refusals (orgchart/roster/parser.py, no database)."""

import datetime
import io
import re
import zipfile

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from orgchart.roster import parser
from orgchart.roster.parser import COLUMNS, header_key, parse_xlsx, read_date, read_path, read_upload
from roles.importer.errors import FileTooLarge, UnreadableFile

HEADER = ["姓名", "工号", "岗位", "班次", "入职日期", "离职日期"]


def xlsx(*rows, sheets=None):
    """The bytes of an .xlsx whose first sheet holds `rows` (a date stays a date cell); `sheets` gives
    several sheets as {title: rows}."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, sheet_rows in (sheets or {"花名册": rows}).items():
        sheet = workbook.create_sheet(title)
        for row in sheet_rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_cached_values(data, cached):
    """An .xlsx as Excel saves it: each formula cell of `cached` ({"A2": "张三" or 7}) carries the value
    Excel calculated (openpyxl writes formulas without one)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                for ref, value in cached.items():
                    kind = ' t="str"' if isinstance(value, str) else ""
                    xml, found = re.subn(
                        rf'<c r="{ref}"><f>(.*?)</f><v\s*/?>(?:</v>)?</c>',
                        rf'<c r="{ref}"{kind}><f>\1</f><v>{value}</v></c>',
                        xml,
                    )
                    assert found == 1, ref
                content = xml.encode()
            target.writestr(info, content)
    return out.getvalue()


def rows_of(data):
    return [(row.line, row.values(), row.problems) for row in parse_xlsx(data).rows]


def problems_of(*cells, header=HEADER):
    with translation.override("en"):
        return [row.problems for row in parse_xlsx(xlsx(header, *cells)).rows]


def refusal(action):
    with translation.override("en"), pytest.raises(UnreadableFile) as error:
        action()
    return error.value.message


# ----------------------------------------------------------------------------- columns


def test_it_reads_the_template_columns_in_chinese():
    data = xlsx(HEADER, ["张三", "1001", "客服", "白班", datetime.date(2024, 3, 1), None])
    roster = parse_xlsx(data)
    assert roster.sheet == "花名册"
    assert roster.fields == ("name", "employee_number", "role", "shift", "start_date", "end_date")
    assert rows_of(data) == [
        (
            2,
            {
                "name": "张三",
                "employee_number": "1001",
                "role": "客服",
                "shift": "白班",
                "start_date": datetime.date(2024, 3, 1),
                "end_date": None,
            },
            [],
        )
    ]


def test_columns_come_in_any_order_with_english_headers_and_unknown_columns_listed():
    data = xlsx(
        ["Start date", "Phone", "Role", "Employee number", "NAME", "end date"],
        ["2024-03-01", "13800000000", "美工", "E-7", "Li Si", "2024/12/31"],
    )
    roster = parse_xlsx(data)
    assert roster.fields == ("start_date", "role", "employee_number", "name", "end_date")
    assert roster.ignored == ("Phone",)
    assert not roster.has("shift")
    [row] = roster.rows
    assert (row.name, row.employee_number, row.role, row.shift) == ("Li Si", "E-7", "美工", "")
    assert (row.start_date, row.end_date) == (datetime.date(2024, 3, 1), datetime.date(2024, 12, 31))


@pytest.mark.parametrize(
    "header, field",
    [
        ("姓名", "name"),
        (" 姓 名 ", "name"),
        ("*姓名", "name"),
        ("员工姓名", "name"),
        ("Employee No.", "employee_number"),
        ("employee_number", "employee_number"),
        ("员工编号", "employee_number"),
        ("岗位名称", "role"),
        ("职位", "role"),
        ("ＳＨＩＦＴ", "shift"),  # full-width letters
        ("入职日期(YYYY-MM-DD)", "start_date"),
        ("入职日期（年-月-日）", "start_date"),  # full-width brackets
        ("Hire date", "start_date"),
        ("离职时间", "end_date"),
        ("Leaving Date:", "end_date"),
        ("部门", None),
        ("手机", None),
        ("date", None),
    ],
)
def test_header_names(header, field):
    assert parser.FIELD_BY_KEY.get(header_key(header)) == field


def test_a_title_row_above_the_header_and_empty_rows_are_skipped():
    data = xlsx(
        ["2024年3月 员工花名册"],
        [],
        HEADER,
        ["张三", "1001", "客服"],
        [],
        [None, None, None, None, None, None, "备注:以上为在职人员"],
        ["李四", "1002", "美工"],
    )
    assert [(line, values["name"]) for line, values, _problems in rows_of(data)] == [(4, "张三"), (7, "李四")]


def test_the_first_sheet_with_a_header_row_is_read():
    data = xlsx(
        sheets={"填写说明": [["请按模板填写"], ["日期写成 2024-03-01"]], "在职": [HEADER, ["张三", "1001", "客服"]]}
    )
    roster = parse_xlsx(data)
    assert roster.sheet == "在职"
    assert [row.name for row in roster.rows] == ["张三"]


def test_a_number_typed_as_a_number_reads_as_it_shows():
    rows = parse_xlsx(xlsx(HEADER, ["张三", 1001, "客服"], ["李四", 1002.0, "美工"], ["王五", " 0103 ", "美工"])).rows
    assert [row.employee_number for row in rows] == ["1001", "1002", "0103"]


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "value, day",
    [
        (None, None),
        ("", None),
        ("  ", None),
        (datetime.date(2024, 3, 1), datetime.date(2024, 3, 1)),
        (datetime.datetime(2024, 3, 1, 0, 0), datetime.date(2024, 3, 1)),
        ("2024-03-01", datetime.date(2024, 3, 1)),
        ("2024-3-1", datetime.date(2024, 3, 1)),
        ("2024/3/1", datetime.date(2024, 3, 1)),
        ("2024/03/01 0:00", datetime.date(2024, 3, 1)),
        ("2024-03-01 08:30:00", datetime.date(2024, 3, 1)),
        ("2024.3.1", datetime.date(2024, 3, 1)),
        ("2024年3月1日", datetime.date(2024, 3, 1)),
        ("2024 年 03 月 01 日", datetime.date(2024, 3, 1)),
        ("2024年3月1", datetime.date(2024, 3, 1)),
        ("２０２４－０３－０１", datetime.date(2024, 3, 1)),  # full-width digits and dash
        ("2024-02-29", datetime.date(2024, 2, 29)),
    ],
)
def test_dates_read(value, day):
    assert read_date(value) == day


@pytest.mark.parametrize(
    "value",
    [
        "2023-02-29",  # no such day
        "2024-13-01",
        "2024-00-10",
        "2024-3/1",  # separators differ
        "01/03/2024",  # day first: ambiguous, refused
        "24-3-1",
        "2024年3月",
        "明天",
        "20240301",
        45352,  # a serial number in a cell not formatted as a date
        45352.0,
        datetime.time(8, 30),
        True,
    ],
)
def test_what_is_not_a_date(value):
    with pytest.raises(ValueError):
        read_date(value)


# ----------------------------------------------------------------------------- problems of a row


@pytest.mark.parametrize(
    "cells, problems",
    [
        (["张三", "1001", "客服", "白班", "2024-03-01", ""], []),
        (["", "1001", "客服"], ["Name is empty."]),
        (["张三", "", "客服"], ["Employee number is empty."]),
        (["张三", "1001", ""], ["Role is empty."]),
        (["", "", "", "白班"], ["Name is empty.", "Employee number is empty.", "Role is empty."]),
        (["张" * 51, "1001", "客服"], ["Name is longer than 50 characters."]),
        (["张三", "1" * 31, "客服"], ["Employee number is longer than 30 characters."]),
        (
            ["张三", "1001", "客服", "", "2024-13-01"],
            ["Start date: “2024-13-01” is not a date; write it as YYYY-MM-DD."],
        ),
        (["张三", "1001", "客服", "", "", "下个月"], ["End date: “下个月” is not a date; write it as YYYY-MM-DD."]),
        (["张三", "1001", "客服", "", "2024-03-01", "2024-02-29"], ["The end date is before the start date."]),
        (["张三", "1001", "客服", "", "2024-03-01", "2024-03-01"], []),  # one day in post
    ],
)
def test_problems_of_a_row(cells, problems):
    assert problems_of(cells) == [problems]


def test_an_employee_number_twice_in_the_file_is_wrong_on_every_row_that_has_it():
    assert problems_of(["张三", "1001", "客服"], ["李四", "1002", "客服"], ["王五", 1001, "美工"]) == [
        ["Employee number 1001 is on more than one row of the file (rows 2、4)."],
        [],
        ["Employee number 1001 is on more than one row of the file (rows 2、4)."],
    ]


def test_problems_are_in_chinese_for_a_chinese_reader():
    with translation.override("zh-hans"):
        [row] = parse_xlsx(xlsx(HEADER, ["", "1001", "客服", "", "2024-13-01"])).rows
    assert row.problems == ["姓名为空。", "入职日期：“2024-13-01”不是日期，请写成 YYYY-MM-DD。"]


# ----------------------------------------------------------------------------- formulas


def test_formula_cells_read_as_the_values_excel_saved_never_evaluated():
    data = xlsx(HEADER, ['="张"&"三"', "=1+1", "客服", None, '=TEXT(DATE(2024,3,1),"yyyy-mm-dd")'])
    # Excel saved 7 for 1+1: what is read is what was saved, not a calculation.
    data = with_cached_values(data, {"A2": "张三", "B2": 7, "E2": "2024-03-01"})
    [row] = parse_xlsx(data).rows
    assert (row.name, row.employee_number, row.start_date) == ("张三", "7", datetime.date(2024, 3, 1))


def test_a_formula_nobody_calculated_reads_as_empty():
    with translation.override("en"):
        [row] = parse_xlsx(xlsx(HEADER, ['=CONCAT("张","三")', "1001", "客服"])).rows
    assert row.name == ""
    assert row.problems == ["Name is empty."]


# ----------------------------------------------------------------------------- refusals of the file


class Unreadable:
    """An upload whose content must not be read."""

    def __init__(self, name, size):
        self.name, self.size = name, size

    def read(self, *args):
        raise AssertionError("the file was read")


@pytest.mark.parametrize(
    "name, message",
    [
        ("花名册.xls", "Old Excel (.xls) files cannot be read: save the sheet as .xlsx and try again."),
        ("花名册.csv", "Only Excel .xlsx files can be imported."),
        ("花名册.xlsm", "Only Excel .xlsx files can be imported."),
        ("花名册", "Only Excel .xlsx files can be imported."),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused_unread(name, message):
    assert refusal(lambda: read_upload(Unreadable(name, 100))) == message


def test_a_file_over_the_import_limit_is_refused_unread(settings):
    settings.ROLE_IMPORT_MAX_BYTES = 1000
    with translation.override("en"), pytest.raises(FileTooLarge) as error:
        read_upload(Unreadable("花名册.xlsx", 1001))
    assert error.value.message == "The file is 1001\xa0bytes; the import takes at most 1000\xa0bytes."


def test_a_file_on_disk_over_the_limit_is_refused(settings, tmp_path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(xlsx(HEADER, ["张三", "1001", "客服"]))
    settings.ROLE_IMPORT_MAX_BYTES = path.stat().st_size - 1
    assert refusal(lambda: read_path(path)).startswith("The file is ")
    settings.ROLE_IMPORT_MAX_BYTES = path.stat().st_size
    assert [row.name for row in read_path(path).rows] == ["张三"]


def test_a_missing_file_is_refused_with_the_reason(tmp_path):
    assert refusal(lambda: read_path(tmp_path / "none.xlsx")) == "Cannot read the file: No such file or directory"


def test_a_small_file_that_unpacks_to_too_much_is_refused_before_it_is_opened(settings):
    settings.ROLE_IMPORT_MAX_BYTES = 10_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", " " * 300_000)  # compresses to a few hundred bytes
    data = buffer.getvalue()
    assert len(data) < 10_000
    assert refusal(lambda: parse_xlsx(data)) == "This .xlsx file unpacks to 293.0\xa0KB, too much to import."


@pytest.mark.parametrize(
    "data",
    [
        b"\xd0\xcf\x11\xe0 an old .xls renamed",
        "姓名,工号,岗位\n张三,1001,客服\n".encode(),  # a CSV renamed
        zipfile.ZipFile.__name__.encode(),
    ],
)
def test_a_file_that_is_no_workbook_is_refused(data):
    assert refusal(lambda: parse_xlsx(data)) == "This file is damaged or is not an Excel workbook (.xlsx)."


def test_a_zip_that_is_no_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refusal(lambda: parse_xlsx(buffer.getvalue())) == "This file is damaged or is not an Excel workbook (.xlsx)."


@pytest.mark.parametrize(
    "rows, message",
    [
        (
            [["张三", "1001", "客服"]],
            "No header row found: one of the first rows must name the columns 姓名、工号、岗位.",
        ),
        ([], "No header row found: one of the first rows must name the columns 姓名、工号、岗位."),
        ([["姓名", "工号", "班次"], ["张三", "1001", "白班"]], "The file has no column 岗位."),
        ([["姓名", "入职日期"]], "The file has no column 工号、岗位."),
        ([["姓名", "工号", "岗位", "Name"]], "These columns appear more than once: 姓名. Keep one of each."),
        (
            [*[["说明"]] * 20, HEADER],
            "No header row found: one of the first rows must name the columns 姓名、工号、岗位.",
        ),
    ],
)
def test_a_file_without_the_roster_columns_is_refused(rows, message):
    assert refusal(lambda: parse_xlsx(xlsx(*rows))) == message


# ----------------------------------------------------------------------------- properties

# Text as people type it in a cell: no control characters, no surrounding spaces, no formula.
CELL_TEXT = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")), min_size=1, max_size=20
).filter(lambda text: text == text.strip() and not text.startswith("="))
DAYS = st.dates(datetime.date(1950, 1, 1), datetime.date(2100, 12, 31))
DATE_STYLES = {
    "cell": lambda day: day,
    "iso": lambda day: day.isoformat(),
    "slash": lambda day: f"{day.year}/{day.month}/{day.day}",
    "chinese": lambda day: f"{day.year}年{day.month}月{day.day}日",
}


@st.composite
def person(draw):
    start = draw(st.none() | DAYS)
    end = draw(st.none() | DAYS.filter(lambda day: start is None or day >= start))
    return {
        "name": draw(CELL_TEXT),
        "employee_number": draw(CELL_TEXT | st.integers(1, 10**9).map(str)),
        "role": draw(CELL_TEXT),
        "shift": draw(st.just("") | CELL_TEXT),
        "start_date": start,
        "end_date": end,
    }


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.lists(person(), max_size=12, unique_by=lambda p: p["employee_number"]),
    order=st.permutations([column.field for column in COLUMNS]),
    optional=st.sets(st.sampled_from(["shift", "start_date", "end_date"])),
    data=st.data(),
)
def test_any_roster_written_to_xlsx_reads_back_as_the_same_rows(people, order, optional, data):
    """Columns in any order under any of their names, optional ones left out, numbers typed as numbers, dates
    as date cells or text in any accepted style: the rows read are the rows written."""
    fields = [name for name in order if name not in optional]
    by_field = {column.field: column for column in COLUMNS}
    header = [data.draw(st.sampled_from(by_field[name].aliases)) for name in fields]
    rows = []
    for someone in people:
        cells = []
        for name in fields:
            value = someone[name]
            if name in ("start_date", "end_date") and value is not None:
                value = DATE_STYLES[data.draw(st.sampled_from(sorted(DATE_STYLES)))](value)
            elif name == "employee_number" and value.isascii() and value.isdigit() and not value.startswith("0"):
                value = data.draw(st.sampled_from([value, int(value)]))
            cells.append(value if value != "" else None)
        rows.append(cells)
    roster = parse_xlsx(xlsx(header, *rows))
    expected = [
        {name: value if name in fields else ("" if name == "shift" else None) for name, value in p.items()}
        for p in people
    ]
    assert [row.values() for row in roster.rows] == expected
    assert [row.problems for row in roster.rows] == [[]] * len(people)
    assert [row.line for row in roster.rows] == list(range(2, len(people) + 2))


CELL = st.none() | st.text(max_size=12) | st.integers() | st.floats(allow_nan=False) | DAYS | st.datetimes()


@hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, max_size=7), max_size=6))
def test_any_cells_under_the_header_give_rows_with_reasons_never_an_error(cells):
    # Characters Excel does not allow in a cell are refused by openpyxl; a leading = would be a formula.
    safe = [[ILLEGAL_CHARACTERS_RE.sub("", v).lstrip("=") if isinstance(v, str) else v for v in row] for row in cells]
    data = xlsx(HEADER, *safe)
    with translation.override("en"):
        roster = parse_xlsx(data)
    for row in roster.rows:
        assert all(isinstance(problem, str) and problem for problem in row.problems)
        assert row.name or row.problems


@hypothesis_settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_are_read_or_refused_with_a_reason(data):
    try:
        parse_xlsx(data)
    except UnreadableFile as error:
        assert error.message

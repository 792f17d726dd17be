"""The band table (职等) to Excel and back: the parser, the round trip, the preview and the import."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from openpyxl import load_workbook

from roles import bands_excel
from roles.exports.excel import FORMULA_GUARD, FORMULA_TRIGGERS
from roles.exports.text import clean_text
from roles.importer import bands as parser
from roles.importer.errors import FileTooLarge, UnreadableFile
from roles.models import PayGrade
from roles.seed import load_seed
from shopconfig.models import CatalogueRevision
from tests.orgchart.test_roster_parser import with_cached_values, xlsx

D = Decimal
HEADER = ["职等", "名称", "带宽最小值", "带宽中点值", "带宽最大值", "说明"]


def parsed(*rows, header=HEADER):
    with translation.override("en"):
        return parser.parse_xlsx(xlsx(header, *rows))


def problems(*rows, header=HEADER):
    """{line: [(field, message)]} of the rows with problems."""
    return {row.line: row.problems for row in parsed(*rows, header=header).rows if row.problems}


def exported(grades=None):
    """The export's bytes of these pay grades (the saved ones by default)."""
    if grades is None:
        return bands_excel.band_workbook(author="测试")
    return bands_excel.table_workbook(grades, author="测试")


def edited(data, changes):
    """The workbook `data` with cells changed as Excel would save them: {(number, header): value}."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows())
    header_index = next(i for i, row in enumerate(rows) if row[0].value == "职等")
    headers = [cell.value for cell in rows[header_index]]
    for (number, header), value in changes.items():
        row = next(row for row in rows[header_index + 1 :] if row[0].value == number)
        row[headers.index(header)].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def band_rows(sheet):
    return [(r.number, r.name, r.band_min, r.band_mid, r.band_max, r.description) for r in sheet.rows]


# ----------------------------------------------------------------------------- the parser


def test_it_reads_each_column_of_a_row():
    sheet = parsed([5, "五等", 2200, 4100, 6000, "主管"], [4, "四等", "3,200元", None, "4800.50", None])
    assert band_rows(sheet) == [
        (5, "五等", D("2200"), D("4100"), D("6000"), "主管"),
        (4, "四等", D("3200"), D("4000.25"), D("4800.5"), ""),
    ]
    assert [row.mid_defaulted for row in sheet.rows] == [False, True]
    assert not sheet.has_problems
    assert sheet.columns == {
        "number": "A",
        "name": "B",
        "band_min": "C",
        "band_mid": "D",
        "band_max": "E",
        "description": "F",
    }


def test_english_headers_in_any_order_are_read_and_read_only_and_unknown_columns_are_not():
    header = ["Range spread (read-only)", "Band maximum", "Name", "Pay grade", "Band minimum", "备注人", "级差（只读）"]
    sheet = parsed([D("0.5"), 3000, "一等", 1, 2000, "x", D("0.1")], header=header)
    assert band_rows(sheet) == [(1, "一等", D("2000"), D("2500"), D("3000"), "")]
    assert sheet.ignored == ("备注人",)
    assert sheet.columns["number"] == "D"


@pytest.mark.parametrize(
    ("cells", "field", "message"),
    [
        (["abc", "一等", 2000, None, 3000], "number", "“abc” is not a whole number."),
        ([2.5, "一等", 2000, None, 3000], "number", "“2.5” is not a whole number."),
        ([0, "一等", 2000, None, 3000], "number", "Ensure this value is greater than or equal to 1."),
        ([1, "", 2000, None, 3000], "name", "Empty: a value is required."),
        ([1, "等" * 51, 2000, None, 3000], "name", "Ensure this value has at most 50 characters (it has 51)."),
        ([1, "一等", None, None, 3000], "band_min", "Empty: a value is required."),
        ([1, "一等", "两千", None, 3000], "band_min", "“两千” is not an amount in yuan."),
        ([1, "一等", "2000.123", None, 3000], "band_min", "Ensure that there are no more than 2 decimal places."),
        ([1, "一等", 0, None, 3000], "band_min", "The minimum must be above 0."),
        ([1, "一等", -5, None, 3000], "band_min", "The minimum must be above 0."),
        ([1, "一等", 4000, None, 3000], "band_max", "The maximum must not be below the minimum."),
        ([1, "一等", 2000, 3500, 3000], "band_mid", "The midpoint must lie between the minimum and the maximum."),
        ([1, "一等", 2000, 1999.99, 3000], "band_mid", "The midpoint must lie between the minimum and the maximum."),
        ([1, "一等", 2000, None, 1e12], "band_max", "Ensure that there are no more than 10 digits in total."),
    ],
)
def test_a_bad_cell_is_a_problem_of_its_row_naming_the_column(cells, field, message):
    assert problems(cells) == {2: [(field, message)]}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Row 3, column C (Band minimum): The minimum must be above 0."),
        ("zh-hans", "第 3 行，C 列(带宽最小值)：最小值必须大于 0。"),
    ],
)
def test_a_problem_reads_with_its_row_and_column(language, text):
    with translation.override(language):
        sheet = parser.parse_xlsx(xlsx(HEADER, [1, "一等", 2000, None, 3000], [2, "二等", 0, None, 3000]))
        assert sheet.problems() == [text]


def test_every_row_of_a_number_given_twice_is_wrong():
    found = problems([3, "三等", 2000, None, 3000], [4, "四等", 2000, None, 3000], [3, "三等乙", 2100, None, 3100])
    message = "Pay grade 3 is on more than one row of the file (rows 2、4)."
    assert found == {2: [("number", message)], 4: [("number", message)]}


def test_empty_rows_are_skipped():
    sheet = parsed([1, "一等", 2000, None, 3000], [None] * 6, [2, "二等", 2500, None, 3500])
    assert [row.line for row in sheet.rows] == [2, 4]


def test_a_formula_cell_reads_as_the_value_excel_saved():
    data = xlsx(HEADER, [1, "一等", 2000, None, "=C2*1.5"], [2, "二等", "=C2*1.1", None, 3500])
    sheet = parser.parse_xlsx(with_cached_values(data, {"E2": 3000.0000000000005, "C3": 2200.0000000000002}))
    assert band_rows(sheet) == [(1, "一等", D(2000), D(2500), D(3000), ""), (2, "二等", D(2200), D(2850), D(3500), "")]


def test_a_formula_nobody_calculated_reads_as_empty():
    assert problems([1, "一等", 2000, None, "=C2*1.5"]) == {2: [("band_max", "Empty: a value is required.")]}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["职等", "名称", "带宽最小值"], "The file has no column Band maximum."),
        (
            ["职等", "名称", "最小值", "下限", "最大值"],
            "These columns appear more than once: Band minimum. Keep one of each.",
        ),
        (
            ["a", "b"],
            "No header row found: one of the first rows must name the columns Number、Name、Band minimum、Band maximum.",
        ),
    ],
)
def test_a_file_without_the_table_is_refused(header, message):
    with translation.override("en"), pytest.raises(UnreadableFile) as error:
        parser.parse_xlsx(xlsx(header, [1, "一等", 2000, 3000, 3000]))
    assert error.value.message == message


class Unread(SimpleUploadedFile):
    def read(self, *args):
        raise AssertionError("the file was read")


def test_other_files_and_oversized_ones_are_refused_unread():
    with translation.override("en"):
        with pytest.raises(UnreadableFile, match="Only Excel .xlsx files can be imported."):
            parser.read_upload(Unread("bands.csv", b"1,2"))
        with pytest.raises(UnreadableFile, match="Old Excel"):
            parser.read_upload(Unread("bands.xls", b"x"))
        with override_settings(ROLE_IMPORT_MAX_BYTES=10), pytest.raises(FileTooLarge, match="at most 10"):
            parser.read_upload(Unread("bands.xlsx", b"x" * 11))
        with pytest.raises(UnreadableFile, match="damaged"):
            parser.read_upload(SimpleUploadedFile("bands.xlsx", b"not a zip"))


def test_the_sheet_survives_its_trip_through_the_preview_form():
    sheet = parsed([1, "一等", "2000.5", None, 3000, "=说明"], [1, "", 0, None, 3000])
    assert parser.BandSheet.from_data(sheet.as_data()) == sheet


# ----------------------------------------------------------------------------- the round trip

names = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), min_size=1, max_size=50)


def as_saved(text):
    """Text as a form saves it (clean, no surrounding spaces); a text the export's formula guard would make
    ambiguous ("'=…", read back as "=…") is taken as the other."""
    text = clean_text(text).strip()
    if text.startswith(FORMULA_GUARD) and text[1:].startswith(FORMULA_TRIGGERS):
        text = text[1:]
    return text


cents = st.integers(min_value=1, max_value=10**10 - 1).map(lambda n: D(n) / 100)


@st.composite
def band_tables(draw):
    numbers = draw(st.lists(st.integers(1, 32767), min_size=1, max_size=12, unique=True))
    grades = []
    for number in numbers:
        low, high = sorted(draw(st.tuples(cents, cents)))
        mid = draw(st.integers(0, int((high - low) * 100)).map(lambda n, low=low: low + D(n) / 100))
        name = as_saved(draw(names)) or "等"
        grades.append(
            PayGrade(
                number=number,
                name=name,
                band_min=low,
                band_mid=mid,
                band_max=high,
                description=as_saved(draw(st.text(max_size=200))),
            )
        )
    return grades


@settings(max_examples=60, deadline=None)
@given(band_tables())
def test_any_band_table_written_and_read_back_is_the_same(grades):
    sheet = parser.parse_xlsx(exported(grades))
    assert not sheet.has_problems, sheet.problems()
    expected = sorted(
        ((g.number, g.name, g.band_min, g.band_mid, g.band_max, g.description) for g in grades), reverse=True
    )
    assert band_rows(sheet) == expected


# ----------------------------------------------------------------------------- the export


@pytest.mark.django_db
def test_the_export_has_the_bands_then_the_read_only_figures_under_their_formulas():
    load_seed()
    with translation.override("zh-hans"):
        sheet = load_workbook(io.BytesIO(exported())).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows.index(next(row for row in rows if row[0] == "职等"))
    assert rows[header] == [*HEADER, "带宽（只读）", "级差（只读）", "重叠度（只读）"]
    notes = [row[0] for row in rows[:header]]
    assert "带宽 = (最大值 − 最小值) ÷ 最小值" in notes
    assert any("只读" in note and "导入时不会读取" in note for note in notes)
    # 五等 2200–6000 (mid 4100) under 六等 3500–9000 (mid 6250): 172.73 %, 52.44 %, 45.45 %
    five = next(row for row in rows[header + 1 :] if row[0] == 5)
    assert five[:5] == [5, "五等", 2200, 4100, 6000]
    assert five[6:] == [pytest.approx(1.7273), pytest.approx(0.5244), pytest.approx(0.4545)]
    assert sheet.cell(header + 2, 7).number_format == "0.00%"
    assert [row[0] for row in rows[header + 1 :]] == [9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert rows[header + 1][7:] == [None, None]  # the highest has no 级差 or 重叠度


# ----------------------------------------------------------------------------- preview and import


@pytest.fixture
def seeded(db):
    load_seed()


def values():
    return {g.number: (g.name, g.band_min, g.band_mid, g.band_max, g.description) for g in PayGrade.objects.all()}


def test_an_unchanged_export_imports_as_unchanged_and_saves_nothing(seeded):
    before, revision = values(), CatalogueRevision.objects.values_list("token", flat=True).first()
    sheet = parser.parse_xlsx(exported())
    result = bands_excel.import_bands(sheet)
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 9, "error": 0}
    assert all(outcome.changes == [] for outcome in result.outcomes)
    assert values() == before
    assert CatalogueRevision.objects.values_list("token", flat=True).first() == revision


def test_the_preview_shows_each_change_before_and_after_and_the_grades_left_out(seeded):
    data = edited(exported(), {(6, "带宽最大值"): 9500, (5, "名称"): "五等(主管)"})
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    sheet.append([10, "十等", 25000, None, 40000, "新增"])
    for row in list(sheet.iter_rows()):
        if row[0].value == 1:
            sheet.delete_rows(row[0].row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with translation.override("en"):
        result = bands_excel.preview(parser.parse_xlsx(buffer.getvalue()))
    by_number = {o.row.number: o for o in result.outcomes}
    assert by_number[6].status == "changed"
    assert by_number[6].changes == [("Band maximum", "9000", "9500")]
    assert by_number[5].changes == [("Name", "五等", "五等(主管)")]
    assert by_number[10].status == "new"
    assert by_number[10].row.band_mid == D("32500")
    assert result.counts == {"new": 1, "changed": 2, "unchanged": 6, "error": 0}
    assert [str(g) for g in result.kept] == ["1 · 一等"]
    table = {number: (name, band, figures) for number, name, band, figures in result.table}
    assert table[10][0] == "十等" and table[1][0] == "一等"  # kept ones stay in the table after the import
    assert table[9][2].overlap == D("0.3333")  # 九等 15000–30000 against 十等 25000–40000: (30000 − 25000) ÷ 15000
    assert values()[6][3] == D("9000")  # a preview saves nothing


def test_it_saves_the_new_and_changed_grades_and_keeps_the_left_out_ones(seeded):
    revision = CatalogueRevision.objects.values_list("token", flat=True).first()
    data = edited(
        exported(), {(6, "带宽最大值"): 9500, (6, "说明"): "'=调高"}
    )  # Excel's way to type text that starts with =
    workbook = load_workbook(io.BytesIO(data))
    workbook.worksheets[0].append([10, "十等", 25000, None, 40000, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    bands_excel.import_bands(parser.parse_xlsx(buffer.getvalue()))
    saved = values()
    assert saved[6][3] == D("9500") and saved[6][4] == "=调高"
    assert saved[10] == ("十等", D("25000"), D("32500"), D("40000"), "")
    assert len(saved) == 10
    assert CatalogueRevision.objects.values_list("token", flat=True).first() != revision
    # and the changed file, exported again, imports as unchanged
    again = bands_excel.import_bands(parser.parse_xlsx(exported()))
    assert again.counts["unchanged"] == 10 and not again.changes_anything


def test_a_file_without_descriptions_keeps_them(seeded):
    before = values()
    sheet = parsed([6, "六等", 3500, 6250, 9500], header=HEADER[:5])
    with translation.override("en"):
        result = bands_excel.import_bands(sheet)
    assert [o.changes for o in result.outcomes] == [[("Band maximum", "9000", "9500")]]
    assert values()[6] == (*before[6][:3], D("9500"), before[6][4])
    assert values()[6][4].startswith("示例带宽")


def test_nothing_is_saved_from_a_file_with_an_error(seeded):
    before = values()
    data = edited(exported(), {(6, "带宽最大值"): 9500, (5, "带宽中点值"): 100})
    with translation.override("en"):
        sheet = parser.parse_xlsx(data)
        result = bands_excel.preview(sheet)
    assert result.has_errors and result.counts["error"] == 1
    with translation.override("en"):
        assert [o.errors for o in result.outcomes if o.errors] == [
            [
                f"Row {result.outcomes[4].row.line}, column D (Band midpoint): The midpoint must lie between the minimum and the maximum."
            ]
        ]
    with pytest.raises(bands_excel.ImportRefused):
        bands_excel.import_bands(sheet)
    assert values() == before


def test_a_number_added_by_someone_else_meanwhile_refuses_the_whole_file(seeded, monkeypatch):
    """Between the import's lock and its insert, another writer adds 十等 (the lock holds rows, not free numbers)."""
    before = values()
    sheet = parsed([6, "六等", 3500, None, 9500], [10, "十等", 25000, None, 40000])
    real_bulk_create = PayGrade.objects.bulk_create

    def meanwhile(grades, *args, **kwargs):
        PayGrade.objects.create(number=10, name="别人的十等", band_min=1, band_max=2)
        return real_bulk_create(grades, *args, **kwargs)

    monkeypatch.setattr(PayGrade.objects, "bulk_create", meanwhile)
    with translation.override("en"), pytest.raises(bands_excel.ImportRefused, match="added by someone else"):
        bands_excel.import_bands(sheet)
    assert values() == before  # 六等's change is not saved either


def test_the_command_previews_then_imports(seeded, tmp_path):
    path = tmp_path / "bands.xlsx"
    path.write_bytes(edited(exported(), {(6, "带宽最大值"): 9500}))
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_bands", str(path), "--dry-run", stdout=out)
    assert "Band maximum: 9000 → 9500" in out.getvalue()
    assert "Dry run, nothing saved. New 0, changed 1, unchanged 8." in out.getvalue()
    assert values()[6][3] == D("9000")
    with translation.override("en"):
        call_command("import_bands", str(path), stdout=out)
    assert values()[6][3] == D("9500")


def test_the_command_refuses_a_file_with_errors_naming_row_and_column(seeded, tmp_path):
    path = tmp_path / "bands.xlsx"
    path.write_bytes(edited(exported(), {(6, "带宽最小值"): 0, (5, "带宽最大值"): 9000}))
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="1 row has errors: nothing was saved."):
        call_command("import_bands", str(path), stdout=out)
    assert "column C (Band minimum): The minimum must be above 0." in out.getvalue()
    assert values()[5][3] == D("6000")


def test_the_command_refuses_a_file_that_is_no_xlsx(tmp_path):
    path = tmp_path / "bands.csv"
    path.write_text("1,2")
    with translation.override("en"), pytest.raises(CommandError, match="Only Excel .xlsx files can be imported."):
        call_command("import_bands", str(path))


class RoundTripInTheDatabase(HypothesisTestCase):
    """Export → import of any saved band table changes nothing."""

    @settings(max_examples=15, deadline=None)
    @given(band_tables())
    def test_an_exported_table_reimports_unchanged(self, grades):
        PayGrade.objects.bulk_create(grades)
        before = values()
        result = bands_excel.import_bands(parser.parse_xlsx(exported()))
        assert result.counts["unchanged"] == len(grades) and not result.changes_anything
        assert values() == before

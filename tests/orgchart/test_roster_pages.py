"""The roster import page (HR): upload, preview, import; the template file; and the import_employees command."""

import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from orgchart.models import Employee
from orgchart.roster.parser import COLUMNS, parse_xlsx
from roles.models import Role
from tests.factories import make_hr_manager, make_manager
from tests.orgchart.test_roster_parser import HEADER, xlsx
from tests.orgchart.test_roster_service import people, staff  # noqa: F401 (a fixture)
from tests.queries import assert_constant_queries

URL = "/orgchart/roster/import/"
TEMPLATE_URL = "/orgchart/roster/template.xlsx"
FILE = [
    ["张三", "E1001", "客服主管", "白班", "2024-03-01", None],
    ["王晓明", "E0001", "店铺客服", "白班", "2023-01-01", None],
    ["赵六", "E1003", "客服", None, None, None],
]


def upload(client, data, name="花名册.xlsx"):
    return client.post(URL, {"step": "preview", "file": SimpleUploadedFile(name, data)})


def text(response):
    """The page's words, tags removed, spaces folded."""
    body = response.content.decode()
    body = body[body.index('id="content-main"') :]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def table(response):
    """The preview table's rows as the reader sees them: cells' words, row by row."""
    body = response.content.decode()
    rows = re.findall(r'<tr class="roster-row-\w+" id="roster-row-\d+">(.*?)</tr>', body, re.S)
    return [
        [
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def payload(response):
    return re.search(r'name="roster" value="([^"]+)"', response.content.decode()).group(1)


def test_hr_uploads_sees_the_preview_in_chinese_and_imports_the_valid_rows(hr_client, staff):  # noqa: F811
    before = people()
    response = upload(hr_client, xlsx(HEADER, *FILE))
    assert response.status_code == 200
    assert "从 花名册.xlsx 的工作表“花名册”读取 3 行：新增 1，变更 1，未变 0，错误 1。尚未保存任何内容。" in text(
        response
    )
    assert table(response) == [
        ["2", "新增", "张三", "E1001", "客服主管", "白班", "2024-03-01", "", ""],
        ["3", "变更", "王晓明", "E0001", "店铺客服", "白班", "2023-01-01", "", "姓名: 王小明 → 王晓明"],
        ["4", "错误", "赵六", "E1003", "客服", "", "", "", "没有名称或编号为“客服”的岗位。"],
    ]
    assert people() == before  # the preview saved nothing
    response = hr_client.post(URL, {"step": "import", "roster": payload(response)})
    assert response.status_code == 200
    assert "已从 花名册.xlsx 导入：新增 1，更新 1，未变 0，未导入（有错误）1。" in text(response)
    assert Employee.objects.get(employee_number="E0001").name == "王晓明"
    assert Employee.objects.get(employee_number="E1001").role.slug == "cs-supervisor"
    assert not Employee.objects.filter(employee_number="E1003").exists()


def test_a_role_named_by_its_number_shows_its_title(hr_client, staff):  # noqa: F811
    response = upload(hr_client, xlsx(HEADER, ["张三", "E1001", "ec-008", None, None, None]))
    assert table(response) == [["2", "新增", "张三", "E1001", "ec-008 (摄影)", "", "", "", ""]]


def test_importing_the_same_preview_twice_changes_nothing(hr_client, staff):  # noqa: F811
    preview_page = upload(hr_client, xlsx(HEADER, *FILE))
    hr_client.post(URL, {"step": "import", "roster": payload(preview_page)})
    after_first = people()
    response = hr_client.post(URL, {"step": "import", "roster": payload(preview_page)})
    assert table(response)[1][1] == "未变"
    assert people() == after_first


def test_an_altered_preview_imports_nothing(hr_client, staff):  # noqa: F811
    before = people()
    signed = payload(upload(hr_client, xlsx(HEADER, *FILE)))
    response = hr_client.post(URL, {"step": "import", "roster": signed.replace("E", "F", 1) + "x"})
    assert response.status_code == 400
    assert "预览已超过一天或被改动：请重新上传文件。" in text(response)
    assert people() == before


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("花名册.xls", b"\xd0\xcf\x11\xe0", "旧版 Excel（.xls）文件无法读取：请将工作表另存为 .xlsx 后重试。"),
        ("花名册.csv", "姓名,工号,岗位\n".encode(), "只能导入 Excel .xlsx 文件。"),
        ("花名册.xlsx", b"not a zip", "此文件已损坏或不是 Excel 工作簿（.xlsx）。"),
        ("花名册.xlsx", xlsx(["姓名", "工号"], ["张三", "1"]), "文件中没有“岗位”列。"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_with_the_reason(hr_client, staff, name, data, message):  # noqa: F811
    response = upload(hr_client, data, name)
    assert response.status_code == 200
    assert message in text(response)
    assert "roster-rows" not in response.content.decode()


def test_a_file_over_the_import_limit_is_refused(hr_client, staff, settings):  # noqa: F811
    settings.ROLE_IMPORT_MAX_BYTES = 1000
    response = upload(hr_client, xlsx(HEADER, *FILE))
    assert "导入最多接受 1000 字节。" in text(response).replace("\xa0", " ")
    assert "roster-rows" not in response.content.decode()


def test_the_template_has_the_headers_and_an_example_row_that_imports(hr_client, staff):  # noqa: F811
    response = hr_client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=utf-8''%E8%8A%B1%E5%90%8D%E5%86%8C.xlsx" in response["Content-Disposition"]  # 花名册.xlsx
    roster = parse_xlsx(response.content)
    assert roster.fields == tuple(column.field for column in COLUMNS)
    [example] = roster.rows
    assert (example.name, example.employee_number, example.role, example.shift) == ("张三", "E0001", "总经理", "白班")
    assert example.problems == []
    header = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(header) == HEADER


def test_the_employees_list_leads_hr_to_the_import(hr_client, staff):  # noqa: F811
    response = hr_client.get("/admin/orgchart/employee/")
    assert f'href="{URL}"' in response.content.decode()
    assert "导入花名册" in text(response)


@pytest.mark.parametrize("who, status", [("manager", 403), ("approver", 200)])
def test_only_those_who_may_add_and_change_employees_may_import(client, staff, who, status):  # noqa: F811
    client.force_login(make_manager() if who == "manager" else make_hr_manager())
    assert client.get(URL).status_code == status
    assert client.get(TEMPLATE_URL).status_code == status


def test_anonymous_visitors_are_sent_to_the_login_page(client, staff):  # noqa: F811
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_preview_page_costs_the_same_queries_for_any_number_of_rows(hr_client, staff):  # noqa: F811
    rows = list(FILE)

    def grow():
        role = Role.objects.get(slug="photographer")
        for n in range(20):
            Employee.objects.create(name=f"员工{n}", employee_number=f"N{n}", role=role)
            rows.append([f"员工{n}", f"N{n}", "美工", "晚班", None, None])
            rows.append([f"新人{n}", f"M{n}", "EC-008", None, "2024-03-01", None])

    assert_constant_queries(lambda: upload(hr_client, xlsx(HEADER, *rows)), grow)


# ----------------------------------------------------------------------------- the command


def run(*args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_employees", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_preview_and_saves_nothing_on_a_dry_run(staff, tmp_path):  # noqa: F811
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(xlsx(HEADER, *FILE))
    before = people()
    assert run(str(path), "--dry-run").splitlines() == [
        "Row 2: 张三 (E1001), 客服主管 → new",
        "Row 3: 王晓明 (E0001), 店铺客服 → changed",
        "   Name: 王小明 → 王晓明",
        "Row 4: 赵六 (E1003), 客服 → error",
        "   No role is titled or numbered “客服”.",
        "Dry run, nothing saved. New 1, changed 1, unchanged 0, errors 1 (not imported).",
    ]
    assert people() == before


def test_the_command_imports_the_valid_rows_and_a_second_run_changes_nothing(staff, tmp_path):  # noqa: F811
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(xlsx(HEADER, *FILE))
    assert run(str(path)).splitlines()[-1] == "Imported. New 1, changed 1, unchanged 0, errors 1 (not imported)."
    after = people()
    assert run(str(path)).splitlines()[-1] == "Imported. New 0, changed 0, unchanged 2, errors 1 (not imported)."
    assert people() == after


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("花名册.csv", b"a,b", "Only Excel .xlsx files can be imported."),
        ("花名册.xlsx", b"not a zip", "This file is damaged or is not an Excel workbook (.xlsx)."),
    ],
)
def test_the_command_refuses_a_file_it_cannot_import(staff, tmp_path, name, data, message):  # noqa: F811
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError) as error:
        run(str(path))
    assert str(error.value) == f"{path}: {message}"


def test_the_command_refuses_a_file_over_the_limit_unread(staff, tmp_path, settings):  # noqa: F811
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(b"x" * 2000)  # not a workbook: refused for its size before anything looks inside
    settings.ROLE_IMPORT_MAX_BYTES = 1000
    with pytest.raises(CommandError) as error:
        run(str(path))
    assert str(error.value) == f"{path}: The file is 2.0\xa0KB; the import takes at most 1000\xa0bytes."

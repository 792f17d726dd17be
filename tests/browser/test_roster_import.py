"""The roster import (花名册导入) in Chromium: HR goes from the employees' list to the import page, uploads an
.xlsx, sees each row marked new, changed or error with the reason, imports the valid rows and sees what was
done; the employees' list then shows the new person. Over plan under 禁止 is one of the errors."""

import datetime

import pytest
from django.db import transaction
from django.utils import translation
from playwright.sync_api import expect

from orgchart import placement
from orgchart.models import Employee, HeadcountLine, HeadcountPlan
from roles import dated
from roles.models import Role, Shift
from tests.browser.test_catalogue import assert_accessible, log_in, watch
from tests.browser.test_plans import table
from tests.factories import make_hr_user
from tests.orgchart.test_roster_parser import HEADER, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Django admin's own breadcrumbs (white links in light text on its blue bar, no underline): the admin's
# stylesheet, not this page's.
ADMIN_BREADCRUMBS = [("link-in-text-block", ".breadcrumbs > a")]


def refusal(employee):
    """The message the admin and the API give when the plan refuses this placement, in Chinese."""
    with translation.override("zh-hans"), transaction.atomic():
        with pytest.raises(placement.PlacementRefused) as refused:
            placement.place(employee)
        transaction.set_rollback(True)
    return refused.value.message


def test_hr_uploads_a_roster_sees_the_preview_imports_and_sees_the_result(live_server, seeded, page, artifacts):
    seen = watch(page)
    today = dated.today()
    designer = Role.objects.get(slug="designer")
    Employee.objects.create(
        name="王小明",
        employee_number="E0001",
        role=Role.objects.get(slug="store-cs"),
        shift=Shift.objects.get(name="白班"),
        start_date=datetime.date(2023, 1, 1),
    )
    for n in (1, 2):
        Employee.objects.create(
            name=f"美工{n}", employee_number=f"D{n}", role=designer, start_date=datetime.date(2022, 1, 1)
        )
    plan = HeadcountPlan.objects.create(
        name="年度编制",
        start_date=today.replace(month=1, day=1),
        end_date=today.replace(month=12, day=31),
        status=HeadcountPlan.Status.ACTIVE,
        control_mode=HeadcountPlan.ControlMode.DENY,
    )
    HeadcountLine.objects.create(plan=plan, role=designer, seats=2)
    log_in(page, live_server, make_hr_user())

    page.goto(f"{live_server.url}/admin/orgchart/employee/")
    with page.expect_navigation():
        page.get_by_role("link", name="导入花名册").click()
    expect(page.locator("h1")).to_have_text("导入花名册")
    expect(page.get_by_role("link", name="下载模板")).to_be_visible()
    assert_accessible(page, "the roster upload form", ignore=ADMIN_BREADCRUMBS)

    data = xlsx(
        HEADER,
        ["张三", "E1001", "客服主管", "白班", "2024-03-01", None],
        ["王晓明", "E0001", "店铺客服", "白班", "2023-01-01", None],
        ["赵六", "E1003", "客服", None, None, None],
        ["钱七", "E1004", "美工", None, today.isoformat(), None],
        ["孙八", "E1005", "EC-008", "中班", "2024-02-30", None],
    )
    page.get_by_label("花名册文件").set_input_files(
        {"name": "花名册.xlsx", "mimeType": "application/octet-stream", "buffer": data}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="预览").click()

    expect(page.locator("#roster-summary")).to_have_text(
        "从 花名册.xlsx 的工作表“花名册”读取 5 行：新增 1，变更 1，未变 0，错误 3。尚未保存任何内容。"
    )
    rows = table(page, "#roster-rows")
    assert [row[:3] for row in rows] == [
        ["2", "新增", "张三"],
        ["3", "变更", "王晓明"],
        ["4", "错误", "赵六"],
        ["5", "错误", "钱七"],
        ["6", "错误", "孙八"],
    ]
    assert rows[1][-1] == "姓名: 王小明 → 王晓明"
    assert rows[2][-1] == "没有名称或编号为“客服”的岗位。"
    assert rows[3][-1] == refusal(Employee(name="钱七", employee_number="E1004", role=designer, start_date=today))
    assert (
        rows[4][-1]
        == "入职日期：“2024-02-30”不是日期，请写成 YYYY-MM-DD。没有名为“中班”的班次（现有班次：白班、晚班）。"
    )
    expect(page.locator("#roster-row-6 .roster-status")).to_have_css("background-color", "rgb(242, 222, 222)")
    assert not Employee.objects.filter(employee_number="E1001").exists()  # nothing saved by the preview
    page.screenshot(path=artifacts / "roster-preview.png", full_page=True)
    assert_accessible(page, "the roster preview", ignore=ADMIN_BREADCRUMBS)

    with page.expect_navigation():
        page.get_by_role("button", name="导入 2 条有效行").click()
    expect(page.locator("#roster-summary")).to_have_text(
        "已从 花名册.xlsx 导入：新增 1，更新 1，未变 0，未导入（有错误）3。"
    )
    assert [row[:3] for row in table(page, "#roster-rows")][:2] == [["2", "新增", "张三"], ["3", "变更", "王晓明"]]
    page.screenshot(path=artifacts / "roster-imported.png", full_page=True)

    with page.expect_navigation():
        page.get_by_role("link", name="员工").last.click()
    expect(page.locator("#result_list")).to_contain_text("张三")
    expect(page.locator("#result_list")).to_contain_text("王晓明")
    expect(page.locator("#result_list")).not_to_contain_text("钱七")
    assert seen == {"errors": [], "dialogs": []}

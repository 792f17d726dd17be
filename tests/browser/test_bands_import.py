"""The band table (职等) from Excel in Chromium: HR goes from the pay grades' list to the import page, downloads
the band table, raises 四等's maximum, uploads it, sees the change and the pay-above-band finding it removes,
saves, and sees the list with the new maximum. The issue's Done-when, in Chinese."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from roles.models import PayGrade, Role
from tests.browser.test_catalogue import assert_accessible, log_in, watch
from tests.factories import make_hr_user
from tests.roles.test_bands_excel import edited

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ADMIN_BREADCRUMBS = [("link-in-text-block", ".breadcrumbs > a")]  # the admin's own stylesheet


def test_hr_raises_a_maximum_in_excel_and_the_finding_disappears(live_server, seeded, page, artifacts):
    seen = watch(page)
    role = Role.objects.get(slug="promotion-specialist")
    role.base_salary = Decimal("4000")  # target 4000 + 400 + 800 = 5200, above 四等's 4800
    role.save()
    log_in(page, live_server, make_hr_user())

    page.goto(f"{live_server.url}/admin/roles/paygrade/")
    with page.expect_navigation():
        page.get_by_role("link", name="从 Excel 导入").click()
    expect(page.locator("h1")).to_have_text("导入薪酬带宽")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载带宽表").click()
    assert_accessible(page, "the band upload form", ignore=ADMIN_BREADCRUMBS)
    data = edited(open(download.value.path(), "rb").read(), {(4, "带宽最大值"): 5300})

    page.get_by_label("带宽表文件").set_input_files(
        {"name": "薪酬带宽表.xlsx", "mimeType": "application/octet-stream", "buffer": data}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="预览").click()
    expect(page.locator("#bands-summary")).to_contain_text("新增 0，变更 1，未变 8，错误 0")
    expect(page.locator("#bands-rows tbody tr.bands-row-changed")).to_contain_text("带宽最大值: 4800 → 5300")
    gone = page.locator("#bands-findings-gone")
    expect(gone).to_contain_text("推广专员")
    expect(gone.locator('[data-rule="pay-above-band"]')).to_have_count(1)
    expect(page.locator('#bands-findings-kept [data-rule="pay-above-band"]')).to_have_count(0)
    expect(page.locator("#bands-after-4")).to_contain_text("5300")
    page.screenshot(path=artifacts / "bands-preview.png", full_page=True)
    assert_accessible(page, "the band preview", ignore=ADMIN_BREADCRUMBS)
    assert PayGrade.objects.get(number=4).band_max == Decimal("4800")

    with page.expect_navigation():
        page.get_by_role("button", name="保存变更").click()
    expect(page.locator("#bands-summary")).to_have_text(
        "已从 薪酬带宽表.xlsx 导入：新增职等 0 个，修改 1 个，未变 8 个。"
    )
    expect(page.locator('#bands-findings-gone [data-rule="pay-above-band"]')).to_have_count(1)
    page.screenshot(path=artifacts / "bands-imported.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="职等").last.click()
    expect(page.locator("#result_list")).to_contain_text("5300")
    assert seen == {"errors": [], "dialogs": []}

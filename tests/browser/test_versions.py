"""The version history in a real browser: pick two versions, compare them, read the highlighted changes."""

import pytest
from playwright.sync_api import expect

from roles import workflow
from roles.models import Role
from tests.browser.test_catalogue import FAILING_IMPACTS, axe_violations, log_in
from tests.factories import make_hr_manager, make_hr_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_compares_two_versions_side_by_side(seeded, live_server, page, artifacts):
    hr, approver = make_hr_user(), make_hr_manager()
    role = Role.objects.get(slug="store-cs")
    duties = list(role.duties.values_list("text", flat=True))
    role.headcount += 2
    workflow.save_edit(
        role,
        "browser test",
        duties=[{"text": "处理直播间客人的咨询"}, *({"text": t} for t in duties[:-1])],
    )
    workflow.after_edit(role.pk, hr)
    workflow.submit_for_review(role.pk, hr, "增加直播间咨询，晚班加两人")
    workflow.publish(role.pk, approver, comment="同意")
    log_in(page, live_server, hr)

    page.goto(f"{live_server.url}/roles/store-cs/")
    page.locator('a[href="/roles/store-cs/history/"]').click()  # by address: the link text awaits its translation
    expect(page.locator(".version-table tbody tr")).to_have_count(2)
    page.locator('input[name="a"][value="2"]').check()  # compare the new version with itself first …
    page.locator('input[name="b"][value="2"]').check()
    page.locator(".versions button[type=submit]").click()
    expect(page.locator("section.diff tr.changed")).to_have_count(0)
    page.locator('input[name="a"][value="1"]').check()  # … then with the seed's version
    page.locator(".versions button[type=submit]").click()

    diff = page.locator("section.diff")
    expect(diff.locator('tr.changed[data-field="headcount"]')).to_be_visible()
    duties_table = diff.locator('table[data-section="duties"]')
    expect(duties_table.locator("tr.added ins")).to_have_text("处理直播间客人的咨询")
    expect(duties_table.locator("tr.removed del")).to_have_text(duties[-1])
    expect(duties_table.locator("tr.unchanged")).to_have_count(len(duties) - 1)
    page.screenshot(path=artifacts / "version-history-diff.png", full_page=True)
    serious = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    assert not serious, serious

"""Acceptance scenario: a new HR user logs in to /admin/, sees the seed role tree in
Chinese, drags 推广专员 under 店长 and back, and the role's history shows both changes.

The drags are real mouse events on DraggableMPTTAdmin's drag handle, so the drop
zone is computed by mptt/static/mptt/draggable-admin.js exactly as for a person:
the row under the pointer is split into thirds of the dragged row's height, top
third "before" (position=left), middle third "child" (last-child), bottom third
"after" (right). The script offers "child" and "after" only on rows without
children, so a role is made a direct report of 店长 (who has reports already) by
dropping it before one of 店长's current reports.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from roles import dated
from roles.models import Role, RoleChange
from tests.factories import make_hr_user, tree_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-Secret-123"  # what tests.factories.make_user gives every user
CHANGELIST = "/admin/roles/role/"
ZONE_FRACTION = {"before": 1 / 6, "child": 1 / 2, "after": 5 / 6}  # middle of each third of the row
ZONE_LABEL = {"before": "往前移", "child": "移至下一层", "after": "往后移"}  # mptt's zh-hans drop-line labels


def role(title):
    return Role.objects.get(title=title)


def role_row(page, title):
    return page.locator("#result_list tbody tr").filter(
        has=page.locator("th.field-indented_title", has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))
    )


def page_tree(page):
    """The changelist as [(level, title, text-indent px)] in row order, read from the DOM."""
    return page.eval_on_selector_all(
        "#result_list tbody tr",
        """rows => rows.map(row => {
            const title = row.querySelector("th.field-indented_title div");
            return [
                Number(row.querySelector(".tree-node").dataset.level),
                title.textContent.trim(),
                parseFloat(getComputedStyle(title).textIndent),
            ];
        })""",
    )


def page_parent(page, title):
    """The superior shown on the page: the nearest row above with a smaller indent."""
    rows = page_tree(page)
    index = next(i for i, (_, t, _) in enumerate(rows) if t == title)
    level = rows[index][0]
    return next((t for lvl, t, _ in reversed(rows[:index]) if lvl < level), None)


def drag_role(page, title, target_title, zone, screenshot=None, message=None):
    """Drag a role by its handle over a zone of another row and drop it; returns after the reload."""
    handle = role_row(page, title).locator(".drag-handle")
    target = role_row(page, target_title)
    expect(handle).to_be_visible()
    expect(target).to_be_visible()
    # Geometry as the script sees it: jQuery offsets and the *dragged* row's height.
    top, row_height = target.evaluate(
        """(row, dragged) => {
            const $ = django.jQuery;
            return [$(row).offset().top - window.scrollY, $(dragged).closest("tr").height()];
        }""",
        handle.element_handle(),
    )
    title_cell = target.locator("th").bounding_box()
    x = title_cell["x"] + 40
    y = top + row_height * ZONE_FRACTION[zone]

    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(x, y, steps=8)
    # The drop line names the zone the script picked; a wrong zone fails here, before anything moves.
    expect(page.locator("#drag-line span")).to_have_text(ZONE_LABEL[zone])
    if screenshot:
        page.screenshot(path=screenshot)
    with page.expect_navigation(wait_until="load"):
        with page.expect_response(lambda r: r.request.method == "POST" and CHANGELIST in r.url) as response:
            page.mouse.up()
    assert response.value.ok, response.value.status
    # The body ("OK, moved." / "FAIL, ...") is gone after the reload; the outcome shows as a message.
    expect(page.locator("ul.messagelist")).to_have_text(message or f"岗位“{title}”已移动。")


def test_new_hr_user_drags_promotion_specialist_under_store_manager_and_back(live_server, seeded, page, artifacts):
    hr = make_hr_user()
    specialist, supervisor, store_manager = role("推广专员"), role("推广主管"), role("店长")
    assert specialist.parent == supervisor and supervisor.parent == store_manager
    seed_tree = tree_text()
    history_before = {r.pk: r.history.count() for r in Role.objects.all()}

    # Log in through the real form.
    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    expect(page.locator("input[type=submit]")).to_have_value("登录")
    page.locator("#id_username").press_sequentially(hr.username)
    page.locator("#id_password").press_sequentially(PASSWORD)
    page.screenshot(path=artifacts / "admin-tree-01-login.png")
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/admin/")
    expect(page.locator("#content-main")).to_contain_text("岗位目录")

    # The seed tree, in Chinese, indented in tree order.
    page.goto(live_server.url + CHANGELIST)
    expect(page.locator("#content h1")).to_have_text("选择 岗位 来修改")
    headers = page.locator("#result_list thead th").all_inner_texts()
    for label in ("岗位名称", "岗位编号", "部门", "职级", "编制", "状态"):
        assert label in [h.strip() for h in headers], headers
    expect(role_row(page, "推广专员").locator("td.field-status")).to_have_text("已发布")
    rows = page_tree(page)
    assert "\n".join("  " * level + title for level, title, _ in rows) == seed_tree
    assert all(indent == level * 20 for level, _, indent in rows), rows
    assert page_parent(page, "推广专员") == "推广主管"
    page.screenshot(path=artifacts / "admin-tree-02-seed-tree.png", full_page=True)

    # Drag 推广专员 up to 店长: dropped before 推广主管, a direct report of 店长.
    drag_role(page, "推广专员", "推广主管", "before", screenshot=artifacts / "admin-tree-03-dragging.png")
    specialist.refresh_from_db()
    assert specialist.parent == store_manager
    assert page_parent(page, "推广专员") == "店长"
    page.screenshot(path=artifacts / "admin-tree-04-under-store-manager.png", full_page=True)

    # And back: dropped as a child of 推广主管 (a leaf now, so the "child" zone is offered).
    drag_role(page, "推广专员", "推广主管", "child")
    specialist.refresh_from_db()
    assert specialist.parent == supervisor
    assert page_parent(page, "推广专员") == "推广主管"
    assert tree_text() == seed_tree
    assert "\n".join("  " * level + title for level, title, _ in page_tree(page)) == seed_tree
    page.screenshot(path=artifacts / "admin-tree-05-back.png", full_page=True)

    # History: two new entries for 推广专员, both by the HR user; no other role touched.
    new = list(specialist.history.order_by("-history_date", "-history_id")[:2])
    assert [(h.history_user, h.parent_id, h.history_change_reason) for h in new] == [
        (hr, supervisor.pk, "上级由 店长 改为 推广主管"),
        (hr, store_manager.pk, "上级由 推广主管 改为 店长"),
    ]
    history_after = {r.pk: r.history.count() for r in Role.objects.all()}
    assert history_after == {**history_before, specialist.pk: history_before[specialist.pk] + 2}

    # A move for a later day: the date field above the tree goes with the drag; nothing moves today.
    later = dated.today() + datetime.timedelta(days=30)
    expect(page.locator("#move-effective-date")).to_have_value(dated.today().isoformat())
    page.locator("#move-effective-date").fill(later.isoformat())
    drag_role(page, "推广专员", "推广主管", "before", message=f"岗位“推广专员”将于 {later.isoformat()} 调整。")
    specialist.refresh_from_db()
    assert specialist.parent == supervisor and page_parent(page, "推广专员") == "推广主管"
    scheduled = RoleChange.objects.filter(role=specialist, kind="parent").latest("recorded_at")
    assert (scheduled.value, scheduled.effective_date, scheduled.recorded_by) == (store_manager.pk, later, hr)

    page.goto(f"{live_server.url}{CHANGELIST}{specialist.pk}/history/")
    expect(page.locator("#content h1")).to_contain_text("推广专员")
    entries = page.locator("#change-history tbody tr")
    expect(entries).to_have_count(history_before[specialist.pk] + 2)
    by_hr = entries.filter(has=page.locator(f'a[href$="/auth/user/{hr.pk}/change/"]'))
    expect(by_hr).to_have_count(2)
    expect(by_hr.nth(0)).to_contain_text("上级由 店长 改为 推广主管")
    expect(by_hr.nth(1)).to_contain_text("上级由 推广主管 改为 店长")
    expect(by_hr.locator(f'a[href$="/auth/user/{hr.pk}/change/"]')).to_have_text([hr.username, hr.username])
    page.screenshot(path=artifacts / "admin-tree-06-history.png", full_page=True)

"""HR's admin screens: the role tree, its forms, history, and who may edit."""

import datetime

import pytest
import time_machine

from roles import dated, services
from roles.models import Role, RoleChange
from tests.factories import make_manager
from tests.pages import add_roles, page_view
from tests.queries import assert_constant_queries


def test_hr_sees_the_role_tree_in_chinese(seeded, hr_client):
    page = hr_client.get("/admin/roles/role/").content.decode()
    assert "<h1>选择 岗位 来修改</h1>" in page
    positions = [page.index(title) for title in ["总经理", "运营总监", "店长", "客服主管", "店铺客服", "仓库主管"]]
    assert positions == sorted(positions)
    assert "电子商务部" in page and "经理/店长" in page


def test_the_changelist_query_count_does_not_grow_with_roles(seeded, hr_client):
    changelist = page_view(hr_client, "/admin/roles/role/")
    assert_constant_queries(changelist, lambda: add_roles(200))
    assert "客服199" in changelist().content.decode()


def test_the_change_form_query_count_does_not_grow_with_roles(seeded, hr_client):
    url = f"/admin/roles/role/{Role.objects.get(title='客服主管').pk}/change/"
    assert_constant_queries(page_view(hr_client, url), lambda: add_roles(200))


def test_the_change_form_shows_the_card_in_chinese(seeded, hr_client):
    role = Role.objects.get(title="推广专员")
    page = hr_client.get(f"/admin/roles/role/{role.pk}/change/").content.decode()
    for label in ["主要职责", "职责", "任职要求", "技能要求", "考核指标", "编制", "上级"]:
        assert label in page
    assert "店铺数据的反馈与分析" in page


def test_search_finds_roles_by_chinese_duty_text(seeded, hr_client):
    page = hr_client.get("/admin/roles/role/", {"q": "盘点"}).content.decode()
    assert "仓库主管" in page and "仓库员" in page
    assert "推广专员" not in page


def test_a_move_in_the_admin_is_recorded_in_the_role_history(seeded, hr_client):
    role = Role.objects.get(title="推广专员")
    store_manager = Role.objects.get(title="店长")
    response = hr_client.post(
        "/admin/roles/role/",
        {"cmd": "move_node", "cut_item": role.pk, "pasted_on": store_manager.pk, "position": "last-child"},
    )
    assert response.content == b"OK, moved."
    assert Role.objects.get(pk=role.pk).parent == store_manager
    history = hr_client.get(f"/admin/roles/role/{role.pk}/history/").content.decode()
    assert "hr" in history and "推广主管" in history and "店长" in history


def test_a_drag_takes_effect_on_the_day_the_page_says(seeded, hr_client):
    page = hr_client.get("/admin/roles/role/").content.decode()
    today = dated.today()
    assert f'id="move-effective-date" value="{today.isoformat()}"' in page and "拖放调整上级的生效日期" in page
    assert "js/admin-move-date.js" in page
    role, store_manager = Role.objects.get(title="推广专员"), Role.objects.get(title="店长")
    later = today + datetime.timedelta(days=30)
    move = {"cmd": "move_node", "cut_item": role.pk, "pasted_on": store_manager.pk, "position": "last-child"}
    assert hr_client.post("/admin/roles/role/", move | {"effective_date": later.isoformat()}).content == b"OK, moved."
    assert Role.objects.get(pk=role.pk).parent.title == "推广主管"  # scheduled: still where it is today
    change = RoleChange.objects.get(role=role, kind="parent")
    assert (change.value, change.effective_date, change.recorded_by.username) == (store_manager.pk, later, "hr")
    with time_machine.travel(later):
        dated.apply_due(later)
        assert Role.objects.get(pk=role.pk).parent == store_manager


@pytest.mark.parametrize(
    ("day", "message"),
    [("2026-13-01", "请按 YYYY-MM-DD 填写生效日期。"), ("1899-12-31", "请输入 1900-01-01 至 2100-12-31 之间的日期。")],
)
def test_a_drag_with_a_bad_day_moves_nothing_and_says_why(seeded, hr_client, day, message):
    role, store_manager = Role.objects.get(title="推广专员"), Role.objects.get(title="店长")
    move = {"cmd": "move_node", "cut_item": role.pk, "pasted_on": store_manager.pk, "position": "last-child"}
    response = hr_client.post("/admin/roles/role/", move | {"effective_date": day})
    assert response.content.startswith(b"FAIL")
    assert Role.objects.get(pk=role.pk).parent.title == "推广主管"
    assert not RoleChange.objects.filter(role=role, kind="parent").exists()
    page = hr_client.get("/admin/roles/role/").content.decode()
    assert message in page


def test_an_invalid_drag_is_refused_with_a_message(seeded, hr_client):
    manager = Role.objects.get(title="店长")
    clerk = Role.objects.get(title="仓库员")
    response = hr_client.post(
        "/admin/roles/role/",
        {"cmd": "move_node", "cut_item": manager.pk, "pasted_on": clerk.pk, "position": "last-child"},
    )
    assert response.content == b"FAIL, invalid move."
    page = hr_client.get("/admin/roles/role/").content.decode()
    assert "岗位的上级不能是其本身或其下属岗位" in page
    assert Role.objects.get(pk=manager.pk).parent.title == "运营总监"


def test_managers_may_read_but_not_change_roles(seeded, client):
    client.force_login(make_manager())
    role = Role.objects.get(title="店长")
    assert client.get("/admin/roles/role/").status_code == 200
    page = client.get(f"/admin/roles/role/{role.pk}/change/").content.decode()
    assert "查看 岗位" in page  # the view-only form, not 修改 岗位
    assert 'name="_save"' not in page and 'value="保存"' not in page  # no save button
    response = client.post(
        "/admin/roles/role/", {"cmd": "move_node", "cut_item": role.pk, "pasted_on": role.parent.pk, "position": "left"}
    )
    assert Role.objects.get(pk=role.pk).parent.title == "运营总监"
    # The drag handler answers the tree widget in its own protocol: a refusal, not an HTTP error.
    assert (response.status_code, response.content) == (200, b"FAIL, no permission.")


def test_anonymous_visitors_are_sent_to_the_login_page(seeded, client):
    response = client.get("/admin/roles/role/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/roles/payscheme/",
        "/admin/roles/department/",
        "/admin/roles/grade/",
        "/admin/shopconfig/shopprofile/",
        "/admin/shopconfig/paypolicy/",
    ],
)
def test_hr_can_open_every_catalogue_screen(seeded, hr_client, url):
    assert hr_client.get(url).status_code == 200


def test_the_service_records_why_a_role_moved(seeded):
    role = Role.objects.get(title="推广专员")
    services.move_role(role.pk, Role.objects.get(title="店长").pk, "last-child")
    assert role.history.first().history_change_reason == "上级由 推广主管 改为 店长"

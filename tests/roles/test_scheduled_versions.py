"""A job-description version approved with a later effective date becomes the public version on
that day, not on approval (issue 12, item 1), without anyone running anything."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from roles import dated, workflow
from roles.models import Role
from tests.admin_forms import change_form_data, error_text
from tests.factories import make_hr_manager, make_hr_user, make_role

TODAY = datetime.date(2026, 3, 16)
NEXT_MONTH = datetime.date(2026, 4, 1)
OLD_DUTY = "处理网站客人售前咨询,引导其交易完成"
NEW_DUTY = "处理网站与直播间客人的售前咨询,引导其交易完成"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


def at(day):
    """The clock at noon of `day` in the shop's time zone."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 4, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def clock():
    with at(TODAY) as traveller:
        yield traveller


@pytest.fixture
def hr(db):
    return make_hr_user()


@pytest.fixture
def approver(db):
    return make_hr_manager()


def edit_first_duty(client, role, text):
    url = f"/admin/roles/role/{role.pk}/change/"
    data = change_form_data(client.get(url))
    data["duties-0-text"] = text
    response = client.post(url, data)
    assert response.status_code == 302, error_text(response)


@pytest.fixture
def scheduled(seeded, clock, hr, approver, client):
    """店铺客服 with a new first duty, approved in the admin for the 1st of next month."""
    role = Role.objects.get(slug="store-cs")
    client.force_login(hr)
    edit_first_duty(client, role, NEW_DUTY)
    workflow.submit_for_review(role.pk, hr, "加入直播间咨询")
    client.force_login(approver)
    answer = client.post(
        f"/admin/roles/role/{role.pk}/workflow/publish/", {"comment": "同意", "effective_date": "2026-04-01"}, **ZH
    )
    assert answer.status_code == 302
    client.logout()
    return role


def public_page(client, slug="store-cs"):
    client.logout()
    return client.get(f"/roles/{slug}/", **ZH)


def test_an_approval_for_next_month_leaves_the_public_version_until_that_day(scheduled, client):
    role = Role.objects.get(pk=scheduled.pk)
    assert role.status == Role.Status.SCHEDULED and role.live_version.number == 1
    page = public_page(client).content.decode()
    assert OLD_DUTY in page and NEW_DUTY not in page
    assert "店铺客服" in client.get("/roles/").content.decode()
    api = client.get(f"/api/v1/roles/{role.pk}/").json()
    assert api["duties"][0]["text"] == OLD_DUTY and api["status"] == "published"


def test_the_admin_and_the_pages_say_scheduled_for_the_day_in_chinese(scheduled, client, approver):
    client.force_login(approver)
    followed = client.get(f"/admin/roles/role/{scheduled.pk}/change/", **ZH).content.decode()
    assert "2026-04-01" in followed and "已批准" in followed and "生效" in followed
    history = client.get("/roles/store-cs/history/", **ZH).content.decode()
    assert "计划于 2026-04-01" in history
    staff_page = client.get("/roles/store-cs/", **ZH).content.decode()
    assert NEW_DUTY in staff_page and "计划于 2026-04-01" in staff_page


def test_on_its_day_it_is_the_public_version_without_anyone_running_anything(scheduled, client, clock):
    clock.move_to(datetime.datetime(2026, 3, 31, 15, 59, tzinfo=datetime.UTC))  # 23:59 in Shanghai
    assert NEW_DUTY not in public_page(client).content.decode()
    clock.move_to(datetime.datetime(2026, 3, 31, 16, 1, tzinfo=datetime.UTC))  # 00:01 on the 1st
    page = public_page(client).content.decode()  # the request's middleware brings it in force
    assert NEW_DUTY in page and OLD_DUTY not in page
    role = Role.objects.get(pk=scheduled.pk)
    assert role.status == Role.Status.PUBLISHED and role.live_version.number == 2
    assert role.history.filter(history_change_reason__contains="2026-04-01").exists()  # the audit says why
    call_command("check_tree")  # exits non-zero on any problem


def test_a_new_role_approved_for_next_month_is_not_public_until_then(seeded, clock, hr, approver, client):
    role = make_role("直播客服", slug="live-cs", status=Role.Status.DRAFT)
    workflow.submit_for_review(role.pk, hr, "新岗位")
    version = workflow.publish(role.pk, approver, NEXT_MONTH)
    assert version.is_scheduled and Role.objects.get(pk=role.pk).live_version is None
    assert public_page(client, "live-cs").status_code == 404
    assert "直播客服" not in client.get("/roles/").content.decode()
    with at(NEXT_MONTH):
        assert public_page(client, "live-cs").status_code == 200
        assert "直播客服" in client.get("/roles/").content.decode()


def test_editing_a_scheduled_role_withdraws_the_approval(scheduled, client, hr):
    client.force_login(hr)
    edit_first_duty(client, scheduled, NEW_DUTY + "。")
    role = Role.objects.get(pk=scheduled.pk)
    assert role.status == Role.Status.DRAFT and role.live_version.number == 1
    withdrawn = role.versions.get(number=2)
    assert withdrawn.withdrawn_at is not None and not withdrawn.is_scheduled
    history = client.get("/roles/store-cs/history/", **ZH).content.decode()
    assert "已撤回" in history and "计划于" not in history
    with at(NEXT_MONTH):
        page = public_page(client).content.decode()
        assert OLD_DUTY in page and NEW_DUTY not in page  # never in force
        assert Role.objects.get(pk=scheduled.pk).status == Role.Status.DRAFT


@pytest.mark.parametrize("move", ["back_to_draft", "archive"])
def test_back_to_draft_or_archiving_withdraws_it_too(scheduled, hr, move):
    getattr(workflow, move)(scheduled.pk, hr, "计划取消")
    assert scheduled.versions.get(number=2).withdrawn_at is not None
    with at(NEXT_MONTH):
        dated.apply_due()
        assert Role.objects.get(pk=scheduled.pk).status != Role.Status.PUBLISHED


def test_an_approval_for_today_or_earlier_is_public_at_once(seeded, clock, hr, approver):
    for day in (TODAY, TODAY - datetime.timedelta(days=30)):
        role = make_role(f"直播客服{day.day}", status=Role.Status.DRAFT)
        workflow.submit_for_review(role.pk, hr, "新岗位")
        version = workflow.publish(role.pk, approver, day)
        role.refresh_from_db()
        assert role.status == Role.Status.PUBLISHED and role.live_version == version


def test_nothing_due_costs_one_query(scheduled, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert dated.bring_versions_in_force(TODAY) == 0

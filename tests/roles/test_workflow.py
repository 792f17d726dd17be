"""Review and approval: submit, publish (approvers only), archive, back to draft, and what the public reads meanwhile."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from docx import Document
from openpyxl import load_workbook

from orgchart.staffing import chart_nodes
from roles import workflow
from roles.apps import HR_GROUP, HR_MANAGER_GROUP
from roles.models import Role, RoleVersion
from tests.admin_forms import change_form_data, error_text
from tests.factories import make_hr_manager, make_hr_user, make_manager, make_role
from tests.pdf_tools import pdf_text, squeezed

OLD_DUTY = "处理网站客人售前咨询,引导其交易完成"
NEW_DUTY = "处理网站与直播间客人的售前咨询,引导其交易完成"


def change_url(role):
    return f"/admin/roles/role/{role.pk}/change/"


def workflow_url(role, action):
    return f"/admin/roles/role/{role.pk}/workflow/{action}/"


def edit_first_duty_in_the_admin(client, role, text):
    data = change_form_data(client.get(change_url(role)))
    data["duties-0-text"] = text
    response = client.post(change_url(role), data)
    assert response.status_code == 302, error_text(response)
    return response


@pytest.fixture
def store_cs(seeded):
    return Role.objects.get(slug="store-cs")


@pytest.fixture
def approver(db):
    return make_hr_manager()


@pytest.fixture
def hr(db):
    return make_hr_user()


# --- groups and the seed ---------------------------------------------------------------------


def test_only_hr_managers_hold_the_publish_permission(db):
    assert Group.objects.get(name=HR_MANAGER_GROUP).permissions.filter(codename="publish_role").exists()
    assert not Group.objects.get(name=HR_GROUP).permissions.filter(codename="publish_role").exists()
    assert make_hr_manager().has_perm("roles.change_role")  # an HR manager also edits
    assert not make_hr_user("hr2").has_perm("roles.publish_role")
    assert not make_manager().has_perm("roles.publish_role")


def test_published_seed_roles_are_version_1_approved_by_the_system(store_cs):
    version = store_cs.live_version
    assert (version.number, version.kind) == (1, RoleVersion.Kind.PUBLISHED)
    assert version.created_by is None and version.approved_by is None
    # in force from the day the seed's organisation starts (fixtures/seed.json "in_force_from")
    assert version.effective_date == datetime.date(2025, 1, 1) and version.published_at is not None
    assert version.snapshot["duties"][0] == OLD_DUTY
    assert RoleVersion.objects.count() == Role.objects.filter(status=Role.Status.PUBLISHED).count()


# --- publishing permission --------------------------------------------------------------------


def submit(role, user, comment="加入直播间咨询"):
    return workflow.submit_for_review(role.pk, user, comment)


def test_hr_without_the_permission_cannot_publish(store_cs, hr, client):
    edit_first_duty_in_the_admin(client_for(client, hr), store_cs, NEW_DUTY)
    submit(store_cs, hr)
    with pytest.raises(PermissionDenied):
        workflow.publish(store_cs.pk, hr)
    assert client.get(workflow_url(store_cs, "publish")).status_code == 403
    assert client.post(workflow_url(store_cs, "publish"), {"comment": "ok"}).status_code == 403
    role = Role.objects.get(pk=store_cs.pk)
    assert role.status == Role.Status.IN_REVIEW and role.live_version.number == 1


def client_for(client, user):
    client.force_login(user)
    return client


def test_an_approver_publishes_and_is_recorded_with_the_effective_date(store_cs, hr, approver, client):
    edit_first_duty_in_the_admin(client_for(client, hr), store_cs, NEW_DUTY)
    submitted = submit(store_cs, hr)
    client_for(client, approver)
    # A day already past (back-dated): in force at once. A later day schedules it (test_scheduled_versions.py).
    effective = timezone.localdate() - datetime.timedelta(days=6)
    response = client.post(
        workflow_url(store_cs, "publish"), {"comment": "同意", "effective_date": effective.isoformat()}
    )
    assert response.status_code == 302
    role = Role.objects.get(pk=store_cs.pk)
    version = role.live_version
    assert role.status == Role.Status.PUBLISHED
    assert version.pk == submitted.pk  # the submitted version itself, not a copy
    assert version.approved_by == approver and version.created_by == hr
    assert version.effective_date == effective
    assert version.comment == "加入直播间咨询" and version.approval_comment == "同意"
    assert version.snapshot["duties"][0] == NEW_DUTY
    client.logout()
    assert NEW_DUTY in client.get("/roles/store-cs/").content.decode()


def test_the_effective_date_defaults_to_today(seeded, hr, approver):
    role = make_role("直播客服", slug="live-cs", status=Role.Status.DRAFT)
    submit(role, hr)
    version = workflow.publish(role.pk, approver)
    assert version.effective_date == timezone.localdate() and version.approved_by == approver


def test_the_approver_sees_the_publish_button_and_hr_does_not(store_cs, hr, approver, client):
    submit(Role.objects.get(pk=make_role("新岗位", slug="new-role", status=Role.Status.DRAFT).pk), hr)
    role = Role.objects.get(slug="new-role")
    hr_page = client_for(client, hr).get(change_url(role)).content.decode()
    assert workflow_url(role, "publish") not in hr_page and workflow_url(role, "archive") in hr_page
    approver_page = client_for(client, approver).get(change_url(role)).content.decode()
    assert workflow_url(role, "publish") in approver_page
    assert "/roles/new-role/history/" in approver_page


def test_submitting_for_review_needs_a_comment(store_cs, hr, client):
    role = make_role("直播客服", slug="live-cs", status=Role.Status.DRAFT)
    with pytest.raises(ValidationError):
        workflow.submit_for_review(role.pk, hr, "  ")
    response = client_for(client, hr).post(workflow_url(role, "submit"), {"comment": ""})
    assert response.status_code == 200 and response.context["form"].errors["comment"]
    assert Role.objects.get(pk=role.pk).status == Role.Status.DRAFT and not role.versions.exists()
    response = client.post(workflow_url(role, "submit"), {"comment": "新增直播客服岗位"})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.status == Role.Status.IN_REVIEW
    assert role.versions.get().comment == "新增直播客服岗位"


def test_moves_that_do_not_start_from_the_right_status_are_refused(store_cs, hr, approver):
    draft = make_role("直播客服", slug="live-cs", status=Role.Status.DRAFT)
    with pytest.raises(ValidationError):
        workflow.publish(draft.pk, approver)  # a draft must be submitted first
    with pytest.raises(ValidationError):
        workflow.back_to_draft(store_cs.pk, hr)  # a published role goes back to draft by being edited
    workflow.archive(store_cs.pk, hr)
    with pytest.raises(ValidationError):
        workflow.archive(store_cs.pk, hr)
    with pytest.raises(ValidationError):
        workflow.submit_for_review(store_cs.pk, hr, "再次发布")  # archived: back to draft first


def test_a_change_made_after_submission_is_published_as_a_new_version(store_cs, hr, approver, client):
    edit_first_duty_in_the_admin(client_for(client, hr), store_cs, NEW_DUTY)
    submitted = submit(store_cs, hr)
    edit_first_duty_in_the_admin(client, store_cs, NEW_DUTY + "。")
    assert Role.objects.get(pk=store_cs.pk).status == Role.Status.IN_REVIEW  # still waiting for approval
    published = workflow.publish(store_cs.pk, approver)
    assert published.number == submitted.number + 1 and published.kind == RoleVersion.Kind.PUBLISHED
    assert published.snapshot["duties"][0] == NEW_DUTY + "。"
    submitted.refresh_from_db()
    assert submitted.published_at is None and submitted.snapshot["duties"][0] == NEW_DUTY


# --- what the public reads while a draft exists -----------------------------------------------


def test_the_public_reads_the_published_version_while_hr_edits_a_draft(store_cs, hr, client, django_user_model):
    edit_first_duty_in_the_admin(client_for(client, hr), store_cs, NEW_DUTY)
    role = Role.objects.get(pk=store_cs.pk)
    assert role.status == Role.Status.DRAFT and role.live_version.number == 1

    with translation.override("en"):
        staff_page = client.get("/roles/store-cs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert NEW_DUTY in staff_page and OLD_DUTY not in staff_page
    assert role.live_version.snapshot["duties"][0] == OLD_DUTY
    assert "the public sees version 1" in staff_page

    client.logout()
    public_page = client.get("/roles/store-cs/").content.decode()
    assert OLD_DUTY in public_page and NEW_DUTY not in public_page
    assert "草稿" not in public_page and "/roles/store-cs/history/" not in public_page
    assert "店铺客服" in client.get("/roles/").content.decode()
    docx = Document(io.BytesIO(client.get("/roles/store-cs.docx").content))
    word_text = "\n".join(p.text for p in docx.paragraphs)
    assert OLD_DUTY in word_text and NEW_DUTY not in word_text
    public_node = next(n for n in chart_nodes(client.get("/orgchart/data.json").json()) if n["slug"] == "store-cs")
    assert public_node["draft"] is False
    pdf = squeezed(pdf_text(client.get("/roles/store-cs.pdf").content))
    assert squeezed(OLD_DUTY) in pdf and squeezed(NEW_DUTY) not in pdf
    sheet = load_workbook(io.BytesIO(client.get("/roles.xlsx").content)).active
    row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "店铺客服")  # the title column
    assert any(OLD_DUTY in str(cell) for cell in row) and not any(NEW_DUTY in str(cell) for cell in row)


def test_lists_show_visitors_the_approved_title_of_a_role_being_edited(store_cs, hr, client):
    client_for(client, hr)
    data = change_form_data(client.get(change_url(store_cs)))
    data["title"] = "网店客服(待审)"
    assert client.post(change_url(store_cs), data).status_code == 302
    assert "网店客服(待审)" in client.get("/roles/").content.decode()  # staff read the working copy

    client.logout()
    page = client.get("/roles/").content.decode()
    assert "店铺客服" in page and "待审" not in page
    assert page.count("/roles/store-cs/") == 1  # still listed once, under its department
    api_titles = [r["title"] for r in client.get("/api/v1/roles/?page_size=500").json()["results"]]
    assert "店铺客服" in api_titles and "网店客服(待审)" not in api_titles
    [api_role] = [r for r in client.get("/api/v1/roles/").json()["results"] if r["slug"] == "store-cs"]
    assert api_role["department"] == store_cs.department_id and api_role["parent"] == store_cs.parent_id


def test_a_role_under_review_stays_public_in_its_live_version(store_cs, hr, client):
    edit_first_duty_in_the_admin(client_for(client, hr), store_cs, NEW_DUTY)
    submit(store_cs, hr)
    client.logout()
    page = client.get("/roles/store-cs/").content.decode()
    assert OLD_DUTY in page and NEW_DUTY not in page


def test_an_archived_role_is_hidden_from_the_public_and_stays_hidden_back_in_draft(store_cs, hr, client):
    workflow.archive(store_cs.pk, hr, "岗位撤销")
    assert client.get("/roles/store-cs/").status_code == 404
    assert client.get("/roles/store-cs.docx").status_code == 404
    assert "店铺客服" not in client.get("/roles/").content.decode()
    workflow.back_to_draft(store_cs.pk, hr)
    role = Role.objects.get(pk=store_cs.pk)
    assert role.status == Role.Status.DRAFT and role.live_version is None
    assert client.get("/roles/store-cs/").status_code == 404
    assert not Role.objects.published().filter(pk=role.pk).exists()


def test_an_edit_that_changes_nothing_keeps_the_role_published(store_cs, hr, client):
    data = change_form_data(client_for(client, hr).get(change_url(store_cs)))
    assert client.post(change_url(store_cs), data).status_code == 302
    role = Role.objects.get(pk=store_cs.pk)
    assert role.status == Role.Status.PUBLISHED and role.versions.count() == 1


def test_a_role_published_before_versions_keeps_its_content_public_when_edited(seeded, hr, client):
    role = make_role("直播客服", slug="live-cs", summary="负责直播间咨询")  # published, no version
    assert role.live_version is None
    data = change_form_data(client_for(client, hr).get(change_url(role)))
    data["summary"] = "负责直播间与短视频咨询"
    assert client.post(change_url(role), data).status_code == 302
    role.refresh_from_db()
    assert role.status == Role.Status.DRAFT and role.live_version.snapshot["summary"] == "负责直播间咨询"
    client.logout()
    page = client.get("/roles/live-cs/").content.decode()
    assert "负责直播间咨询" in page and "短视频" not in page


def test_a_move_in_the_chart_is_not_a_content_change(store_cs, hr, client):
    client_for(client, hr).post(
        "/admin/roles/role/",
        {
            "cmd": "move_node",
            "cut_item": store_cs.pk,
            "pasted_on": Role.objects.get(slug="store-manager").pk,
            "position": "last-child",
        },
    )
    role = Role.objects.get(pk=store_cs.pk)
    assert role.parent.slug == "store-manager" and role.status == Role.Status.PUBLISHED
    assert role.versions.count() == 1

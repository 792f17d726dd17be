"""A job description's life end to end: paste it, preview, save a draft, read the compliance
findings, rewrite, submit for review, an approver publishes, the history shows both versions."""

import html
import re

import pytest

from roles.models import Role
from tests.admin_forms import change_form_data
from tests.factories import make_hr_manager, make_hr_user

IMPORT_URL = "/admin/roles/import/"
PASTED = (
    "直播运营职责描述部门电子商务部职级专员上级运营总监、店长下属无主要职责负责店铺直播的策划与执行。"
    "职责1、策划每周直播内容;2、复盘直播数据。工作经验有一年以上直播运营工作经验。"
    "教育程度大专以上学历。技能要求1、熟悉淘宝直播后台。身体要求身体健康,年龄35岁以下。"
)


def hidden(page, name):
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


@pytest.mark.django_db
def test_paste_review_rewrite_approve_and_compare(seeded, client):
    hr, approver = make_hr_user(), make_hr_manager()
    client.force_login(hr)
    preview = client.post(IMPORT_URL, {"step": "preview", "text": PASTED}).content.decode()
    assert "直播运营" in preview and "策划每周直播内容" in preview
    assert not Role.objects.filter(title="直播运营").exists()  # nothing saved by the preview
    client.post(IMPORT_URL, {"step": "save", "text": hidden(preview, "text"), "card": ["1"]})
    role = Role.objects.get(title="直播运营")
    assert role.status == Role.Status.DRAFT and role.parent.slug == "store-manager"
    assert client.get(f"/roles/{role.slug}/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    client.logout()
    assert client.get(f"/roles/{role.slug}/").status_code == 404  # a draft is not public
    client.force_login(hr)

    change_url = f"/admin/roles/role/{role.pk}/change/"
    workflow_url = f"/admin/roles/role/{role.pk}/workflow/"
    page = client.get(change_url).content.decode()
    assert "年龄35岁以下" in page and "就业优先战略" in page  # the age limit, quoted, with the policy cited
    data = change_form_data(client.get(change_url))
    [physical] = [name for name in data if name.endswith("physical")]
    data[physical] = "身体健康,能胜任岗位工作"
    response = client.post(change_url, data)
    assert response.status_code == 302, response.content[:2000]
    assert "年龄35岁以下" not in client.get(change_url).content.decode()

    response = client.post(f"{workflow_url}submit/", {"comment": "删除年龄限制"})
    assert response.status_code == 302
    assert Role.objects.get(pk=role.pk).status == Role.Status.IN_REVIEW
    assert client.post(f"{workflow_url}publish/", {"comment": "ok"}).status_code == 403  # HR may not publish

    client.force_login(approver)
    response = client.post(f"{workflow_url}publish/", {"comment": "同意", "effective_date": "2026-12-01"})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.status == Role.Status.PUBLISHED and role.live_version.approved_by == approver
    client.logout()
    public = client.get(f"/roles/{role.slug}/").content.decode()
    assert "能胜任岗位工作" in public and "年龄35岁以下" not in public

    client.force_login(hr)
    history = client.get(f"/roles/{role.slug}/history/?a=1&b=2").content.decode()
    assert [v.number for v in role.versions.order_by("number")] == [1, 2]
    assert "删除年龄限制" in history and "同意" in history
    assert "年龄35岁以下" in history and "能胜任岗位工作" in history  # the changed requirement, side by side

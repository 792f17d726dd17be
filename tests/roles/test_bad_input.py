"""Bad input gets a clear error and loses nothing."""

import pytest
from django.core.exceptions import ValidationError

from roles import services
from roles.models import PayScheme, Role
from tests.admin_forms import change_form_data, error_text
from tests.factories import make_role, tree_text


def change_url(role):
    return f"/admin/roles/role/{role.pk}/change/"


def post_change(client, role, **changes):
    data = change_form_data(client.get(change_url(role)))
    data.update(changes)
    return client.post(change_url(role), data)


def test_a_role_cannot_become_its_own_ancestor_in_the_admin(seeded, hr_client):
    manager = Role.objects.get(title="店长")
    clerk = Role.objects.get(title="仓库员")
    before = tree_text()
    form_page = hr_client.get(change_url(manager))
    assert f'value="{clerk.pk}"' not in str(form_page.context["adminform"].form["parent"])
    response = post_change(hr_client, manager, parent=str(clerk.pk))
    assert response.status_code == 200
    assert "选择一个有效的选项" in error_text(response)
    assert tree_text() == before


def test_a_role_cannot_become_its_own_ancestor_through_the_service(seeded):
    manager = Role.objects.get(title="店长")
    clerk = Role.objects.get(title="仓库员")
    with pytest.raises(ValidationError, match="岗位的上级不能是其本身或其下属岗位"):
        services.move_role(manager.pk, clerk.pk, "last-child")
    manager.parent = manager
    with pytest.raises(ValidationError):
        services.save_role(manager)
    assert Role.objects.get(title="店长").parent.title == "运营总监"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("headcount", "-1", "确保该值大于或等于0"),
        ("pay_min", "-100", "确保该值大于或等于0"),
        ("base_salary", "-1", "确保该值大于或等于0"),
        ("pay_max", "1000", "上限不能低于下限"),
    ],
)
def test_it_rejects_negative_amounts_and_inverted_pay_ranges(seeded, hr_client, field, value, message):
    role = Role.objects.get(title="客服主管")
    response = post_change(hr_client, role, **{field: value})
    assert response.status_code == 200
    assert message in error_text(response)
    role.refresh_from_db()
    assert (role.headcount, role.pay_min, role.pay_max) == (2, 2200, 5000)


def test_kpi_weights_of_one_role_may_not_exceed_100(seeded, hr_client):
    role = Role.objects.get(title="仓库主管")
    kpis = list(role.kpis.all())
    weights = {f"kpis-{i}-weight": "30" for i in range(len(kpis))}  # 5 × 30 = 150
    response = post_change(hr_client, role, **weights)
    assert response.status_code == 200
    assert "考核指标权重合计为 150%" in error_text(response)
    assert not role.kpis.filter(weight__isnull=False).exists()


def test_kpi_weights_adding_up_to_100_are_saved(seeded, hr_client):
    role = Role.objects.get(title="仓库主管")
    weights = {f"kpis-{i}-weight": "20" for i in range(5)}
    response = post_change(hr_client, role, **weights)
    assert response.status_code == 302, error_text(response)
    assert sum(role.kpis.values_list("weight", flat=True)) == 100


def test_overlapping_score_tiers_are_refused(seeded, hr_client):
    scheme = PayScheme.objects.get(code="customer-service")
    url = f"/admin/roles/payscheme/{scheme.pk}/change/"
    data = change_form_data(hr_client.get(url))
    # The 70–80 tier is widened to 70–85, overlapping the "80 and above" tier.
    index = next(i for i in range(4) if data[f"tiers-{i}-min_score"] == "70.00")
    data[f"tiers-{index}-max_score"] = "85"
    response = hr_client.post(url, data)
    assert response.status_code == 200
    assert "绩效档位的分数区间重叠：≥ 80 与 70–85" in error_text(response)
    assert scheme.tiers.get(min_score=70).max_score == 80


def test_deleting_a_role_with_subordinates_is_refused_and_names_them(seeded):
    supervisor = Role.objects.get(title="分销主管")
    with pytest.raises(ValidationError) as error:
        services.delete_role(supervisor.pk)
    message = " ".join(error.value.messages)
    assert all(name in message for name in ["渠道员", "分销客服", "公关员"])
    assert Role.objects.filter(title="分销主管").exists()
    assert Role.objects.count() == 16


def test_the_admin_refuses_to_delete_a_role_with_subordinates(seeded, hr_client):
    supervisor = Role.objects.get(title="分销主管")
    response = hr_client.get(f"/admin/roles/role/{supervisor.pk}/delete/")
    page = response.content.decode()
    assert "渠道员" in page and "公关员" in page
    hr_client.post(f"/admin/roles/role/{supervisor.pk}/delete/", {"post": "yes"})
    assert Role.objects.filter(pk=supervisor.pk).exists()


def test_bulk_delete_is_all_or_nothing(seeded, hr_client):
    leaf = Role.objects.get(title="公关员")
    supervisor = Role.objects.get(title="仓库主管")
    response = hr_client.post(
        "/admin/roles/role/",
        {"action": "delete_selected", "_selected_action": [leaf.pk, supervisor.pk], "post": "yes"},
        follow=True,
    )
    assert "仓库员" in response.content.decode()
    assert Role.objects.filter(pk__in=[leaf.pk, supervisor.pk]).count() == 2


def test_a_leaf_role_can_be_deleted(seeded, hr_client):
    leaf = Role.objects.get(title="公关员")
    response = hr_client.post(f"/admin/roles/role/{leaf.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Role.objects.filter(title="公关员").exists()
    assert "公关员" not in tree_text()


def test_a_duplicate_slug_is_refused(seeded, hr_client):
    role = Role.objects.get(title="摄影")
    response = post_change(hr_client, role, slug="designer")
    assert response.status_code == 200
    assert "已存在" in error_text(response)
    assert Role.objects.get(pk=role.pk).slug == "photographer"


def test_a_new_role_is_added_under_its_superior(seeded, hr_client):
    parent = Role.objects.get(title="客服主管")
    data = change_form_data(hr_client.get("/admin/roles/role/add/"))
    data.update(
        title="售后客服",
        slug="after-sales-cs",
        department=str(parent.department_id),
        grade=str(Role.objects.get(title="店铺客服").grade_id),
        parent=str(parent.pk),
        headcount="3",
        status="draft",
    )
    data["duties-0-text"] = "处理退换货"
    response = hr_client.post("/admin/roles/role/add/", data)
    assert response.status_code == 302, error_text(response)
    new = Role.objects.get(slug="after-sales-cs")
    assert new.parent == parent
    assert list(new.duties.values_list("text", flat=True)) == ["处理退换货"]
    assert "        售后客服" in tree_text()


def test_make_role_helper_builds_through_the_service(db):
    root = make_role("甲")
    child = make_role("乙", parent=root)
    assert child.get_ancestors().get() == root


def test_saving_a_role_someone_else_deleted_gives_a_clear_error(seeded):
    copy = Role.objects.get(title="公关员")
    services.delete_role(copy.pk)
    copy.title = "公关专员"
    with pytest.raises(ValidationError, match="该岗位已不存在"):
        services.save_role(copy)

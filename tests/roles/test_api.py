"""The REST API under /api/v1/ as visitors, managers and HR use it."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from roles import services
from roles.models import PayScheme, Role
from shopconfig.models import PayPolicy, ShopProfile
from tests.factories import make_hr_user, make_manager, make_role, make_user, tree_text
from tests.pages import add_roles, login, page_view
from tests.queries import assert_constant_queries, captured_sql

PAY_FIELDS = {"pay_min", "pay_max", "benefits", "pay_scheme", "base_salary", "performance_bonus_amount"}
ESTIMATE = {
    "late_count": 0,
    "early_leave_count": 0,
    "leave_count": 0,
    "absent_days": "0",
    "performance_score": "85",
    "sales_amount": "0",
}


@pytest.fixture
def api():
    return APIClient()


def as_user(api, who):
    if who == "manager":
        api.force_authenticate(make_manager())
    elif who == "hr":
        api.force_authenticate(make_hr_user())
    return api


def role_id(slug):
    return Role.objects.get(slug=slug).pk


def all_results(api, url):
    results = []
    while url:
        page = api.get(url).json()
        results += page["results"]
        url = page["next"]
    return results


# Reading


def test_visitors_list_published_roles_without_pay_kpi_weights_or_people(catalogue, api):
    results = all_results(api, "/api/v1/roles/")
    assert results and "直播运营" not in [r["title"] for r in results]
    for role in results:
        assert not PAY_FIELDS & role.keys()
        assert "filled" not in role and "source" not in role
        assert role["url"] == f"http://testserver/api/v1/roles/{role['id']}/"
    detail = api.get(f"/api/v1/roles/{role_id('cs-supervisor')}/").json()
    assert detail["kpis"] and all("weight" not in kpi for kpi in detail["kpis"])
    assert "employees" not in detail and not PAY_FIELDS & detail.keys()


def test_a_draft_is_404_for_visitors(catalogue, api):
    assert api.get(f"/api/v1/roles/{catalogue.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["manager", "hr"])
def test_managers_and_hr_read_everything(catalogue, api, who):
    as_user(api, who)
    assert "直播运营" in [r["title"] for r in all_results(api, "/api/v1/roles/")]
    detail = api.get(f"/api/v1/roles/{role_id('store-cs')}/").json()
    assert detail["base_salary"] == "3150.00"
    assert detail["performance_bonus_amount"] == "876.00"
    assert detail["filled"] == 1
    assert [e["name"] for e in detail["employees"]] == ["王小明"]
    weights = [k["weight"] for k in api.get(f"/api/v1/roles/{role_id('cs-supervisor')}/").json()["kpis"]]
    assert "35.00" in weights


def test_the_detail_nests_duties_requirements_skills_and_kpis(catalogue, api):
    detail = api.get(f"/api/v1/roles/{role_id('store-cs')}/").json()
    role = Role.objects.get(slug="store-cs")
    assert [d["text"] for d in detail["duties"]] == list(role.duties.values_list("text", flat=True))
    assert detail["requirement"]["education_text"] == role.requirement.education_text
    assert [k["name"] for k in detail["kpis"]] == list(role.kpis.values_list("name", flat=True))
    assert detail["parent"] == role.parent_id
    assert detail["department_name"] == role.department.name


def test_search_and_filters(catalogue, api):
    titles = [r["title"] for r in all_results(api, "/api/v1/roles/?q=客服")]
    assert "客服主管" in titles and "美工" not in titles
    warehouse = all_results(api, "/api/v1/roles/?department=warehouse")
    expected = Role.objects.published().filter(department__code="warehouse")
    assert sorted(r["id"] for r in warehouse) == sorted(expected.values_list("pk", flat=True))
    supervisors = all_results(api, "/api/v1/roles/?grade=supervisor")
    assert supervisors and all(Role.objects.get(pk=r["id"]).grade.code == "supervisor" for r in supervisors)
    as_user(api, "manager")
    assert [r["title"] for r in all_results(api, "/api/v1/roles/?status=draft")] == ["直播运营"]
    response = api.get("/api/v1/roles/?status=secret")
    assert response.status_code == 400 and "secret" in response.json()["status"][0]


def test_lists_are_paginated(catalogue, api):
    add_roles(60)
    page = api.get("/api/v1/roles/").json()
    assert page["count"] == Role.objects.published().count()
    assert len(page["results"]) == 50 and page["next"]
    second = api.get(page["next"]).json()
    assert not {r["id"] for r in page["results"]} & {r["id"] for r in second["results"]}


def test_the_tree_is_flat_rows_that_skip_hidden_drafts(catalogue, api):
    hidden_child = make_role("直播助理", parent=catalogue, slug="live-assistant")
    rows = {row["id"]: row for row in api.get("/api/v1/tree/").json()}
    assert catalogue.pk not in rows
    assert rows[hidden_child.pk]["parent"] == catalogue.parent_id
    assert rows[role_id("store-cs")]["parent"] == role_id("cs-supervisor")
    assert rows[role_id("store-cs")]["url"].endswith(f"/api/v1/roles/{role_id('store-cs')}/")


def test_departments_grades_and_pay_grades_are_public_but_pay_bands_are_not(catalogue, api):
    assert api.get("/api/v1/departments/").json()["count"] > 0
    supervisor = next(g for g in api.get("/api/v1/grades/").json()["results"] if g["name"] == "主管")
    assert (supervisor["min_pay_grade"], supervisor["max_pay_grade"]) == (5, 6)
    pay_grades = api.get("/api/v1/pay-grades/").json()["results"]
    assert [g["number"] for g in pay_grades] == list(range(9, 0, -1))
    assert all(g.keys() == {"id", "number", "name", "description"} for g in pay_grades)
    as_user(api, "manager")
    fifth = next(g for g in api.get("/api/v1/pay-grades/").json()["results"] if g["number"] == 5)
    assert (fifth["band_min"], fifth["band_mid"], fifth["band_max"]) == ("2200.00", "4100.00", "6000.00")


def test_pay_schemes_and_employees_need_staff(catalogue, api):
    for url in ("/api/v1/pay-schemes/", "/api/v1/employees/"):
        response = api.get(url)
        assert response.status_code == 401 and response.json()["detail"]
    api.force_authenticate(make_user("clerk"))
    assert api.get("/api/v1/employees/").status_code == 403
    as_user(api, "manager")
    assert "客服绩效考核制度" in [p["name"] for p in api.get("/api/v1/pay-schemes/").json()["results"]]
    people = api.get("/api/v1/employees/").json()["results"]
    assert {p["name"] for p in people} == {"王小明", "李红"}


def test_token_authentication(catalogue, api):
    token = Token.objects.create(user=make_manager())
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(f"/api/v1/roles/{catalogue.pk}/").status_code == 200
    api.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert api.get("/api/v1/roles/").status_code == 401


def test_session_authentication(catalogue, client):
    client.force_login(make_manager())
    assert client.get(f"/api/v1/roles/{catalogue.pk}/").status_code == 200


PUBLIC_LISTS = [
    "/api/v1/roles/",
    "/api/v1/roles/?q=客服",
    "/api/v1/roles/?department=customer-service",
    "/api/v1/tree/",
    "/api/v1/departments/",
    "/api/v1/grades/",
]
STAFF_LISTS = ["/api/v1/employees/", "/api/v1/pay-schemes/"]


@pytest.mark.parametrize(
    "who, url",
    [("anonymous", url) for url in PUBLIC_LISTS] + [("manager", url) for url in PUBLIC_LISTS + STAFF_LISTS],
)
def test_list_query_counts_do_not_grow_with_roles(catalogue, client, who, url):
    login(client, who)
    assert_constant_queries(page_view(client, url), lambda: add_roles(200))


def test_the_detail_query_count_does_not_grow_with_subordinates(catalogue, client):
    client.force_login(make_manager())
    url = f"/api/v1/roles/{role_id('cs-supervisor')}/"
    assert_constant_queries(page_view(client, url), lambda: add_roles(50))


# Writing


def new_role_data(**overrides):
    cs = Role.objects.get(slug="store-cs")
    return {
        "title": "夜班客服",
        "slug": "night-cs",
        "department": cs.department_id,
        "grade": cs.grade_id,
        "parent": cs.parent_id,
        "status": "draft",
        **overrides,
    }


@pytest.mark.parametrize("who", ["anonymous", "manager"])
def test_only_hr_writes(catalogue, api, who):
    as_user(api, who)
    refused = 401 if who == "anonymous" else 403  # 401: who are you? 403: you may not
    response = api.post("/api/v1/roles/", new_role_data(), format="json")
    assert response.status_code == refused
    assert response.json()["detail"]
    assert api.delete(f"/api/v1/roles/{role_id('store-cs')}/").status_code == refused


def test_hr_creates_updates_and_deletes_a_role(catalogue, api):
    as_user(api, "hr")
    response = api.post("/api/v1/roles/", new_role_data(), format="json")
    assert response.status_code == 201, response.json()
    created = Role.objects.get(slug="night-cs")
    assert created.parent.slug == "cs-supervisor"
    assert response.json()["url"].endswith(f"/api/v1/roles/{created.pk}/")
    assert created.history.first().history_change_reason

    response = api.patch(f"/api/v1/roles/{created.pk}/", {"title": "晚班客服", "base_salary": "3000"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "晚班客服"
    assert Role.objects.get(pk=created.pk).base_salary == Decimal("3000")

    response = api.delete(f"/api/v1/roles/{created.pk}/")
    assert response.status_code == 204
    assert not Role.objects.filter(pk=created.pk).exists()


def test_hr_writes_duties_requirements_skills_and_kpis_with_the_role(catalogue, api):
    as_user(api, "hr")
    card = {
        "duties": [{"text": "处理夜间售前咨询"}, {"text": "登记夜间售后问题"}],
        "skills": [{"text": "打字速度每分钟60字以上"}],
        "kpis": [{"name": "咨询转化率", "weight": "60", "target": "≥ 40%"}, {"name": "响应时间", "weight": "40"}],
        "requirement": {"experience_text": "半年以上客服经验", "education_level": "high_school"},
    }
    response = api.post("/api/v1/roles/", new_role_data(**card), format="json")
    assert response.status_code == 201, response.json()
    url = response.json()["url"]
    shown = api.get(url).json()
    assert [d["text"] for d in shown["duties"]] == ["处理夜间售前咨询", "登记夜间售后问题"]
    assert [d["order"] for d in shown["duties"]] == [1, 2]
    assert [s["text"] for s in shown["skills"]] == ["打字速度每分钟60字以上"]
    assert [(k["name"], k["weight"]) for k in shown["kpis"]] == [("咨询转化率", "60.00"), ("响应时间", "40.00")]
    assert shown["requirement"]["experience_text"] == "半年以上客服经验"

    # A list sent replaces the stored one; one left out is kept.
    response = api.patch(url, {"duties": [{"text": "只做售后"}], "requirement": None}, format="json")
    assert response.status_code == 200, response.json()
    shown = api.get(url).json()
    assert [d["text"] for d in shown["duties"]] == ["只做售后"]
    assert [s["text"] for s in shown["skills"]] == ["打字速度每分钟60字以上"]
    assert len(shown["kpis"]) == 2
    assert shown["requirement"] is None

    # A body read from the API can be sent back unchanged.
    assert api.put(url, shown, format="json").status_code == 200
    assert api.get(url).json()["duties"] == shown["duties"]


def test_bad_card_items_are_400s_naming_the_field_and_change_nothing(catalogue, api):
    as_user(api, "hr")
    url = f"/api/v1/roles/{role_id('store-cs')}/"
    before = api.get(url).json()
    for body, field in [
        ({"kpis": [{"name": "甲", "weight": "70"}, {"name": "乙", "weight": "40"}]}, "kpis"),
        ({"kpis": [{"name": "甲", "weight": "-1"}]}, "kpis"),
        ({"duties": [{"text": ""}]}, "duties"),
        ({"duties": [{"text": "x", "colour": "red"}]}, "duties"),
        ({"duties": "not a list"}, "duties"),
        ({"requirement": {"education_level": "phd"}}, "requirement"),
    ]:
        response = api.patch(url, body, format="json")
        assert response.status_code == 400, (body, response.content[:300])
        assert field in response.json(), response.json()
    assert api.get(url).json() == before


def test_changing_the_superior_moves_the_role_in_the_tree(catalogue, api):
    as_user(api, "hr")
    target = role_id("warehouse-supervisor")
    response = api.patch(f"/api/v1/roles/{role_id('store-cs')}/", {"parent": target}, format="json")
    assert response.status_code == 200 and response.json()["parent"] == target
    store_cs = Role.objects.get(slug="store-cs")
    assert store_cs.get_ancestors().filter(pk=target).exists()
    before = tree_text()
    Role.objects.rebuild()
    assert tree_text() == before  # the service left a sound tree


def test_hr_moves_a_role_with_the_move_endpoint(catalogue, api):
    as_user(api, "hr")
    response = api.post(
        f"/api/v1/roles/{role_id('designer')}/move/",
        {"target": role_id("store-cs"), "position": "right"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    designer = Role.objects.get(slug="designer")
    assert designer.parent.slug == "cs-supervisor"
    assert designer.get_previous_sibling().slug == "store-cs"


def test_a_cycle_is_a_400_naming_the_field_with_the_trees_message(catalogue, api):
    as_user(api, "hr")
    manager = Role.objects.get(slug="store-manager")
    message = "岗位的上级不能是其本身或其下属岗位。"
    response = api.patch(f"/api/v1/roles/{manager.pk}/", {"parent": role_id("store-cs")}, format="json")
    assert response.status_code == 400
    assert response.json() == {"parent": [message]}
    response = api.post(f"/api/v1/roles/{manager.pk}/move/", {"target": role_id("store-cs")}, format="json")
    assert response.status_code == 400
    assert response.json() == {"target": [message]}
    response = api.patch(
        f"/api/v1/roles/{manager.pk}/", {"parent": manager.pk}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json() == {"parent": ["A role cannot report to itself or to one of its own subordinates."]}
    assert Role.objects.get(pk=manager.pk).parent_id == manager.parent_id


def test_deleting_a_role_with_subordinates_is_a_409_naming_them(catalogue, api):
    as_user(api, "hr")
    response = api.delete(f"/api/v1/roles/{role_id('cs-supervisor')}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 409
    assert "店铺客服" in response.json()["detail"]
    assert Role.objects.filter(slug="cs-supervisor").exists()


def test_invalid_data_is_400_with_field_errors(catalogue, api):
    as_user(api, "hr")
    response = api.post(
        "/api/v1/roles/", new_role_data(slug="store-cs", pay_min="5000", pay_max="3000", grade=None), format="json"
    )
    assert response.status_code == 400
    assert {"slug", "grade"} <= response.json().keys()
    response = api.post("/api/v1/roles/", new_role_data(pay_min="5000", pay_max="3000"), format="json")
    assert response.status_code == 400 and "pay_max" in response.json()
    assert not Role.objects.filter(slug="night-cs").exists()


def test_an_unknown_role_is_a_404_with_a_message(catalogue, api):
    as_user(api, "hr")
    response = api.patch("/api/v1/roles/999999/", {"title": "x"}, format="json")
    assert response.status_code == 404 and response.json()["detail"]


# Pay


def test_pay_estimate_with_the_example_json(catalogue, api):
    as_user(api, "manager")
    response = api.post(f"/api/v1/roles/{role_id('store-cs')}/pay-estimate/", ESTIMATE, format="json")
    assert response.status_code == 200, response.json()
    pay = response.json()
    assert pay["base_salary"] == "3150.00"
    assert pay["attendance_bonus"] == "315.00"
    assert pay["performance_bonus"] == "876.00"
    assert pay["performance_rate"] == "1.00"
    assert pay["attendance_bonus_cancelled"] is False
    parts = ("base_salary", "attendance_bonus", "performance_bonus", "commission", "special_bonus")
    assert Decimal(pay["total"]) == sum(Decimal(pay[p]) for p in parts)
    assert all(re.fullmatch(r"\d+\.\d\d", pay[p]) for p in (*parts, "total"))
    assert pay["reasons"]


def test_pay_estimate_what_if_overrides(catalogue, api):
    as_user(api, "hr")
    data = {
        **ESTIMATE,
        "late_count": 3,
        "performance_score": "75",
        "base_salary": "4000",
        "performance_bonus_amount": "1000",
    }
    pay = api.post(f"/api/v1/roles/{role_id('store-cs')}/pay-estimate/", data, format="json").json()
    assert pay["base_salary"] == "4000.00"
    assert pay["attendance_bonus_cancelled"] is True and pay["attendance_bonus"] == "0.00"
    assert pay["performance_rate"] == "0.80" and pay["performance_bonus"] == "800.00"
    assert pay["total"] == "4800.00"


def test_pay_estimate_rejects_bad_facts_and_strangers(catalogue, api):
    url = f"/api/v1/roles/{role_id('store-cs')}/pay-estimate/"
    assert api.post(url, ESTIMATE, format="json").status_code == 401
    api.force_authenticate(make_user("clerk"))
    assert api.post(url, ESTIMATE, format="json").status_code == 403
    as_user(api, "manager")
    response = api.post(url, {**ESTIMATE, "performance_score": "120", "late_count": -1}, format="json")
    assert response.status_code == 400
    assert {"performance_score", "late_count"} <= response.json().keys()
    no_scheme = make_role("无薪资岗位", slug="no-scheme")
    response = api.post(f"/api/v1/roles/{no_scheme.pk}/pay-estimate/", ESTIMATE, format="json")
    assert response.status_code == 400 and response.json()["non_field_errors"]


def test_the_warning_uses_the_pay_policy_defaults(catalogue, api):
    as_user(api, "manager")
    months = [
        {"performance_score": "58", "met_base_target": True},
        {"performance_score": "70", "met_base_target": False},
        {"performance_score": "59.5", "met_base_target": True},
    ]
    response = api.post("/api/v1/pay/warning/", {"months": months}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["warning"] is True and response.json()["months"] == [0, 1, 2]
    policy = PayPolicy.load()
    policy.warning_consecutive_months = 4
    policy.save()
    assert api.post("/api/v1/pay/warning/", {"months": months}, format="json").json()["warning"] is False


def test_the_warning_takes_the_rule_of_a_role_or_scheme(catalogue, api):
    as_user(api, "manager")
    scheme = PayScheme.objects.get(name="客服绩效考核制度")
    scheme.warning_enabled = False
    scheme.save()
    months = [{"performance_score": "10", "met_base_target": False}] * 3
    for extra in ({"pay_scheme": scheme.pk}, {"role": role_id("store-cs")}):
        response = api.post("/api/v1/pay/warning/", {"months": months, **extra}, format="json")
        assert response.status_code == 200 and response.json()["warning"] is False
    response = api.post("/api/v1/pay/warning/", {"months": months, "pay_scheme": 999999}, format="json")
    assert response.status_code == 404
    response = api.post("/api/v1/pay/warning/", {"months": []}, format="json")
    assert response.status_code == 400 and "months" in response.json()


def test_the_warning_needs_pay_access(catalogue, api):
    assert api.post("/api/v1/pay/warning/", {"months": []}, format="json").status_code == 401


# Schema and docs


def test_the_schema_validates_without_warnings(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=out, stderr=out)


def test_the_schema_declares_every_error_response(db, client):
    schema = client.get("/api/schema/?format=json").json()
    ops = schema["paths"]
    assert {"400", "401", "403", "404"} <= ops["/api/v1/roles/{id}/"]["patch"]["responses"].keys()
    assert {"401", "403", "404", "409"} <= ops["/api/v1/roles/{id}/"]["delete"]["responses"].keys()
    assert {"400", "401", "403", "404"} <= ops["/api/v1/roles/{id}/move/"]["post"]["responses"].keys()
    assert {"400", "401", "403", "404"} <= ops["/api/v1/roles/{id}/pay-estimate/"]["post"]["responses"].keys()
    for path, methods in ops.items():
        for method, op in methods.items():
            assert {"401", "403"} <= op["responses"].keys(), (path, method)


def test_the_docs_page_uses_only_local_static_files(db, client):
    response = client.get("/api/docs/")
    assert response.status_code == 200 and "text/html" in response["Content-Type"]
    html = response.content.decode()
    assert "swagger-ui" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    # Static files, and the start-up script that the docs view serves itself (no inline script: CSP).
    assert sources and all(s.startswith(("/static/", "/api/docs/?script")) for s in sources), sources
    assert "cdn" not in html.lower()


def test_deleting_a_role_people_hold_is_a_409(catalogue, api):
    as_user(api, "hr")
    response = api.delete(f"/api/v1/roles/{role_id('store-cs')}/")
    assert response.status_code == 409 and "王小明" in response.json()["detail"]


def test_visitors_see_the_reference_pay_range_only_when_the_shop_publishes_it(catalogue, api):
    shop = ShopProfile.load()
    shop.show_public_pay_range = True
    shop.save()
    detail = api.get(f"/api/v1/roles/{role_id('cs-supervisor')}/").json()
    assert detail["pay_min"] == "2200.00"
    assert not {"base_salary", "pay_scheme", "performance_bonus_amount"} & detail.keys()


def test_the_tree_is_built_once_per_catalogue_change(catalogue, api):
    as_user(api, "hr")

    def titles():
        return {row["slug"]: row["title"] for row in api.get("/api/v1/tree/").json()}

    assert titles()["store-cs"] == "店铺客服"
    assert not any("roles_role" in sql for sql in captured_sql(titles))  # answered from the copy

    cs = Role.objects.get(slug="store-cs")
    cs.title = "网店客服"
    cs.save()
    assert titles()["store-cs"] == "网店客服"
    services.move_role(cs.pk, role_id("store-manager"))
    assert next(r for r in api.get("/api/v1/tree/").json() if r["slug"] == "store-cs")["parent"] == role_id(
        "store-manager"
    )
    extra = make_role("夜班客服", parent=cs, slug="night-cs")
    assert titles()["night-cs"] == "夜班客服"
    services.delete_role(extra.pk)
    assert "night-cs" not in titles()

    api.force_authenticate(None)
    assert "store-manager" in {row["slug"] for row in api.get("/api/v1/tree/").json()}
    ShopProfile.objects.update_or_create(pk=1, defaults={"public_catalogue": False})
    assert api.get("/api/v1/tree/").json() == []


def test_api_edits_of_a_published_role_wait_for_approval_and_visitors_read_the_live_version(catalogue, api):
    as_user(api, "hr")
    url = f"/api/v1/roles/{role_id('store-cs')}/"
    live = api.get(url).json()
    response = api.patch(url, {"status": "published", "duties": [{"text": "新的职责"}]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "draft"  # status is read-only: approval publishes
    assert [d["text"] for d in response.json()["duties"]] == ["新的职责"]

    api.force_authenticate(None)
    shown = api.get(url).json()
    assert shown["status"] == "published"
    assert shown["duties"] == live["duties"] and shown["department"] == live["department"]
    assert "store-cs" in {r["slug"] for r in all_results(api, "/api/v1/roles/")}


def test_pay_estimate_follows_changes_to_the_role_and_its_pay_scheme(catalogue, api):
    as_user(api, "manager")
    url = f"/api/v1/roles/{role_id('store-cs')}/pay-estimate/"
    month = {**ESTIMATE, "performance_score": "75"}
    assert api.post(url, month, format="json").json()["performance_bonus"] == "700.80"  # 80 % of 876
    cs = Role.objects.get(slug="store-cs")
    cs.performance_bonus_amount = Decimal("1000.00")
    cs.save()
    assert api.post(url, month, format="json").json()["performance_bonus"] == "800.00"
    tier = cs.pay_scheme.tiers.get(min_score=70)
    tier.rate = Decimal("0.50")
    tier.save()
    assert api.post(url, month, format="json").json()["performance_bonus"] == "500.00"
    services.delete_role(make_role("临时岗位", parent=cs).pk)  # an unrelated write changes nothing
    assert api.post(url, month, format="json").json()["performance_bonus"] == "500.00"

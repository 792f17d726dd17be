"""A new pay scheme starts from the shop's pay policy (shopconfig.PayPolicy), in the admin and through the API."""

from decimal import Decimal

from rest_framework.test import APIClient

from roles.models import PayScheme
from shopconfig.models import PayPolicy
from tests.admin_forms import change_form_data
from tests.factories import make_hr_user, make_manager, make_user

CHANGED_POLICY = {
    "attendance_bonus_rate": Decimal("0.150"),
    "attendance_incident_limit": 5,
    "absence_days_limit": Decimal("2.5"),
    "warning_consecutive_months": 2,
    "warning_score": Decimal("55.50"),
}


def change_policy():
    PayPolicy.objects.update_or_create(pk=1, defaults=CHANGED_POLICY)


def scheme_values(scheme):
    return {name: getattr(scheme, name) for name in CHANGED_POLICY}


def test_the_scheme_takes_every_policy_field_it_has():
    shared = {f.name for f in PayPolicy._meta.concrete_fields} & {f.name for f in PayScheme._meta.concrete_fields}
    assert set(PayScheme.POLICY_FIELDS) == shared - {"id"} == set(CHANGED_POLICY)


def test_without_a_saved_policy_the_policy_field_defaults_apply(db):
    assert not PayPolicy.objects.exists()
    assert PayScheme.policy_defaults() == {
        "attendance_bonus_rate": Decimal("0.10"),
        "attendance_incident_limit": 3,
        "absence_days_limit": Decimal("1"),
        "warning_consecutive_months": 3,
        "warning_score": Decimal("60"),
    }
    assert not PayPolicy.objects.exists(), "reading the defaults writes nothing"


def test_a_new_scheme_in_the_admin_starts_from_the_changed_policy(client, db):
    change_policy()
    client.force_login(make_user("boss", superuser=True))

    response = client.get("/admin/roles/payscheme/add/")

    form = response.context["adminform"].form
    assert {name: Decimal(str(form[name].value())) for name in CHANGED_POLICY} == CHANGED_POLICY
    data = change_form_data(response)
    data.update(code="new-scheme", name="新薪资方案", _save="1")
    response = client.post("/admin/roles/payscheme/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert scheme_values(PayScheme.objects.get(code="new-scheme")) == CHANGED_POLICY


def test_the_add_page_shows_the_policy_numbers(client, db):
    change_policy()
    client.force_login(make_user("boss", superuser=True))
    page = client.get("/admin/roles/payscheme/add/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'name="attendance_bonus_rate" value="0.150"' in page
    assert 'name="warning_score" value="55.50"' in page


def test_changing_the_policy_leaves_existing_schemes_alone(db):
    scheme = PayScheme.objects.create(code="old", name="旧方案")
    change_policy()
    scheme.refresh_from_db()
    assert scheme.warning_score == Decimal("60") and scheme.attendance_bonus_rate == Decimal("0.100")


def test_hr_creates_a_scheme_through_the_api_starting_from_the_policy(db):
    change_policy()
    api = APIClient()
    api.force_authenticate(make_hr_user())
    tiers = [{"min_score": "80", "max_score": None, "rate": "1"}, {"min_score": "60", "max_score": "80", "rate": "0.6"}]
    response = api.post(
        "/api/v1/pay-schemes/",
        {"code": "api-scheme", "name": "接口方案", "warning_score": "65", "tiers": tiers},
        format="json",
    )
    assert response.status_code == 201, response.json()
    scheme = PayScheme.objects.get(code="api-scheme")
    assert scheme_values(scheme) == {**CHANGED_POLICY, "warning_score": Decimal("65.00")}
    assert list(scheme.tiers.values_list("min_score", "max_score", "rate")) == [
        (Decimal("80.00"), None, Decimal("1.000")),
        (Decimal("60.00"), Decimal("80.00"), Decimal("0.600")),
    ]
    assert response.json()["attendance_incident_limit"] == CHANGED_POLICY["attendance_incident_limit"]


def test_overlapping_tiers_are_refused_and_nothing_is_saved(db):
    api = APIClient()
    api.force_authenticate(make_hr_user())
    tiers = [{"min_score": "60", "max_score": "80", "rate": "0.6"}, {"min_score": "70", "rate": "1"}]
    response = api.post("/api/v1/pay-schemes/", {"code": "bad", "name": "重叠方案", "tiers": tiers}, format="json")
    assert response.status_code == 400
    assert "60–80" in response.json()["tiers"][0] and "≥ 70" in response.json()["tiers"][0]
    assert not PayScheme.objects.filter(code="bad").exists()


def test_only_hr_creates_schemes(db):
    api = APIClient()
    api.force_authenticate(make_manager())
    assert api.post("/api/v1/pay-schemes/", {"code": "x", "name": "经理方案"}).status_code == 403
    assert not PayScheme.objects.filter(code="x").exists()

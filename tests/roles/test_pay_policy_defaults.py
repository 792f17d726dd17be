"""A new pay scheme starts from the shop's pay policy (shopconfig.PayPolicy), in the admin and through the API."""

from decimal import Decimal

from rest_framework.test import APIRequestFactory

from roles.api.serializers import PaySchemeSerializer
from roles.models import PayScheme
from shopconfig.models import PayPolicy
from tests.admin_forms import change_form_data
from tests.factories import make_user

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


def test_from_policy_is_an_unsaved_scheme_with_the_policy_values(db):
    change_policy()
    scheme = PayScheme.from_policy(code="night", name="夜班方案", warning_score=Decimal("70"))
    assert scheme.pk is None
    assert scheme_values(scheme) == {**CHANGED_POLICY, "warning_score": Decimal("70")}
    assert scheme.name == "夜班方案"


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
    scheme = PayScheme.from_policy(code="old", name="旧方案")
    scheme.save()
    change_policy()
    scheme.refresh_from_db()
    assert scheme.warning_score == Decimal("60") and scheme.attendance_bonus_rate == Decimal("0.100")


def test_a_scheme_created_through_the_api_serializer_starts_from_the_policy(db):
    change_policy()
    request = APIRequestFactory().post("/api/v1/pay-schemes/")
    serializer = PaySchemeSerializer(
        data={"code": "api-scheme", "name": "接口方案", "warning_score": "65"}, context={"request": request}
    )
    assert serializer.is_valid(), serializer.errors
    scheme = serializer.save()
    scheme.refresh_from_db()
    assert scheme_values(scheme) == {**CHANGED_POLICY, "warning_score": Decimal("65.00")}

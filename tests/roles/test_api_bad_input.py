"""Bad input to the API's writes is a 400 naming the field, never a 500.

Role writes (POST, PUT, PATCH), the pay estimate and the dismissal warning, with negative or
non-numeric amounts, scores outside 0–100, counts that are not non-negative integers and unknown fields.
A new superior that would make a cycle is refused too: 400 under `parent` (or a move's `target`).
"""

import itertools

import pytest
from rest_framework.test import APIClient

from roles.models import Role
from tests.factories import make_hr_user, tree_text
from tests.roles.test_api import ESTIMATE, new_role_data

MONTH = {"performance_score": "70", "met_base_target": True}

BAD_AMOUNTS = ["-1", "-0.01", "abc", "1e3x", True, [1], {"a": 1}, "1" * 20]  # digit strings only
BAD_SCORES = ["-1", "100.01", "101", "-0.01", "abc", "", None, [85]]
BAD_COUNTS = [-1, 1.5, "1.5", "abc", "", None, True, [1]]
UNKNOWN = {"salary": "3000", "parent_id": 1, "Title": "x"}


@pytest.fixture
def api(seeded):
    client = APIClient()
    client.force_authenticate(make_hr_user())
    return client


def role(slug):
    return Role.objects.get(slug=slug)


def assert_names(response, field):
    assert response.status_code == 400, (response.status_code, response.content[:500])
    errors = response.json()
    assert field in errors, errors
    assert errors[field] and all(isinstance(message, str) and message for message in errors[field])


def role_writes(api, **changes):
    """The same bad change through POST, PUT and PATCH."""
    cs = role("store-cs")
    url = f"/api/v1/roles/{cs.pk}/"
    full = {**api.get(url).json(), **changes}
    return {
        "POST": api.post("/api/v1/roles/", new_role_data(**changes), format="json"),
        "PUT": api.put(url, full, format="json"),
        "PATCH": api.patch(url, changes, format="json"),
    }


MONEY_FIELDS = ["pay_min", "pay_max", "base_salary", "performance_bonus_amount"]


@pytest.mark.parametrize("field", MONEY_FIELDS)
def test_role_writes_refuse_bad_amounts(api, field):
    before = tree_text()
    for value in BAD_AMOUNTS:
        for response in role_writes(api, **{field: value}).values():
            assert_names(response, field)
    assert not Role.objects.filter(slug="night-cs").exists() and tree_text() == before


def test_role_writes_refuse_a_commission_rate_outside_0_to_1(api):
    for value in ["-0.01", "1.01", "abc", True]:
        for response in role_writes(api, commission_rate=value).values():
            assert_names(response, "commission_rate")


def test_role_writes_refuse_a_headcount_that_is_not_a_non_negative_integer(api):
    for value in [*BAD_COUNTS, 2**70]:
        for response in role_writes(api, headcount=value).values():
            assert_names(response, "headcount")


def test_role_writes_refuse_a_superior_that_is_no_role_id(api):
    for value in [999999999, "abc", -1, 1.5, True, [1]]:
        for response in role_writes(api, parent=value).values():
            assert_names(response, "parent")


def test_role_writes_refuse_unknown_fields(api):
    for method, response in role_writes(api, **UNKNOWN).items():
        assert response.status_code == 400, method
        assert set(UNKNOWN) <= response.json().keys(), (method, response.json())
        assert "salary" in response.json()["salary"][0]
    assert role("store-cs").title == "店铺客服"


def test_fields_from_a_get_may_be_sent_back(api):
    """Read-only fields are known: a body copied from GET is no unknown-field error."""
    url = f"/api/v1/roles/{role('store-cs').pk}/"
    body = api.get(url).json()
    assert api.put(url, body, format="json").status_code == 200
    assert api.patch(url, {"id": body["id"], "level": 99, "department_name": "x"}, format="json").status_code == 200


def test_a_superior_that_would_make_a_cycle_is_refused_and_changes_nothing(api):
    manager = role("store-manager")
    before = tree_text()
    for value in (role("store-cs").pk, manager.pk):
        url = f"/api/v1/roles/{manager.pk}/"
        for field, response in (
            ("parent", api.patch(url, {"parent": value}, format="json")),
            ("parent", api.put(url, {**api.get(url).json(), "parent": value}, format="json")),
            (
                "target",
                api.post(
                    f"/api/v1/roles/{manager.pk}/move/", {"target": value, "position": "first-child"}, format="json"
                ),
            ),
        ):
            assert_names(response, field)
    assert tree_text() == before


def test_move_refuses_unknown_fields_and_bad_targets(api):
    url = f"/api/v1/roles/{role('designer').pk}/move/"
    assert_names(api.post(url, {"target": role("store-cs").pk, "where": "left"}, format="json"), "where")
    assert_names(api.post(url, {"target": "abc"}, format="json"), "target")
    assert_names(api.post(url, {"target": role("store-cs").pk, "position": "above"}, format="json"), "position")


# The pay estimate


def estimate(api, **changes):
    return api.post(f"/api/v1/roles/{role('store-cs').pk}/pay-estimate/", {**ESTIMATE, **changes}, format="json")


@pytest.mark.parametrize(
    "field", ["sales_amount", "base_salary", "performance_bonus_amount", "special_bonus", "absent_days"]
)
def test_the_pay_estimate_refuses_bad_amounts(api, field):
    for value in [*BAD_AMOUNTS, "", None]:
        assert_names(estimate(api, **{field: value}), field)


def test_the_pay_estimate_refuses_a_score_outside_0_to_100(api):
    for value in BAD_SCORES:
        assert_names(estimate(api, performance_score=value), "performance_score")


def test_the_pay_estimate_needs_a_score(api):
    body = {**ESTIMATE}
    del body["performance_score"]
    response = api.post(f"/api/v1/roles/{role('store-cs').pk}/pay-estimate/", body, format="json")
    assert_names(response, "performance_score")


@pytest.mark.parametrize("field", ["late_count", "early_leave_count", "leave_count"])
def test_the_pay_estimate_refuses_counts_that_are_not_non_negative_integers(api, field):
    for value in BAD_COUNTS:
        assert_names(estimate(api, **{field: value}), field)


def test_the_pay_estimate_refuses_a_commission_rate_outside_0_to_1(api):
    for value in ["-0.01", "1.01", "abc"]:
        assert_names(estimate(api, commission_rate=value), "commission_rate")


def test_the_pay_estimate_refuses_unknown_fields(api):
    response = estimate(api, **UNKNOWN)
    assert response.status_code == 400
    assert set(UNKNOWN) <= response.json().keys()


def test_the_pay_estimate_of_a_role_that_is_no_number_is_a_404_not_a_500(api):
    for pk in ["abc", "null,null", "-1", "999999999"]:
        response = api.post(f"/api/v1/roles/{pk}/pay-estimate/", ESTIMATE, format="json")
        assert response.status_code == 404 and response.json()["detail"]


def test_a_body_that_is_not_an_object_is_a_400(api):
    urls = [f"/api/v1/roles/{role('store-cs').pk}/pay-estimate/", "/api/v1/pay/warning/", "/api/v1/roles/"]
    for body, url in itertools.product([[], "text", None, 1], urls):
        response = api.post(url, body, format="json")
        assert response.status_code == 400 and response.json()


# The dismissal warning


def warning(api, months=None, **extra):
    return api.post("/api/v1/pay/warning/", {"months": months or [MONTH], **extra}, format="json")


def test_the_warning_refuses_a_score_outside_0_to_100(api):
    for value in BAD_SCORES:
        response = warning(api, [MONTH, {**MONTH, "performance_score": value}])
        assert response.status_code == 400
        assert "performance_score" in response.json()["months"]["1"]


@pytest.mark.parametrize("field", ["role", "pay_scheme"])
def test_the_warning_refuses_a_role_or_scheme_that_is_no_id(api, field):
    for value in ["abc", 1.5, True, [1], None]:
        assert_names(warning(api, **{field: value}), field)


def test_the_warning_refuses_months_that_are_not_a_list_of_months(api):
    for months in [[], "x", [1], [{}], None]:
        assert_names(api.post("/api/v1/pay/warning/", {"months": months}, format="json"), "months")


def test_the_warning_refuses_unknown_fields_at_the_top_and_in_a_month(api):
    response = warning(api, **UNKNOWN)
    assert response.status_code == 400 and set(UNKNOWN) <= response.json().keys()
    response = warning(api, [MONTH, {**MONTH, "score": 70}])
    assert response.status_code == 400
    assert "score" in response.json()["months"]["1"]

"""The schema at /api/schema/ states what the server does (issue 15): who may call each operation, which
bodies it refuses, which statuses it answers; its examples are valid and tell the truth."""

import datetime
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator
from rest_framework.test import APIClient

from orgchart.models import Employee, HeadcountPlan, Plan
from roles.api.serializers import MonthSerializer, PayEstimateRequestSerializer, decimal_pattern
from roles.models import Department, Grade, JobFamily, PayGrade, PayScheme, Role
from tests.roles.test_api import ESTIMATE

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(db, client):
    return client.get("/api/schema/?format=json").json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def validator(schema, node):
    """An OpenAPI 3.0 validator for `node`, its references resolved in the whole schema."""
    return OAS30Validator({**node, "components": schema["components"]})


def an_existing_id(path):
    """An id the seed catalogue with people (the `catalogue` fixture) has for the object of `path`."""
    model = {
        "/api/v1/roles/": lambda: Role.objects.get(slug="store-cs"),
        "/api/v1/departments/": Department.objects.first,
        "/api/v1/grades/": Grade.objects.first,
        "/api/v1/job-families/": JobFamily.objects.first,
        "/api/v1/pay-grades/": PayGrade.objects.first,
        "/api/v1/pay-schemes/": PayScheme.objects.first,
        "/api/v1/employees/": Employee.objects.first,
        "/api/v1/plans/": lambda: Plan.objects.create(name="方案", base_date=datetime.date(2026, 1, 1)),
        "/api/v1/headcount-plans/": lambda: HeadcountPlan.objects.create(
            name="编制", start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31)
        ),
    }[path.split("{id}")[0]]
    return model().pk


def test_operations_declare_anonymous_access_exactly_where_the_server_allows_it(catalogue, schema):
    anonymous = APIClient()
    declared = {}
    for path, method, operation in operations(schema):
        url = path.replace("{id}", str(an_existing_id(path))) if "{id}" in path else path
        url = url.replace("{number}", "1").replace("{line_id}", "1")  # a plan change's number, a plan's line
        response = getattr(anonymous, method)(url, {}, format="json") if method != "get" else anonymous.get(url)
        open_to_anonymous = response.status_code != 401
        declared[f"{method.upper()} {path}"] = {} in operation["security"]
        assert declared[f"{method.upper()} {path}"] == open_to_anonymous, (method, path, response.status_code)
    assert declared["GET /api/v1/roles/"] and declared["GET /api/v1/roles/{id}/"] and declared["GET /api/v1/tree/"]
    assert not declared["POST /api/v1/roles/"] and not declared["GET /api/v1/pay-schemes/"]


def test_request_bodies_refuse_unknown_fields_in_the_schema_as_on_the_server(schema):
    bodies = [op["requestBody"] for _p, _m, op in operations(schema) if "requestBody" in op]
    assert bodies and all(list(body["content"]) == ["application/json"] for body in bodies)
    requests = {name: component for name, component in schema["components"]["schemas"].items() if "Request" in name}
    assert {"StaffedRoleDetailRequest", "DutyRequest", "KPIRequest", "MonthRequest", "TierRequest"} <= requests.keys()
    assert all(component.get("additionalProperties") is False for component in requests.values())


def test_required_fields_are_the_serializers_required_fields(schema):
    components = schema["components"]["schemas"]
    assert components["WarningRequestRequest"]["required"] == ["months"]
    assert components["PayEstimateRequestRequest"]["required"] == ["performance_score"]
    assert set(components["StaffedRoleDetailRequest"]["required"]) == {"title", "department", "grade"}
    assert components["DutyRequest"]["required"] == ["text"]
    assert "required" not in components["PatchedStaffedRoleDetailRequest"]


def test_every_operation_declares_the_statuses_it_can_answer(schema):
    for path, method, operation in operations(schema):
        codes = operation["responses"].keys()
        assert {"401", "403"} <= codes, (method, path)
        if "{id}" in path or (method == "get" and "results" in str(operation["responses"]["200"])):
            assert "404" in codes, (method, path)  # no such object; no such page of a list
        if "requestBody" in operation:
            assert {"400", "415"} <= codes, (method, path)
    put = schema["paths"]["/api/v1/roles/{id}/"]["put"]["responses"]["400"]
    assert "slug" in put["description"] and put["content"]["application/json"]["examples"]
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"}


def test_lists_declare_their_page_numbers_from_1(schema):
    page = next(p for p in schema["paths"]["/api/v1/roles/"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"] == {"type": "integer", "minimum": 1}


def test_lists_and_creates_link_to_the_operations_on_one_object(schema):
    roles = schema["paths"]["/api/v1/roles/"]
    listed = roles["get"]["responses"]["200"]["links"]
    created = roles["post"]["responses"]["201"]["links"]
    assert {"roles_retrieve", "roles_update", "roles_destroy", "roles_move_create"} <= listed.keys()
    assert listed["roles_retrieve"]["parameters"] == {"id": "$response.body#/results/0/id"}
    assert created["roles_pay_estimate_create"]["parameters"] == {"id": "$response.body#/id"}


def test_every_example_matches_its_schema(schema):
    seen = 0
    for path, method, operation in operations(schema):
        content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        for example in content.get("examples", {}).values():
            validator(schema, content["schema"]).validate(example["value"])
            seen += 1
        for code, response in operation["responses"].items():
            content = response.get("content", {}).get("application/json", {})
            for name, example in content.get("examples", {}).items():
                errors = list(validator(schema, content["schema"]).iter_errors(example["value"]))
                assert not errors, (method, path, code, name, errors[0].message)
                seen += 1
    assert seen > 50


def test_the_pay_examples_are_what_the_server_answers(seeded, schema):
    from tests.factories import make_hr_user

    hr = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    hr.force_authenticate(make_hr_user())
    for url, path in [
        (f"/api/v1/roles/{Role.objects.get(slug='store-cs').pk}/pay-estimate/", "/api/v1/roles/{id}/pay-estimate/"),
        ("/api/v1/pay/warning/", "/api/v1/pay/warning/"),
    ]:
        operation = schema["paths"][path]["post"]
        [request] = operation["requestBody"]["content"]["application/json"]["examples"].values()
        [answer] = operation["responses"]["200"]["content"]["application/json"]["examples"].values()
        assert hr.post(url, request["value"], format="json").json() == answer["value"]


# The strings an amount may be are the ones the server accepts


AMOUNT_FIELDS = [
    (PayEstimateRequestSerializer, name, {**ESTIMATE})
    for name in ("performance_score", "commission_rate", "sales_amount", "absent_days", "base_salary")
] + [(MonthSerializer, "performance_score", {"met_base_target": True})]


@pytest.mark.parametrize(
    "serializer, name, rest", AMOUNT_FIELDS, ids=[f"{s.__name__}.{n}" for s, n, _r in AMOUNT_FIELDS]
)
@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_amount_is_accepted_exactly_when_it_matches_the_schema_pattern(serializer, name, rest, data):
    pattern, left_out = decimal_pattern(serializer().fields[name])
    assert not left_out
    value = data.draw(
        st.one_of(
            st.from_regex(pattern, fullmatch=True),
            st.text(alphabet="0123456789.-+e ", max_size=14),
            st.text(max_size=6),
        )
    )
    accepted = serializer(data={**rest, name: value}).is_valid()
    assert accepted == bool(re.fullmatch(pattern, value)), (value, pattern)

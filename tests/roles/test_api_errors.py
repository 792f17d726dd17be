"""Every answer under /api/ is JSON of the documented shape, whatever the client sends (issue 15).

Non-field errors are `{"detail": "…", "code": "…"}`: a path the router does not match, a wrong method,
a body that is not JSON, a page that does not exist, a server error (never a traceback, DEBUG on or
off). Field errors stay `{"field": ["…"]}`. Pages outside /api/ keep their HTML. A body is read as the
schema describes it: "3" is no whole number, 3 no string, "1e3" no amount; nothing is written by a
request that fails.
"""

import logging

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from orgchart.models import Employee
from roles.models import Role
from tests.factories import make_hr_user, make_manager, tree_text
from tests.roles.test_api import ESTIMATE

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
SERVER_ERROR = {"detail": "A server error occurred.", "code": "server_error"}


@pytest.fixture
def hr(seeded):
    api = APIClient()
    api.force_authenticate(make_hr_user())
    return api


def role(slug):
    return Role.objects.get(slug=slug)


def assert_json(response, status):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    return response.json()


def assert_names(response, field):
    errors = assert_json(response, 400)
    assert field in errors, errors
    return errors[field]


# Paths, methods and media types


GARBAGE_PATHS = [
    "/api/v1/roles/-6.1e-05/",
    "/api/v1/roles/1.5/",
    "/api/v1/roles/%205/",  # int(" 5") would be role 5
    "/api/v1/roles/٣/",  # int("٣") would be role 3
    "/api/v1/departments/abc/",
    "/api/v1/roles/abc/move/",
    "/api/v1/roles/-6.1e-05/pay-estimate/",
    "/api/v1/nonsense/",
    "/api/nonsense",
    "/api/",
]


@pytest.mark.parametrize("debug", [False, True], ids=["DEBUG off", "DEBUG on"])
def test_a_path_the_router_does_not_match_is_a_json_404(seeded, client, settings, debug):
    settings.DEBUG = debug
    for path in GARBAGE_PATHS:
        for method in (client.get, client.post, client.delete):
            assert assert_json(method(path, **ENGLISH), 404) == NOT_FOUND, path


def test_pages_outside_the_api_keep_their_html_404(seeded, client):
    response = client.get("/roles/no-such-page/x/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(seeded, client):
    body = assert_json(client.delete("/api/v1/tree/", **ENGLISH), 405)
    assert body == {"detail": 'Method "DELETE" not allowed.', "code": "method_not_allowed"}
    assert "GET" in client.delete("/api/v1/tree/")["Allow"]


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/x-www-form-urlencoded", "title=夜班客服&department=1&grade=1"),
        (
            "multipart/form-data; boundary=xyz",
            '--xyz\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--xyz--\r\n',
        ),
        ("text/plain", "夜班客服"),
    ],
)
def test_a_body_that_is_not_json_is_a_415_and_writes_nothing(hr, content_type, body):
    before = tree_text()
    url = f"/api/v1/roles/{role('store-cs').pk}/"
    for response in (
        hr.post("/api/v1/roles/", body, content_type=content_type, **ENGLISH),
        hr.patch(url, body, content_type=content_type, **ENGLISH),
    ):
        assert assert_json(response, 415)["code"] == "unsupported_media_type"
    assert tree_text() == before and role("store-cs").title == "店铺客服"


def test_json_that_does_not_parse_is_a_400_with_detail_and_code(hr):
    response = hr.post("/api/v1/roles/", '{"title": ', content_type="application/json")
    body = assert_json(response, 400)
    assert body["code"] == "parse_error" and body["detail"]


# Errors that are not about fields carry a code


def test_refusals_carry_a_machine_readable_code(catalogue):
    url = f"/api/v1/roles/{role('store-cs').pk}/"
    anonymous = APIClient()
    assert assert_json(anonymous.delete(url), 401)["code"] == "not_authenticated"
    wrong_token = APIClient(HTTP_AUTHORIZATION="Token not-a-token")
    assert assert_json(wrong_token.get("/api/v1/roles/"), 401)["code"] == "authentication_failed"
    manager = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=make_manager()).key}")
    assert assert_json(manager.delete(url), 403)["code"] == "permission_denied"
    hr = APIClient()
    hr.force_authenticate(make_hr_user())
    assert assert_json(hr.delete(f"/api/v1/roles/{role('store-manager').pk}/"), 409)["code"] == "has_subordinates"
    assert assert_json(hr.delete(url), 409)["code"] == "in_use"  # 王小明 is in post


def test_a_404_says_not_found_without_naming_the_model(seeded):
    assert assert_json(APIClient().get("/api/v1/roles/999999/", **ENGLISH), 404) == NOT_FOUND


# Server errors


@pytest.mark.urls("tests.roles.broken_urls")
@pytest.mark.parametrize("debug", [False, True], ids=["DEBUG off", "DEBUG on"])
def test_a_server_error_under_the_api_is_json_without_a_traceback_and_is_logged(db, settings, debug, caplog):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    for path in ("/api/v1/broken/", "/api/broken/"):
        with caplog.at_level(logging.ERROR, logger="django.request"):
            response = client.get(path, **ENGLISH)
        assert assert_json(response, 500) == SERVER_ERROR
        assert b"secret detail" not in response.content and b"Traceback" not in response.content
        assert any(record.exc_info and "secret detail" in str(record.exc_info[1]) for record in caplog.records)
        caplog.clear()


@pytest.mark.urls("tests.roles.broken_urls")
def test_a_server_error_outside_the_api_keeps_its_html_page(db):
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")


# Pages of a list


@pytest.mark.parametrize("url", ["/api/v1/roles/", "/api/v1/departments/", "/api/v1/grades/"])
def test_a_page_that_does_not_exist_is_a_json_404(seeded, url):
    api = APIClient()
    assert api.get(url, {"page": "1"}).status_code == 200
    for page in ["0", "", "last", "abc", "999", "+1", "٢", "1.0", "-1", " 1"]:
        body = assert_json(api.get(url, {"page": page}, **ENGLISH), 404)
        assert body["code"] == "not_found", page


def test_a_nul_character_in_a_filter_finds_nothing(seeded, client):
    """PostgreSQL refuses NUL in a query: neither the API nor the list page may pass one on (a 500 there)."""
    for name in ("q", "department", "grade"):
        response = APIClient().get("/api/v1/roles/", {name: "客服\x00"})
        assert response.status_code == 200 and response.json()["count"] == 0, name
        page = client.get("/roles/", {name: "客服\x00"})
        assert page.status_code == 200 and "/roles/store-cs/" not in page.content.decode(), name


def test_an_empty_or_unknown_status_filter_is_a_400(seeded):
    for value in ["", "gone"]:
        assert_names(APIClient().get("/api/v1/roles/", {"status": value}), "status")


def test_the_employees_role_filter_takes_a_whole_number(catalogue):
    manager = APIClient()
    manager.force_authenticate(make_manager())
    for value in ["abc", "٣", "+3", "", "1.0"]:
        assert_names(manager.get("/api/v1/employees/", {"role": value}), "role")
    assert manager.get("/api/v1/employees/", {"role": "99999999999999999999"}).json()["count"] == 0
    cs = role("store-cs")
    people = manager.get("/api/v1/employees/", {"role": str(cs.pk)}).json()["results"]
    assert [p["name"] for p in people] == list(Employee.objects.filter(role=cs).values_list("name", flat=True))


# Bodies are read as the schema says


def test_a_value_of_another_json_type_is_a_400_under_its_name(hr):
    cs = role("store-cs")
    url = f"/api/v1/roles/{cs.pk}/"
    for field, value in [
        ("title", 5),
        ("title", ["店铺客服"]),
        ("headcount", "2"),
        ("headcount", 2.5),
        ("headcount", True),
        ("parent", str(cs.parent_id)),
        ("department", {"id": cs.department_id}),
        ("base_salary", 3000),
        ("base_salary", 3000.5),
        ("duties", {"text": "x"}),
        ("requirement", ["x"]),
    ]:
        assert_names(hr.patch(url, {field: value}, format="json"), field)
    estimate = f"{url}pay-estimate/"
    assert_names(hr.post(estimate, {**ESTIMATE, "performance_score": 85}, format="json"), "performance_score")
    assert_names(hr.post(estimate, {**ESTIMATE, "late_count": "1"}, format="json"), "late_count")
    months = [{"performance_score": "70", "met_base_target": "true"}]
    errors = assert_names(hr.post("/api/v1/pay/warning/", {"months": months}, format="json"), "months")
    assert errors["0"]["met_base_target"]  # an item of a list: under its index
    assert role("store-cs").title == "店铺客服" and role("store-cs").headcount == cs.headcount


def test_a_text_longer_than_its_maximum_is_refused_as_sent(hr):
    """The schema's maxLength counts what is sent; trimming the spaces would have made it fit."""
    cs = role("store-cs")
    limit = Role._meta.get_field("title").max_length
    url = f"/api/v1/roles/{cs.pk}/"
    assert_names(hr.patch(url, {"title": "\x1d" + "客" * limit}, format="json"), "title")
    assert_names(hr.patch(url, {"title": "客" * limit + " "}, format="json"), "title")
    assert hr.patch(url, {"title": " 客服 "}, format="json").json()["title"] == "客服"


def test_a_whole_number_may_be_written_3_0_as_json_schema_says(hr):
    url = f"/api/v1/roles/{role('store-cs').pk}/"
    assert hr.patch(url, {"headcount": 3.0}, format="json").status_code == 200
    assert role("store-cs").headcount == 3


def test_an_amount_is_digits_with_a_decimal_point(hr):
    url = f"/api/v1/roles/{role('store-cs').pk}/"
    stored = role("store-cs").base_salary, role("store-cs").commission_rate
    for value in ["1e3", " 5", "5.", ".5", "+5", "000000005000", "-0", ""]:
        assert_names(hr.patch(url, {"base_salary": value}, format="json"), "base_salary")
    for value in ["1e3", "5.", "1.00000", "01"]:
        assert_names(hr.patch(url, {"commission_rate": value}, format="json"), "commission_rate")
    assert (role("store-cs").base_salary, role("store-cs").commission_rate) == stored
    for value, stored in [("3000", "3000.00"), ("3000.5", "3000.50"), ("0.01", "0.01"), (None, None)]:
        response = hr.patch(url, {"base_salary": value}, format="json")
        assert response.status_code == 200 and response.json()["base_salary"] == stored
    for value in ["1", "1.0000", "0.0250", "0"]:
        assert hr.patch(url, {"commission_rate": value}, format="json").status_code == 200, value


def test_a_patch_replaces_items_with_whole_items(hr):
    cs = role("store-cs")
    url = f"/api/v1/roles/{cs.pk}/"
    duties = list(cs.duties.values_list("text", flat=True))
    errors = assert_names(hr.patch(url, {"duties": [{"text": "接待顾客"}, {"order": 2}]}, format="json"), "duties")
    assert errors["1"]["text"] and "0" not in errors
    assert_names(hr.patch(url, {"kpis": [{"weight": "10"}]}, format="json"), "kpis")
    assert list(role("store-cs").duties.values_list("text", flat=True)) == duties

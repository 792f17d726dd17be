"""Reorganisation plans through /api/v1/plans/: the story of issue 12 as an integrator runs it, and the errors."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from orgchart.models import Plan
from roles import services
from roles.models import Role
from tests.factories import make_hr_manager, make_hr_user, make_manager, make_user
from tests.queries import assert_constant_queries
from tests.roles.test_dated import TODAY, at, chart_on

NEXT_MONTH = datetime.date(2026, 4, 1)


@pytest.fixture
def story(catalogue):
    """The standard catalogue, HR and an approver with API clients, the clock on TODAY."""
    with at(TODAY):
        hr, approver = APIClient(), APIClient()
        hr.force_authenticate(make_hr_user())
        approver.force_authenticate(make_hr_manager())
        yield {"hr": hr, "approver": approver, "slug": lambda slug: Role.objects.get(slug=slug)}


def post(client, url, body=None, status=200):
    response = client.post(url, body or {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, response.json()
    return response.json()


def get(client, url, status=200):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, response.content[:300]
    return response.json()


def test_a_plan_from_start_to_approval(story):
    hr, approver, role = story["hr"], story["approver"], story["slug"]
    supervisor, designer = role("promotion-supervisor"), role("designer")
    plan = post(hr, "/api/v1/plans/", {"name": "推广部调整"}, status=201)
    assert (plan["status"], plan["base_date"], plan["change_count"]) == ("draft", TODAY.isoformat(), 0)
    url = f"/api/v1/plans/{plan['id']}/"
    manager = post(
        hr,
        url + "changes/",
        {
            "kind": "add",
            "title": "推广经理",
            "parent": supervisor.parent_id,
            "department": supervisor.department_id,
            "grade": supervisor.grade_id,
            "headcount": 1,
            "pay_min": "8000.00",
            "pay_max": "12000.00",
        },
        status=201,
    )
    assert (manager["number"], manager["role"]) == (1, -1)
    post(hr, url + "changes/", {"kind": "move", "role": supervisor.pk, "parent": -1}, status=201)
    post(hr, url + "changes/", {"kind": "headcount", "role": designer.pk, "headcount": 4}, status=201)
    assert [c["kind"] for c in get(hr, url + "changes/")] == ["add", "move", "headcount"]

    diff = get(hr, url + "diff/")
    assert {(d["title"], d["kind"], d["before"], d["after"]) for d in diff["roles"]} == {
        ("推广经理", "added", "—", "店长"),
        ("推广主管", "parent", "店长", "推广经理"),
        ("美工", "headcount", "2", "4"),
    }
    design = next(d for d in diff["departments"] if d["department"] == designer.department_id)
    assert design["headcount_after"] - design["headcount_before"] == 2
    assert float(design["cost_after"]) - float(design["cost_before"]) == 9300  # two more 美工 at 4650.00
    assert diff["problems"] == []

    post(hr, url + "submit/")
    assert (
        post(hr, url + "approve/", {"effective_date": NEXT_MONTH.isoformat()}, status=403)["code"]
        == "permission_denied"
    )
    approved = post(approver, url + "approve/", {"effective_date": NEXT_MONTH.isoformat()})
    assert (approved["status"], approved["effective_date"]) == ("approved", NEXT_MONTH.isoformat())
    assert chart_on(TODAY)["推广主管"] == "店长"
    assert chart_on(NEXT_MONTH)["推广主管"] == "推广经理"
    changes = get(hr, f"/api/v1/changes/?from={NEXT_MONTH}&to={NEXT_MONTH}")
    assert {(c["role_title"], c["kind"]) for c in changes["results"]} >= {
        ("推广主管", "parent"),
        ("美工", "headcount"),
        ("推广经理", "archived"),
    }


def test_a_refused_change_is_a_400_naming_the_field_and_the_plan_is_unchanged(story):
    hr, role = story["hr"], story["slug"]
    plan = post(hr, "/api/v1/plans/", {"name": "x"}, status=201)
    url = f"/api/v1/plans/{plan['id']}/changes/"
    boss = role("general-manager")
    cases = [
        ({"kind": "move", "role": boss.pk, "parent": role("designer").pk}, "parent", "cannot report to itself"),
        ({"kind": "merge", "role": boss.pk, "into": boss.pk}, "into", "cannot be merged with itself"),
        ({"kind": "rename", "role": 0, "title": "x"}, "role", "does not exist"),
        ({"kind": "rename", "role": boss.pk}, "title", "required"),
        ({"kind": "rename", "role": boss.pk, "title": "x", "into": 3}, "into", "has no into"),
        ({"kind": "headcount", "role": boss.pk, "headcount": "3"}, "headcount", ""),
        ({"kind": "teleport", "role": boss.pk}, "kind", ""),
        ({"kind": "department", "role": boss.pk, "department": 0}, "department", "No such department"),
        (
            {"kind": "add", "role": boss.pk, "title": "x", "parent": None, "department": 1, "grade": 1, "headcount": 1},
            "role",
            "",
        ),
    ]
    for body, field, words in cases:
        errors = post(hr, url, body, status=400)
        assert field in errors and words in errors[field][0], (body, errors)
    assert get(hr, url) == []


def test_status_errors_are_409s_and_conflicts_are_listed(story):
    hr, approver, role = story["hr"], story["approver"], story["slug"]
    plan = post(hr, "/api/v1/plans/", {"name": "x"}, status=201)
    url = f"/api/v1/plans/{plan['id']}/"
    assert post(hr, url + "submit/", status=409)["code"] == "plan_empty"
    post(hr, url + "changes/", {"kind": "rename", "role": role("designer").pk, "title": "视觉设计"}, status=201)
    assert post(approver, url + "approve/", {}, status=409)["code"] == "plan_status"
    post(hr, url + "submit/")
    assert hr.delete(url).status_code == 409
    assert (
        post(hr, url + "changes/", {"kind": "archive", "role": role("designer").pk}, status=409)["code"]
        == "plan_status"
    )

    designer = role("designer")
    designer.title = "美工设计师"
    services.save_role(designer)
    before = list(Role.objects.values_list("pk", "title", "parent_id").order_by("pk"))
    stopped = post(approver, url + "approve/", {"effective_date": TODAY.isoformat()}, status=409)
    assert stopped["code"] == "plan_conflicts"
    assert stopped["conflicts"] == [
        {
            "role": designer.pk,
            "title": "美工设计师",
            "reason": "“美工设计师”: its title changed since the plan was made, from 美工 to 美工设计师.",
        }
    ]
    assert list(Role.objects.values_list("pk", "title", "parent_id").order_by("pk")) == before
    assert post(approver, url + "reject/", {}, status=400)["comment"]
    assert post(approver, url + "reject/", {"comment": "美工已改名，请重做"})["status"] == "draft"
    assert get(hr, url)["comment"] == "美工已改名，请重做"
    assert hr.delete(url + "changes/1/").status_code == 204
    assert hr.delete(url + "changes/1/").status_code == 404
    assert hr.delete(url).status_code == 204
    assert get(hr, url, status=404)["code"] == "not_found"


def test_a_change_another_needs_cannot_be_removed(story):
    hr, role = story["hr"], story["slug"]
    boss = role("general-manager")
    plan = post(hr, "/api/v1/plans/", {"name": "x"}, status=201)
    url = f"/api/v1/plans/{plan['id']}/changes/"
    add = {
        "kind": "add",
        "title": "新岗位",
        "parent": boss.pk,
        "department": boss.department_id,
        "grade": boss.grade_id,
        "headcount": 1,
    }
    post(hr, url, add, status=201)
    post(hr, url, {"kind": "rename", "role": -1, "title": "新岗位二"}, status=201)
    assert hr.delete(url + "1/").json()["code"] == "plan_in_use"


def test_only_hr_and_approvers_see_plans(story):
    Plan.objects.create(name="x", base_date=TODAY)
    assert APIClient().get("/api/v1/plans/").status_code == 401
    for user in (make_manager(), make_user("employee")):
        client = APIClient()
        client.force_authenticate(user)
        assert client.get("/api/v1/plans/").status_code == 403
    assert get(story["approver"], "/api/v1/plans/")["count"] == 1


def test_costs_only_for_readers_of_pay(story):
    editor = make_user("editor", staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_role"))
    client = APIClient()
    client.force_authenticate(editor)
    plan = post(client, "/api/v1/plans/", {"name": "x"}, status=201)
    designer = story["slug"]("designer")
    post(
        client,
        f"/api/v1/plans/{plan['id']}/changes/",
        {"kind": "headcount", "role": designer.pk, "headcount": 3},
        status=201,
    )
    departments = get(client, f"/api/v1/plans/{plan['id']}/diff/")["departments"]
    assert departments and all(
        set(d) == {"department", "name", "headcount_before", "headcount_after"} for d in departments
    )
    with_pay = get(story["hr"], f"/api/v1/plans/{plan['id']}/diff/")["departments"]
    assert all("cost_after" in d for d in with_pay)


def test_the_list_and_diff_cost_the_same_queries_as_plans_and_changes_grow(story):
    hr, role = story["hr"], story["slug"]
    plan = post(hr, "/api/v1/plans/", {"name": "x"}, status=201)
    url = f"/api/v1/plans/{plan['id']}/"
    designer = role("designer")
    count = iter(range(1, 100))

    def grow():
        post(hr, "/api/v1/plans/", {"name": "y"}, status=201)
        for _ in range(3):
            post(hr, url + "changes/", {"kind": "headcount", "role": designer.pk, "headcount": next(count)}, status=201)

    grow()
    assert_constant_queries(lambda: get(hr, "/api/v1/plans/"), grow)
    assert_constant_queries(lambda: get(hr, url + "diff/"), grow)
    assert_constant_queries(lambda: get(hr, url + "changes/"), grow)

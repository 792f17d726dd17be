"""The API of headcount plans and placements: /api/v1/headcount-plans/ (managers read, HR writes), its
lines, and /api/v1/employees/ writable for HR — refused placements are a 409 with the numbers, warned
ones a 201 with warnings; bad input is a 400 naming the field."""

import datetime
import itertools

import pytest
from rest_framework.test import APIClient

from orgchart.models import Employee, HeadcountLine, HeadcountPlan, OverPlanPlacement
from roles import dated
from roles.models import Role
from tests.factories import make_hr_user, make_manager, make_role
from tests.queries import assert_constant_queries

TODAY = dated.today()
YEAR = {"start_date": f"{TODAY.year}-01-01", "end_date": f"{TODAY.year}-12-31"}


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def hr(catalogue):
    return api(make_hr_user("hr-api"))


@pytest.fixture
def manager(catalogue):
    return api(make_manager("manager-api"))


@pytest.fixture
def designer(catalogue):
    """美工 with 2 in post."""
    role = Role.objects.get(slug="designer")
    Employee.objects.filter(role=role).delete()
    for n in (1, 2):
        Employee.objects.create(name=f"美工{n}", employee_number=f"D{n}", role=role)
    return role


@pytest.fixture
def plan(designer):
    """This year's plan, active, under deny, started from the roles' headcounts (美工: 2)."""
    plan = HeadcountPlan.objects.create(name="年度编制", status="active", control_mode="deny", **YEAR)
    HeadcountLine.objects.create(plan=plan, role=designer, seats=2)
    return plan


def new_designer(designer, number="D3", **fields):
    return {"name": "新美工", "employee_number": number, "role": designer.pk, **fields}


# ----------------------------------------------------------------------------- plans


def test_hr_creates_a_plan_that_starts_from_the_roles_headcounts(hr, manager):
    response = hr.post("/api/v1/headcount-plans/", {"name": "年度编制", **YEAR, "control_mode": "deny"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    organisation = Role.objects.exclude(status=Role.Status.ARCHIVED)
    assert (
        body["line_count"] == organisation.count() and body["status"] == "draft" and body["ratio_percent"] == "100.00"
    )
    assert "预增" in body["counting_rule"]
    lines = manager.get(f"/api/v1/headcount-plans/{body['id']}/lines/").json()
    assert {line["role"]: line["seats"] for line in lines} == dict(organisation.values_list("pk", "headcount"))
    assert manager.get("/api/v1/headcount-plans/").json()["results"][0]["name"] == "年度编制"


def test_a_plan_may_start_empty(hr):
    body = {"name": "空方案", **YEAR, "start_from_roles": False}
    assert hr.post("/api/v1/headcount-plans/", body, format="json").json()["line_count"] == 0


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"start_date": "2026-02-01", "end_date": "2026-01-31"}, "end_date"),
        ({"ratio_percent": "0"}, "ratio_percent"),
        ({"ratio_percent": "0.00"}, "ratio_percent"),
        ({"ratio_percent": "1000.01"}, "ratio_percent"),
        ({"ratio_percent": "-1"}, "ratio_percent"),
        ({"control_mode": "block"}, "control_mode"),
        ({"status": "open"}, "status"),
        ({"start_date": "1899-12-31"}, "start_date"),
        ({"seats": 3}, "seats"),  # a plan has no seats: its lines do
    ],
)
def test_bad_plans_are_refused_naming_the_field(hr, fields, named):
    response = hr.post("/api/v1/headcount-plans/", {"name": "坏方案", **YEAR, **fields}, format="json")
    assert response.status_code == 400 and list(response.json()) == [named], response.json()
    assert not HeadcountPlan.objects.filter(name="坏方案").exists()


def test_a_second_active_plan_overlapping_the_first_is_refused_naming_the_start_date(hr, plan):
    body = {"name": "第四季度", "start_date": f"{TODAY.year}-10-01", "end_date": f"{TODAY.year + 1}-03-31"}
    draft = hr.post("/api/v1/headcount-plans/", body, format="json")
    assert draft.status_code == 201  # a draft may overlap
    response = hr.patch(f"/api/v1/headcount-plans/{draft.json()['id']}/", {"status": "active"}, format="json")
    assert response.status_code == 400 and "年度编制" in response.json()["start_date"][0]
    fixed = {"status": "active", "start_date": f"{TODAY.year + 1}-01-01"}
    assert hr.patch(f"/api/v1/headcount-plans/{draft.json()['id']}/", fixed, format="json").status_code == 200


def test_managers_read_plans_but_do_not_write_them_and_anonymous_callers_are_asked_to_log_in(manager, plan):
    assert manager.get(f"/api/v1/headcount-plans/{plan.pk}/").json()["control_mode"] == "deny"
    assert manager.patch(f"/api/v1/headcount-plans/{plan.pk}/", {"name": "改"}, format="json").status_code == 403
    assert manager.post(f"/api/v1/headcount-plans/{plan.pk}/lines/", {"seats": 1}, format="json").status_code == 403
    assert api().get("/api/v1/headcount-plans/").status_code == 401


# ----------------------------------------------------------------------------- lines


def test_hr_adds_changes_and_removes_lines(hr, plan):
    department = Role.objects.get(slug="designer").department
    url = f"/api/v1/headcount-plans/{plan.pk}/lines/"
    cap = hr.post(
        url, {"department": department.pk, "seats": 5, "control_mode": "ratio", "ratio_percent": "120"}, format="json"
    )
    assert cap.status_code == 201, cap.json()
    line = cap.json()
    assert (line["role"], line["department"], line["seats"], line["allowed"]) == (None, department.pk, 5, 6)
    changed = hr.patch(f"{url}{line['id']}/", {"control_mode": None, "ratio_percent": None}, format="json").json()
    assert (changed["control_mode"], changed["allowed"]) == (None, 5)  # the plan's: deny
    assert hr.delete(f"{url}{line['id']}/").status_code == 204
    assert [x["role"] for x in hr.get(url).json()] == [Role.objects.get(slug="designer").pk]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"seats": -1}, "seats"),
        ({"seats": 1.5}, "seats"),
        ({"seats": "2"}, "seats"),
        ({"role": "designer", "seats": 2}, "role"),
        ({"seats": 2}, "role"),  # neither role nor department
        ({"role": 0, "seats": 2}, "role"),  # no such role
        ({"department": 99999, "seats": 2}, "department"),
        ({"ratio_percent": "1001", "seats": 2}, "ratio_percent"),
    ],
)
def test_bad_lines_are_refused_naming_the_field(hr, plan, body, named):
    response = hr.post(f"/api/v1/headcount-plans/{plan.pk}/lines/", body, format="json")
    assert response.status_code == 400 and named in response.json(), response.json()


def test_a_plan_has_one_line_per_role_and_one_per_department(hr, plan, designer):
    url = f"/api/v1/headcount-plans/{plan.pk}/lines/"
    again = hr.post(url, {"role": designer.pk, "seats": 5}, format="json")
    assert again.status_code == 400 and again.json()["role"] == ["该方案已有这个岗位的编制行。"]
    both = hr.post(url, {"role": designer.pk, "department": designer.department_id, "seats": 5}, format="json")
    assert both.status_code == 400 and list(both.json()) == ["role"]
    assert hr.post(url, {"department": designer.department_id, "seats": 5}, format="json").status_code == 201
    twice = hr.post(url, {"department": designer.department_id, "seats": 6}, format="json")
    assert twice.status_code == 400 and list(twice.json()) == ["department"]


def test_a_line_of_another_plan_is_not_found(hr, plan):
    other = HeadcountPlan.objects.create(name="别的", start_date="2030-01-01", end_date="2030-12-31")
    line = plan.lines.get()
    assert hr.get(f"/api/v1/headcount-plans/{other.pk}/lines/{line.pk}/").status_code == 404


# ----------------------------------------------------------------------------- placing people


def test_hr_adds_a_person_within_the_plan(hr, plan, designer):
    plan.lines.update(seats=3)
    response = hr.post("/api/v1/employees/", new_designer(designer, shift="白班", start_date=str(TODAY)), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["role"], body["shift"], body["warnings"], body["active"]) == (
        "新美工",
        designer.pk,
        "白班",
        [],
        True,
    )
    assert body["recorded_on"] == str(TODAY)


def test_over_plan_under_deny_is_a_409_with_the_numbers_and_nothing_saved(hr, plan, designer):
    response = hr.post("/api/v1/employees/", new_designer(designer), format="json")
    assert response.status_code == 409
    body = response.json()
    assert {k: body[k] for k in ("planned", "allowed", "occupied", "plan", "line", "code")} == {
        "planned": 2,
        "allowed": 2,
        "occupied": 2,
        "plan": plan.pk,
        "line": plan.lines.get().pk,
        "code": "over_plan",
    }
    assert "年度编制" in body["detail"] and "美工" in body["detail"]
    assert not Employee.objects.filter(employee_number="D3").exists()


def test_the_done_when_story_through_the_api(hr, plan, designer):
    """美工 planned 2, 2 in post: under 禁止 a third is refused; under 提醒 saved with a warning the plan lists."""
    assert hr.post("/api/v1/employees/", new_designer(designer), format="json").status_code == 409
    assert hr.patch(f"/api/v1/headcount-plans/{plan.pk}/", {"control_mode": "warn"}, format="json").status_code == 200
    response = hr.post("/api/v1/employees/", new_designer(designer), format="json")
    assert response.status_code == 201
    [warning] = response.json()["warnings"]
    assert (warning["planned"], warning["allowed"], warning["occupied"]) == (2, 2, 2)
    assert warning["detail"].startswith("超出编制方案“年度编制”") and "并列入方案报表" in warning["detail"]
    record = OverPlanPlacement.objects.get()
    assert (record.plan, record.employee_number, record.placed_by.username, record.occupied) == (
        plan,
        "D3",
        "hr-api",
        3,
    )


def test_ratio_plans_allow_the_rounded_down_share(hr, plan, designer):
    hr.patch(f"/api/v1/headcount-plans/{plan.pk}/", {"control_mode": "ratio", "ratio_percent": "175"}, format="json")
    assert hr.post("/api/v1/employees/", new_designer(designer, "D3"), format="json").status_code == 201  # 3.5 → 3
    refused = hr.post("/api/v1/employees/", new_designer(designer, "D4"), format="json")
    assert refused.status_code == 409 and (refused.json()["allowed"], refused.json()["occupied"]) == (3, 3)


def test_moving_someone_into_a_full_role_is_a_409_and_into_a_free_one_a_200(hr, plan, designer):
    agent = Employee.objects.get(name="王小明")
    refused = hr.post(f"/api/v1/employees/{agent.pk}/move/", {"role": designer.pk}, format="json")
    assert refused.status_code == 409 and refused.json()["occupied"] == 2
    Employee.objects.filter(employee_number="D1").update(end_date=TODAY - datetime.timedelta(days=1))
    moved = hr.post(f"/api/v1/employees/{agent.pk}/move/", {"role": designer.pk}, format="json")
    assert moved.status_code == 200 and moved.json()["role"] == designer.pk and moved.json()["warnings"] == []


def test_reopening_a_leaver_through_the_api_is_checked(hr, plan, designer):
    leaver = Employee.objects.create(name="离职", employee_number="L1", role=designer, start_date="2020-01-01")
    Employee.objects.filter(pk=leaver.pk).update(end_date="2020-06-30")
    response = hr.patch(f"/api/v1/employees/{leaver.pk}/", {"end_date": None}, format="json")
    assert response.status_code == 409
    assert str(Employee.objects.get(pk=leaver.pk).end_date) == "2020-06-30"


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"start_date": "2026-05-02", "end_date": "2026-05-01"}, "end_date"),
        ({"employee_number": "D1"}, "employee_number"),
        ({"role": 0}, "role"),
        ({"shift": "夜宵班"}, "shift"),
        ({"active": False, "nickname": "小美"}, "nickname"),
        ({"start_date": "2101-01-01"}, "start_date"),
    ],
)
def test_bad_people_are_refused_naming_the_field(hr, designer, fields, named):
    response = hr.post("/api/v1/employees/", new_designer(designer, **fields), format="json")
    assert response.status_code == 400 and named in response.json(), response.json()


def test_an_archived_role_takes_nobody(hr, catalogue):
    archived = make_role("旧岗位", status=Role.Status.ARCHIVED)
    response = hr.post("/api/v1/employees/", new_designer(archived), format="json")
    assert response.status_code == 400 and "role" in response.json()


def test_managers_read_people_but_place_nobody_and_anonymous_callers_see_no_names(manager, designer):
    assert {p["name"] for p in manager.get("/api/v1/employees/").json()["results"]} >= {"美工1", "美工2"}
    assert manager.post("/api/v1/employees/", new_designer(designer), format="json").status_code == 403
    person = Employee.objects.get(employee_number="D1")
    assert manager.post(f"/api/v1/employees/{person.pk}/move/", {"role": designer.pk}, format="json").status_code == 403
    for url in ("/api/v1/employees/", f"/api/v1/employees/{person.pk}/", "/api/v1/headcount-plans/"):
        response = api().get(url)
        assert response.status_code == 401 and "美工1" not in response.content.decode()
    assert api().post("/api/v1/employees/", new_designer(designer), format="json").status_code == 401


# ----------------------------------------------------------------------------- query counts


def test_the_lists_cost_the_same_queries_whatever_the_number_of_rows(hr, plan):
    numbers = itertools.count()

    def more():
        for n in itertools.islice(numbers, 5):
            role = make_role(f"岗位{n}")
            Employee.objects.create(name=f"员工{n}", employee_number=f"Q{n}", role=role)
            HeadcountLine.objects.create(plan=plan, role=role, seats=1)
            HeadcountPlan.objects.create(name=f"旧{n}", start_date="2020-01-01", end_date="2020-12-31")

    assert_constant_queries(lambda: hr.get("/api/v1/employees/"), more)
    assert_constant_queries(lambda: hr.get("/api/v1/headcount-plans/"), more)
    assert_constant_queries(lambda: hr.get(f"/api/v1/headcount-plans/{plan.pk}/lines/"), more)

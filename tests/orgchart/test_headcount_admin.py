"""Headcount plans and placements in the admin: refusals as form errors with the numbers, warnings as
messages and in the plan's list of over-plan placements, a new plan starting from the roles' headcounts,
and bad input refused naming the field."""

import datetime
import itertools

import pytest

from orgchart.models import Employee, HeadcountLine, HeadcountPlan, OverPlanPlacement
from roles import dated
from roles.models import Role
from tests.admin_forms import change_form_data, error_text
from tests.factories import make_role
from tests.queries import assert_constant_queries

TODAY = dated.today()
YEAR_START, YEAR_END = TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31)


@pytest.fixture
def plan(catalogue):
    """The catalogue's 美工 with 2 in post and an active plan of 2 seats for it, under deny."""
    designer = Role.objects.get(slug="designer")
    Employee.objects.filter(role=designer).delete()
    for n in (1, 2):
        Employee.objects.create(name=f"美工{n}", employee_number=f"D{n}", role=designer)
    plan = HeadcountPlan.objects.create(
        name="年度编制", start_date=YEAR_START, end_date=YEAR_END, status="active", control_mode="deny"
    )
    HeadcountLine.objects.create(plan=plan, role=designer, seats=2)
    return plan


def add_designer(client, number="D3"):
    designer = Role.objects.get(slug="designer")
    data = {"name": "新美工", "employee_number": number, "role": designer.pk, "recorded_on": TODAY.isoformat()}
    return client.post("/admin/orgchart/employee/add/", data, follow=True)


def test_hr_adding_a_third_designer_under_deny_is_refused_with_the_numbers(plan, hr_client):
    response = add_designer(hr_client)
    text = error_text(response)
    assert "超出编制方案“年度编制”：美工允许 2 人（编制 2 人）" in text and "已计 2 人。未保存。" in text
    assert not Employee.objects.filter(employee_number="D3").exists()


def test_under_warn_the_third_designer_is_saved_with_a_warning_the_plan_lists(plan, hr_client):
    plan.control_mode = "warn"
    plan.save()
    response = add_designer(hr_client)
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("超出编制方案“年度编制”：美工允许 2 人") for m in shown), shown
    assert Employee.objects.filter(employee_number="D3").exists()
    record = OverPlanPlacement.objects.get()
    assert (record.employee_name, record.placed_by.username, record.occupied) == ("新美工", "hr", 3)
    page = hr_client.get(f"/admin/orgchart/headcountplan/{plan.pk}/change/").content.decode()
    assert "新美工" in page and "D3" in page
    designer = Role.objects.get(slug="designer")
    assert f'<option value="{designer.pk}" selected>美工</option>' in page  # the line's role, by its title


def test_moving_someone_in_the_admin_into_a_full_role_is_refused(plan, hr_client):
    agent = Employee.objects.get(name="王小明")
    url = f"/admin/orgchart/employee/{agent.pk}/change/"
    data = change_form_data(hr_client.get(url))
    data["role"] = str(Role.objects.get(slug="designer").pk)
    response = hr_client.post(url, data)
    assert response.status_code == 200 and "美工允许 2 人" in error_text(response)
    assert Employee.objects.get(pk=agent.pk).role.slug != "designer"


def test_the_employee_form_refuses_a_last_day_before_the_start(plan, hr_client):
    person = Employee.objects.get(employee_number="D1")
    url = f"/admin/orgchart/employee/{person.pk}/change/"
    data = change_form_data(hr_client.get(url)) | {"start_date": "2026-05-02", "end_date": "2026-05-01"}
    response = hr_client.post(url, data)
    assert "最后工作日不能早于入职日期。" in str(response.context["adminform"].form.errors["end_date"])


def test_a_new_plan_without_lines_starts_from_the_roles_headcounts_and_shows_the_counting_rule(catalogue, hr_client):
    data = {
        "name": "下半年",
        "start_date": "2031-07-01",
        "end_date": "2031-12-31",
        "status": "draft",
        "control_mode": "warn",
        "ratio_percent": "100",
        "occupy_from": "recorded",
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
    }
    response = hr_client.post("/admin/orgchart/headcountplan/add/", data, follow=True)
    plan = HeadcountPlan.objects.get(name="下半年")
    organisation = Role.objects.exclude(status=Role.Status.ARCHIVED)
    assert dict(plan.lines.values_list("role_id", "seats")) == dict(organisation.values_list("pk", "headcount"))
    assert any("方案已按各岗位当前编制生成" in str(m) for m in response.context["messages"])
    page = hr_client.get(f"/admin/orgchart/headcountplan/{plan.pk}/change/").content.decode()
    assert "统计口径：" in page and "预增" in page and "向下取整到整人" in page


def plan_form(plan_obj, hr_client, **changes):
    url = f"/admin/orgchart/headcountplan/{plan_obj.pk}/change/"
    data = change_form_data(hr_client.get(url)) | changes
    return hr_client.post(url, data)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": "2020-01-01", "start_date": "2020-02-01"}, "end_date", "最后一天不能早于第一天"),
        ({"ratio_percent": "0"}, "ratio_percent", "大于 0、最多 1000"),
        ({"ratio_percent": "-5"}, "ratio_percent", "大于 0、最多 1000"),
        ({"ratio_percent": "1000.01"}, "ratio_percent", "大于 0、最多 1000"),
    ],
)
def test_bad_plans_are_refused_naming_the_field(plan, hr_client, changes, field, message):
    response = plan_form(plan, hr_client, **changes)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])


def test_a_second_active_plan_overlapping_the_first_is_refused_naming_the_period(plan, hr_client):
    other = HeadcountPlan.objects.create(
        name="季度", start_date=YEAR_END, end_date=YEAR_END + datetime.timedelta(days=90)
    )
    response = plan_form(other, hr_client, status="active")
    assert "与生效方案“年度编制”" in str(response.context["adminform"].form.errors["start_date"])
    response = plan_form(
        other, hr_client, status="active", start_date=(YEAR_END + datetime.timedelta(days=1)).isoformat()
    )
    assert response.status_code == 302  # the day after the first plan's last day: no overlap


@pytest.mark.parametrize("seats", ["-1", "1.5"])
def test_a_negative_or_fractional_seat_count_is_refused(plan, hr_client, seats):
    response = plan_form(plan, hr_client, **{"lines-0-seats": seats})
    assert response.status_code == 200 and "seats" in str(response.context["inline_admin_formsets"][0].formset.errors)
    assert HeadcountLine.objects.get(plan=plan).seats == 2


def test_a_line_names_a_role_or_a_department_not_both(plan, hr_client):
    department = Role.objects.get(slug="designer").department_id
    response = plan_form(plan, hr_client, **{"lines-0-department": str(department)})
    assert "请指定岗位或部门，不能同时指定。" in error_text(response)


def test_the_lists_cost_the_same_queries_whatever_the_number_of_rows(plan, hr_client):
    designer = Role.objects.get(slug="designer")
    numbers = itertools.count()

    def more():
        for n in itertools.islice(numbers, 5):
            role = make_role(f"新岗位{n}")
            Employee.objects.create(name=f"员工{n}", employee_number=f"X{n}", role=role, end_date=TODAY)
            HeadcountLine.objects.create(plan=plan, role=role, seats=1)
            HeadcountPlan.objects.create(name=f"旧方案{n}", start_date=YEAR_START, end_date=YEAR_START)
            OverPlanPlacement.objects.create(
                plan=plan,
                line_name="美工",
                employee_name="某",
                employee_number="E",
                role=designer,
                role_title="美工",
                action="add",
                day=TODAY,
                planned=2,
                allowed=2,
                occupied=3,
            )

    assert_constant_queries(lambda: hr_client.get("/admin/orgchart/employee/"), more)
    assert_constant_queries(lambda: hr_client.get("/admin/orgchart/headcountplan/"), more)
    assert_constant_queries(lambda: hr_client.get(f"/admin/orgchart/headcountplan/{plan.pk}/change/"), more)

"""Placing people under the active headcount plan (orgchart/placement.py): refused, warned or saved per
mode, department caps above role lines, 预增 and 预减 on their boundary days, moves (调动), start dates,
reopened leavers, and two HR users racing for the last seat on PostgreSQL."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from orgchart import placement
from orgchart.models import Employee, HeadcountLine, HeadcountPlan, OverPlanPlacement
from orgchart.placement import PlacementRefused
from roles import dated
from tests.factories import make_department, make_hr_user, make_role

TODAY = dated.today()
YESTERDAY, TOMORROW = TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=1)
IS_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def shop(db):
    """电商部 > 设计部 (美工, 2 in post) and 客服部 (客服, nobody); an active plan for this year with 2 seats for 美工."""
    ecommerce = make_department("电商部", code="ecommerce")
    design = make_department("设计部", code="design", parent=ecommerce)
    service = make_department("客服部", code="service", parent=ecommerce)
    designer = make_role("美工", slug="designer", department=design, headcount=2)
    agent = make_role("客服", slug="agent", department=service, headcount=3)
    for n in (1, 2):
        Employee.objects.create(name=f"美工{n}", employee_number=f"D{n}", role=designer, start_date=YESTERDAY)
    plan = HeadcountPlan.objects.create(
        name="2026 编制",
        start_date=TODAY.replace(month=1, day=1),
        end_date=TODAY.replace(month=12, day=31),
        status=HeadcountPlan.Status.ACTIVE,
    )
    designer_line = HeadcountLine.objects.create(plan=plan, role=designer, seats=2)
    return {
        "plan": plan,
        "line": designer_line,
        "designer": designer,
        "agent": agent,
        "design": design,
        "ecommerce": ecommerce,
    }


def hire(role, number="N1", **dates):
    return Employee(name=f"新人{number}", employee_number=number, role=role, **dates)


def set_mode(shop, mode, percent=100, seats=2):
    shop["plan"].control_mode = mode
    shop["plan"].ratio_percent = Decimal(percent)
    shop["plan"].save()
    HeadcountLine.objects.filter(pk=shop["line"].pk).update(seats=seats)


def outcome(role, employee=None, **dates):
    """What placing a new hire (or saving `employee`) gives: "refused", "warned" or "saved"."""
    try:
        done = placement.place(employee or hire(role, **dates))
    except PlacementRefused:
        return "refused"
    return "warned" if done.warnings else "saved"


# mode, percent, seats (2 in post already), outcome of a third
MODES = [
    ("none", 100, 2, "saved"),
    ("warn", 100, 3, "saved"),  # below
    ("warn", 100, 2, "warned"),  # over
    ("deny", 100, 3, "saved"),  # at: the third takes the last seat
    ("deny", 100, 2, "refused"),  # over
    ("deny", 100, 1, "refused"),  # already over
    ("ratio", 150, 2, "saved"),  # 2 × 150 % = 3
    ("ratio", 120, 2, "refused"),  # 2.4 → 2
    ("ratio", 100, 2, "refused"),
    ("ratio", 50, 6, "saved"),  # 3
    ("ratio", 50, 5, "refused"),  # 2.5 → 2
]


@pytest.mark.parametrize(("mode", "percent", "seats", "expected"), MODES)
def test_placing_a_third_designer_per_mode(shop, mode, percent, seats, expected):
    set_mode(shop, mode, percent, seats)
    assert outcome(shop["designer"], start_date=TODAY) == expected
    saved = Employee.objects.filter(role=shop["designer"]).count()
    assert saved == (2 if expected == "refused" else 3)


def test_a_refusal_carries_the_plan_the_line_and_the_numbers(shop):
    set_mode(shop, "deny")
    with pytest.raises(PlacementRefused) as refused:
        placement.place(hire(shop["designer"]))
    error = refused.value
    assert (error.plan, error.line, error.planned, error.allowed, error.occupied) == (
        shop["plan"],
        shop["line"],
        2,
        2,
        2,
    )
    assert (
        error.message.startswith("超出编制方案“2026 编制”：美工允许 2 人（编制 2 人）")
        and "已计 2 人。未保存。" in error.message
    )


def test_a_warned_placement_is_saved_and_recorded_with_who_and_when(shop):
    set_mode(shop, "warn")
    hr = make_hr_user("hr-warn")
    done = placement.place(hire(shop["designer"], "W1"), hr)
    assert done.employee.pk and len(done.warnings) == 1
    assert "含本次安排" in done.messages[0] and done.messages[0].endswith("已保存，并列入方案报表。")
    [record] = OverPlanPlacement.objects.all()
    assert (record.plan, record.line, record.employee_name, record.role_title, record.placed_by) == (
        shop["plan"],
        shop["line"],
        "新人W1",
        "美工",
        hr,
    )
    assert (record.planned, record.allowed, record.occupied, record.action, record.day) == (2, 2, 3, "add", TODAY)


def test_a_role_without_a_line_anywhere_is_not_controlled(shop):
    set_mode(shop, "deny")
    for n in range(5):
        assert outcome(shop["agent"], employee=hire(shop["agent"], f"A{n}")) == "saved"


def test_a_department_cap_covers_its_sub_departments_and_refuses_over_a_role_line_with_room(shop):
    set_mode(shop, "deny", seats=10)
    cap = HeadcountLine.objects.create(plan=shop["plan"], department=shop["ecommerce"], seats=3)
    assert outcome(shop["agent"], employee=hire(shop["agent"], "A1")) == "saved"  # 3rd under 电商部
    with pytest.raises(PlacementRefused) as refused:
        placement.place(hire(shop["designer"], "D9"))  # 美工's own line has room: 2 of 10
    assert refused.value.line == cap and refused.value.occupied == 3
    assert "电商部（部门总编制）允许 3 人" in refused.value.message


def test_a_line_may_override_the_plans_mode(shop):
    set_mode(shop, "deny")
    HeadcountLine.objects.filter(pk=shop["line"].pk).update(control_mode="warn")
    assert outcome(shop["designer"]) == "warned"
    HeadcountLine.objects.filter(pk=shop["line"].pk).update(control_mode="ratio", ratio_percent=Decimal(200))
    assert outcome(shop["designer"], employee=hire(shop["designer"], "N2")) == "saved"  # 4 of 4


def test_no_active_plan_covering_the_day_controls_nothing(shop):
    set_mode(shop, "deny")
    HeadcountPlan.objects.update(status=HeadcountPlan.Status.CLOSED)
    assert outcome(shop["designer"]) == "saved"


# --- 预增 and 预减 on their boundary days


def test_a_pre_hire_takes_the_seat_from_the_day_it_is_recorded_when_the_plan_says_so(shop):
    set_mode(shop, "deny", seats=3)
    Employee.objects.create(name="预增", employee_number="P1", role=shop["designer"], start_date=TOMORROW)
    assert outcome(shop["designer"]) == "refused"  # the seat is taken from today
    shop["plan"].occupy_from = HeadcountPlan.OccupyFrom.START_DATE
    shop["plan"].save()
    assert outcome(shop["designer"]) == "saved"  # today the third seat is free; tomorrow is not checked
    assert outcome(shop["designer"], employee=hire(shop["designer"], "N2", start_date=TOMORROW)) == "refused"


def test_a_pre_hire_recorded_tomorrow_does_not_count_today(shop):
    set_mode(shop, "deny", seats=3)
    Employee.objects.create(
        name="预增", employee_number="P1", role=shop["designer"], start_date=TOMORROW, recorded_on=TOMORROW
    )
    assert outcome(shop["designer"], start_date=TODAY) == "saved"


def test_a_leaver_holds_the_seat_until_their_last_day(shop):
    set_mode(shop, "deny")
    shop["plan"].occupy_from = HeadcountPlan.OccupyFrom.START_DATE  # a hire starting tomorrow counts from then
    shop["plan"].save()
    Employee.objects.filter(employee_number="D1").update(end_date=TODAY)
    assert outcome(shop["designer"], start_date=TODAY) == "refused"  # still in post today
    assert outcome(shop["designer"], start_date=TOMORROW) == "saved"  # the seat is free tomorrow
    Employee.objects.filter(employee_number="D2").update(end_date=YESTERDAY)
    assert outcome(shop["designer"], employee=hire(shop["designer"], "N3", start_date=TODAY)) == "saved"


# --- moves, start dates, reopened leavers


def test_moving_someone_into_a_full_role_is_refused_and_leaves_them_where_they_were(shop):
    set_mode(shop, "deny")
    agent = Employee.objects.create(name="客服1", employee_number="C1", role=shop["agent"])
    with pytest.raises(PlacementRefused):
        placement.move(agent.pk, shop["designer"])
    assert Employee.objects.get(pk=agent.pk).role == shop["agent"]
    designer = Employee.objects.get(employee_number="D1")
    assert placement.move(designer.pk, shop["agent"]).warnings == []
    assert placement.move(agent.pk, shop["designer"]).employee.role == shop["designer"]  # the freed seat


def test_editing_someone_in_a_role_already_over_plan_is_not_refused(shop):
    set_mode(shop, "deny", seats=1)
    person = Employee.objects.get(employee_number="D1")
    person.name = "美工一号"
    assert outcome(shop["designer"], employee=person) == "saved"


def test_reopening_a_leaver_into_a_full_role_is_refused(shop):
    set_mode(shop, "deny")
    leaver = Employee.objects.create(
        name="离职", employee_number="L1", role=shop["designer"], start_date=YESTERDAY, end_date=YESTERDAY
    )
    leaver.end_date = None
    assert outcome(shop["designer"], employee=leaver) == "refused"
    assert Employee.objects.get(pk=leaver.pk).end_date == YESTERDAY


def test_bringing_a_start_date_forward_into_a_full_role_is_refused(shop):
    set_mode(shop, "deny")
    shop["plan"].occupy_from = HeadcountPlan.OccupyFrom.START_DATE
    shop["plan"].save()
    Employee.objects.filter(employee_number="D2").update(end_date=TODAY)  # a seat frees up tomorrow
    later = Employee.objects.create(
        name="下周", employee_number="L2", role=shop["designer"], start_date=TODAY + datetime.timedelta(days=7)
    )
    later.start_date = TODAY
    assert outcome(shop["designer"], employee=later) == "refused"
    later.start_date = TOMORROW
    done = placement.place(later)
    assert done.warnings == [] and Employee.objects.get(pk=later.pk).start_date == TOMORROW


def test_a_later_start_is_checked_against_the_plan_covering_that_day(shop):
    shop["plan"].end_date = TODAY
    shop["plan"].save()
    next_plan = HeadcountPlan.objects.create(
        name="下期",
        start_date=TOMORROW,
        end_date=TOMORROW + datetime.timedelta(days=90),
        status=HeadcountPlan.Status.ACTIVE,
        control_mode="deny",
    )
    HeadcountLine.objects.create(plan=next_plan, role=shop["designer"], seats=2)
    set_mode(shop, "none")  # today's plan does not control
    with pytest.raises(PlacementRefused) as refused:
        placement.place(hire(shop["designer"], start_date=TOMORROW))
    assert refused.value.plan == next_plan


# --- plans


def test_a_new_plan_starts_from_the_roles_current_headcounts(shop):
    plan = placement.start_plan(
        HeadcountPlan(name="下半年", start_date=datetime.date(2030, 7, 1), end_date=datetime.date(2030, 12, 31))
    )
    assert dict(plan.lines.values_list("role__slug", "seats")) == {"designer": 2, "agent": 3}


# --- two HR users, one seat


def _racing_placement(role, number, barrier, results):
    try:
        barrier.wait(timeout=30)
        placement.place(hire(role, number))
        results.append("saved")
    except PlacementRefused:
        results.append("refused")
    except Exception as error:  # noqa: BLE001 - reported by the main thread
        results.append(repr(error))
    finally:
        connection.close()


@pytest.mark.skipif(not IS_POSTGRES, reason="needs PostgreSQL: two real concurrent connections (DATABASE_URL=...)")
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_hr_users_placing_people_in_the_last_seat_at_once_exactly_one_succeeds():
    design = make_department("设计部", code="race-design")
    designer = make_role("美工", slug="race-designer", department=design)
    Employee.objects.create(name="美工1", employee_number="R0", role=designer)
    plan = HeadcountPlan.objects.create(
        name="竞争",
        start_date=TODAY,
        end_date=TOMORROW,
        status=HeadcountPlan.Status.ACTIVE,
        control_mode=HeadcountPlan.ControlMode.DENY,
    )
    HeadcountLine.objects.create(plan=plan, role=designer, seats=2)
    for attempt in range(5):  # several rounds: a lucky interleaving must not hide a missing lock
        barrier, results = threading.Barrier(2), []
        threads = [
            threading.Thread(target=_racing_placement, args=(designer, f"R{attempt}-{n}", barrier, results))
            for n in (1, 2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(results) == ["refused", "saved"], results
        assert Employee.objects.filter(role=designer).count() == 2
        Employee.objects.filter(role=designer).exclude(employee_number="R0").delete()

"""The roster under the active headcount plan: over plan under deny is an error row, under warn a warning that
the import records; rows take their seats in the file's order; and the preview's verdicts are those of
placement.place, row after row (orgchart/roster/seats.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from orgchart import placement
from orgchart.models import Employee, HeadcountLine, HeadcountPlan, OverPlanPlacement
from orgchart.roster.service import import_roster, preview
from roles import dated
from tests.factories import make_department, make_hr_user, make_role
from tests.orgchart.test_roster_service import roster, seen
from tests.queries import assert_constant_queries

TODAY = dated.today()
DAY = datetime.timedelta(days=1)
HEADER = ["姓名", "工号", "岗位", "入职日期", "离职日期"]


@pytest.fixture
def shop(db):
    """电商部 > 设计部 (美工, 2 in post, planned 2) and 客服部 (客服, 1 in post, no line); 电商部 capped at 5."""
    ecommerce = make_department("电商部", code="ecommerce")
    design = make_department("设计部", code="design", parent=ecommerce)
    service = make_department("客服部", code="service", parent=ecommerce)
    designer = make_role("美工", code="D-1", slug="designer", department=design, headcount=2)
    agent = make_role("客服", code="S-1", slug="agent", department=service, headcount=3)
    for n in (1, 2):
        Employee.objects.create(name=f"美工{n}", employee_number=f"D{n}", role=designer, start_date=TODAY - 30 * DAY)
    Employee.objects.create(name="客服1", employee_number="S1", role=agent, start_date=TODAY - 30 * DAY)
    plan = HeadcountPlan.objects.create(
        name="年度编制",
        start_date=TODAY - 100 * DAY,
        end_date=TODAY + 100 * DAY,
        status=HeadcountPlan.Status.ACTIVE,
        control_mode=HeadcountPlan.ControlMode.DENY,
    )
    line = HeadcountLine.objects.create(plan=plan, role=designer, seats=2)
    cap = HeadcountLine.objects.create(plan=plan, department=ecommerce, seats=5)
    return {"plan": plan, "line": line, "cap": cap, "designer": designer, "agent": agent}


def set_mode(shop, mode, seats=2, percent=100):
    plan = shop["plan"]
    plan.control_mode, plan.ratio_percent = mode, Decimal(percent)
    plan.save()
    HeadcountLine.objects.filter(pk=shop["line"].pk).update(seats=seats)


def statuses(result):
    return [(o.row.line, o.status) for o in result.outcomes]


def test_a_hire_over_plan_under_deny_is_an_error_with_the_numbers(shop):
    with translation.override("en"):
        result = preview(roster(["张三", "N1", "美工", TODAY.isoformat(), None], header=HEADER))
    assert seen(result) == [
        (
            2,
            "error",
            [
                "Over the headcount plan “年度编制”: 美工 allows 2 (planned 2) and 2 are already counted on "
                f"{TODAY.isoformat()}. Nothing was saved."
            ],
        )
    ]


def test_rows_take_the_seats_in_the_files_order(shop):
    set_mode(shop, "deny", seats=3)
    file = roster(["张三", "N1", "美工"], ["李四", "N2", "美工"], header=HEADER)
    assert statuses(preview(file)) == [(2, "new"), (3, "error")]


def test_a_move_out_frees_the_seat_for_a_later_row(shop):
    file = roster(
        ["张三", "N1", "美工"],  # refused: the move below comes after it
        ["美工1", "D1", "客服", (TODAY - 30 * DAY).isoformat(), None],  # 调动 to 客服
        ["李四", "N2", "美工"],  # takes the seat 美工1 left
        header=HEADER,
    )
    assert statuses(preview(file)) == [(2, "error"), (3, "changed"), (4, "new")]


def test_a_department_cap_refuses_over_it_even_where_the_role_has_no_line(shop):
    HeadcountLine.objects.filter(pk=shop["cap"].pk).update(seats=4)
    file = roster(["张三", "N1", "客服"], ["李四", "N2", "客服"], header=HEADER)
    with translation.override("en"):
        result = preview(file)
    assert statuses(result) == [(2, "new"), (3, "error")]
    assert "电商部 (department cap) allows 4 (planned 4) and 4 are already counted" in result.outcomes[1].reasons[0]


def test_a_leaver_recorded_in_the_file_frees_the_seat_the_day_after_their_last_day(shop):
    file = roster(
        ["美工1", "D1", "美工", (TODAY - 30 * DAY).isoformat(), (TODAY - DAY).isoformat()],
        ["张三", "N1", "美工", TODAY.isoformat(), None],
        header=HEADER,
    )
    assert statuses(preview(file)) == [(2, "changed"), (3, "new")]
    file = roster(
        ["美工1", "D1", "美工", (TODAY - 30 * DAY).isoformat(), TODAY.isoformat()],  # still here today
        ["张三", "N1", "美工", TODAY.isoformat(), None],
        header=HEADER,
    )
    assert statuses(preview(file)) == [(2, "changed"), (3, "error")]


def test_a_move_is_checked_on_the_later_start_date_the_file_does_not_give(shop):
    """The plan counts hires from their start date; 客服2 starts in ten days and the file has no date columns:
    moving them into the full 美工 is refused for that day."""
    HeadcountPlan.objects.filter(pk=shop["plan"].pk).update(occupy_from="start_date")
    Employee.objects.create(name="客服2", employee_number="S2", role=shop["agent"], start_date=TODAY + 10 * DAY)
    with translation.override("en"):
        result = preview(roster(["客服2", "S2", "美工"], header=["姓名", "工号", "岗位"]))
    assert statuses(result) == [(2, "error")]
    assert f"are already counted on {(TODAY + 10 * DAY).isoformat()}" in result.outcomes[0].reasons[0]


def test_over_plan_under_warn_is_imported_with_a_warning_the_plan_records(shop):
    set_mode(shop, "warn")
    hr = make_hr_user()
    file = roster(["张三", "N1", "美工", TODAY.isoformat(), None], header=HEADER)
    with translation.override("en"):
        result = preview(file)
    assert seen(result) == [
        (
            2,
            "new",
            [
                "Over the headcount plan “年度编制”: 美工 allows 2 (planned 2); with this placement 3 are counted on "
                f"{TODAY.isoformat()}. Saved, and listed in the plan's report."
            ],
        )
    ]
    assert not OverPlanPlacement.objects.exists()
    import_roster(file, user=hr)
    [record] = OverPlanPlacement.objects.all()
    assert (record.employee.name, record.role_title, record.action, record.placed_by) == ("张三", "美工", "add", hr)
    assert (record.planned, record.allowed, record.occupied, record.day) == (2, 2, 3, TODAY)
    assert Employee.objects.filter(role=shop["designer"]).count() == 3


def test_an_import_never_writes_a_row_the_plan_refuses(shop):
    result = import_roster(roster(["张三", "N1", "美工"], ["李四", "N2", "客服"], header=HEADER))
    assert statuses(result) == [(2, "error"), (3, "new")]
    assert sorted(Employee.objects.values_list("employee_number", flat=True)) == ["D1", "D2", "N2", "S1"]


def test_a_preview_under_a_plan_costs_the_same_queries_for_any_number_of_rows(shop):
    set_mode(shop, "warn")
    rows = [["张三", "N1", "美工", (TODAY + 10 * DAY).isoformat(), None]]

    def grow():
        for n in range(20):
            Employee.objects.create(name=f"员工{n}", employee_number=f"E{n}", role=shop["agent"])
            rows.append([f"员工{n}", f"E{n}", "美工", (TODAY + 5 * DAY).isoformat(), None])  # a move, later
            rows.append([f"新人{n}", f"M{n}", "S-1", (TODAY + n * DAY).isoformat(), None])  # hires on many days

    assert_constant_queries(lambda: preview(roster(*rows, header=HEADER)), grow, at_most=10)


# ----------------------------------------------------------------------------- the preview agrees with place()


def place_one_by_one(file):
    """What placement.place does with the file's valid rows, one after another (rolled back afterwards)."""
    found = []
    with transaction.atomic():
        for outcome in preview(file).outcomes:
            if outcome.status == "error" and not outcome.reasons[-1].startswith("Over the headcount plan"):
                found.append("error")
                continue
            employee = outcome.employee or Employee(employee_number=outcome.row.employee_number)
            employee.name = outcome.row.name
            employee.role_id = outcome.values["role"]
            employee.start_date, employee.end_date = outcome.values["start_date"], outcome.values["end_date"]
            try:
                done = placement.place(employee)
            except placement.PlacementRefused:
                found.append("refused")
            else:
                found.append("warned" if done.warnings else "saved")
        transaction.set_rollback(True)
    return found


def verdicts(file):
    return [
        "error"
        if o.status == "error" and not o.reasons[-1].startswith("Over the headcount plan")
        else "refused"
        if o.status == "error"
        else "warned"
        if o.warnings
        else "saved"
        for o in preview(file).outcomes
    ]


NUMBERS = ["D1", "D2", "S1", "N1", "N2", "N3", "N4"]
OFFSETS = st.none() | st.integers(-40, 40)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    mode=st.sampled_from(["none", "warn", "deny", "ratio"]),
    seats=st.integers(0, 4),
    cap=st.integers(0, 6),
    percent=st.sampled_from([50, 100, 150]),
    occupy_from=st.sampled_from(["recorded", "start_date"]),
    rows=st.lists(
        st.tuples(st.sampled_from(NUMBERS), st.sampled_from(["美工", "客服"]), OFFSETS, OFFSETS),
        max_size=6,
        unique_by=lambda row: row[0],
    ),
)
def test_the_previews_verdicts_are_those_of_placing_the_rows_one_by_one(
    shop, mode, seats, cap, percent, occupy_from, rows
):
    """Hires, moves, start dates and last days around today, under every mode and both counting rules."""
    with transaction.atomic():
        set_mode(shop, mode, seats=seats, percent=percent)
        HeadcountPlan.objects.filter(pk=shop["plan"].pk).update(occupy_from=occupy_from)
        HeadcountLine.objects.filter(pk=shop["cap"].pk).update(seats=cap)
        cells = []
        for number, title, start, end in rows:
            start_day = None if start is None else TODAY + start * DAY
            end_day = None if end is None or start_day is None else start_day + abs(end) * DAY
            cells.append(
                [f"人{number}", number, title, start_day and start_day.isoformat(), end_day and end_day.isoformat()]
            )
        file = roster(*cells, header=HEADER)
        with translation.override("en"):
            assert verdicts(file) == place_one_by_one(file)
        transaction.set_rollback(True)

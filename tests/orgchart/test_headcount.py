"""The counting rule (口径) of headcount plans: who occupies a seat on a day, what a line allows, which line
controls a role, and the report's figures (orgchart/headcount.py), with the SQL form of the rule
(Employee.objects) proven to agree with it."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from orgchart import headcount as hc
from orgchart.headcount import DENY, NONE, RATIO, RECORDED, START_DATE, WARN, Counts, Line, Lines, Organisation
from orgchart.models import Employee
from tests.factories import make_role

DAY = datetime.date(2026, 3, 15)
BEFORE, AFTER = DAY - datetime.timedelta(days=1), DAY + datetime.timedelta(days=1)


# ----------------------------------------------------------------------------- one person on the day

# start, end, recorded → in post, 预增, 预减, occupied (recorded), occupied (start date)
PEOPLE = [
    # in post from the start date, both days included
    (None, None, BEFORE, True, False, False, True, True),
    (DAY, None, BEFORE, True, False, False, True, True),  # starts on the day
    (AFTER, None, BEFORE, False, True, False, True, False),  # 预增: recorded, starts tomorrow
    (AFTER, None, DAY, False, True, False, True, False),  # 预增 from the day it is recorded
    (AFTER, None, AFTER, False, False, False, False, False),  # recorded tomorrow: nothing yet
    # 预减: a recorded last day keeps the seat until that day, releases it the day after
    (BEFORE, AFTER, BEFORE, True, False, True, True, True),
    (BEFORE, DAY, BEFORE, True, False, True, True, True),  # the last day itself
    (BEFORE, BEFORE, BEFORE, False, False, False, False, False),  # left yesterday
    (None, BEFORE, BEFORE, False, False, False, False, False),
]


@pytest.mark.parametrize(
    ("start", "end", "recorded", "in_post", "pre_hire", "pre_leave", "by_record", "by_start"), PEOPLE
)
def test_who_occupies_a_seat_on_a_day(start, end, recorded, in_post, pre_hire, pre_leave, by_record, by_start):
    assert hc.in_post(start, end, DAY) is in_post
    assert hc.pre_hire(start, end, recorded, DAY) is pre_hire
    assert hc.pre_leave(start, end, DAY) is pre_leave
    assert hc.occupies(start, end, recorded, DAY, RECORDED) is by_record
    assert hc.occupies(start, end, recorded, DAY, START_DATE) is by_start


def test_a_hire_counts_on_the_days_of_the_plan_from_recording_or_from_start():
    hire = hc.Person(role=1, start=DAY, end=None, recorded=BEFORE - datetime.timedelta(days=5))
    counted = {
        mode: [
            d for d in (BEFORE - datetime.timedelta(days=6), BEFORE, DAY) if hc.person_counts(hire, d, mode).occupied
        ]
        for mode in (RECORDED, START_DATE)
    }
    assert counted == {RECORDED: [BEFORE, DAY], START_DATE: [DAY]}


def test_counts_add_up_per_role():
    people = [
        hc.Person(1, None, None, BEFORE),
        hc.Person(1, AFTER, None, BEFORE),
        hc.Person(1, BEFORE, DAY, BEFORE),
        hc.Person(2, BEFORE, BEFORE, BEFORE),
    ]
    assert hc.count(people, DAY, RECORDED) == {1: Counts(in_post=2, pre_hire=1, pre_leave=1, occupied=3)}
    assert hc.count(people, DAY, START_DATE) == {1: Counts(in_post=2, pre_hire=1, pre_leave=1, occupied=2)}


def test_a_placement_is_checked_today_and_on_a_later_start_date():
    assert hc.check_days(None, DAY) == [DAY]
    assert hc.check_days(BEFORE, DAY) == [DAY]
    assert hc.check_days(DAY, DAY) == [DAY]
    assert hc.check_days(AFTER, DAY) == [DAY, AFTER]


# ----------------------------------------------------------------------------- what a line allows

ALLOWED = [
    # seats, mode, percent, allowed
    (2, NONE, 100, 2),
    (2, WARN, 50, 2),  # the percentage counts under 'ratio' only
    (2, DENY, 100, 2),
    (10, RATIO, 100, 10),
    (10, RATIO, 80, 8),
    (10, RATIO, 120, 12),
    (3, RATIO, 50, 1),  # 1.5 → 1: rounded down to a whole person
    (7, RATIO, Decimal("14.29"), 1),  # 1.0003 → 1
    (7, RATIO, Decimal("14.28"), 0),  # 0.9996 → 0, never up
    (3, RATIO, Decimal("33.33"), 0),
    (3, RATIO, Decimal("33.34"), 1),
    (0, RATIO, 1000, 0),
    (1, RATIO, 1000, 10),
    (1, RATIO, Decimal("0.01"), 0),
]


@pytest.mark.parametrize(("seats", "mode", "percent", "expected"), ALLOWED)
def test_allowed_number(seats, mode, percent, expected):
    assert hc.allowed(seats, mode, Decimal(percent)) == expected


# A line of 2 planned seats under each mode; ratio 150 % allows 3. (before, after) → verdict.
VERDICTS = [
    # mode, percent, before, after, verdict
    (NONE, 100, 2, 3, hc.OK),
    (WARN, 100, 0, 1, hc.OK),  # below
    (WARN, 100, 1, 2, hc.OK),  # at
    (WARN, 100, 2, 3, hc.WARNED),  # over
    (DENY, 100, 1, 2, hc.OK),
    (DENY, 100, 2, 3, hc.REFUSED),
    (DENY, 100, 3, 3, hc.OK),  # already over: a change that adds nobody is not refused
    (DENY, 100, 4, 3, hc.OK),  # nor one that lowers the count
    (RATIO, 150, 2, 3, hc.OK),  # at 3 allowed
    (RATIO, 150, 3, 4, hc.REFUSED),
    (RATIO, 50, 0, 1, hc.OK),  # 2 × 50 % = 1
    (RATIO, 50, 1, 2, hc.REFUSED),
    (RATIO, 75, 1, 2, hc.REFUSED),  # 1.5 → 1
]


@pytest.mark.parametrize(("mode", "percent", "before", "after", "expected"), VERDICTS)
def test_control_of_a_placement_by_mode(mode, percent, before, after, expected):
    line = Line(id=1, role=1, department=None, seats=2, mode=mode, percent=Decimal(percent))
    assert hc.verdict(line, before, after) == expected


# ----------------------------------------------------------------------------- which line


# Departments: 1 电商 > 2 客服 > 3 售后; 4 仓储 on its own. Roles: 10, 11 in 客服; 12 in 售后; 13 in 仓储; 14 in 电商.
ORG = Organisation(
    department_parent={1: None, 2: 1, 3: 2, 4: None}, role_department={10: 2, 11: 2, 12: 3, 13: 4, 14: 1}
)


def line(seats, role=None, department=None, mode=DENY, id=None):
    return Line(id=id or (role or 100 + department), role=role, department=department, seats=seats, mode=mode)


def test_a_role_is_controlled_by_its_own_line_else_the_nearest_department_cap():
    lines = Lines.of([line(2, role=10), line(5, department=2), line(9, department=1)])
    assert lines.controlling(10, ORG).role == 10
    assert lines.controlling(11, ORG).department == 2  # no line: its department's cap
    assert lines.controlling(12, ORG).department == 2  # 售后 has no cap: 客服's covers it
    assert lines.controlling(14, ORG).department == 1
    assert lines.controlling(13, ORG) is None  # no line anywhere above it


def test_a_placement_is_checked_against_its_line_and_every_cap_above():
    lines = Lines.of([line(2, role=12), line(5, department=2), line(9, department=1)])
    assert [(x.role, x.department) for x in lines.covering(12, ORG)] == [(12, None), (None, 2), (None, 1)]
    assert lines.covering(13, ORG) == []


def test_a_department_cap_refuses_even_where_the_role_line_has_room():
    """Role 10 has 5 planned seats and 1 occupied; 客服's cap of 3 is full."""
    role_line, cap = Lines.of([line(5, role=10), line(3, department=2)]).covering(10, ORG)
    assert hc.verdict(role_line, 1, 2) == hc.OK
    assert hc.verdict(cap, 3, 4) == hc.REFUSED


# ----------------------------------------------------------------------------- the report


def test_the_report_gives_planned_allowed_and_people_per_role_and_department():
    lines = Lines.of(
        [
            Line(1, role=10, department=None, seats=2, mode=RATIO, percent=Decimal(150)),
            Line(2, role=11, department=None, seats=1, mode=DENY),
            Line(3, role=None, department=4, seats=1, mode=WARN),
        ]
    )
    counts = {
        10: Counts(in_post=2, pre_hire=1, pre_leave=1, occupied=3),
        12: Counts(in_post=1, occupied=1),
        13: Counts(in_post=2, occupied=2),
    }
    roles, departments = hc.report(ORG, lines, counts)
    row = roles[10]
    assert (row.planned, row.allowed, row.in_post, row.pre_hire, row.pre_leave, row.occupied) == (2, 3, 2, 1, 1, 3)
    assert (row.vacant, row.over) == (0, 1)
    assert (roles[11].planned, roles[11].vacant, roles[11].over) == (1, 1, 0)
    assert roles[12].planned is None and roles[12].controlled_by is None  # nothing above 售后 caps it
    assert roles[13].planned is None and roles[13].controlled_by.department == 4
    # 客服 (no cap): its roles' and 售后's figures summed; 仓储: its cap's
    kf = departments[2]
    assert (kf.planned, kf.allowed, kf.in_post, kf.occupied, kf.vacant, kf.over) == (3, 4, 3, 4, 1, 1)
    assert (departments[4].planned, departments[4].occupied, departments[4].over) == (1, 2, 1)
    assert (departments[1].planned, departments[1].occupied) == (3, 4)
    assert departments[3].planned is None and departments[3].occupied == 1


@st.composite
def organisations(draw):
    """A random department forest with roles, lines and counts."""
    n_departments = draw(st.integers(1, 8))
    parents = {d: (draw(st.sampled_from([None, *range(d)])) if d else None) for d in range(n_departments)}
    n_roles = draw(st.integers(0, 12))
    roles = {100 + r: draw(st.integers(0, n_departments - 1)) for r in range(n_roles)}
    lines = []
    for role in roles:
        if draw(st.booleans()):
            lines.append(Line(role, role, None, draw(st.integers(0, 5)), draw(st.sampled_from(hc.MODES))))
    for dept in parents:
        if draw(st.integers(0, 3)) == 0:
            lines.append(Line(1000 + dept, None, dept, draw(st.integers(0, 9)), draw(st.sampled_from(hc.MODES))))
    people = st.builds(Counts, *[st.integers(0, 4)] * 4)
    counts = {role: draw(people) for role in roles if draw(st.booleans())}
    return Organisation(parents, roles), Lines.of(lines), counts


@settings(max_examples=200, deadline=None)
@given(organisations())
def test_department_totals_are_the_sums_of_their_roles_and_sub_departments(found):
    organisation, lines, counts = found
    roles, departments = hc.report(organisation, lines, counts)
    children = organisation.children()
    for dept, figures in departments.items():
        parts = [roles[r] for r, d in organisation.role_department.items() if d == dept]
        parts += [departments[d] for d in children[dept]]
        for name in ("in_post", "pre_hire", "pre_leave", "occupied"):
            assert getattr(figures, name) == sum(getattr(p, name) for p in parts), name
        if dept in lines.by_department:
            continue  # a capped department's planned figures are its cap's
        for name in ("planned", "allowed", "vacant", "over"):
            known = [getattr(p, name) for p in parts if getattr(p, name) is not None]
            assert getattr(figures, name) == (sum(known) if known else None), name
    top = [d for d, parent in organisation.department_parent.items() if parent is None]
    everyone = sum((c.occupied for c in counts.values()), 0)
    assert sum(departments[d].occupied for d in top) == everyone  # nobody counted twice, nobody lost


def test_the_counting_rule_is_stated_in_words_for_each_way_of_counting_hires():
    by_record, by_start = hc.counting_rule(RECORDED), hc.counting_rule(START_DATE)
    assert by_record.startswith("统计口径：") and "预减" in by_record and "向下取整到整人" in by_record
    assert "自录入之日起占编" in by_record and "自入职日期起占编" in by_start
    with translation.override("en"):
        assert "from the day it is recorded" in hc.counting_rule(RECORDED)


# ----------------------------------------------------------------------------- the rule in SQL


def test_the_sql_filters_agree_with_the_rule_on_every_boundary(db):
    """Every combination of start, last day and recording day around DAY: Employee.objects' filters pick
    exactly the people the pure rule counts."""
    role = make_role("客服")
    days = [None, BEFORE, DAY, AFTER]
    people = {}
    for n, (start, end, recorded) in enumerate(itertools.product(days, days, days[1:])):
        if start and end and end < start:
            continue
        people[n] = Employee.objects.create(
            name=f"员工{n}", employee_number=f"B{n}", role=role, start_date=start, end_date=end, recorded_on=recorded
        )

    def picked(queryset):
        return set(queryset.values_list("pk", flat=True))

    def expected(rule):
        return {p.pk for p in people.values() if rule(p)}

    e = Employee.objects
    assert picked(e.in_post(DAY)) == expected(lambda p: hc.in_post(p.start_date, p.end_date, DAY))
    assert picked(e.pre_hire(DAY)) == expected(lambda p: hc.pre_hire(p.start_date, p.end_date, p.recorded_on, DAY))
    assert picked(e.pre_leave(DAY)) == expected(lambda p: hc.pre_leave(p.start_date, p.end_date, DAY))
    for mode in (RECORDED, START_DATE):
        assert picked(e.occupying(DAY, mode)) == expected(
            lambda p, mode=mode: hc.occupies(p.start_date, p.end_date, p.recorded_on, DAY, mode)
        )
    assert 0 < len(picked(e.in_post(DAY))) < len(people)

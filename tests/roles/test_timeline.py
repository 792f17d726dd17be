"""The pure timeline (roles/timeline.py): folding dated changes into states and periods."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roles import timeline
from roles.timeline import Change

D = datetime.date
BASE = {
    "parent": None,
    "title": "推广专员",
    "department": 1,
    "grade": 1,
    "headcount": 1,
    "dotted": [],
    "archived": False,
}


def created(day, seq=0, **state):
    return Change(1, timeline.CREATED, {**BASE, **state}, day, seq)


def change(kind, value, day, seq):
    return Change(1, kind, value, day, seq)


@pytest.mark.parametrize(
    ("changes", "day", "expected"),
    [
        # nothing before the role existed
        ([created(D(2025, 1, 1))], D(2024, 12, 31), None),
        ([created(D(2025, 1, 1))], D(2025, 1, 1), BASE),
        # a scheduled rename is not in force the day before
        ([created(D(2025, 1, 1)), change("title", "推广主管", D(2025, 3, 1), 1)], D(2025, 2, 28), BASE),
        (
            [created(D(2025, 1, 1)), change("title", "推广主管", D(2025, 3, 1), 1)],
            D(2025, 3, 1),
            {**BASE, "title": "推广主管"},
        ),
        # a back-dated correction recorded later, dated before a later change: the later one stays in force
        (
            [
                created(D(2025, 1, 1)),
                change("headcount", 3, D(2025, 6, 1), 1),
                change("headcount", 2, D(2025, 2, 1), 2),
            ],
            D(2025, 7, 1),
            {**BASE, "headcount": 3},
        ),
        (
            [
                created(D(2025, 1, 1)),
                change("headcount", 3, D(2025, 6, 1), 1),
                change("headcount", 2, D(2025, 2, 1), 2),
            ],
            D(2025, 3, 1),
            {**BASE, "headcount": 2},
        ),
        # the same day: the change recorded last wins
        (
            [created(D(2025, 1, 1)), change("grade", 3, D(2025, 2, 1), 5), change("grade", 2, D(2025, 2, 1), 4)],
            D(2025, 2, 1),
            {**BASE, "grade": 3},
        ),
        # a change dated before the role was created does nothing
        ([created(D(2025, 1, 1), seq=2), change("title", "早", D(2024, 1, 1), 1)], D(2025, 1, 1), BASE),
    ],
)
def test_state_on_a_day(changes, day, expected):
    assert timeline.state_on(changes, day) == expected


def test_periods_merge_days_when_nothing_visible_changed():
    changes = [
        created(D(2025, 1, 1)),
        change("headcount", 2, D(2025, 2, 1), 1),
        change("headcount", 2, D(2025, 3, 1), 2),  # the same value again: no new period
        change("title", "推广主管", D(2025, 4, 1), 3),
    ]
    got = [(p.valid_from, p.valid_to, p.state["headcount"], p.state["title"]) for p in timeline.periods(changes)]
    assert got == [
        (D(2025, 1, 1), D(2025, 2, 1), 1, "推广专员"),
        (D(2025, 2, 1), D(2025, 4, 1), 2, "推广专员"),
        (D(2025, 4, 1), None, 2, "推广主管"),
    ]


def test_nested_rows_number_the_tree_like_the_present_tree():
    states = {1: {"parent": None}, 2: {"parent": 1}, 3: {"parent": 1}, 4: {"parent": 3}, 5: {"parent": 99}}
    rows = timeline.nested_rows(states, order={1: (1, 1), 3: (1, 2), 2: (1, 6)})
    assert sorted(rows, key=lambda r: (r[1], r[2])) == [
        (1, 1, 1, 8),
        (3, 1, 2, 5),
        (4, 1, 3, 4),
        (2, 1, 6, 7),
        (5, 2, 1, 2),  # its superior is not in the organisation that day: it stands at the top
    ]


def test_a_loop_is_found_however_long():
    parents = {2: 1, 3: 2, 4: 3}
    assert timeline.would_cycle(parents, 1, 4)
    assert not timeline.would_cycle(parents, 4, 1)
    assert not timeline.would_cycle(parents, 1, None)


days = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31))
kinds = st.sampled_from(["title", "headcount", "grade", "archived"])


def value_for(kind, n):
    return {"title": f"岗位{n}", "headcount": n, "grade": n, "archived": n % 2 == 0}[kind]


@st.composite
def histories(draw):
    first = draw(days)
    steps = draw(st.lists(st.tuples(kinds, st.integers(0, 9), days), max_size=12))
    changes = [created(first, seq=0)]
    for seq, (kind, n, day) in enumerate(steps, start=1):
        changes.append(change(kind, value_for(kind, n), day, seq))
    order = draw(st.permutations(changes))  # recorded in any order: the fold uses dates and seq only
    return list(order)


@given(histories(), days)
def test_periods_agree_with_the_fold_on_every_day(changes, day):
    """The stored periods are the fold: on any day, the period covering it holds state_on(day)."""
    covering = [
        p for p in timeline.periods(changes) if p.valid_from <= day and (p.valid_to is None or day < p.valid_to)
    ]
    expected = timeline.state_on(changes, day)
    if expected is None:
        assert covering == []
    else:
        assert [p.state for p in covering] == [expected]


@given(histories())
def test_periods_follow_each_other_without_gaps(changes):
    found = timeline.periods(changes)
    for before, after in zip(found, found[1:], strict=False):
        assert before.valid_to == after.valid_from
        assert before.state != after.state
    assert found[-1].valid_to is None

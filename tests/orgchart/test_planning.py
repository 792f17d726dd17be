"""Reorganisation plans, the pure rules: the proposed organisation, what is refused and why, the diff."""

from decimal import Decimal as D

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from orgchart import planning
from orgchart.planning import Change
from roles import paycost


@pytest.fixture(autouse=True)
def english_reasons():
    """The reasons are translated; these tests read the English source texts."""
    with translation.override("en"):
        yield


def state(title, parent=None, department=10, headcount=1, archived=False, dotted=()):
    return {
        "parent": parent,
        "title": title,
        "department": department,
        "grade": 1,
        "headcount": headcount,
        "dotted": list(dotted),
        "archived": archived,
    }


# 总经理 ─ 运营总监 ─ 推广主管, 美工;  总经理 ─ 仓储主管;  旧岗位 (archived)
BASE = {
    1: state("总经理"),
    2: state("运营总监", 1),
    3: state("仓储主管", 1, department=40),
    4: state("推广主管", 2, department=20, headcount=2),
    5: state("美工", 2, department=30, headcount=2, dotted=[4]),
    6: state("旧岗位", 1, archived=True),
}


def outline(states):
    """The active roles as indented titles (headcount in brackets), siblings by id: what a chart shows."""
    roles = planning.active(states)
    lines = []

    def walk(parent, depth):
        for role_id in sorted(i for i, s in roles.items() if s["parent"] == parent):
            lines.append("  " * depth + f"{roles[role_id]['title']}({roles[role_id]['headcount']})")
            walk(role_id, depth + 1)

    walk(None, 0)
    return "\n".join(lines)


def changes(*rows):
    """Changes numbered from 1: (kind, role, value)."""
    return [Change(n, kind, role, value) for n, (kind, role, value) in enumerate(rows, start=1)]


def add(title, parent, headcount=1, department=10):
    return (
        "add",
        None,
        {"title": title, "parent": parent, "department": department, "grade": 1, "headcount": headcount},
    )


# Each case: name, changes, the proposed organisation.
# fmt: off
PROPOSED = [
    ("no changes", [], "总经理(1)\n  运营总监(1)\n    推广主管(2)\n    美工(2)\n  仓储主管(1)"),
    ("move a team", [("move", 4, {"parent": 3})], "总经理(1)\n  运营总监(1)\n    美工(2)\n  仓储主管(1)\n    推广主管(2)"),
    ("move to the top", [("move", 3, {"parent": None})], "总经理(1)\n  运营总监(1)\n    推广主管(2)\n    美工(2)\n仓储主管(1)"),
    ("a new manager above a team", [add("推广经理", 2), ("move", 4, {"parent": -1})],
     "总经理(1)\n  运营总监(1)\n    推广经理(1)\n      推广主管(2)\n    美工(2)\n  仓储主管(1)"),
    ("rename", [("rename", 5, {"title": "视觉设计"})], "总经理(1)\n  运营总监(1)\n    推广主管(2)\n    视觉设计(2)\n  仓储主管(1)"),
    ("headcount", [("headcount", 5, {"headcount": 4})], "总经理(1)\n  运营总监(1)\n    推广主管(2)\n    美工(4)\n  仓储主管(1)"),
    ("merge: seats and subordinates go to the kept role", [add("推广专员", 4), ("merge", 4, {"into": 5})],
     "总经理(1)\n  运营总监(1)\n    美工(4)\n      推广专员(1)\n  仓储主管(1)"),
    ("merge into a subordinate: it takes the removed one's place", [("merge", 2, {"into": 4})],
     "总经理(1)\n  仓储主管(1)\n  推广主管(3)\n    美工(2)"),
    ("archive a role without subordinates", [("archive", 3, {})], "总经理(1)\n  运营总监(1)\n    推广主管(2)\n    美工(2)"),
    ("archive after moving its team away", [("move", 4, {"parent": 1}), ("move", 5, {"parent": 1}), ("archive", 2, {})],
     "总经理(1)\n  仓储主管(1)\n  推广主管(2)\n  美工(2)"),
]
# fmt: on


@pytest.mark.parametrize(("name", "rows", "expected"), PROPOSED)
def test_the_proposed_organisation(name, rows, expected):
    proposal = planning.propose(BASE, changes(*rows))
    assert proposal.problems == ()
    assert outline(proposal.states) == expected, name


def test_department_and_grade_changes_set_the_field():
    proposal = planning.propose(BASE, changes(("department", 5, {"department": 20}), ("grade", 5, {"grade": 2})))
    assert (proposal.states[5]["department"], proposal.states[5]["grade"]) == (20, 2)


def test_a_merge_hands_dotted_lines_to_the_kept_role():
    proposal = planning.propose(BASE, changes(("merge", 4, {"into": 3})))
    assert proposal.states[5]["dotted"] == [3]
    assert proposal.merged == {4: 3}


# Each case: name, changes, the number of the refused change, the reason.
# fmt: off
REFUSED = [
    ("a loop", [("move", 2, {"parent": 4})], 1, "“运营总监” cannot report to itself or to one of its own subordinates (推广主管)."),
    ("under itself", [("move", 2, {"parent": 2})], 1, "“运营总监” cannot report to itself or to one of its own subordinates"),
    ("a loop through a new role", [add("推广经理", 4), ("move", 4, {"parent": -1})], 2,
     "“推广主管” cannot report to itself or to one of its own subordinates (推广经理)."),
    ("under a role archived before", [("move", 4, {"parent": 6})], 1, "“旧岗位” is archived: nobody can report to it."),
    ("under a role archived in the plan", [("archive", 3, {}), ("move", 4, {"parent": 3})], 2,
     "“仓储主管” is archived: nobody can report to it."),
    ("a new role under an archived one", [add("新岗位", 6)], 1, "“旧岗位” is archived: nobody can report to it."),
    ("moving an archived role", [("move", 6, {"parent": 1})], 1, "“旧岗位” is archived."),
    ("a merged role is gone", [("merge", 4, {"into": 5}), ("rename", 4, {"title": "x"})], 2, "“推广主管” is archived."),
    ("an unknown role", [("rename", 99, {"title": "x"})], 1, "“#99” does not exist in this organisation."),
    ("merge with itself", [("merge", 4, {"into": 4})], 1, "“推广主管” cannot be merged with itself."),
    ("merge into an archived role", [("merge", 4, {"into": 6})], 1, "“旧岗位” is archived."),
    ("archive with subordinates", [("archive", 2, {})], 1,
     "“运营总监” still has subordinates in this plan: 推广主管、美工. Move them or merge the role instead."),
    ("negative headcount", [("headcount", 5, {"headcount": -1})], 1, "Enter a headcount from 0 to 100000."),
    ("headcount not a number", [("headcount", 5, {"headcount": "3"})], 1, "Enter a headcount"),
    ("headcount true", [("headcount", 5, {"headcount": True})], 1, "Enter a headcount"),
    ("empty title", [("rename", 5, {"title": "  "})], 1, "Enter a title of 1 to 100 characters."),
    ("long title", [("rename", 5, {"title": "岗" * 101})], 1, "Enter a title"),
    ("a new role with no title", [add("", 1)], 1, "Enter a title"),
]
# fmt: on


@pytest.mark.parametrize(("name", "rows", "number", "reason"), REFUSED)
def test_a_refused_change_names_the_reason_and_changes_nothing(name, rows, number, reason):
    plan = changes(*rows)
    proposal = planning.propose(BASE, plan)
    assert [p.number for p in proposal.problems] == [number], name
    assert proposal.problems[0].message.startswith(reason)
    accepted = [c for c in plan if c.number != number]
    assert proposal.states == planning.propose(BASE, accepted).states


def test_a_deleted_roles_title_names_it():
    proposal = planning.propose(BASE, changes(("rename", 99, {"title": "x"})), titles={99: "客服"})
    assert proposal.problems[0].message == "“客服” does not exist in this organisation."


def test_the_diff_lists_each_difference_with_before_and_after():
    plan = changes(
        add("推广经理", 2, headcount=1, department=20),
        ("move", 4, {"parent": -1}),
        ("rename", 5, {"title": "视觉设计"}),
        ("headcount", 5, {"headcount": 3}),
        ("archive", 3, {}),
    )
    proposal = planning.propose(BASE, plan)
    assert sorted(planning.diff(BASE, proposal), key=lambda d: (d.role, d.kind)) == [
        planning.RoleDiff(-1, "added", None, 2),
        planning.RoleDiff(3, "removed", None, None),
        planning.RoleDiff(4, "parent", 2, -1),
        planning.RoleDiff(5, "headcount", 2, 3),
        planning.RoleDiff(5, "title", "美工", "视觉设计"),
    ]


def test_a_merge_shows_as_merged_and_the_kept_roles_new_seats():
    proposal = planning.propose(BASE, changes(("merge", 4, {"into": 5})))
    assert sorted(planning.diff(BASE, proposal)) == [
        planning.RoleDiff(4, "merged", None, 5),
        planning.RoleDiff(5, "headcount", 2, 4),
    ]


def test_departments_headcount_and_cost_before_and_after():
    pays = {1: D("20000"), 2: D("15000"), 3: None, 4: D("6000"), 5: D("4650"), -1: D("9000")}
    plan = changes(
        add("推广经理", 2, headcount=1, department=20), ("headcount", 5, {"headcount": 3}), ("archive", 3, {})
    )
    out = planning.departments(BASE, planning.propose(BASE, plan), pays)
    assert out == {
        10: planning.DepartmentChange(2, 2, paycost.Total(D("35000"), 0, 2), paycost.Total(D("35000"), 0, 2)),
        20: planning.DepartmentChange(2, 3, paycost.Total(D("12000"), 0, 1), paycost.Total(D("21000"), 0, 2)),
        30: planning.DepartmentChange(2, 3, paycost.Total(D("9300"), 0, 1), paycost.Total(D("13950"), 0, 1)),
        40: planning.DepartmentChange(1, 0, paycost.Total(D("0"), 1, 1), paycost.Total()),
    }


def test_a_new_role_without_pay_is_counted_as_unknown_not_as_zero():
    out = planning.departments(BASE, planning.propose(BASE, changes(add("推广经理", 2, department=20))), {4: D("6000")})
    assert out[20].cost_after == paycost.Total(D("12000"), 1, 2)


NAMES = {
    "role": {1: "总经理", 2: "运营总监", 3: "仓储主管"},
    "department": {},
    "grade": {},
    "field": {"parent": "superior", "title": "title", "headcount": "headcount"},
    "yes": "yes",
    "no": "no",
}


def test_drift_names_fields_the_live_organisation_changed_since():
    plan = [
        Change(1, "move", 4, {"parent": 3}, {"parent": 2}),
        Change(2, "rename", 5, {"title": "视觉设计"}, {"title": "美工"}),
        Change(3, "headcount", 3, {"headcount": 2}, {"headcount": 1}),
    ]
    live = {**BASE, 4: {**BASE[4], "parent": 1}, 5: {**BASE[5], "title": "美工设计"}}
    assert planning.drift(plan, live, NAMES) == [
        planning.Problem(1, 4, "“推广主管”: its superior changed since the plan was made, from 运营总监 to 总经理."),
        planning.Problem(2, 5, "“美工设计”: its title changed since the plan was made, from 美工 to 美工设计."),
    ]


def test_the_base_values_kept_are_those_the_change_sets():
    assert planning.base_values(Change(1, "move", 4, {"parent": 3}), BASE) == {"parent": 2}
    assert planning.base_values(Change(1, "archive", 4, {}), BASE) == {}
    assert planning.base_values(Change(1, "add", None, {}), BASE) == {}


# ----------------------------------------------------------------------------- properties

ROLE_IDS = st.integers(-6, 9)


@st.composite
def plans(draw):
    """Random changes, many refused, over BASE and the roles they add."""
    rows = []
    for number in range(1, draw(st.integers(0, 12)) + 1):
        kind = draw(st.sampled_from(planning.KINDS))
        role = draw(ROLE_IDS)
        if kind == "add":
            rows.append(Change(number, kind, None, add(f"新{number}", draw(st.none() | ROLE_IDS))[2]))
        elif kind == "move":
            rows.append(Change(number, kind, role, {"parent": draw(st.none() | ROLE_IDS)}))
        elif kind == "merge":
            rows.append(Change(number, kind, role, {"into": draw(ROLE_IDS)}))
        elif kind == "headcount":
            rows.append(Change(number, kind, role, {"headcount": draw(st.integers(-1, 5))}))
        elif kind == "rename":
            rows.append(Change(number, kind, role, {"title": f"改{number}"}))
        elif kind == "archive":
            rows.append(Change(number, kind, role, {}))
        else:
            rows.append(Change(number, kind, role, {kind: draw(st.integers(1, 3))}))
    return rows


@given(plans())
def test_a_proposal_is_always_a_tree_of_active_roles(plan):
    states = planning.propose(BASE, plan).states
    roles = planning.active(states)
    for role_id, role in roles.items():
        assert role["parent"] is None or role["parent"] in roles
        seen, above = set(), role_id
        while above is not None:
            assert above not in seen, "a loop"
            seen.add(above)
            above = roles[above]["parent"]


@given(plans())
def test_refused_changes_are_as_if_never_made(plan):
    proposal = planning.propose(BASE, plan)
    refused = {p.number for p in proposal.problems}
    accepted = planning.propose(BASE, [c for c in plan if c.number not in refused])
    assert accepted.problems == ()
    assert accepted.states == proposal.states


@given(plans())
def test_only_adds_and_headcount_changes_change_the_number_of_seats(plan):
    proposal = planning.propose(BASE, plan)
    refused = {p.number for p in proposal.problems}
    seats = sum(s["headcount"] for s in planning.active(BASE).values())
    for change in plan:
        if change.number in refused:
            continue
        if change.kind == "add":
            seats += change.value["headcount"]
        elif change.kind in ("headcount", "archive"):
            before = planning.propose(BASE, [c for c in plan if c.number < change.number]).states[change.role]
            seats += change.value.get("headcount", 0) - before["headcount"]
    assert sum(s["headcount"] for s in planning.active(proposal.states).values()) == seats

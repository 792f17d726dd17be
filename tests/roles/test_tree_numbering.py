"""Numbering the role tree from its superiors in memory (roles.treecheck.numbered), which dated
changes coming into force use to renumber the tree once instead of once per move."""

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from roles.models import Role
from roles.treecheck import numbered, tree_problems
from tests.factories import make_role
from tests.roles.test_tree_integrity import delete_all_roles, forests, nested_set_rows

# {id: superior} in the order siblings and trees keep -> {id: (tree_id, lft, rght, level)}
NUMBERING_CASES = {
    "nothing": ({}, {}),
    "one role": ({7: None}, {7: (1, 1, 2, 0)}),
    "siblings in the dict's order, not the ids'": (
        {1: None, 3: 1, 2: 1},
        {1: (1, 1, 6, 0), 3: (1, 2, 3, 1), 2: (1, 4, 5, 1)},
    ),
    "a subordinate listed before its superior": (
        {4: 2, 1: None, 2: 1},
        {1: (1, 1, 6, 0), 2: (1, 2, 5, 1), 4: (1, 3, 4, 2)},
    ),
    "trees numbered 1, 2 in the dict's order": (
        {9: None, 5: None, 6: 5},
        {9: (1, 1, 2, 0), 5: (2, 1, 4, 0), 6: (2, 2, 3, 1)},
    ),
    "a chain deeper than Python's recursion limit": (
        {n: n - 1 if n else None for n in range(1200)},
        {n: (1, n + 1, 2400 - n, n) for n in range(1200)},
    ),
}


@pytest.mark.parametrize(("parents", "expected"), NUMBERING_CASES.values(), ids=NUMBERING_CASES.keys())
def test_numbered_gives_each_role_its_nested_set(parents, expected):
    assert numbered(parents) == expected


@pytest.mark.parametrize(
    ("parents", "message"),
    [
        ({1: None, 2: 3, 3: 2}, r"on a loop: \[2, 3\]"),
        ({1: 1}, r"on a loop: \[1\]"),
        ({1: None, 2: 99}, "superior 99 is not in the forest"),
    ],
)
def test_numbered_refuses_a_loop_and_an_unknown_superior(parents, message):
    with pytest.raises(ValueError, match=message):
        numbered(parents)


@given(forests())
def test_numbered_agrees_with_the_reference_numbering(parents):
    numbers = numbered(parents)
    rows = [(i, parents[i], *numbers[i]) for i in parents]
    note(rows)
    assert sorted(rows) == sorted(nested_set_rows(parents))
    assert tree_problems(rows) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(forests(max_nodes=12), st.data())
def test_numbered_agrees_with_mptt_after_its_rebuild(db, parents, data):
    """Built and shuffled by mptt's own moves, then rebuilt by mptt: numbered() reads the same numbers
    from the superiors in tree order."""
    delete_all_roles()
    real = {}
    for node, parent in parents.items():
        real[node] = make_role(parent=real[parent] if parent is not None else None)
    for _ in range(data.draw(st.integers(0, 4), label="moves")):
        role = Role.objects.get(pk=real[data.draw(st.sampled_from(sorted(parents)), label="role")].pk)
        target = Role.objects.get(pk=real[data.draw(st.sampled_from(sorted(parents)), label="target")].pk)
        position = data.draw(st.sampled_from(["first-child", "last-child", "left", "right"]), label="position")
        if not target.is_descendant_of(role, include_self=True):
            role.move_to(target, position)
    Role.objects.rebuild()
    stored = list(
        Role.objects.order_by("tree_id", "lft").values_list("pk", "parent_id", "tree_id", "lft", "rght", "level")
    )
    numbers = numbered({pk: parent for pk, parent, *_ in stored})
    assert {pk: tuple(columns) for pk, _, *columns in stored} == numbers

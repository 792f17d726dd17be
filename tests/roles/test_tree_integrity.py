"""Integrity of the role tree (django-mptt nested sets).

Four layers, from the pure invariant check up to concurrent writers:

1. ``roles.treecheck.tree_problems`` as a pure function: hand-written row sets
   and Hypothesis-generated forests.
2. ``manage.py check_tree`` on the seed catalogue and on a deliberately broken tree.
3. A Hypothesis state machine that edits the tree only through ``roles.services``
   and checks the stored tree against a model kept in Python after every step.
4. Several threads writing to one tree at once (PostgreSQL only).
"""

import random
import threading
import time
from collections import defaultdict
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from roles import services
from roles.models import Role
from roles.treecheck import tree_problems
from tests.factories import make_role

TREE_COLUMNS = ("id", "parent_id", "tree_id", "lft", "rght", "level")
IS_POSTGRES = connection.vendor == "postgresql"


def db_rows():
    """The tree columns of every role, in a stable order (comparable before/after)."""
    return list(Role.objects.order_by("id").values_list(*TREE_COLUMNS))


def delete_all_roles():
    """Empty the role table leaves first (parent is PROTECT, so a plain delete() is refused)."""
    while Role.objects.exists():
        Role.objects.filter(children__isnull=True).delete()


def nested_set_rows(parents):
    """Nested-set rows for a forest given as {id: parent id or None}.

    Children and roots are numbered in the dict's insertion order; each root
    gets its own tree_id (1, 2, ...), numbers run 1..2n within each tree.
    """
    children = defaultdict(list)
    for node, parent in parents.items():
        children[parent].append(node)
    rows = []
    for tree_id, root in enumerate(children[None], start=1):
        counter = 0

        def visit(node, level, tree_id=tree_id):
            nonlocal counter
            counter += 1
            lft = counter
            for child in children[node]:
                visit(child, level + 1)
            counter += 1
            rows.append((node, parents[node], tree_id, lft, counter, level))

        visit(root, 0)
    return rows


@st.composite
def forests(draw, max_nodes=25):
    """A random forest {id: parent id or None}: each node hangs below an earlier one or is a root.

    Ids are a random permutation so they say nothing about the tree's shape.
    """
    n = draw(st.integers(min_value=1, max_value=max_nodes))
    ids = draw(st.permutations(range(1, n + 1)))
    parents = {ids[0]: None}
    for i in range(1, n):
        parent = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=i - 1)))
        parents[ids[i]] = None if parent is None else ids[parent]
    return parents


def is_sound_reference(rows):
    """A slow, independent oracle for "these rows are a valid nested-set forest".

    Rebuild the unique valid numbering from the parent links (siblings in the
    order of their stored lft) and compare it with what is stored.
    """
    by_id = {r[0]: r for r in rows}
    if len(by_id) != len(rows):
        return False
    children = defaultdict(list)
    for r in rows:
        if r[1] is not None and r[1] not in by_id:
            return False
        children[r[1]].append(r)
    expected = {}
    for root in children[None]:
        counter = 0

        def visit(row, level, tree_id):
            nonlocal counter
            counter += 1
            lft = counter
            for child in sorted(children[row[0]], key=lambda c: c[3]):
                visit(child, level + 1, tree_id)
            counter += 1
            expected[row[0]] = (row[1], tree_id, lft, counter, level)

        visit(root, 0, root[2])
    # Nodes never reached from a root sit on a parent cycle; a tree_id shared by two roots is two trees in one.
    roots_per_tree = defaultdict(int)
    for root in children[None]:
        roots_per_tree[root[2]] += 1
    if any(count != 1 for count in roots_per_tree.values()):
        return False
    return all(expected.get(r[0]) == tuple(r[1:]) for r in rows)


# ---------------------------------------------------------------------------
# 1. tree_problems as a pure function
# ---------------------------------------------------------------------------

# (id, parent_id, tree_id, lft, rght, level)
TREE_CASES = {
    "sound tree": (
        [(1, None, 1, 1, 6, 0), (2, 1, 1, 2, 3, 1), (3, 1, 1, 4, 5, 1)],
        None,
    ),
    "two sound trees": (
        [(1, None, 1, 1, 4, 0), (2, 1, 1, 2, 3, 1), (3, None, 2, 1, 2, 0)],
        None,
    ),
    "no rows at all": ([], None),
    "gap in numbering": (
        [(1, None, 1, 1, 6, 0), (2, 1, 1, 2, 3, 1)],
        "tree 1: lft/rght values are not exactly 1..4",
    ),
    "duplicate number": (
        [(1, None, 1, 1, 4, 0), (2, 1, 1, 2, 4, 1)],
        "tree 1: lft/rght values are not exactly 1..4",
    ),
    "lft not below rght": (
        [(1, None, 1, 1, 4, 0), (2, 1, 1, 3, 2, 1)],
        "node 2: lft 3 is not below rght 2",
    ),
    "overlapping siblings": (
        [(1, None, 1, 1, 6, 0), (2, 1, 1, 2, 4, 1), (3, 1, 1, 3, 5, 1)],
        "node 3: interval overlaps node 2",
    ),
    "wrong level": (
        [(1, None, 1, 1, 4, 0), (2, 1, 1, 2, 3, 2)],
        "node 2: level 2, expected 1",
    ),
    "root with a level": (
        [(1, None, 1, 1, 2, 1)],
        "node 1: level 1, expected 0",
    ),
    "parent pointing outside its interval": (
        [(1, None, 1, 1, 8, 0), (2, 1, 1, 2, 5, 1), (3, 1, 1, 6, 7, 1), (4, 3, 1, 3, 4, 2)],
        "node 4: parent is 3 but its interval lies in 2",
    ),
    "parent in another tree": (
        [(1, None, 1, 1, 2, 0), (2, None, 2, 1, 4, 0), (3, 1, 2, 2, 3, 1)],
        "node 3: parent is 1 but its interval lies in 2",
    ),
    "child interval outside its parent's": (
        [(1, None, 1, 1, 2, 0), (2, 1, 1, 3, 4, 1)],
        "node 2: parent is 1 but its interval lies in None",
    ),
    "two roots in one tree": (
        [(1, None, 1, 1, 2, 0), (2, None, 1, 3, 4, 0)],
        "tree 1: 2 roots instead of 1",
    ),
    "no root in a tree": (
        [(1, 2, 1, 1, 4, 0), (2, 1, 1, 2, 3, 1)],
        "tree 1: 0 roots instead of 1",
    ),
    "missing parent": (
        [(1, None, 1, 1, 4, 0), (2, 99, 1, 2, 3, 1)],
        "node 2: parent 99 does not exist",
    ),
}


@pytest.mark.parametrize(("rows", "expected"), TREE_CASES.values(), ids=TREE_CASES.keys())
def test_tree_problems_reports_each_kind_of_corruption(rows, expected):
    problems = tree_problems(rows)
    if expected is None:
        assert problems == []
    else:
        assert expected in problems


@given(forests())
def test_tree_problems_accepts_every_correctly_numbered_forest(parents):
    rows = nested_set_rows(parents)
    note(rows)
    assert tree_problems(rows) == []


@given(forests(), st.data())
def test_tree_problems_notices_one_corrupted_lft(parents, data):
    rows = nested_set_rows(parents)
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1), label="row")
    old = rows[index]
    new_lft = data.draw(
        st.integers(min_value=-2, max_value=2 * len(rows) + 2).filter(lambda v: v != old[3]), label="lft"
    )
    rows[index] = old[:3] + (new_lft,) + old[4:]
    assert tree_problems(rows) != []


@given(forests(max_nodes=8), st.data())
def test_tree_problems_agrees_with_a_brute_force_oracle_on_mutated_forests(parents, data):
    """Any mix of edits to any column: tree_problems is empty exactly when the oracle calls the rows sound."""
    rows = [list(r) for r in nested_set_rows(parents)]
    ids = [r[0] for r in rows]
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="edits")):
        row = data.draw(st.sampled_from(rows), label="row")
        column = data.draw(st.integers(min_value=1, max_value=5), label="column")
        if column == 1:
            row[1] = data.draw(st.sampled_from([None, 99, *ids]), label="parent_id")
        else:
            row[column] = data.draw(st.integers(min_value=-1, max_value=2 * len(rows) + 1), label=TREE_COLUMNS[column])
    rows = [tuple(r) for r in rows]
    note(rows)
    assert (tree_problems(rows) == []) == is_sound_reference(rows)


# ---------------------------------------------------------------------------
# 2. manage.py check_tree
# ---------------------------------------------------------------------------


def test_check_tree_passes_on_the_seed_catalogue(seeded):
    out, err = StringIO(), StringIO()
    call_command("check_tree", stdout=out, stderr=err)
    assert Role.objects.count() > 1
    assert f"Role tree OK: {Role.objects.count()} roles, in step with their dated changes." in out.getvalue()
    assert err.getvalue() == ""


def _leaf_below_a_root():
    """A role with a superior and no subordinates (lft + 1 == rght)."""
    return Role.objects.filter(level__gte=1, lft=F("rght") - 1).order_by("tree_id", "lft").first()


BREAKAGES = {
    "lft beyond rght": (lambda leaf: {"lft": leaf.rght + 100}, "node {id}: lft {lft} is not below rght {rght}"),
    "wrong level": (lambda leaf: {"level": leaf.level + 3}, "node {id}: level {level}, expected {old_level}"),
    "parent outside interval": (
        lambda leaf: {"parent": None},
        "node {id}: parent is None but its interval lies in {old_parent}",
    ),
}


@pytest.mark.parametrize(("change", "message"), BREAKAGES.values(), ids=BREAKAGES.keys())
def test_check_tree_fails_on_a_broken_tree_and_names_the_problem(seeded, change, message):
    leaf = _leaf_below_a_root()
    assert leaf is not None
    Role.objects.filter(pk=leaf.pk).update(**change(leaf))
    broken = Role.objects.get(pk=leaf.pk)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"corrupt \(\d+ problems?\)"):
        call_command("check_tree", stdout=out, stderr=err)
    expected = message.format(
        id=leaf.pk,
        lft=broken.lft,
        rght=broken.rght,
        level=broken.level,
        old_level=leaf.level,
        old_parent=leaf.parent_id,
    )
    assert expected in err.getvalue().splitlines()
    assert "Role tree OK" not in out.getvalue()


def test_check_tree_passes_after_the_rebuild_it_suggests(seeded):
    leaf = _leaf_below_a_root()
    Role.objects.filter(pk=leaf.pk).update(lft=leaf.rght + 100, level=7)
    with pytest.raises(CommandError, match=r"Role\.objects\.rebuild\(\)"):
        call_command("check_tree", stdout=StringIO(), stderr=StringIO())
    parents_before = dict(Role.objects.values_list("id", "parent_id"))
    Role.objects.rebuild()
    out = StringIO()
    call_command("check_tree", stdout=out)
    assert "Role tree OK" in out.getvalue()
    assert dict(Role.objects.values_list("id", "parent_id")) == parents_before


# ---------------------------------------------------------------------------
# 3. Random edits through roles.services, checked against a model in Python
# ---------------------------------------------------------------------------


class RoleTreeMachine(RuleBasedStateMachine):
    """The tree is edited only through roles.services; the model below is the expected outcome.

    Model: ``children[parent_id]`` is the ordered list of child ids (``children[None]``
    the roots in tree_id order), ``parent[id]`` the superior, ``title[id]`` the title.
    After every step the stored parent links, sibling order, root order and titles
    must match the model and tree_problems must find nothing.
    """

    def __init__(self):
        super().__init__()
        delete_all_roles()  # every example starts from an empty table (the db fixture's transaction is shared)
        self.children = {None: []}
        self.parent = {}
        self.title = {}
        self.counter = 0
        self.copies = []  # Role instances loaded at some earlier step (possibly stale by now)

    # -- model helpers -----------------------------------------------------

    def ids(self):
        return sorted(self.parent)

    def subtree(self, role_id):
        found, todo = set(), [role_id]
        while todo:
            node = todo.pop()
            found.add(node)
            todo.extend(self.children[node])
        return found

    def detach(self, role_id):
        self.children[self.parent[role_id]].remove(role_id)

    def attach(self, role_id, parent_id, index=None):
        siblings = self.children[parent_id]
        siblings.insert(len(siblings) if index is None else index, role_id)
        self.parent[role_id] = parent_id

    def assert_refused_without_change(self, call, code, before):
        with pytest.raises(ValidationError) as excinfo:
            call()
        assert excinfo.value.code == code
        assert db_rows() == before
        return excinfo.value

    # -- rules ---------------------------------------------------------------

    @rule(data=st.data())
    def create(self, data):
        parent_id = data.draw(st.sampled_from([None, *self.ids()]), label="parent")
        self.counter += 1
        title = f"岗位-{self.counter}"
        parent = Role.objects.get(pk=parent_id) if parent_id is not None else None
        role = make_role(title=title, parent=parent)
        assert role.parent_id == parent_id
        self.children[role.pk] = []
        self.title[role.pk] = title
        self.attach(role.pk, parent_id)  # a new role becomes the last child (or the last root)

    @precondition(lambda self: self.parent)
    @rule(data=st.data(), position=st.sampled_from(services.MOVE_POSITIONS))
    def move(self, data, position):
        role_id = data.draw(st.sampled_from(self.ids()), label="role")
        target_id = data.draw(st.sampled_from([None, *self.ids()]), label="target")
        if target_id is not None and target_id in self.subtree(role_id):
            before = db_rows()
            self.assert_refused_without_change(
                lambda: services.move_role(role_id, target_id, position), "cycle", before
            )
            return
        moved = services.move_role(role_id, target_id, position)
        if target_id is None:
            if self.parent[role_id] is not None:  # a subordinate becomes the last root; a root stays put
                self.detach(role_id)
                self.attach(role_id, None)
        elif position in ("first-child", "last-child"):
            self.detach(role_id)
            self.attach(role_id, target_id, 0 if position == "first-child" else None)
        else:
            self.detach(role_id)
            new_parent = self.parent[target_id]
            index = self.children[new_parent].index(target_id) + (position == "right")
            self.attach(role_id, new_parent, index)
        assert moved.parent_id == self.parent[role_id]

    @precondition(lambda self: self.parent)
    @rule(data=st.data())
    def change_superior(self, data):
        """Editing the superior field and saving (the admin form path): the role becomes the last child."""
        role_id = data.draw(st.sampled_from(self.ids()), label="role")
        new_parent_id = data.draw(st.sampled_from([None, *self.ids()]), label="new superior")
        role = Role.objects.get(pk=role_id)
        role.parent_id = new_parent_id
        if new_parent_id is not None and new_parent_id in self.subtree(role_id):
            before = db_rows()
            self.assert_refused_without_change(lambda: services.save_role(role), "cycle", before)
            return
        services.save_role(role, reason="test")
        if new_parent_id != self.parent[role_id]:
            self.detach(role_id)
            self.attach(role_id, new_parent_id)

    @precondition(lambda self: self.parent)
    @rule(data=st.data())
    def open_edit_form(self, data):
        """Load a role as the admin does before applying a form; it is saved some steps later."""
        role_id = data.draw(st.sampled_from(self.ids()), label="role")
        self.copies.append(Role.objects.get(pk=role_id))

    @precondition(lambda self: any(copy.pk in self.parent for copy in self.copies))
    @rule(data=st.data())
    def save_stale_copy(self, data):
        """Save a copy loaded earlier, superior as it was then; other edits may have happened since."""
        copy = data.draw(st.sampled_from([c for c in self.copies if c.pk in self.parent]), label="copy")
        self.counter += 1
        copy.title = self.title[copy.pk] = f"岗位-{self.counter}"
        wanted = copy.parent_id
        before = db_rows()
        if wanted is not None and wanted not in self.parent:
            with pytest.raises(ValidationError):  # the superior it was loaded with has been deleted
                services.save_role(copy)
            assert db_rows() == before
            self.title[copy.pk] = Role.objects.get(pk=copy.pk).title
            return
        if wanted is not None and wanted in self.subtree(copy.pk):
            self.assert_refused_without_change(lambda: services.save_role(copy), "cycle", before)
            self.title[copy.pk] = Role.objects.get(pk=copy.pk).title
            return
        services.save_role(copy)
        if wanted != self.parent[copy.pk]:
            self.detach(copy.pk)
            self.attach(copy.pk, wanted)

    @precondition(lambda self: self.parent)
    @rule(data=st.data())
    def delete(self, data):
        role_id = data.draw(st.sampled_from(self.ids()), label="role")
        if self.children[role_id]:
            before = db_rows()
            error = self.assert_refused_without_change(
                lambda: services.delete_role(role_id), "has_subordinates", before
            )
            message = " ".join(error.messages)
            assert self.title[role_id] in message
            assert any(self.title[child] in message for child in self.children[role_id])
            return
        services.delete_role(role_id)
        self.detach(role_id)
        del self.parent[role_id], self.children[role_id], self.title[role_id]

    @precondition(lambda self: self.parent)
    @rule(data=st.data())
    def delete_several(self, data):
        """delete_roles is all or nothing: it succeeds exactly when no chosen role keeps a subordinate."""
        chosen = data.draw(st.sets(st.sampled_from(self.ids()), min_size=1, max_size=4), label="roles")
        if data.draw(st.booleans(), label="whole subtrees"):
            chosen = set().union(*(self.subtree(r) for r in chosen))
        ids = data.draw(st.permutations(sorted(chosen)), label="order passed")
        if any(set(self.children[r]) - chosen for r in chosen):
            before = db_rows()
            self.assert_refused_without_change(lambda: services.delete_roles(ids), "has_subordinates", before)
            return
        services.delete_roles(ids)
        for role_id in chosen:
            self.children[self.parent[role_id]] = [c for c in self.children[self.parent[role_id]] if c != role_id]
        for role_id in chosen:
            del self.parent[role_id], self.children[role_id], self.title[role_id]

    # -- invariants ------------------------------------------------------------

    @invariant()
    def tree_is_sound(self):
        rows = db_rows()
        assert tree_problems(rows) == []

    @invariant()
    def tree_matches_the_model(self):
        roles = list(Role.objects.order_by("tree_id", "lft").values_list("id", "parent_id", "level"))
        assert {r[0]: r[1] for r in roles} == self.parent
        stored = defaultdict(list)
        for role_id, parent_id, _level in roles:
            stored[parent_id].append(role_id)  # tree order: siblings by lft, roots by tree_id
        assert dict(stored) == {p: c for p, c in self.children.items() if c}
        assert dict(Role.objects.values_list("id", "title")) == self.title


def test_random_edits_through_the_services_keep_the_tree_sound(db):
    run_state_machine_as_test(
        RoleTreeMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def test_move_role_refuses_an_unknown_position(db):
    boss = make_role("总经理")
    clerk = make_role("专员", parent=boss)
    before = db_rows()
    with pytest.raises(ValidationError, match="middle"):
        services.move_role(clerk.pk, boss.pk, "middle")
    assert db_rows() == before


def test_saving_a_copy_loaded_before_a_move_keeps_the_tree_sound(db):
    """The admin's save path: load the role, apply the form (superior unchanged), save_role.

    If another request moves the role between the load and the save, save_role
    must still leave a sound tree (either superior would be acceptable).
    """
    first_manager = make_role("甲店店长")
    second_manager = make_role("乙店店长")
    clerk = make_role("店员", parent=first_manager)
    form_copy = Role.objects.get(pk=clerk.pk)  # loaded while the clerk still reports to 甲店店长
    services.move_role(clerk.pk, second_manager.pk, "last-child")  # someone else drags the clerk away
    form_copy.title = "高级店员"  # the form only changed the title
    services.save_role(form_copy)
    # Before commit e4e3c90 this left ["node <clerk>: parent is <甲店店长> but its interval lies in <乙店店长>"].
    assert tree_problems(db_rows()) == []
    clerk.refresh_from_db()
    assert clerk.title == "高级店员"
    assert clerk.parent_id == first_manager.pk  # the form's superior wins, as if it had been chosen afresh


# ---------------------------------------------------------------------------
# 4. Concurrent writers (PostgreSQL)
# ---------------------------------------------------------------------------
#
# Why the lock in roles.services.tree_lock matters: every django-mptt insert or
# move first reads lft/rght/tree_id, then issues several
# "UPDATE ... SET lft = lft + k WHERE tree_id = t AND lft > x" statements computed
# from what it read. Under PostgreSQL's READ COMMITTED two such transactions do
# not see each other's uncommitted shifts, so without pg_advisory_xact_lock they
# open and close gaps at stale positions and both commit. Trying the writer below
# with tree_lock replaced by a bare transaction.atomic() (a throw-away experiment,
# not kept as a test) broke the tree on every run: 34-57 problems per run such as
# "node 6: lft 18 is not below rght 1", "lft/rght values are not exactly 1..2n",
# plus writers failing half-way with the roles_role_level_check constraint (level
# -1), "deadlock detected" and mptt InvalidMove. The first test below only shows
# the services keep the tree sound with the lock; the second shows that a writer
# really waits for a transaction holding it. The corruption itself is not tested.

requires_postgres = pytest.mark.skipif(
    not IS_POSTGRES,
    reason="needs PostgreSQL: real concurrent connections and the pg_advisory_xact_lock tree lock "
    "(run with DATABASE_URL=postgres://...)",
)

THREADS = 6
OPERATIONS_PER_THREAD = 15


def _random_writer(seed, barrier, created, errors):
    rng = random.Random(seed)
    try:
        barrier.wait(timeout=30)
        for step in range(OPERATIONS_PER_THREAD):
            ids = list(Role.objects.values_list("pk", flat=True))
            roll = rng.random()
            if roll < 0.4:
                parent_id = rng.choice([None, *ids])
                parent = Role.objects.filter(pk=parent_id).first() if parent_id is not None else None
                role = make_role(title=f"并发{seed}-{step}", slug=f"concurrent-{seed}-{step}", parent=parent)
                created.append(role.pk)
                continue
            try:
                if roll < 0.85:
                    role_id = rng.choice(ids)
                    target_id = rng.choice([None, *ids])
                    services.move_role(role_id, target_id, rng.choice(services.MOVE_POSITIONS))
                else:
                    # The admin's edit path: the copy is loaded outside the lock, so another
                    # thread may move the role before save_role runs (see the stale-copy test).
                    copy = Role.objects.get(pk=rng.choice(ids))
                    copy.summary = f"edited by writer {seed}"
                    services.save_role(copy)
            except ValidationError as e:
                if e.code != "cycle":  # landing below its own subordinate is the only expected refusal
                    raise
    except Exception as e:  # noqa: BLE001 - reported by the main thread
        errors.append((seed, repr(e)))
    finally:
        connection.close()


@requires_postgres
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_creates_and_edits_keep_the_tree_sound():
    root = make_role("总经理", slug="concurrent-root")
    for i in range(3):
        head = make_role(f"总监{i}", slug=f"concurrent-head-{i}", parent=root)
        make_role(f"主管{i}", slug=f"concurrent-lead-{i}", parent=head)
    initial = set(Role.objects.values_list("pk", flat=True))

    barrier = threading.Barrier(THREADS)
    created, errors = [], []
    threads = [
        threading.Thread(target=_random_writer, args=(seed, barrier, created, errors)) for seed in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer thread hung"
    assert errors == []

    assert tree_problems(db_rows()) == []
    existing = set(Role.objects.values_list("pk", flat=True))
    assert set(created) <= existing
    assert existing == initial | set(created)
    out = StringIO()
    call_command("check_tree", stdout=out)
    assert "Role tree OK" in out.getvalue()


@requires_postgres
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_second_tree_writer_waits_for_the_tree_lock():
    boss = make_role("总经理", slug="lock-boss")
    clerk = make_role("专员", slug="lock-clerk")
    done = threading.Event()
    errors = []

    def mover():
        try:
            services.move_role(clerk.pk, boss.pk, "last-child")
            done.set()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
        finally:
            connection.close()

    with services.tree_lock():
        worker = threading.Thread(target=mover)
        worker.start()
        time.sleep(0.5)
        assert not done.is_set(), "move_role finished while another transaction held the tree lock"
    worker.join(timeout=30)
    assert errors == []
    assert done.is_set()
    assert Role.objects.get(pk=clerk.pk).parent_id == boss.pk
    assert tree_problems(db_rows()) == []

"""The organisation in time, as pure functions over dated changes (no database).

A role's place in the organisation — its superior, title, department, grade, headcount, dotted
lines and whether it is archived — changes only by dated changes (roles.models.RoleChange). A
role's state on a day is the fold of its changes effective by then, in effective-date order and,
on the same day, in the order they were recorded. The fold of all its changes is a list of
periods (`periods`), each a state and the days it holds; the database stores those periods
(RolePeriod) so that "as of any day" is one indexed read, and rebuilds a role's periods from its
changes whenever one is recorded.
"""

import datetime
from typing import NamedTuple

# The fields a dated change may set; "created" sets them all at once.
FIELDS = ("parent", "title", "department", "grade", "headcount", "dotted", "archived")
CREATED = "created"
KINDS = (CREATED, *FIELDS)

# Dates outside this range are refused: typing mistakes, not history.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# The same range as the API's schema states it (a JSON Schema pattern on an ISO date). Months and days
# are spelled out so that nearly every string matching it is a date: a generator of examples (schemathesis)
# then finds bodies with two required days (a headcount plan's period) without giving up.
DAY_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class Change(NamedTuple):
    """One recorded change of one role: `value` is the field's new value (a full state for "created")."""

    role_id: int
    kind: str
    value: object
    effective_date: datetime.date
    seq: int  # recording order: later corrections of the same day win


class Period(NamedTuple):
    """A role's state from `valid_from` until the day before `valid_to` (None: still in force)."""

    role_id: int
    valid_from: datetime.date
    valid_to: datetime.date | None
    state: dict


def in_force_order(changes):
    """Changes in the order they apply: by effective date, then as recorded."""
    return sorted(changes, key=lambda c: (c.effective_date, c.seq))


def apply(state, change):
    """The state after one change (a new dict; the old one is left as it was)."""
    if change.kind == CREATED:
        return {name: change.value[name] for name in FIELDS}
    if state is None:  # a change dated before the role existed: nothing to change yet
        return None
    return {**state, change.kind: change.value}


def periods(changes):
    """The periods of one role's changes, oldest first; days before its creation have none."""
    out = []
    state = None
    ordered = in_force_order(changes)
    for i, change in enumerate(ordered):
        state = apply(state, change)
        following = ordered[i + 1].effective_date if i + 1 < len(ordered) else None
        if following == change.effective_date or state is None:
            continue  # another change of the same day comes next: only the day's last state holds
        if out and out[-1].state == state:
            out[-1] = out[-1]._replace(valid_to=following)  # nothing visible changed: one period
        else:
            out.append(Period(change.role_id, change.effective_date, following, state))
    return out


def state_on(changes, day):
    """One role's state at the end of `day`, or None when it did not exist yet."""
    state = None
    for change in in_force_order(changes):
        if change.effective_date > day:
            break
        state = apply(state, change)
    return state


def organisation_on(changes, day):
    """Every role's state at the end of `day` (role id -> state), archived roles left out."""
    by_role = {}
    for change in changes:
        by_role.setdefault(change.role_id, []).append(change)
    states = {role_id: state_on(role_changes, day) for role_id, role_changes in by_role.items()}
    return {role_id: state for role_id, state in states.items() if state is not None and not state["archived"]}


def superior_of(states, role_id):
    """The superior a role has in these states; a superior missing from them (archived, not yet
    created) leaves the role at the top."""
    parent = states[role_id]["parent"]
    return parent if parent in states else None


def would_cycle(parents, role_id, new_parent):
    """Whether `role_id` under `new_parent` makes a loop in the superior links `parents` (id -> id)."""
    seen = set()
    above = new_parent
    while above is not None and above not in seen:
        if above == role_id:
            return True
        seen.add(above)
        above = parents.get(above)
    return False


def nested_rows(states, order):
    """(id, tree_id, lft, rght) of each role, numbered as a nested set from the superior links.

    `order` (role id -> sort key) orders siblings and tops; roles not in it come last, by id.
    The numbering is what the present tree stores in its lft/rght columns, so the readers built
    for the present (treecheck.nearest_visible_ancestors) read a past or future day unchanged.
    """
    children = {}
    tops = []
    for role_id in states:
        above = superior_of(states, role_id)
        (children.setdefault(above, []) if above is not None else tops).append(role_id)

    def key(role_id):
        return (0, order[role_id]) if role_id in order else (1, role_id)

    rows = []
    for tree_id, top in enumerate(sorted(tops, key=key), start=1):
        counter = 1
        first = {}
        stack = [(top, False)]
        while stack:
            role_id, done = stack.pop()
            if done:
                rows.append((role_id, tree_id, first[role_id], counter))
                counter += 1
                continue
            first[role_id] = counter
            counter += 1
            stack.append((role_id, True))
            for child in sorted(children.get(role_id, ()), key=key, reverse=True):
                stack.append((child, False))
    # A loop (refused on writing, so never expected) would leave roles unnumbered: show them at the top.
    numbered = {row[0] for row in rows}
    for role_id in sorted(set(states) - numbered, key=key):
        rows.append((role_id, len(tops) + len(rows) + 1, 1, 2))
    return rows


class Step(NamedTuple):
    """One change with the value it replaced (None when the role did not exist before it)."""

    change: Change
    before: object
    after: object


def steps(changes):
    """Each change of one role with the value of its field just before it, in the order they apply.

    A "created" change has no before; a change dated before the role existed changes nothing
    (before and after are both None).
    """
    out, state = [], None
    for change in in_force_order(changes):
        new = apply(state, change)
        if change.kind == CREATED:
            out.append(Step(change, None, new))
        else:
            out.append(Step(change, state and state[change.kind], new and new[change.kind]))
        state = new
    return out


def value_text(kind, value, names):
    """How a changed value reads in the changes list: names instead of ids.

    `names` maps "role", "department" and "grade" to {id: name}; `yes`/`no` are the words for
    archived. A role id without a name (deleted since) reads as "#id".
    """
    if value is None:
        return "—"
    if kind == CREATED:
        return value_text("parent", value["parent"], names)
    if kind == "parent":
        return names["role"].get(value, f"#{value}")
    if kind == "dotted":
        return "、".join(names["role"].get(boss, f"#{boss}") for boss in value) or "—"
    if kind in ("department", "grade"):
        return names[kind].get(value, f"#{value}")
    if kind == "archived":
        return names["yes"] if value else names["no"]
    return str(value)


# ----------------------------------------------------------------------------- two days compared

# What a role's card shows of a change between two days: another superior is a move; these others a change.
COMPARED = ("parent", "title", "department", "grade", "headcount", "dotted")
MARKS = ("added", "removed", "moved", "changed")


class Difference(NamedTuple):
    """How one role differs from one day to another: its mark (one of MARKS) and the fields that changed."""

    mark: str
    fields: tuple = ()


def compare(before, after):
    """Role id -> Difference of the roles that differ from `before` to `after` (role id -> state with
    the COMPARED fields; dotted lines in any order). Roles alike on both days are left out."""
    out = {}
    for role_id in before.keys() | after.keys():
        if role_id not in before:
            out[role_id] = Difference("added")
        elif role_id not in after:
            out[role_id] = Difference("removed")
        else:
            old, new = before[role_id], after[role_id]
            fields = tuple(
                name
                for name in COMPARED
                if (set(old[name]) != set(new[name]) if name == "dotted" else old[name] != new[name])
            )
            if fields:
                out[role_id] = Difference("moved" if "parent" in fields else "changed", fields)
    return out


def tally(differences):
    """How many roles carry each mark, in MARKS order (a mark no role carries counts 0)."""
    counts = dict.fromkeys(MARKS, 0)
    for difference in differences.values():
        counts[difference.mark] += 1
    return counts

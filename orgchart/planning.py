"""Reorganisation plans (调整方案) as pure functions: the proposed organisation, refusals, the diff.

No database access. An organisation is a dict role id -> state, the states of roles/timeline.py
(parent, title, department, grade, headcount, dotted, archived). A plan is a list of `Change`s in
order; a role the plan adds has the id minus the number of the change that adds it (-3 for change 3),
so later changes of the same plan can name it.

- `propose(base, changes)` applies the changes in order to the base organisation. A change the
  organisation refuses (a loop, a role unknown or archived, a merge with itself…) is skipped and
  reported as a `Problem` naming the change and the role; editing a plan refuses any problem,
  approving it lists them as conflicts.
- `drift(changes, live, names)` lists the fields a plan changes that changed in the live organisation
  since the plan recorded them (each change keeps the base values of what it changes, `Change.before`).
- `diff(base, proposal)` lists what differs role by role; `departments(base, proposal, pays)` the
  headcount and monthly pay cost per department (roles/paycost.py: "no cost known" is counted, never 0).
"""

from typing import NamedTuple

from django.utils.translation import gettext as _

from roles import paycost, timeline

ADD, MOVE, RENAME, DEPARTMENT, GRADE, HEADCOUNT, MERGE, ARCHIVE = KINDS = (
    "add",
    "move",
    "rename",
    "department",
    "grade",
    "headcount",
    "merge",
    "archive",
)
# The timeline field each one-field change sets, and the value's key in Change.value.
FIELD_OF = {MOVE: "parent", RENAME: "title", DEPARTMENT: "department", GRADE: "grade", HEADCOUNT: "headcount"}
# What each kind needs in Change.value (ADD also takes optional pay_min, pay_max).
VALUE_KEYS = {
    ADD: ("title", "parent", "department", "grade", "headcount"),
    MOVE: ("parent",),
    RENAME: ("title",),
    DEPARTMENT: ("department",),
    GRADE: ("grade",),
    HEADCOUNT: ("headcount",),
    MERGE: ("into",),
    ARCHIVE: (),
}
MAX_TITLE = 100  # Role.title's length
MAX_HEADCOUNT = 100000


class Change(NamedTuple):
    """One change of a plan. `role` is None for ADD (the new role is `new_role_id(number)`);
    `before` holds the base organisation's values of the fields it changes (for `drift`)."""

    number: int
    kind: str
    role: int | None
    value: dict
    before: dict = {}


class Problem(NamedTuple):
    """Why a change cannot be applied: the change's number, the role it is about, the reason in words, and
    the field of the change the reason is about (what an API's 400 names)."""

    number: int
    role: int | None
    message: str
    field: str = "role"


class Proposal(NamedTuple):
    """The organisation after a plan: states (archived roles stay, marked), merges (removed -> kept), problems."""

    states: dict
    merged: dict
    problems: tuple


class Refused(Exception):
    """A change the organisation refuses; `role` is the role the reason is about."""

    def __init__(self, role, message, field="role"):
        super().__init__(message)
        self.role = role
        self.message = message
        self.field = field


def new_role_id(number):
    """The id a plan gives the role its change `number` adds: negative, so it never clashes with a real one."""
    return -number


def title_of(states, role_id):
    """A role's title in these states, for messages; an unknown id reads as #id."""
    state = states.get(role_id)
    return state["title"] if state else f"#{role_id}"


def active(states):
    """The roles of these states that are not archived (id -> state)."""
    return {i: s for i, s in states.items() if not s["archived"]}


def propose(base, changes, titles=None):
    """The organisation after applying `changes` in order to `base`; refused changes are skipped and listed.

    `titles` (role id -> title) names roles missing from `base` in the reasons (a role deleted since).
    """
    states = {role_id: dict(state) for role_id, state in base.items()}
    merged = {}
    problems = []
    for change in changes:
        try:
            _apply(states, merged, change, titles or {})
        except Refused as refusal:
            problems.append(Problem(change.number, refusal.role, refusal.message, refusal.field))
    return Proposal(states, merged, tuple(problems))


def _apply(states, merged, change, titles):
    """Apply one change to `states` in place, or raise Refused before touching anything."""
    kind, value = change.kind, change.value
    if kind == ADD:
        role_id = new_role_id(change.number)
        _check_title(role_id, value["title"])
        _check_headcount(role_id, value["headcount"])
        if value["parent"] is not None:
            _check_active(states, value["parent"], titles, "parent")
        states[role_id] = {
            "parent": value["parent"],
            "title": value["title"],
            "department": value["department"],
            "grade": value["grade"],
            "headcount": value["headcount"],
            "dotted": [],
            "archived": False,
        }
        return
    role_id = change.role
    _check_active(states, role_id, titles)
    if kind == MOVE:
        parent = value["parent"]
        if parent is not None:
            _check_active(states, parent, titles, "parent")
        parents = {i: s["parent"] for i, s in active(states).items()}
        if timeline.would_cycle(parents, role_id, parent):
            raise Refused(
                role_id,
                _("“%(role)s” cannot report to itself or to one of its own subordinates (%(superior)s).")
                % {"role": title_of(states, role_id), "superior": title_of(states, parent)},
                "parent",
            )
    elif kind == RENAME:
        _check_title(role_id, value["title"])
    elif kind == HEADCOUNT:
        _check_headcount(role_id, value["headcount"])
    elif kind == MERGE:
        _merge(states, merged, role_id, value["into"], titles)
        return
    elif kind == ARCHIVE:
        below = [i for i, s in active(states).items() if s["parent"] == role_id]
        if below:
            raise Refused(
                role_id,
                _("“%(role)s” still has subordinates in this plan: %(names)s. Move them or merge the role instead.")
                % {"role": title_of(states, role_id), "names": "、".join(title_of(states, i) for i in sorted(below))},
            )
        states[role_id]["archived"] = True
        return
    elif kind not in FIELD_OF:
        raise Refused(role_id, _("Unknown kind of change: %(kind)s") % {"kind": kind}, "kind")
    field = FIELD_OF[kind]
    states[role_id][field] = value[field]


def affected(states, change):
    """The roles whose state `change` may alter, in the order their changes are recorded: for a merge the
    kept role first (it may take the removed one's place), then those reporting to the removed one, then it."""
    if change.kind == ADD:
        return [new_role_id(change.number)]
    if change.kind != MERGE:
        return [change.role]
    removed, kept = change.role, change.value["into"]
    below = [i for i, s in states.items() if i != kept and (s["parent"] == removed or removed in s["dotted"])]
    return [kept, *sorted(below), removed]


def _merge(states, merged, removed, kept, titles):
    """The removed role's subordinates, headcount and dotted-line reports go to the kept one; it is archived.

    When the kept role is below the removed one, it first takes the removed one's place.
    """
    if removed == kept:
        raise Refused(
            removed, _("“%(role)s” cannot be merged with itself.") % {"role": title_of(states, removed)}, "into"
        )
    _check_active(states, kept, titles, "into")
    parents = {i: s["parent"] for i, s in active(states).items()}
    if timeline.would_cycle(parents, removed, kept):  # kept is below removed
        states[kept]["parent"] = states[removed]["parent"]
    for state in active(states).values():
        if state["parent"] == removed:
            state["parent"] = kept
        if removed in state["dotted"]:
            state["dotted"] = sorted({kept if boss == removed else boss for boss in state["dotted"]})
    states[kept]["dotted"] = [boss for boss in states[kept]["dotted"] if boss != kept]
    states[kept]["headcount"] += states[removed]["headcount"]
    states[removed]["archived"] = True
    merged[removed] = kept


def _check_active(states, role_id, titles, field="role"):
    """Refuse a role that does not exist in the organisation or is archived there (`field` names it in the change)."""
    state = states.get(role_id)
    if state is None:
        name = titles.get(role_id, f"#{role_id}")
        raise Refused(role_id, _("“%(role)s” does not exist in this organisation.") % {"role": name}, field)
    if state["archived"]:
        if field == "parent":
            message = _("“%(role)s” is archived: nobody can report to it.")
        else:
            message = _("“%(role)s” is archived.")
        raise Refused(role_id, message % {"role": state["title"]}, field)


def _check_title(role_id, title):
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE:
        raise Refused(role_id, _("Enter a title of 1 to %(max)s characters.") % {"max": MAX_TITLE}, "title")


def _check_headcount(role_id, headcount):
    if isinstance(headcount, bool) or not isinstance(headcount, int) or not 0 <= headcount <= MAX_HEADCOUNT:
        raise Refused(role_id, _("Enter a headcount from 0 to %(max)s.") % {"max": MAX_HEADCOUNT}, "headcount")


def base_values(change, base):
    """The base organisation's value of the field `change` sets on an existing role (for `drift`)."""
    state = base.get(change.role)
    if change.kind not in FIELD_OF or state is None:
        return {}
    field = FIELD_OF[change.kind]
    return {field: state[field]}


def drift(changes, live, names):
    """Problems for the fields the plan changes that the live organisation changed since they were recorded.

    `live` is the live organisation on the effective day; `names` as for timeline.value_text, with
    names["field"] the words for each field. A role gone or archived is reported by `propose`, not here.
    """
    problems = []
    for change in changes:
        state = live.get(change.role)
        if state is None or state["archived"]:
            continue
        for field, then in change.before.items():
            now = state[field]
            if now != then:
                problems.append(
                    Problem(
                        change.number,
                        change.role,
                        _("“%(role)s”: its %(field)s changed since the plan was made, from %(then)s to %(now)s.")
                        % {
                            "role": state["title"],
                            "field": names["field"][field],
                            "then": timeline.value_text(field, then, names),
                            "now": timeline.value_text(field, now, names),
                        },
                    )
                )
    return problems


class RoleDiff(NamedTuple):
    """One difference of one role: `kind` is added, removed, merged, or the field that changed."""

    role: int
    kind: str
    before: object
    after: object


ADDED, REMOVED, MERGED = "added", "removed", "merged"
COMPARED = ("parent", "title", "department", "grade", "headcount")


def diff(base, proposal):
    """What the plan changes, role by role: added roles, roles removed (archived) or merged, and each
    field that differs (before, after). A removed role lists nothing else."""
    out = []
    for role_id, after in proposal.states.items():
        before = base.get(role_id)
        if before is None or before["archived"]:
            if not after["archived"]:
                out.append(RoleDiff(role_id, ADDED, None, after["parent"]))
            continue
        if after["archived"]:
            if role_id in proposal.merged:
                out.append(RoleDiff(role_id, MERGED, None, proposal.merged[role_id]))
            else:
                out.append(RoleDiff(role_id, REMOVED, None, None))
            continue
        out.extend(RoleDiff(role_id, f, before[f], after[f]) for f in COMPARED if before[f] != after[f])
    return out


class DepartmentChange(NamedTuple):
    """A department's headcount and monthly pay cost (paycost.Total) before and after the plan."""

    headcount_before: int
    headcount_after: int
    cost_before: paycost.Total
    cost_after: paycost.Total


def departments(base, proposal, pays):
    """Department id -> DepartmentChange, for departments with roles before or after the plan.

    `pays` maps role id -> one person's monthly pay (paycost.person_pay; None: no cost known); a role
    missing from it has no cost known.
    """
    sides = []
    for states in (base, proposal.states):
        roles = active(states)
        costs = {i: paycost.role_cost(s["headcount"], pays.get(i)) for i, s in roles.items()}
        department_of = {i: s["department"] for i, s in roles.items()}
        heads = {}
        for state in roles.values():
            heads[state["department"]] = heads.get(state["department"], 0) + state["headcount"]
        sides.append((heads, paycost.totals(costs, {}, department_of).department))
    (heads_before, cost_before), (heads_after, cost_after) = sides
    return {
        dept: DepartmentChange(
            heads_before.get(dept, 0),
            heads_after.get(dept, 0),
            cost_before.get(dept, paycost.Total()),
            cost_after.get(dept, paycost.Total()),
        )
        for dept in sorted(set(heads_before) | set(heads_after), key=lambda d: (d is None, d))
    }

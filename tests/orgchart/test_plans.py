"""Reorganisation plans, the services: editing a plan leaves the live organisation alone; approval makes
its changes dated changes in one transaction, or writes nothing and lists the conflicts."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgchart import plans
from orgchart.models import Employee, Plan
from roles import dated, services, workflow
from roles.models import Role, RoleChange
from roles.reading import Audience
from roles.treecheck import tree_problems
from tests.factories import make_department, make_hr_manager, make_hr_user, make_manager
from tests.queries import assert_constant_queries
from tests.roles.test_dated import TODAY, at, chart_on, new_role
from tests.roles.test_tree_integrity import db_rows

D = datetime.date
NEXT_MONTH = D(2026, 4, 1)


@pytest.fixture(autouse=True)
def english_reasons():
    with translation.override("en"):
        yield


@pytest.fixture
def shop(db):
    """店长 ─ 运营主管 ─ 推广专员; 店长 ─ 客服主管; HR and an approver; the clock on TODAY."""
    with at(TODAY) as clock:
        boss = new_role("店长")
        ops = new_role("运营主管", parent=boss)
        promo = new_role("推广专员", parent=ops)
        service = new_role("客服主管", parent=boss)
        yield {
            "boss": boss.pk,
            "ops": ops.pk,
            "promo": promo.pk,
            "service": service.pk,
            "hr": make_hr_user(),
            "approver": make_hr_manager(),
            "clock": clock,
        }


def live_state():
    """Everything approval may write: the tree, the dated changes, people in roles."""
    return db_rows(), RoleChange.objects.count(), list(Employee.objects.values_list("pk", "role_id"))


def new_plan(shop, *changes, base_date=None):
    plan = plans.create_plan(shop["hr"], "618 调整", base_date)
    for kind, role, value in changes:
        plans.add_change(plan.pk, shop["hr"], kind, role, **value)
    return plan


def add(shop, title, parent, headcount=1):
    role = Role.objects.get(pk=shop["boss"])
    return (
        "add",
        None,
        {
            "title": title,
            "parent": parent,
            "department": role.department_id,
            "grade": role.grade_id,
            "headcount": headcount,
        },
    )


def submitted(shop, *changes):
    plan = new_plan(shop, *changes)
    plans.submit(plan.pk, shop["hr"])
    return plan


def test_a_plan_changes_nothing_live_until_approved(shop):
    before = live_state()
    plan = new_plan(shop, add(shop, "推广经理", shop["ops"]), ("move", shop["promo"], {"parent": -1}))
    plans.submit(plan.pk, shop["hr"])
    assert live_state() == before
    proposed = plans.plan_diff(Plan.objects.get(pk=plan.pk)).proposal.states
    assert proposed[shop["promo"]]["parent"] == -1 and proposed[-1]["title"] == "推广经理"


def test_approval_next_month_leaves_today_and_changes_that_day(shop, client):
    plan = submitted(shop, add(shop, "推广经理", shop["ops"]), ("move", shop["promo"], {"parent": -1}))
    plans.approve(plan.pk, shop["approver"], NEXT_MONTH)
    assert chart_on(TODAY)["推广专员"] == "运营主管"
    assert chart_on(TODAY, Audience()) == {"店长": None, "运营主管": "店长", "推广专员": "运营主管", "客服主管": "店长"}
    # The tree service creates roles only from today back: a role that starts next month exists today, archived.
    assert Role.objects.get(title="推广经理").status == Role.Status.ARCHIVED
    assert chart_on(NEXT_MONTH)["推广专员"] == "推广经理"
    assert chart_on(NEXT_MONTH)["推广经理"] == "运营主管"
    assert Role.objects.get(pk=shop["promo"]).parent_id == shop["ops"]
    assert tree_problems(db_rows()) == [] and dated.present_problems() == []
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED

    shop["clock"].move_to(datetime.datetime(2026, 4, 1, 4, 0, tzinfo=datetime.UTC))
    client.get("/orgchart/data.json")  # the first request of the day brings the present in step
    manager = Role.objects.get(title="推广经理")
    assert (manager.status, manager.parent_id) == (Role.Status.DRAFT, shop["ops"])
    assert Role.objects.get(pk=shop["promo"]).parent_id == manager.pk
    assert tree_problems(db_rows()) == [] and dated.present_problems() == []


def test_approval_today_is_in_force_at_once_and_new_roles_get_an_address(shop):
    plan = submitted(
        shop,
        add(shop, "推广经理", shop["ops"]),
        ("rename", shop["service"], {"title": "客服经理"}),
        add(shop, "美工", -1),
    )
    plans.approve(plan.pk, shop["approver"], TODAY)
    manager = Role.objects.get(title="推广经理")
    assert manager.slug == "tuiguang-jingli" and manager.status == Role.Status.DRAFT
    assert Role.objects.get(title="美工").parent_id == manager.pk
    assert Role.objects.get(pk=shop["service"]).title == "客服经理"
    assert tree_problems(db_rows()) == [] and dated.present_problems() == []


def test_a_merge_hands_over_people_subordinates_and_seats(shop):
    cs = Role.objects.get(pk=shop["service"])
    Employee.objects.create(name="王小明", employee_number="E1", role_id=shop["ops"])
    plan = submitted(shop, ("merge", shop["ops"], {"into": shop["service"]}))
    plans.approve(plan.pk, shop["approver"], TODAY)
    assert Employee.objects.get(employee_number="E1").role_id == shop["service"]
    assert Role.objects.get(pk=shop["promo"]).parent_id == shop["service"]
    assert Role.objects.get(pk=shop["service"]).headcount == cs.headcount + 1
    assert Role.objects.get(pk=shop["ops"]).status == Role.Status.ARCHIVED
    assert tree_problems(db_rows()) == [] and dated.present_problems() == []


@pytest.mark.parametrize(
    ("name", "change", "reason"),
    [
        ("a loop", ("move", "ops", {"parent": "promo"}), "“运营主管” cannot report to itself"),
        ("merge with itself", ("merge", "ops", {"into": "ops"}), "“运营主管” cannot be merged with itself."),
        ("archive with subordinates", ("archive", "ops", {}), "“运营主管” still has subordinates"),
        ("unknown role", ("rename", 0, {"title": "x"}), "“#0” does not exist"),
    ],
)
def test_a_refused_change_leaves_the_plan_as_it_was(shop, name, change, reason):
    plan = new_plan(shop, ("rename", shop["promo"], {"title": "推广主管"}))
    kind, role, value = change
    value = {k: shop[v] if isinstance(v, str) and k != "title" else v for k, v in value.items()}
    with pytest.raises(ValidationError) as refused:
        plans.add_change(plan.pk, shop["hr"], kind, shop.get(role, role), **value)
    assert refused.value.messages[0].startswith(reason), name
    assert plans.changes_of(plan) == [
        plans.planning.Change(1, "rename", shop["promo"], {"title": "推广主管"}, {"title": "推广专员"})
    ]


def test_a_move_under_a_role_archived_in_the_plan_is_refused(shop):
    plan = new_plan(shop, ("archive", shop["service"], {}))
    with pytest.raises(ValidationError, match="“客服主管” is archived: nobody can report to it."):
        plans.add_change(plan.pk, shop["hr"], "move", shop["promo"], parent=shop["service"])


@pytest.mark.parametrize(
    ("kind", "value", "field"),
    [
        ("department", {"department": 0}, "department"),
        ("grade", {"grade": 0}, "grade"),
        ("rename", {}, "title"),
        ("rename", {"title": "x", "headcount": 2}, "headcount"),
        ("teleport", {}, "kind"),
    ],
)
def test_bad_values_name_the_field(shop, kind, value, field):
    plan = new_plan(shop)
    with pytest.raises(ValidationError) as refused:
        plans.add_change(plan.pk, shop["hr"], kind, shop["promo"], **value)
    assert field in refused.value.message_dict


def test_a_change_a_later_one_needs_cannot_be_removed(shop):
    plan = new_plan(shop, add(shop, "推广经理", shop["ops"]), ("move", shop["promo"], {"parent": -1}))
    with pytest.raises(ValidationError) as refused:
        plans.remove_change(plan.pk, shop["hr"], 1)
    assert refused.value.code == "plan_in_use"
    assert refused.value.messages[0] == "Change 2 needs it: “推广经理” does not exist in this organisation."
    plans.remove_change(plan.pk, shop["hr"], 2)
    plans.remove_change(plan.pk, shop["hr"], 1)
    assert plans.changes_of(plan) == []
    plans.add_change(plan.pk, shop["hr"], "archive", shop["promo"])
    assert [c.number for c in plans.changes_of(plan)] == [3]  # numbers are never reused


def test_status_moves_and_who_may_make_them(shop):
    manager = make_manager()
    with pytest.raises(PermissionDenied):
        plans.create_plan(manager, "x")
    plan = new_plan(shop, ("rename", shop["promo"], {"title": "推广主管"}))
    with pytest.raises(PermissionDenied):
        plans.approve(plan.pk, shop["hr"], TODAY)  # HR makes plans, approvers decide
    with pytest.raises(ValidationError) as refused:
        plans.approve(plan.pk, shop["approver"], TODAY)
    assert refused.value.code == "plan_status"
    plans.submit(plan.pk, shop["hr"])
    with pytest.raises(ValidationError) as refused:
        plans.add_change(plan.pk, shop["hr"], "archive", shop["promo"])
    assert refused.value.code == "plan_status"
    with pytest.raises(ValidationError):
        plans.reject(plan.pk, shop["approver"], " ")
    plans.reject(plan.pk, shop["approver"], "先和店长确认")
    plan.refresh_from_db()
    assert (plan.status, plan.comment) == (Plan.Status.DRAFT, "先和店长确认")
    with pytest.raises(ValidationError) as refused:
        plans.submit(new_plan(shop).pk, shop["hr"])
    assert refused.value.code == "plan_empty"
    plans.delete_plan(plan.pk, shop["hr"])
    assert not Plan.objects.filter(pk=plan.pk).exists()


def conflict_of(shop, plan, day=NEXT_MONTH):
    before = live_state()
    with pytest.raises(plans.PlanConflicts) as stopped:
        plans.approve(plan.pk, shop["approver"], day)
    assert live_state() == before  # nothing written
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.SUBMITTED
    return [(c.title, c.reason) for c in stopped.value.conflicts]


def test_approval_stops_on_a_role_archived_since(shop):
    plan = submitted(shop, ("rename", shop["promo"], {"title": "推广主管"}), add(shop, "推广经理", shop["service"]))
    workflow.archive(shop["promo"], shop["hr"], effective_date=D(2026, 3, 20))
    workflow.archive(shop["service"], shop["hr"], effective_date=D(2026, 3, 20))
    assert conflict_of(shop, plan) == [
        ("推广专员", "“推广专员” is archived."),
        ("客服主管", "“客服主管” is archived: nobody can report to it."),
    ]


def test_approval_stops_on_a_superior_moved_under_the_role(shop):
    plan = submitted(shop, ("move", shop["ops"], {"parent": shop["service"]}))
    services.move_role(shop["service"], shop["promo"], effective_date=D(2026, 3, 20))
    conflicts = conflict_of(shop, plan)
    assert conflicts == [
        ("运营主管", "“运营主管” cannot report to itself or to one of its own subordinates (客服主管).")
    ]


def test_approval_stops_on_a_rename_since_the_plan_was_made(shop):
    plan = submitted(shop, ("rename", shop["promo"], {"title": "推广主管"}))
    role = Role.objects.get(pk=shop["promo"])
    role.title = "推广专员（新）"
    services.save_role(role)
    assert conflict_of(shop, plan) == [
        (
            "推广专员（新）",
            "“推广专员（新）”: its title changed since the plan was made, from 推广专员 to 推广专员（新）.",
        )
    ]


def test_approval_stops_on_a_role_deleted_since(shop):
    plan = submitted(shop, ("rename", shop["promo"], {"title": "推广主管"}))
    services.delete_role(shop["promo"])
    assert conflict_of(shop, plan) == [("推广专员", "“推广专员” does not exist in this organisation.")]


def test_approval_stops_on_a_loop_a_scheduled_move_would_close(shop):
    services.move_role(shop["service"], None, effective_date=D(2026, 4, 1))  # 客服主管 at the top in April
    services.move_role(shop["boss"], shop["service"], effective_date=D(2026, 5, 1))  # 店长 under 客服主管 in May
    plan = new_plan(shop, ("move", shop["service"], {"parent": shop["promo"]}), base_date=D(2026, 4, 10))
    plans.submit(plan.pk, shop["hr"])
    conflicts = conflict_of(shop, plan, D(2026, 4, 15))
    assert conflicts == [("客服主管", "A role cannot report to itself or to one of its own subordinates.")]


# ----------------------------------------------------------------------------- diff and cost


def test_the_diff_names_each_change_and_the_cost_per_department(catalogue, db):
    hr = make_hr_user()
    with at(TODAY):
        designer = Role.objects.get(slug="designer")
        promo = Role.objects.get(slug="promotion-supervisor")
        plan = plans.create_plan(hr, "双11")
        plans.add_change(plan.pk, hr, "headcount", designer.pk, headcount=4)
        plans.add_change(plan.pk, hr, "rename", promo.pk, title="推广经理")
        plans.add_change(
            plan.pk,
            hr,
            "add",
            title="直播主管",
            parent=promo.pk,
            department=promo.department_id,
            grade=promo.grade_id,
            headcount=1,
        )
        result = plans.plan_diff(plan, with_cost=True)
    words = {
        (
            result.names["role"][d.role],
            d.kind,
            plans.describe(d.kind, d.before, result.names),
            plans.describe(d.kind, d.after, result.names),
        )
        for d in result.roles
    }
    assert words == {
        ("美工", "headcount", "2", "4"),
        ("推广主管", "title", "推广主管", "推广经理"),
        ("直播主管", "added", "—", "推广主管"),  # its superior, by the title it has before the plan
    }
    design = result.departments[designer.department_id]
    assert (design.headcount_before + 2, design.cost_after.amount - design.cost_before.amount) == (
        design.headcount_after,
        Decimal("9300.00"),  # two more seats at 4650.00
    )
    promotion = result.departments[promo.department_id]
    assert promotion.cost_after.unknown == promotion.cost_before.unknown + 1  # the new role has no pay known


def test_without_cost_no_pay_is_read(shop):
    plan = new_plan(shop, ("headcount", shop["promo"], {"headcount": 3}))
    result = plans.plan_diff(plan)
    assert all(d.cost_before.amount == 0 and d.cost_after.amount == 0 for d in result.departments.values())


def test_the_diff_costs_the_same_queries_however_many_changes(shop):
    plan = new_plan(shop)
    numbers = iter(range(1, 100))

    def grow():
        for _ in range(5):
            plans.add_change(plan.pk, shop["hr"], "headcount", shop["promo"], headcount=next(numbers))
            plans.add_change(plan.pk, shop["hr"], "add", **add(shop, f"新岗位{next(numbers)}", shop["ops"])[2])

    grow()
    assert_constant_queries(lambda: plans.plan_diff(Plan.objects.get(pk=plan.pk), with_cost=True), grow, at_most=9)


def test_the_list_of_plans_costs_the_same_queries_however_many(shop):
    def show():
        return [(p.name, p.created_by and p.created_by.username) for p in plans.plans_for(shop["hr"])]

    def grow():
        for i in range(3):
            new_plan(shop, ("rename", shop["promo"], {"title": f"推广{i}"}))

    grow()
    assert_constant_queries(show, grow)
    manager = make_manager()
    assert list(plans.plans_for(manager)) == []  # a manager sees no plans


# ----------------------------------------------------------------------------- the property


KINDS = ("move", "rename", "headcount", "department", "archive", "merge", "add")


@st.composite
def steps(draw):
    """Random changes over the shop's four roles and a second department (many refused)."""
    return [
        (
            draw(st.sampled_from(KINDS)),
            draw(st.sampled_from(["boss", "ops", "promo", "service"])),
            draw(st.integers(0, 4)),
        )
        for _ in range(draw(st.integers(1, 6)))
    ]


def value_of(kind, shop, n, department):
    roles = [None, shop["boss"], shop["ops"], shop["promo"], shop["service"]]
    return {
        "move": {"parent": roles[n]},
        "rename": {"title": f"岗位{n}"},
        "headcount": {"headcount": n},
        "department": {"department": department if n % 2 else Role.objects.get(pk=shop["boss"]).department_id},
        "archive": {},
        "merge": {"into": roles[n] or shop["boss"]},
        "add": {
            "title": f"新岗位{n}",
            "parent": roles[n],
            "department": department,
            "grade": Role.objects.get(pk=shop["boss"]).grade_id,
            "headcount": n,
        },
    }[kind]


def one_by_one(shop, kind, role_id, value, day):
    """The same change through the live services, as HR would make it without a plan."""
    if kind == "move":
        services.move_role(role_id, value["parent"], effective_date=day)
    elif kind == "add":
        services.save_role(
            Role(**{f"{k}_id" if k in ("parent", "department", "grade") else k: v for k, v in value.items()}),
            effective_date=day,
        )
    elif kind == "merge":
        merge(shop, role_id, value["into"], day)
    elif kind == "archive":
        workflow.archive(role_id, shop["hr"], effective_date=day)
    else:
        role = Role.objects.get(pk=role_id)
        field = {"rename": "title", "headcount": "headcount", "department": "department_id"}[kind]
        setattr(role, field, value[{"rename": "title", "department": "department"}.get(kind, kind)])
        services.save_role(role, effective_date=day)


def merge(shop, removed, kept, day):
    """A merge made by hand: the kept role takes the removed one's place if it was below it, the removed
    one's subordinates move under the kept one, which takes its seats; the removed one is archived."""
    superiors = {i: s["parent"] for i, s in plans.organisation_on(day).items() if not s["archived"]}
    above = superiors[kept]
    while above is not None and above != removed:
        above = superiors[above]
    if above == removed:
        services.move_role(kept, superiors[removed], effective_date=day)
    for role_id, superior in sorted(superiors.items()):
        if superior == removed and role_id != kept:
            services.move_role(role_id, kept, effective_date=day)
    role = Role.objects.get(pk=kept)
    role.headcount = plans.organisation_on(day)[kept]["headcount"] + plans.organisation_on(day)[removed]["headcount"]
    services.save_role(role, effective_date=day)
    workflow.archive(removed, shop["hr"], effective_date=day)


def organisation(days):
    """The chart of each day, and every role's row, by titles (ids of roles created differ between runs)."""
    titles = dict(Role.objects.values_list("pk", "title"))
    return [chart_on(day) for day in days], sorted(
        (r.title, titles.get(r.parent_id, ""), r.department_id, r.headcount, r.status == Role.Status.ARCHIVED)
        for r in Role.objects.all()
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=steps(), later=st.booleans())
def test_applying_a_plan_equals_applying_its_changes_one_by_one(shop, rows, later):
    with rolled_back():
        check_plan_equals_services(shop, rows, later)


def check_plan_equals_services(shop, rows, later):
    """Approve a plan of `rows` and read the organisation; undo; make the same changes through the services."""
    day = NEXT_MONTH if later else TODAY
    department = make_department().pk
    plan = plans.create_plan(shop["hr"], "p")
    accepted = []
    for kind, name, n in rows:
        if kind == "add" and later:
            continue  # the tree service creates roles only from today back: nothing to compare with
        value = value_of(kind, shop, n, department)
        try:
            plans.add_change(plan.pk, shop["hr"], kind, None if kind == "add" else shop[name], **value)
        except ValidationError:
            continue
        accepted.append((kind, None if kind == "add" else shop[name], value))
    if not accepted:
        return
    plans.submit(plan.pk, shop["hr"])
    days = [day, day + datetime.timedelta(days=40)]
    with rolled_back():
        plans.approve(plan.pk, shop["approver"], day)
        planned = organisation(days)
        assert tree_problems(db_rows()) == [] and dated.present_problems() == []
    for kind, role_id, value in accepted:
        one_by_one(shop, kind, role_id, value, day)
    assert organisation(days) == planned


@contextmanager
def rolled_back():
    """Undo what the block wrote (the property's examples share one test's database)."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)

"""Dated changes (roles/dated.py): back-dated, scheduled and same-day changes, a moved clock, and
the organisation read as of any day through the one read path."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from roles import dated, services
from roles.models import Role, RoleChange
from roles.reading import Audience, RoleReader
from roles.treecheck import tree_problems
from shopconfig.models import CatalogueRevision
from tests.factories import make_department, make_grade
from tests.queries import captured_sql
from tests.roles.test_tree_integrity import db_rows, delete_all_roles

D = datetime.date
TODAY = D(2026, 3, 16)  # the clock of these tests (Asia/Shanghai noon)
BEGINNING = D(2025, 1, 1)  # the day the test organisation starts
STAFF = Audience(see_drafts=True)


def at(day):
    """The clock at noon of `day` in the shop's time zone."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 4, 0, tzinfo=datetime.UTC), tick=False)


def new_role(title, parent=None, department=None, grade=None, day=BEGINNING):
    role = Role(
        title=title,
        parent=parent,
        department=department or make_department(),
        grade=grade or make_grade(),
        status=Role.Status.PUBLISHED,
    )
    return services.save_role(role, effective_date=day)


def chart_on(day, audience=STAFF):
    """{title: superior's title} as the one read path shows the organisation at the end of `day`."""
    reader = RoleReader(audience, as_of=day)
    rows = reader.rows(reader.roles())
    titles = {row[0]: row[2] for row in rows}
    return {row[2]: titles.get(row[1]) for row in rows}


@pytest.fixture
def shop(db):
    with at(TODAY):
        boss = new_role("店长")
        ops = new_role("运营主管", parent=boss)
        promo = new_role("推广专员", parent=ops)
        service = new_role("客服主管", parent=boss)
        yield {"boss": boss, "ops": ops, "promo": promo, "service": service}


def test_a_move_scheduled_for_tomorrow_is_in_force_tomorrow_without_anyone_running_anything(shop, client):
    with at(TODAY) as clock:
        services.move_role(shop["promo"].pk, shop["service"].pk, effective_date=TODAY + datetime.timedelta(days=1))
        assert Role.objects.get(pk=shop["promo"].pk).parent_id == shop["ops"].pk  # today: still under 运营主管
        assert chart_on(TODAY + datetime.timedelta(days=1))["推广专员"] == "客服主管"

        clock.shift(datetime.timedelta(days=1))
        client.get("/orgchart/data.json")  # any request: the middleware brings the present in step
        assert Role.objects.get(pk=shop["promo"].pk).parent_id == shop["service"].pk
        assert tree_problems(db_rows()) == []
        assert chart_on(TODAY)["推广专员"] == "运营主管"  # history is kept
        assert not RoleChange.objects.filter(applied=False).exists()


def test_a_back_dated_correction_earlier_than_a_later_change_keeps_the_later_one_in_force(shop):
    with at(TODAY):
        role = Role.objects.get(pk=shop["promo"].pk)
        role.title = "推广主管"
        services.save_role(role, effective_date=D(2026, 2, 1))
        role.title = "推广专员（更正）"
        saved = services.save_role(role, effective_date=D(2026, 1, 1))
        assert saved.title == "推广主管"  # the February rename is still in force today
        assert Role.objects.get(pk=role.pk).title == "推广主管"
        assert dated.later_changes_in_force(role.pk, ["title"], D(2026, 1, 1)) == {"title": D(2026, 2, 1)}
        assert "推广专员（更正）" in chart_on(D(2026, 1, 15))
        assert "推广主管" in chart_on(D(2026, 2, 15))


def test_a_scheduled_edit_keeps_the_present_and_changes_the_future(shop):
    with at(TODAY):
        role = Role.objects.get(pk=shop["ops"].pk)
        role.title = "运营经理"
        role.headcount = 3
        role.summary = "新的职责概述"  # not a dated field: saved now
        services.save_role(role, effective_date=D(2026, 4, 1))
        stored = Role.objects.get(pk=role.pk)
        assert (stored.title, stored.headcount, stored.summary) == ("运营主管", 1, "新的职责概述")
        assert "运营经理" in chart_on(D(2026, 4, 1))
        assert chart_on(D(2026, 3, 31))["推广专员"] == "运营主管"


def test_refusals_leave_everything_as_it_was(shop):
    with at(TODAY):
        before = (db_rows(), RoleChange.objects.count())
        # a loop on the day it would take effect
        with pytest.raises(ValidationError) as refused:
            services.move_role(shop["boss"].pk, shop["promo"].pk, effective_date=D(2026, 5, 1))
        assert refused.value.code == "cycle"
        # dates outside 1900–2100
        with pytest.raises(ValidationError) as refused:
            services.move_role(shop["promo"].pk, shop["service"].pk, effective_date=D(1899, 12, 31))
        assert refused.value.code == "date_out_of_range"
        # before the role existed
        with pytest.raises(ValidationError) as refused:
            services.move_role(shop["promo"].pk, shop["service"].pk, effective_date=D(2024, 6, 1))
        assert refused.value.code == "before_created"
        assert (db_rows(), RoleChange.objects.count()) == before


def test_a_loop_that_a_later_scheduled_move_would_close_is_refused(shop):
    with at(TODAY):
        # In May, 店长 moves under 客服主管 — fine while 客服主管 reports to nobody by then...
        services.move_role(shop["service"].pk, None, "last-child", effective_date=D(2026, 4, 1))
        services.move_role(shop["boss"].pk, shop["service"].pk, effective_date=D(2026, 5, 1))
        # ...so putting 客服主管 under 推广专员 (under 店长) from April closes a loop in May.
        with pytest.raises(ValidationError) as refused:
            services.move_role(shop["service"].pk, shop["promo"].pk, effective_date=D(2026, 4, 15))
        assert refused.value.code == "cycle"


def test_check_tree_finds_a_present_out_of_step_with_the_changes(shop):
    from io import StringIO

    with at(TODAY):
        Role.objects.filter(pk=shop["promo"].pk).update(title="改过的")  # written past the dated changes
        out = StringIO()
        with pytest.raises(CommandError, match="1 roles differ"):
            call_command("check_tree", stdout=out, stderr=out)
        assert "推广专员" in out.getvalue() and "改过的" in out.getvalue()


def test_before_the_first_change_the_earliest_known_day_is_shown(shop):
    with at(TODAY):
        reader = RoleReader(STAFF, as_of=D(2020, 1, 1))
        assert reader.before_history
        assert reader.as_of == BEGINNING
        assert chart_on(D(2020, 1, 1)) == chart_on(BEGINNING)


def test_visitors_see_no_scheduled_future(shop):
    with at(TODAY):
        services.move_role(shop["promo"].pk, shop["service"].pk, effective_date=D(2026, 6, 1))
        visitor = Audience(printing=True)
        assert RoleReader(visitor, as_of=D(2026, 7, 1)).as_of is None  # reads today
        assert chart_on(D(2026, 7, 1), visitor)["推广专员"] == "运营主管"
        assert chart_on(D(2026, 7, 1))["推广专员"] == "客服主管"


def tree_by_titles():
    """{superior's title (None for the tops): subordinates' titles in tree order}."""
    rows = list(Role.objects.order_by("tree_id", "lft").values_list("pk", "parent_id", "title"))
    titles = {pk: title for pk, _parent, title in rows}
    tree = {}
    for _pk, parent, title in rows:
        tree.setdefault(titles.get(parent), []).append(title)
    return tree


def test_moves_coming_into_force_together_renumber_the_tree_once_and_keep_the_order(shop):
    with at(TODAY) as clock:
        art, design = new_role("美工", parent=shop["ops"]), new_role("设计", parent=shop["ops"])
        new_role("采购", parent=shop["boss"])
        new_role("客服", parent=shop["service"])
        tomorrow = TODAY + datetime.timedelta(days=1)
        # 推广专员 and 运营主管 swap places; 美工 and 设计 join 客服主管, which leaves 店长 for a tree of its own.
        moves = [
            (shop["promo"], shop["boss"]),
            (shop["ops"], shop["promo"]),
            (art, shop["service"]),
            (design, shop["service"]),
            (shop["service"], None),
        ]
        for role, superior in moves:
            services.move_role(role.pk, superior and superior.pk, effective_date=tomorrow)
        histories = {role.pk: role.history.count() for role, _superior in moves}
        revision = CatalogueRevision.current()

        clock.shift(datetime.timedelta(days=1))
        sql = captured_sql(dated.apply_due)

        # Each moved role is the last subordinate of its new superior, several in the order of their ids;
        # the others keep their order.
        assert tree_by_titles() == {
            None: ["店长", "客服主管"],
            "店长": ["采购", "推广专员"],
            "推广专员": ["运营主管"],
            "客服主管": ["客服", "美工", "设计"],
        }
        assert tree_problems(db_rows()) == [] and dated.present_problems() == []
        # One statement numbers the roles that did not move, besides each moved role's own save.
        writes = [q for q in sql if q.lstrip().startswith(("UPDATE", "WITH")) and '"lft"' in q]
        assert len(writes) == len(moves) + 1
        for role, superior in moves:
            assert role.history.count() == histories[role.pk] + 1
            assert role.history.first().parent_id == (superior and superior.pk)
        assert CatalogueRevision.current() != revision


def test_moves_that_would_make_a_loop_today_are_refused_without_writing(shop):
    with at(TODAY):
        before = db_rows()
        states = {
            shop["boss"].pk: {"parent": shop["promo"].pk},
            shop["promo"].pk: {"parent": shop["ops"].pk},
        }
        with pytest.raises(ValidationError) as refused:
            dated._move_present(states)
        assert refused.value.code == "cycle"
        assert db_rows() == before


# ---------------------------------------------------------------------------
# Random dated changes, recorded in random order, against a brute-force replay
# ---------------------------------------------------------------------------

WINDOW = [TODAY + datetime.timedelta(days=n) for n in range(-40, 41, 10)]


class DatedChangesMachine(RuleBasedStateMachine):
    """Moves and renames dated in the past, today or the future, and a clock that moves on.

    The model is the list of accepted changes; the expected organisation on a day is a plain
    replay of them in (effective date, recording order). After every step, on every day of the
    window, the one read path must show exactly that; the present tree must show the replay for
    today, and the nested-set columns must be sound.
    """

    def __init__(self):
        super().__init__()
        delete_all_roles()
        RoleChange.objects.all().delete()
        self.clock = at(TODAY)
        self.now = self.clock.start()
        self.department, self.grade = make_department(), make_grade()
        self.changes = []  # (effective day, role id, "parent" | "title", value)
        self.created = {}  # role id -> (parent id, title) on BEGINNING

    def teardown(self):
        self.clock.stop()

    def today(self):
        return dated.today()

    def replay(self, day):
        """{role id: (superior id, title)} on `day`, by brute force."""
        state = {i: list(v) for i, v in self.created.items()}
        for effective, role_id, field, value in sorted(self.changes, key=lambda c: c[0]):  # stable: recording order
            if effective <= day:
                state[role_id][0 if field == "parent" else 1] = value
        return {i: tuple(v) for i, v in state.items()}

    def makes_loop(self, role_id, parent_id, day):
        candidate = [*self.changes, (day, role_id, "parent", parent_id)]
        days = {day} | {c[0] for c in self.changes if c[0] > day}
        saved, self.changes = self.changes, candidate
        try:
            for when in days:
                parents = {i: v[0] for i, v in self.replay(when).items()}
                seen, above = set(), parents[role_id]
                while above is not None:
                    if above == role_id or above in seen:
                        return True
                    seen.add(above)
                    above = parents[above]
            return False
        finally:
            self.changes = saved

    @rule(title=st.sampled_from(["店长", "主管", "专员", "客服", "美工"]), data=st.data())
    def create(self, title, data):
        parent = data.draw(st.sampled_from([None, *sorted(self.created)])) if self.created else None
        role = Role(title=title, parent_id=parent, department=self.department, grade=self.grade)
        role = services.save_role(role, effective_date=BEGINNING)
        # Created on BEGINNING with its superior as it is then; later dated moves of others apply on top.
        self.created[role.pk] = (parent, title)

    @rule(data=st.data(), day=st.sampled_from(WINDOW))
    def move(self, data, day):
        if not self.created:
            return
        role_id = data.draw(st.sampled_from(sorted(self.created)))
        parent_id = data.draw(st.sampled_from([None, *sorted(self.created)]))
        if parent_id == role_id:
            return
        expected_loop = self.makes_loop(role_id, parent_id, day)
        current = self.replay(day)[role_id][0]
        try:
            services.move_role(role_id, parent_id, "last-child", effective_date=day)
        except ValidationError as error:
            assert error.code == "cycle" and expected_loop, error
            return
        assert not expected_loop, f"moving {role_id} under {parent_id} from {day} closes a loop"
        if parent_id != current:
            self.changes.append((day, role_id, "parent", parent_id))

    @rule(data=st.data(), day=st.sampled_from(WINDOW), title=st.sampled_from(["甲", "乙", "丙"]))
    def rename(self, data, day, title):
        if not self.created:
            return
        role_id = data.draw(st.sampled_from(sorted(self.created)))
        role = Role.objects.get(pk=role_id)
        present = role.title
        role.title = title
        services.save_role(role, effective_date=day)
        # A form records what it changed from today's row, when that differs from the day's title.
        if title != present and self.replay(day)[role_id][1] != title:
            self.changes.append((day, role_id, "title", title))

    @rule(days=st.integers(1, 25))
    def time_passes(self, days):
        self.now.shift(datetime.timedelta(days=days))
        dated.apply_due()  # what the middleware does on the next request

    @invariant()
    def tree_is_sound(self):
        assert tree_problems(db_rows()) == []

    @invariant()
    def present_is_the_replay_for_today(self):
        stored = {i: (p, t) for i, p, t in Role.objects.values_list("id", "parent_id", "title")}
        assert stored == self.replay(self.today())

    @invariant()
    def every_day_reads_as_the_replay(self):
        for day in [BEGINNING, *WINDOW]:
            reader = RoleReader(STAFF, as_of=day)
            rows = reader.rows(reader.roles())
            assert {row[0]: (row[1], row[2]) for row in rows} == self.replay(day), day


def test_random_dated_changes_read_as_of_every_day_equal_a_replay(db):
    run_state_machine_as_test(
        DatedChangesMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )

"""The living demo (`make demo`, `manage.py load_demo`, orgchart/demo.py): what a new user sees in it, that it
loads once, only into its own database, within its plan, and that `make run`'s path adds no people."""

import datetime
import io
import json
import re
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from orgchart import demo, placement
from orgchart.models import Employee, HeadcountLine, HeadcountPlan, OverPlanPlacement
from orgchart.staffing import chart_nodes
from roles import dated
from roles.models import Role
from roles.seed import load_seed
from tests.admin_forms import error_text
from tests.orgchart.test_plan_pages import table_rows

TODAY = dated.today()
MAKEFILE = Path(settings.BASE_DIR) / "Makefile"
ENGLISH = {"accept-language": "en"}  # the messages asserted are the English msgids, translated or not


def load_demo(**options):
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    """The demo, loaded as `make demo` loads it (forced: the test database is not demo.sqlite3)."""
    return load_demo(force=True)


def names(people):
    return sorted(people.values_list("name", flat=True))


# ----------------------------------------------------------------------------- what a new user sees


def test_the_chart_shows_two_designers_in_the_two_seats(loaded, client):
    data = json.loads(client.get("/orgchart/data.json").content)
    designer = next(n for n in chart_nodes(data) if n["slug"] == "designer")
    assert (designer["headcount"], designer["filled"]) == (2, 2)


def test_the_headcount_report_shows_designers_planned_two_with_two_in_post(loaded, hr_client):
    response = hr_client.get("/orgchart/headcount/", headers={"accept-language": "zh-CN"})
    rows = {row[0]: row[1:] for row in table_rows(response, "hc-table")}
    # control, planned, allowed, in post, 预增, 预减, occupied, vacant, over
    assert rows["美工"] == ["提醒", "2", "2", "2", "0", "0", "2", "0", "0"]
    assert rows["合计"] == ["—", "19", "19", "14", "2", "1", "16", "3", "0"]  # 2 hires and a leaver; 3 seats open
    api = APIClient()
    api.force_authenticate(User.objects.get(username="hr"))
    by_title = {row["title"]: row for row in api.get("/api/v1/headcount/").json()}
    designer = by_title["美工"]
    assert [designer[k] for k in ("planned", "allowed", "in_post", "pre_hire", "pre_leave", "over")] == [
        2,
        2,
        2,
        0,
        0,
        0,
    ]
    assert [by_title[t]["pre_hire"] for t in ("仓库员", "推广专员")] == [1, 1]
    assert by_title["店铺客服"]["pre_leave"] == 1


def test_the_active_plan_covers_this_year_and_plans_two_designers(loaded):
    plan = HeadcountPlan.objects.covering(TODAY)
    assert plan.name == f"{TODAY.year}年度编制方案（示例）"
    assert (plan.start_date, plan.end_date) == (TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31))
    assert plan.control_mode == HeadcountPlan.ControlMode.WARN
    assert HeadcountLine.objects.get(plan=plan, role__slug="designer").seats == 2
    designers = Employee.objects.filter(role__slug="designer")
    assert (designers.in_post(TODAY).count(), designers.pre_hire(TODAY).count()) == (2, 0)
    # every line starts from the role's headcount (编制)
    lines = HeadcountLine.objects.filter(plan=plan)
    assert {(line.role.slug, line.seats) for line in lines} == set(Role.objects.values_list("slug", "headcount"))


def test_two_hires_start_next_month_and_one_person_leaves_this_month(loaded):
    hires = Employee.objects.pre_hire(TODAY)
    assert names(hires) == ["吴新芽（示例）", "钱多多（示例）"]
    next_month = (TODAY.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    assert {e.start_date for e in hires} == {next_month}
    leavers = Employee.objects.pre_leave(TODAY)
    assert names(leavers) == ["陈小溪（示例）"]
    (leaver,) = leavers
    assert TODAY <= leaver.end_date < next_month


def test_most_seats_hold_fictional_people_all_marked(loaded):
    people = Employee.objects.all()
    assert people.count() == len(demo.PEOPLE)
    assert all(name.endswith("（示例）") for name in people.values_list("name", flat=True))
    planned = sum(Role.objects.values_list("headcount", flat=True))
    occupied = Employee.objects.occupying(TODAY, HeadcountPlan.OccupyFrom.RECORDED).count()
    assert planned / 2 < occupied < planned  # most seats, and still some to fill


def test_the_demo_is_within_its_plan(loaded):
    assert not OverPlanPlacement.objects.exists()


def test_the_done_when_walk_through_on_the_demo(loaded, hr_client):
    """HR switches the demo's plan to 禁止: a third 美工 is refused with the numbers in the API and the admin;
    back to 提醒, one is saved with a warning and the plan's page lists who was placed over it."""
    plan = HeadcountPlan.objects.covering(TODAY)
    designer = Role.objects.get(slug="designer")
    hr = APIClient()
    hr.force_authenticate(User.objects.get(username="hr"))
    assert hr.patch(f"/api/v1/headcount-plans/{plan.pk}/", {"control_mode": "deny"}, format="json").status_code == 200
    new = {"name": "新美工", "employee_number": "N-3", "role": designer.pk}
    refused = hr.post("/api/v1/employees/", new, format="json")
    assert refused.status_code == 409
    assert {k: refused.json()[k] for k in ("planned", "allowed", "occupied")} == {
        "planned": 2,
        "allowed": 2,
        "occupied": 2,
    }
    admin = hr_client.post(
        "/admin/orgchart/employee/add/", new | {"recorded_on": TODAY.isoformat()}, follow=True, headers=ENGLISH
    )
    assert "allows 2 (planned 2)" in error_text(admin) and "2 are already counted" in error_text(admin)
    assert not Employee.objects.filter(employee_number="N-3").exists()

    assert hr.patch(f"/api/v1/headcount-plans/{plan.pk}/", {"control_mode": "warn"}, format="json").status_code == 200
    warned = hr.post("/api/v1/employees/", new, format="json")
    assert warned.status_code == 201 and len(warned.json()["warnings"]) == 1
    page = hr_client.get(f"/admin/orgchart/headcountplan/{plan.pk}/change/").content.decode()
    assert "新美工" in page and "N-3" in page
    [listed] = table_rows(hr_client.get("/orgchart/headcount/"), "hc-placement-table")
    assert listed[:2] == ["新美工 N-3", "美工"] and listed[5] == "hr"


# ----------------------------------------------------------------------------- loading


def snapshot():
    return (
        list(Employee.objects.order_by("pk").values()),
        list(HeadcountPlan.objects.order_by("pk").values("pk", "name", "status", "control_mode", "start_date")),
        list(HeadcountLine.objects.order_by("pk").values()),
        OverPlanPlacement.objects.count(),
        Role.objects.count(),
    )


def test_loading_it_again_changes_nothing(loaded):
    assert "Placed 16 demo people" in loaded
    before = snapshot()
    assert load_demo(force=True).strip() == "Demo already loaded: nothing changed."
    assert snapshot() == before


def test_it_refuses_a_database_that_is_not_the_demo_one(db):
    with pytest.raises(CommandError, match="not the demo database"):
        load_demo()
    assert not Employee.objects.exists() and not HeadcountPlan.objects.exists() and not Role.objects.exists()


@pytest.mark.parametrize(
    "settings_dict, is_demo",
    [
        ({"ENGINE": "django.db.backends.sqlite3", "NAME": demo.DEMO_DATABASE}, True),
        ({"ENGINE": "django.db.backends.sqlite3", "NAME": str(demo.DEMO_DATABASE)}, True),
        ({"ENGINE": "django.db.backends.sqlite3", "NAME": Path(settings.BASE_DIR) / "db.sqlite3"}, False),
        ({"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/elsewhere/demo.sqlite3"}, False),
        ({"ENGINE": "django.db.backends.sqlite3", "NAME": "file:memorydb_default?mode=memory&cache=shared"}, False),
        ({"ENGINE": "django.db.backends.postgresql", "NAME": str(demo.DEMO_DATABASE)}, False),
        ({"ENGINE": "django.db.backends.postgresql", "NAME": "demo"}, False),
    ],
)
def test_only_the_demo_file_is_the_demo_database(settings_dict, is_demo):
    assert demo.is_demo_database(settings_dict) is is_demo


@pytest.mark.parametrize("mode", [HeadcountPlan.ControlMode.WARN, HeadcountPlan.ControlMode.DENY])
def test_a_demo_that_would_go_over_an_active_plan_is_not_loaded(db, mode):
    """The demo's people go through the placement control: under HR's own plan with one seat for 美工, the
    second designer is over it (refused, or warned), and nothing of the demo is saved."""
    load_seed()
    plan = placement.start_plan(
        HeadcountPlan(
            name="HR",
            start_date=TODAY,
            end_date=TODAY,
            status=HeadcountPlan.Status.ACTIVE,
            control_mode=mode,
        )
    )
    HeadcountLine.objects.filter(plan=plan, role__slug="designer").update(seats=1)
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="Demo not loaded, nothing saved: Over the headcount plan “HR”: 美工"),
    ):
        load_demo(force=True)
    assert not Employee.objects.exists() and not OverPlanPlacement.objects.exists()
    assert list(HeadcountPlan.objects.values_list("name", flat=True)) == ["HR"]


@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2027, 1, 1),  # the plan's first day
        datetime.date(2027, 12, 31),  # its last day: the hires start next year, the leaver leaves today
        datetime.date(2028, 2, 29),
    ],
)
def test_the_demo_is_alive_on_any_day_it_is_loaded(db, today):
    loaded = demo.load(today)
    assert HeadcountPlan.objects.covering(today) == loaded.plan
    assert Employee.objects.in_post(today).count() == 14
    assert Employee.objects.in_post(today).filter(role__slug="designer").count() == 2
    assert Employee.objects.pre_hire(today).count() == 2 and Employee.objects.pre_leave(today).count() == 1
    assert not OverPlanPlacement.objects.exists()


@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)))
def test_the_demo_dates_are_around_the_load_day(today):
    when = demo.dates(today)
    assert when.plan_start <= today <= when.plan_end and when.plan_start.year == when.plan_end.year == today.year
    assert when.hire_start.day == 1 and 28 <= (when.hire_start - today.replace(day=1)).days <= 31
    assert today <= when.leaver_end and (when.leaver_end.year, when.leaver_end.month) == (today.year, today.month)
    for person in demo.PEOPLE:
        start, end, recorded = demo.person_dates(person, when)
        assert recorded <= today
        assert (start > today) is (person.kind == demo.HIRE)
        assert (end is not None) is (person.kind == demo.LEAVER)


# ----------------------------------------------------------------------------- make demo and make run


def recipe(target):
    """The commands of a Makefile target (its tab-indented lines, continuations joined)."""
    text = MAKEFILE.read_text().replace("\\\n", " ")
    found = re.search(rf"^{target}: [^\n]*\n((?:\t[^\n]*\n)+)", text, re.MULTILINE)
    return found.group(1)


def test_make_demo_loads_into_the_demo_database():
    url = re.search(r"^demo: export DATABASE_URL = (\S+)$", MAKEFILE.read_text(), re.MULTILINE).group(1)
    parsed = dj_database_url.parse(url.replace("$(CURDIR)", str(settings.BASE_DIR)))
    assert demo.is_demo_database(parsed)
    assert "manage.py load_demo\n" in recipe("demo") and "--force" not in recipe("demo")


def test_make_runs_path_adds_no_people(db, monkeypatch):
    """Each command `make run` runs before serving (the database's migrate aside) adds no person and no plan."""
    monkeypatch.setenv("ROLEATLAS_ADMIN_PASSWORD", "pw-Secret-123")  # ensure_admin writes no password file
    commands = re.findall(r"manage\.py (\w+)", recipe("run"))
    assert "seed" in commands and "load_demo" not in commands
    for command in commands:
        if command not in ("migrate", "db_worker", "runserver"):
            call_command(command, stdout=io.StringIO())
    assert Role.objects.exists() and User.objects.filter(is_superuser=True).exists()
    assert not Employee.objects.exists() and not HeadcountPlan.objects.exists()

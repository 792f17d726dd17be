"""The living demo (`make demo`): fictional people in most seats of the seed catalogue, two future hires
(预增), one leaver (预减) and an active headcount plan for this year, dated from the day it is loaded.

It loads only into the demo's own database (DEMO_DATABASE, which `make demo` rebuilds on every start) unless
forced, so the real database never gets fictional people. Every person is placed through
orgchart/placement.py under the plan, as HR's placements are: the demo is within its plan, and a demo
that would not be is refused rather than loaded. Loading again adds nothing (people are keyed by their
employee number; a plan is started only when no active plan covers the day).

The plan counts 美工 as the issue's walk-through needs: planned 2 with 2 in post, so a third 美工 is
refused under 禁止 and warned about under 提醒; the hires and the leaver are in other roles.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from roles import dated
from roles.models import Role, Shift
from roles.seed import load_seed

from . import placement
from .models import Employee, HeadcountPlan

DEMO_DATABASE = Path(settings.BASE_DIR) / "demo.sqlite3"
# Every demo person's name ends with it, so no page, export or report can pass one off as real.
MARK = "（示例）"

IN_POST, LEAVER, HIRE = "in_post", "leaver", "hire"


@dataclass(frozen=True)
class Person:
    """One demo person: `days` in post before the load day (hires: none, they start next month)."""

    number: str
    name: str
    role: str  # the seed role's slug
    shift: str | None  # the seed shift's code
    kind: str = IN_POST
    days: int = 0

    @property
    def full_name(self):
        return f"{self.name}{MARK}"


# 16 people in the seed's 19 seats: 14 in post (one of them leaving), 2 hires; 客服主管, 推广主管 and
# 分销客服 keep an open seat each.
PEOPLE = (
    Person("DEMO-01", "高远山", "general-manager", None, days=690),
    Person("DEMO-02", "林知远", "operations-director", None, days=640),
    Person("DEMO-03", "周一鸣", "store-manager", "day", days=610),
    Person("DEMO-04", "许暖暖", "cs-supervisor", "day", days=540),
    Person("DEMO-05", "陈小溪", "store-cs", "day", kind=LEAVER, days=300),
    Person("DEMO-06", "赵稳稳", "warehouse-supervisor", "day", days=470),
    Person("DEMO-07", "钱多多", "warehouse-clerk", "day", kind=HIRE),
    Person("DEMO-08", "苏画屏", "design-supervisor", "day", days=650),
    Person("DEMO-09", "沈光影", "photographer", "day", days=260),
    Person("DEMO-10", "唐小彩", "designer", "day", days=410),
    Person("DEMO-11", "白描描", "designer", "day", days=95),
    Person("DEMO-12", "孙广明", "promotion-supervisor", "night", days=380),
    Person("DEMO-13", "吴新芽", "promotion-specialist", "day", kind=HIRE),
    Person("DEMO-14", "郑千里", "distribution-supervisor", "day", days=560),
    Person("DEMO-15", "王通达", "channel-clerk", "day", days=180),
    Person("DEMO-16", "何悦言", "pr-clerk", "day", days=45),
)


class DemoError(Exception):
    """The demo cannot be loaded as it is meant to be; nothing was saved."""


def is_demo_database(settings_dict):
    """Whether a connection's settings (connection.settings_dict) name the demo's own SQLite file."""
    if settings_dict.get("ENGINE") != "django.db.backends.sqlite3":
        return False
    return Path(str(settings_dict.get("NAME", ""))).resolve() == DEMO_DATABASE.resolve()


# ----------------------------------------------------------------------------- dates from the load day


@dataclass(frozen=True)
class Dates:
    """The demo's days, counted from the load day (`today`)."""

    today: datetime.date
    plan_start: datetime.date  # 1 January
    plan_end: datetime.date  # 31 December
    hire_start: datetime.date  # the first day of next month
    leaver_end: datetime.date  # the last day of this month (today, on that day)


def dates(today):
    """The demo's Dates for a load on `today`: the plan covers its year, hires start next month and the
    leaver's last day is the end of this month."""
    next_month = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return Dates(
        today=today,
        plan_start=today.replace(month=1, day=1),
        plan_end=today.replace(month=12, day=31),
        hire_start=next_month,
        leaver_end=next_month - datetime.timedelta(days=1),
    )


def person_dates(person, when):
    """(start_date, end_date, recorded_on) of a demo person under `when` (Dates)."""
    if person.kind == HIRE:
        return when.hire_start, None, when.today
    start = when.today - datetime.timedelta(days=person.days)
    return start, (when.leaver_end if person.kind == LEAVER else None), start


# ----------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class Loaded:
    """What one load added: the plan it started (None: an active plan covered the day already) and the
    people it placed (those already there are left as they are)."""

    dates: Dates
    plan: HeadcountPlan | None
    placed: list

    @property
    def changed(self):
        return self.plan is not None or bool(self.placed)


def plan_name(year):
    return f"{year}年度编制方案{MARK}"


def load(today=None):
    """Load the seed catalogue and the demo into the current database, in one transaction; returns Loaded.

    Raises DemoError, or PlacementRefused when an active plan that is not the demo's refuses a person;
    then nothing is saved.
    """
    when = dates(today or dated.today())
    with transaction.atomic():
        load_seed()
        plan = _start_plan(when)
        there = set(
            Employee.objects.filter(employee_number__in=[p.number for p in PEOPLE]).values_list(
                "employee_number", flat=True
            )
        )
        to_place = [p for p in PEOPLE if p.number not in there]
        roles = Role.objects.in_bulk([p.role for p in to_place], field_name="slug")
        shifts = Shift.objects.in_bulk([p.shift for p in to_place if p.shift], field_name="code")
        missing = sorted({p.role for p in to_place} - set(roles))
        if missing:
            raise DemoError(f"The catalogue has no role {', '.join(missing)}: the demo needs the seed's roles.")
        placed = [_place(p, roles[p.role], shifts.get(p.shift), when) for p in to_place]
    return Loaded(when, plan, placed)


def _start_plan(when):
    """This year's plan from the roles' headcounts, active, warning (提醒) over plan; None when an active
    plan covers the day already (the demo's own from an earlier load, or HR's)."""
    if HeadcountPlan.objects.covering(when.today) is not None:
        return None
    plan = HeadcountPlan(
        name=plan_name(when.today.year),
        start_date=when.plan_start,
        end_date=when.plan_end,
        status=HeadcountPlan.Status.ACTIVE,
        control_mode=HeadcountPlan.ControlMode.WARN,
        occupy_from=HeadcountPlan.OccupyFrom.RECORDED,
    )
    return placement.start_plan(plan)


def _place(person, role, shift, when):
    start, end, recorded = person_dates(person, when)
    employee = Employee(
        name=person.full_name,
        employee_number=person.number,
        role=role,
        shift=shift,
        start_date=start,
        end_date=end,
        recorded_on=recorded,
    )
    employee.full_clean()
    done = placement.place(employee, today=when.today)
    if done.warnings:
        raise DemoError(" ".join(done.messages))
    return done.employee

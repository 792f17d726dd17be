"""Migration 0009 moves the grades' pay bands to pay grades (职等) keeping every value, and back."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("roles", "0007_scheduled_versions")]
AFTER = [("roles", "0010_grade_pay_band_moved_to_pay_grades")]
D = Decimal


def migrate(targets):
    """Migrate to `targets` and return the app registry of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def at_0007(transactional_db):
    """The database as it was before pay grades; migrated to the latest state afterwards."""
    yield migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def add_roles(apps, grades):
    Department, Role = apps.get_model("roles", "Department"), apps.get_model("roles", "Role")
    department = Department.objects.create(code="shop", name="店铺")
    for tree, grade in enumerate(grades, start=1):
        Role.objects.create(
            title=f"{grade.name}岗",
            slug=f"role-{tree}",
            department=department,
            grade=grade,
            lft=1,
            rght=2,
            tree_id=tree,
            level=0,
        )


def test_each_banded_grade_becomes_a_pay_grade_with_its_values_and_its_roles(at_0007):
    Grade = at_0007.get_model("roles", "Grade")
    grades = [
        Grade.objects.create(code="staff", name="员", level=20, pay_band_max=D("2600")),  # maximum only
        Grade.objects.create(code="specialist", name="专员", level=30, pay_band_min=D("2600"), pay_band_max=D("3801")),
        Grade.objects.create(code="supervisor", name="主管", level=40, pay_band_min=D("2200")),  # minimum only
        Grade.objects.create(code="director", name="总监", level=60),  # no band
    ]
    add_roles(at_0007, grades)

    apps = migrate(AFTER)
    bands = {
        p.number: (p.name, p.band_min, p.band_mid, p.band_max, p.description)
        for p in apps.get_model("roles", "PayGrade").objects.all()
    }
    assert {n: band[:4] for n, band in bands.items()} == {
        1: ("员", D("2600"), D("2600"), D("2600")),
        2: ("专员", D("2600"), D("3200.50"), D("3801")),
        3: ("主管", D("2200"), D("2200"), D("2200")),
    }
    assert "没有下限" in bands[1][4] and "没有上限" in bands[3][4] and "专员" in bands[2][4]
    ranges = dict(apps.get_model("roles", "Grade").objects.values_list("code", "min_pay_grade"))
    assert ranges == {"staff": 1, "specialist": 2, "supervisor": 3, "director": None}
    placed = dict(apps.get_model("roles", "Role").objects.values_list("title", "pay_grade__number"))
    assert placed == {"员岗": 1, "专员岗": 2, "主管岗": 3, "总监岗": None}

    apps = migrate(BEFORE)
    back = {g.code: (g.pay_band_min, g.pay_band_max) for g in apps.get_model("roles", "Grade").objects.all()}
    assert back == {
        "staff": (D("2600"), D("2600")),
        "specialist": (D("2600"), D("3801")),
        "supervisor": (D("2200"), D("2200")),
        "director": (None, None),
    }


def test_a_band_with_a_minimum_of_zero_stops_the_migration_naming_the_grade(at_0007):
    Grade = at_0007.get_model("roles", "Grade")
    Grade.objects.create(code="staff", name="员", level=20, pay_band_min=D("0"), pay_band_max=D("3000"))
    with pytest.raises(RuntimeError, match="员"):
        migrate(AFTER)
    apps = MigrationExecutor(connection).loader.project_state([("roles", "0008_job_families_and_pay_grades")]).apps
    assert not apps.get_model("roles", "PayGrade").objects.exists()  # nothing half-moved
    apps.get_model("roles", "Grade").objects.update(pay_band_min=None)  # as the message asks: then it goes
    migrate(AFTER)

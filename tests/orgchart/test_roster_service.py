"""The roster's preview and import (orgchart/roster/service.py) on the seed catalogue."""

import datetime
from unittest import mock

import pytest
from django.db import IntegrityError
from django.utils import translation

from orgchart.models import Employee
from orgchart.roster.parser import parse_xlsx
from orgchart.roster.service import ImportFailed, import_roster, preview
from orgchart.staffing import people_in_post
from roles.models import Role, Shift
from tests.factories import make_role
from tests.orgchart.test_roster_parser import HEADER, xlsx
from tests.queries import assert_constant_queries

D = datetime.date


def roster(*rows, header=HEADER):
    return parse_xlsx(xlsx(header, *rows))


def seen(result):
    """Each row as the preview table shows it: line, status, and the reasons, warnings or changes."""
    out = []
    for outcome in result.outcomes:
        notes = outcome.reasons + outcome.warnings + [f"{c.label}: {c.before} → {c.after}" for c in outcome.changes]
        out.append((outcome.row.line, outcome.status, notes))
    return out


def people():
    """Every employee's fields, to compare before and after an import."""
    return sorted(
        Employee.objects.order_by().values_list(
            "employee_number", "name", "role__slug", "shift__name", "start_date", "end_date", "recorded_on"
        )
    )


@pytest.fixture
def staff(seeded):
    """Two people in the seed catalogue: 王小明 in 店铺客服 on the day shift, and 李红, who left 美工 in June."""
    day = Shift.objects.get(name="白班")
    Employee.objects.create(
        name="王小明",
        employee_number="E0001",
        role=Role.objects.get(slug="store-cs"),
        shift=day,
        start_date=D(2023, 1, 1),
    )
    Employee.objects.create(
        name="李红",
        employee_number="E0002",
        role=Role.objects.get(slug="designer"),
        start_date=D(2022, 5, 1),
        end_date=D(2024, 6, 30),
    )
    # Two roles of one title, told apart by their role numbers.
    make_role("直播主播", code="LV-1", slug="anchor-1")
    make_role("直播主播", code="LV-2", slug="anchor-2")
    make_role("旧岗位", code="OLD-1", slug="old", status=Role.Status.ARCHIVED)


def test_each_row_is_new_changed_unchanged_or_an_error_with_the_reason(staff):
    translation.activate("en")
    file = roster(
        ["张三", "E1001", "客服主管", "白班", "2024-03-01", None],
        ["王小明", "E0001", "店铺客服", "白班", D(2023, 1, 1), None],
        ["李红", "E0002", "美工", None, "2022-05-01", None],  # the leaver comes back: 离职日期 emptied
        ["王小明", "E0001x", "客服", None, None, None],
        ["钱七", "E1004", "ec-009", "晚班", "2024年3月5日", None],  # a role number, any case
        ["孙八", "E1005", "直播主播", None, None, None],
        ["周九", "E1006", "LV-2", None, None, None],
        ["吴十", "E1007", "旧岗位", None, None, None],
        ["郑一", "E1008", "美工", "中班", "2024-02-30", None],
        ["冯二", "E1009", "摄影", None, None, None],
        ["陈三", "E1009", "摄影", None, None, None],
        ["王小明", "E0001", "美工", "晚班", D(2023, 1, 1), None],
    )
    result = preview(file)
    assert seen(result) == [
        (2, "new", []),
        (3, "error", ["Employee number E0001 is on more than one row of the file (rows 3、13)."]),
        (4, "changed", ["End date: 2024-06-30 → (none)"]),
        (5, "error", ["No role is titled or numbered “客服”."]),
        (6, "new", []),
        (7, "error", ["Several roles are titled “直播主播” (LV-1、LV-2): write the role number instead."]),
        (8, "new", []),
        (9, "error", ["No role is titled or numbered “旧岗位”."]),  # archived: nobody is placed in it
        (
            10,
            "error",
            [
                "Start date: “2024-02-30” is not a date; write it as YYYY-MM-DD.",
                "No shift is called “中班” (shifts: 白班、晚班).",
            ],
        ),
        (11, "error", ["Employee number E1009 is on more than one row of the file (rows 11、12)."]),
        (12, "error", ["Employee number E1009 is on more than one row of the file (rows 11、12)."]),
        (13, "error", ["Employee number E0001 is on more than one row of the file (rows 3、13)."]),
    ]
    assert result.counts == {"new": 3, "changed": 1, "unchanged": 0, "error": 8}
    assert [o.role_title for o in result.outcomes if o.status == "new"] == ["客服主管", "美工", "直播主播"]


def test_a_move_and_every_other_change_is_listed_before_and_after(staff):
    file = roster(["王晓明", "E0001", "EC-009", "晚班", "2023-02-01", "2025-01-31"])
    with translation.override("en"):
        assert seen(preview(file)) == [
            (
                2,
                "changed",
                [
                    "Name: 王小明 → 王晓明",
                    "Role: 店铺客服 → 美工",
                    "Shift: 白班 → 晚班",
                    "Start date: 2023-01-01 → 2023-02-01",
                    "End date: (none) → 2025-01-31",
                ],
            )
        ]


def test_an_unchanged_row_and_columns_the_file_lacks_leave_values_as_they_are(staff):
    """Without 班次 and date columns, the shift and dates stay; with them, the row must say the same."""
    assert seen(preview(roster(["王小明", "E0001", "店铺客服"], header=["姓名", "工号", "岗位"]))) == [
        (2, "unchanged", [])
    ]
    assert seen(preview(roster(["王小明", "E0001", "店铺客服", "白班", "2023-01-01", None]))) == [(2, "unchanged", [])]


def test_an_end_date_before_the_kept_start_date_is_an_error(staff):
    with translation.override("en"):
        result = preview(
            roster(["王小明", "E0001", "店铺客服", "2022-12-31"], header=["姓名", "工号", "岗位", "离职日期"])
        )
    assert seen(result) == [(2, "error", ["The end date 2022-12-31 is before the start date 2023-01-01."])]


def test_the_preview_writes_nothing(staff):
    before = people()
    preview(roster(["张三", "E1001", "客服主管"], ["王晓明", "E0001", "美工"]))
    assert people() == before


def test_reasons_are_in_chinese_for_a_chinese_reader(staff):
    with translation.override("zh-hans"):
        result = preview(roster(["张三", "E1001", "客服", "中班"], ["王小明", "E0001", "美工", "白班", "2023-01-01"]))
    assert seen(result) == [
        (2, "error", ["没有名称或编号为“客服”的岗位。", "没有名为“中班”的班次（现有班次：白班、晚班）。"]),
        (3, "changed", ["岗位: 店铺客服 → 美工"]),
    ]
    assert [o.status_label for o in result.outcomes] == ["错误", "变更"]


# ----------------------------------------------------------------------------- import


def test_importing_writes_the_valid_rows_and_skips_the_errors(staff):
    file = roster(
        ["张三", "E1001", "客服主管", "白班", "2024-03-01", None],
        ["李红", "E0002", "美工", None, "2022-05-01", None],
        ["赵六", "E1003", "客服", None, None, None],
        ["王小明", "E0001", "店铺客服", "白班", D(2023, 1, 1), None],
    )
    result = import_roster(file, today=D(2024, 3, 1))
    assert result.counts == {"new": 1, "changed": 1, "unchanged": 1, "error": 1}
    assert people() == [
        (
            "E0001",
            "王小明",
            "store-cs",
            "白班",
            D(2023, 1, 1),
            None,
            Employee.objects.get(employee_number="E0001").recorded_on,
        ),
        (
            "E0002",
            "李红",
            "designer",
            None,
            D(2022, 5, 1),
            None,
            Employee.objects.get(employee_number="E0002").recorded_on,
        ),
        ("E1001", "张三", "cs-supervisor", "白班", D(2024, 3, 1), None, D(2024, 3, 1)),
    ]


def test_importing_the_same_file_twice_changes_nothing(staff):
    file = roster(
        ["张三", "E1001", "客服主管", "白班", "2024-03-01", None],
        ["王晓明", "E0001", "美工", "晚班", "2023-02-01", "2025-01-31"],
        ["李红", "E0002", "美工", None, "2022-05-01", None],
        ["赵六", "E1003", "客服", None, None, None],
    )
    first = import_roster(file)
    assert first.counts == {"new": 1, "changed": 2, "unchanged": 0, "error": 1}
    after_first = people()
    second = import_roster(file)
    assert second.counts == {"new": 0, "changed": 0, "unchanged": 3, "error": 1}
    assert people() == after_first


def test_the_chart_names_imported_people_at_once(staff):
    """The chart keeps who is in post per catalogue revision: an import must change the revision."""
    assert "张三" not in {name for names in people_in_post().values() for name, _number, _start in names}
    import_roster(roster(["张三", "E1001", "客服主管", "白班", "2024-03-01", None]))
    assert "张三" in {name for names in people_in_post().values() for name, _number, _start in names}


def test_a_failing_write_leaves_nothing_written(staff):
    before = people()
    file = roster(["张三", "E1001", "客服主管"], ["王晓明", "E0001", "美工"])
    failure = IntegrityError("UNIQUE constraint failed: orgchart_employee.employee_number")
    with mock.patch("django.db.models.query.QuerySet.update", side_effect=failure):
        with translation.override("en"), pytest.raises(ImportFailed) as error:
            import_roster(file)
    assert error.value.message.startswith("Nothing was imported: the employees changed while the file was being")
    assert people() == before  # the new row, written first, is gone too


def test_a_preview_costs_the_same_queries_for_any_number_of_rows(staff):
    rows = [["张三", "E1001", "客服主管", "白班", "2024-03-01", None], ["王晓明", "E0001", "美工", None, None, None]]

    def grow():
        role = Role.objects.get(slug="photographer")
        for n in range(20):
            Employee.objects.create(name=f"员工{n}", employee_number=f"N{n}", role=role)
            rows.append([f"员工{n}", f"N{n}", "美工", "晚班", None, None])  # a move
            rows.append([f"新人{n}", f"M{n}", "EC-008", None, "2024-03-01", None])  # new
            rows.append([f"错{n}", f"X{n}", "没有的岗位", None, None, None])  # error

    assert_constant_queries(lambda: preview(roster(*rows)), grow, at_most=4)

"""Backup and restore of the whole catalogue: export_catalogue / import_catalogue."""

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from orgchart import placement
from orgchart.backup import (
    FORMAT,
    FORMAT_VERSION,
    BackupError,
    encode,
    export_catalogue,
    parse,
    reference_problems,
    upgraded,
)
from orgchart.models import Employee, HeadcountLine, HeadcountPlan
from roles import services, workflow
from roles.models import Duty, Role, RoleVersion, Shift
from shopconfig.models import PayPolicy, ShopProfile
from tests.factories import make_hr_manager, make_hr_user, make_role, tree_text
from tests.pages import add_roles
from tests.queries import assert_constant_queries

# --- the catalogue a backup must carry ------------------------------------------------------------


@pytest.fixture
def full_catalogue(catalogue):
    """The standard catalogue plus everything HR adds later: a draft approved in review, a moved
    subtree, reordered siblings, a second tree, a night-shift employee, settings, and history with users."""
    hr, approver = make_hr_user("hr"), make_hr_manager("approver")
    draft = catalogue
    workflow.submit_for_review(draft.pk, hr, "新岗位")
    workflow.publish(draft.pk, approver, comment="同意")
    roles = {r.slug: r for r in Role.objects.all()}
    services.move_role(roles["design-supervisor"].pk, roles["operations-director"].pk, "first-child")
    services.move_role(roles["designer"].pk, roles["photographer"].pk, "left")
    make_role("外包客服", slug="outsourced-cs", status=Role.Status.DRAFT)  # a second tree
    manager = Role.objects.get(slug="store-manager")
    manager.work_location = "杭州"
    manager._history_user = hr
    services.save_role(manager, reason="地点")
    Employee.objects.create(
        name="赵晚班", employee_number="E0003", role=roles["store-cs"], shift=Shift.objects.get(code="night")
    )
    plan = HeadcountPlan.objects.create(
        name="年度编制", start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31), status="active"
    )
    HeadcountLine.objects.create(plan=plan, role=roles["store-cs"], seats=1)
    HeadcountLine.objects.create(plan=plan, department=roles["store-cs"].department, seats=9, control_mode="deny")
    placement.place(Employee(name="超编", employee_number="E0004", role=roles["store-cs"]), hr)  # warned, recorded
    ShopProfile.objects.update_or_create(pk=1, defaults={"company_name": "杭州某某电子商务有限公司"})
    PayPolicy.objects.update_or_create(pk=1, defaults={"warning_score": Decimal("55.50")})


def export_file(tmp_path, *options, name="catalogue.json"):
    path = tmp_path / name
    call_command("export_catalogue", str(path), *options, stdout=io.StringIO())
    return path


def import_file(path, *options):
    call_command("import_catalogue", str(path), *options, stdout=io.StringIO())


def rewrite(path, change):
    """Edit the backup's document with `change(document)` and write it back."""
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def records_of(document, model):
    return [r for r in document["records"] if r["model"] == model]


# --- round trip through a fresh database ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_backup_loaded_into_a_fresh_database_exports_the_same_bytes(full_catalogue, tmp_path, client):
    before = export_file(tmp_path, "--history", name="before.json").read_bytes()
    chart = client.get("/orgchart/data.json").content
    tree = tree_text()

    call_command("flush", interactive=False, verbosity=0)
    assert not Role.objects.exists()
    # The same people, made in another order: other ids, linked again by username.
    make_hr_manager("approver")
    make_hr_user("hr")
    ShopProfile.load()  # made on first use, before the restore: the file's profile replaces it
    import_file(tmp_path / "before.json")

    assert export_file(tmp_path, "--history", name="after.json").read_bytes() == before
    assert tree_text() == tree
    assert client.get("/orgchart/data.json").content == chart
    live = Role.objects.get(slug="live-ops").live_version
    assert (live.created_by.username, live.approved_by.username) == ("hr", "approver")
    assert Role.objects.get(slug="store-manager").history.first().history_user.username == "hr"
    assert list(Role.objects.get(slug="promotion-specialist").dotted_line_superiors.values_list("slug", flat=True)) == [
        "operations-director"
    ]
    assert list(Role.objects.get(slug="promotion-specialist").leads_to.values_list("slug", flat=True)) == [
        "promotion-supervisor"
    ]
    assert Role.objects.get(slug="promotion-specialist").pay_grade.band_min is not None
    text = before.decode("utf-8")
    assert '"杭州某某电子商务有限公司"' in text  # readable Chinese, not \u escapes
    assert text.endswith("}\n")


@pytest.mark.django_db(transaction=True)
def test_new_records_after_a_restore_take_fresh_ids(full_catalogue, tmp_path):
    export_file(tmp_path, "--history")
    top_ids = {model: model.objects.order_by("-pk").values_list("pk", flat=True).first() for model in (Role, Duty)}
    call_command("flush", interactive=False, verbosity=0)  # also restarts the id sequences at 1
    import_file(tmp_path / "catalogue.json")

    role = make_role("新岗位", parent=Role.objects.get(slug="store-manager"), status=Role.Status.DRAFT)
    duty = Duty.objects.create(role=role, order=1, text="新职责")
    employee = Employee.objects.create(name="新人", employee_number="E9999", role=role)

    assert role.pk > top_ids[Role] and duty.pk > top_ids[Duty]
    assert Employee.objects.get(pk=employee.pk).role == role
    version = workflow.submit_for_review(role.pk, make_hr_user("hr2"), "新")
    assert version.pk > RoleVersion.objects.exclude(pk=version.pk).order_by("-pk").first().pk


# --- refusing, replacing --------------------------------------------------------------------------


def test_it_refuses_a_database_that_already_holds_a_catalogue(full_catalogue, tmp_path):
    path = export_file(tmp_path)
    with translation.override("en"), pytest.raises(CommandError, match="already holds a catalogue"):
        import_file(path)
    assert export_file(tmp_path, name="again.json").read_bytes() == path.read_bytes()


def test_replace_swaps_the_catalogue_for_the_file(full_catalogue, tmp_path):
    path = export_file(tmp_path, "--history")
    add_roles(12)
    Employee.objects.filter(employee_number="E0001").delete()
    store_cs = Role.objects.get(slug="store-cs")
    store_cs.title = "改名客服"
    services.save_role(store_cs)
    services.move_role(Role.objects.get(slug="warehouse-supervisor").pk, None)

    import_file(path, "--replace")

    assert export_file(tmp_path, "--history", name="again.json").read_bytes() == path.read_bytes()
    assert Role.objects.get(slug="store-cs").title != "改名客服"
    assert Employee.objects.filter(employee_number="E0001").exists()


def test_a_backup_without_history_leaves_the_history_empty(full_catalogue, tmp_path):
    path = export_file(tmp_path)
    assert "roles.historicalrole" not in path.read_text(encoding="utf-8")
    import_file(path, "--replace")
    assert not Role.history.exists()
    assert export_file(tmp_path, name="again.json").read_bytes() == path.read_bytes()


def test_users_missing_here_are_left_empty_and_named(full_catalogue, tmp_path, capsys):
    path = export_file(tmp_path, "--history")
    User.objects.filter(username="approver").delete()
    with translation.override("en"):
        call_command("import_catalogue", str(path), "--replace")
    assert "approver" in capsys.readouterr().err
    live = Role.objects.get(slug="live-ops").live_version
    assert live.approved_by is None and live.created_by.username == "hr"


# --- a failed import changes nothing -------------------------------------------------------------


def _middle_role(document):
    roles = records_of(document, "roles.role")
    return roles[len(roles) // 2]


def duplicate_slug(document):
    roles = records_of(document, "roles.role")
    _middle_role(document)["fields"]["slug"] = roles[0]["fields"]["slug"]


def unknown_department(document):
    _middle_role(document)["fields"]["department"] = 9999


def bad_amount(document):
    _middle_role(document)["fields"]["base_salary"] = "三千"


def broken_tree(document):
    _middle_role(document)["fields"]["level"] += 1


def missing_field(document):
    del _middle_role(document)["fields"]["title"]


def foreign_model(document):
    document["records"].insert(5, {"model": "auth.user", "pk": 1, "fields": {"username": "x"}})


def newer_format(document):
    document["format_version"] = FORMAT_VERSION + 1


def dangling_live_version(document):
    _middle_role(document)["fields"]["live_version"] = 9999


CORRUPTIONS = [
    (duplicate_slug, r"record \d+ \(roles\.role \d+\) could not be stored"),
    (unknown_department, r"roles\.role \d+: department refers to roles\.department 9999, which is not in the file"),
    (dangling_live_version, r"live_version refers to roles\.roleversion 9999"),
    (bad_amount, r"record \d+ \(roles\.role \d+\): .*decimal"),
    (broken_tree, r"role tree in the file is broken:\nnode \d+: level"),
    (missing_field, r"record \d+ \(roles\.role \d+\): missing fields title"),
    (foreign_model, r"record 6 \(auth\.user 1\): this model is not part of a catalogue backup"),
    (newer_format, rf"format version {FORMAT_VERSION + 1}; this version of RoleAtlas reads versions 1, 2, 3"),
]


@pytest.mark.parametrize(("corrupt", "message"), CORRUPTIONS, ids=[c.__name__ for c, _m in CORRUPTIONS])
def test_a_failed_import_changes_nothing_and_names_the_record(full_catalogue, tmp_path, corrupt, message):
    path = export_file(tmp_path, "--history")
    before = path.read_bytes()
    rewrite(path, corrupt)

    with translation.override("en"), pytest.raises(CommandError, match=message) as error:
        import_file(path, "--replace")

    assert str(error.value).startswith("Nothing was imported.")
    assert export_file(tmp_path, "--history", name="after.json").read_bytes() == before


def test_a_file_that_is_not_json_changes_nothing(full_catalogue, tmp_path):
    before = export_file(tmp_path).read_bytes()
    path = tmp_path / "broken.json"
    path.write_bytes(before[: len(before) // 2])
    with translation.override("en"), pytest.raises(CommandError, match="not JSON"):
        import_file(path, "--replace")
    assert export_file(tmp_path, name="after.json").read_bytes() == before


@pytest.mark.django_db(transaction=True)
def test_a_badly_broken_file_lists_the_first_problems_and_leaves_an_empty_database_empty(full_catalogue, tmp_path):
    path = export_file(tmp_path)
    call_command("flush", interactive=False, verbosity=0)

    def orphan_duties(document):
        for duty in records_of(document, "roles.duty")[:30]:
            duty["fields"]["role"] = 9999

    rewrite(path, orphan_duties)
    with translation.override("en"), pytest.raises(CommandError) as error:
        import_file(path)
    lines = str(error.value).splitlines()
    assert len(lines) == 21 and lines[-1] == "… and 10 more."
    assert re.search(r"roles\.duty \d+: role refers to roles\.role 9999, which is not in the file\.$", lines[0])
    assert not Role.objects.exists() and not ShopProfile.objects.exists()


# --- the export's cost ----------------------------------------------------------------------------


def test_the_export_costs_the_same_queries_however_many_roles(full_catalogue):

    assert_constant_queries(lambda: export_catalogue(history=True), lambda: add_roles(25))


# --- pure parts ----------------------------------------------------------------------------------

DOCUMENT = {"format": FORMAT, "format_version": FORMAT_VERSION, "history": False, "records": []}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON"),
        (b"\xff\xfe{", "not JSON"),
        ("[]", "no roleatlas-catalogue header"),
        ('{"format": "something-else", "format_version": 1, "records": []}', "no roleatlas-catalogue header"),
        (json.dumps({**DOCUMENT, "format_version": "1"}), "format version 1;"),
        (json.dumps({**DOCUMENT, "records": {}}), "no list of records"),
    ],
)
def test_parse_rejects_what_is_not_a_backup(text, message):
    with translation.override("en"), pytest.raises(BackupError, match=message):
        parse(text)


def test_parse_reads_its_own_output():
    assert parse(encode(DOCUMENT)) == DOCUMENT


def test_a_version_1_file_gives_people_who_were_not_active_a_last_day():
    people = [
        {"model": "orgchart.employee", "pk": 1, "fields": {"name": "在职", "start_date": "2024-01-01", "active": True}},
        {
            "model": "orgchart.employee",
            "pk": 2,
            "fields": {"name": "离职", "start_date": "2024-01-01", "active": False},
        },
        {
            "model": "orgchart.employee",
            "pk": 3,
            "fields": {"name": "未到岗", "start_date": "2026-09-01", "active": False},
        },
    ]
    document = upgraded({**DOCUMENT, "format_version": 1, "records": people}, today=datetime.date(2026, 6, 15))
    assert document["format_version"] == FORMAT_VERSION
    assert [(r["fields"]["start_date"], r["fields"]["end_date"]) for r in document["records"]] == [
        ("2024-01-01", None),
        ("2024-01-01", "2026-06-14"),
        ("2026-06-14", "2026-06-14"),
    ]
    assert {r["fields"]["recorded_on"] for r in document["records"]} == {"2026-06-15"}
    assert not any("active" in r["fields"] for r in document["records"])


def test_a_version_2_file_gets_its_grades_bands_as_pay_grades_with_the_roles_on_them():
    records = [
        {
            "model": "roles.grade",
            "pk": 7,
            "fields": {"name": "主管", "level": 40, "pay_band_min": "3000.00", "pay_band_max": "5000.00"},
        },
        {
            "model": "roles.grade",
            "pk": 8,
            "fields": {"name": "专员", "level": 30, "pay_band_min": None, "pay_band_max": "4000.00"},
        },
        {
            "model": "roles.grade",
            "pk": 9,
            "fields": {"name": "员", "level": 10, "pay_band_min": None, "pay_band_max": None},
        },
        {"model": "roles.role", "pk": 1, "fields": {"title": "客服主管", "grade": 7, "headcount": 1}},
        {"model": "roles.historicalrole", "pk": 5, "fields": {"title": "客服", "grade": 9, "headcount": 3}},
    ]
    document = upgraded({**DOCUMENT, "format_version": 2, "records": records})
    assert document["format_version"] == FORMAT_VERSION
    by_model = {}
    for record in document["records"]:
        by_model.setdefault(record["model"], []).append((record["pk"], record["fields"]))
    assert [(pk, f["band_min"], f["band_mid"], f["band_max"]) for pk, f in by_model["roles.paygrade"]] == [
        (1, "4000.00", "4000.00", "4000.00"),  # 专员 (level 30) first: numbered from the lowest level up
        (2, "3000.00", "4000.00", "5000.00"),
    ]
    assert [(pk, f["min_pay_grade"], f["max_pay_grade"]) for pk, f in by_model["roles.grade"]] == [
        (7, 2, 2),
        (8, 1, 1),
        (9, None, None),
    ]
    assert not any("pay_band_min" in f for _pk, f in by_model["roles.grade"])
    assert by_model["roles.role"][0][1]["pay_grade"] == 2 and by_model["roles.role"][0][1]["job_family"] is None
    assert by_model["roles.historicalrole"][0][1]["pay_grade"] is None


@pytest.mark.parametrize(
    ("keys", "references", "problems"),
    [
        ({}, [], []),
        ({"roles.role": {1}}, [("roles.role", 2, "parent", "roles.role", None)], []),
        ({"roles.role": {1, 2}}, [("roles.role", 2, "parent", "roles.role", 1)], []),
        (
            {"roles.role": {2}},
            [("roles.role", 2, "parent", "roles.role", 1)],
            ["roles.role 2: parent refers to roles.role 1, which is not in the file."],
        ),
        (
            {"roles.role": {1}},
            [("roles.duty", 7, "role", "roles.role", 1), ("roles.duty", 8, "role", "roles.role", 3)],
            ["roles.duty 8: role refers to roles.role 3, which is not in the file."],
        ),
    ],
)
def test_reference_problems(keys, references, problems):
    with translation.override("en"):
        assert reference_problems(keys, references) == problems


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.decimals(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_encoding_ignores_key_order_and_survives_a_reload(document):
    shuffled = dict(reversed(list(document.items())))
    text = encode(document)
    assert encode(shuffled) == text
    assert encode(json.loads(text)) == text
    assert text.endswith("\n") and not text.endswith("\n\n")


@given(st.sets(st.integers(1, 20)), st.lists(st.one_of(st.none(), st.integers(1, 20)), max_size=10))
def test_a_reference_is_a_problem_exactly_when_its_target_is_missing(present, values):
    references = [("roles.duty", n, "role", "roles.role", value) for n, value in enumerate(values)]
    problems = reference_problems({"roles.role": present}, references)
    assert len(problems) == sum(1 for v in values if v is not None and v not in present)

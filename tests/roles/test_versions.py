"""Versions of a job description: the comparison rules, restoring, and the history page."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from roles import workflow
from roles.models import Requirement, Role, RoleVersion, Shift
from roles.versions import (
    ADDED,
    CHANGED,
    REMOVED,
    UNCHANGED,
    apply_diff,
    compare,
    diff_lists,
    inline_diff,
    same_content,
)
from tests.factories import make_hr_manager, make_hr_user, make_manager, make_user
from tests.pages import page_view, query_count
from tests.queries import assert_constant_queries


def ops(rows):
    return [(row.op, row.old, row.new) for row in rows]


# --- the comparison rules (pure) --------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ([], [], []),
        (["甲", "乙"], ["甲", "乙"], [(UNCHANGED, "甲", "甲"), (UNCHANGED, "乙", "乙")]),
        # A duty inserted at the top is one added row; the others are unchanged, not all "changed".
        (["甲", "乙"], ["新", "甲", "乙"], [(ADDED, None, "新"), (UNCHANGED, "甲", "甲"), (UNCHANGED, "乙", "乙")]),
        (["甲", "乙", "丙"], ["甲", "丙"], [(UNCHANGED, "甲", "甲"), (REMOVED, "乙", None), (UNCHANGED, "丙", "丙")]),
        (
            ["甲", "乙", "丙"],
            ["甲", "乙二", "丙"],
            [(UNCHANGED, "甲", "甲"), (CHANGED, "乙", "乙二"), (UNCHANGED, "丙", "丙")],
        ),
        # Two replaced by one: the first pair is a change, the rest removed.
        (["甲", "乙", "丙"], ["丁"], [(CHANGED, "甲", "丁"), (REMOVED, "乙", None), (REMOVED, "丙", None)]),
        ([], ["甲"], [(ADDED, None, "甲")]),
        (["甲"], [], [(REMOVED, "甲", None)]),
    ],
)
def test_lists_are_compared_item_by_item(old, new, expected):
    assert ops(diff_lists(old, new)) == expected


@pytest.mark.parametrize(
    "old, new, pieces",
    [
        ("负责售前咨询", "负责售前与售后咨询", (("equal", "负责售前"), ("insert", "与售后"), ("equal", "咨询"))),
        ("3年以上", "5年以上", (("delete", "3"), ("insert", "5"), ("equal", "年以上"))),
        ("", "新", (("insert", "新"),)),
        ("同", "同", (("equal", "同"),)),
    ],
)
def test_changed_text_is_marked_character_by_character(old, new, pieces):
    assert inline_diff(old, new) == pieces


def snapshot(**changes):
    data = {
        "title": "店铺客服",
        "slug": "store-cs",
        "code": "",
        "summary": "",
        "benefits": "包住",
        "work_location": "",
        "authority": "",
        "internal_relations": "",
        "external_relations": "",
        "working_conditions": "",
        "review_cycle": "",
        "career_path": "",
        "source": "",
        "department": "客服部",
        "department_parent": "电子商务部",
        "grade": "专员",
        "parent": "cs-supervisor",
        "dotted_line_superiors": [],
        "headcount": 2,
        "shifts": ["白班"],
        "pay_scheme": "customer-service",
        "prepared_on": None,
        "requirement": {
            "experience_years": "1.00",
            "experience_text": "一年以上",
            "education_level": "associate",
            "education_text": "大专",
            "majors": "",
            "physical": "",
            "other": "",
        },
        "duties": ["售前咨询", "售后处理"],
        "skills": ["打字快"],
        "kpis": [{"name": "咨询转化率", "weight": "35.00", "target": "达标", "measurement": "月度统计"}],
        "pay_min": "3000.00",
        "pay_max": "5000.00",
        "base_salary": "3150.00",
        "performance_bonus_amount": None,
        "commission_rate": None,
    }
    data.update(changes)
    return data


def test_fields_are_compared_one_by_one_and_only_changes_are_marked():
    with translation.override("en"):
        comparison = compare(snapshot(), snapshot(headcount=3, title="售前客服"), see_pay=True)
        changed = {row.key: (row.old, row.new) for row in comparison.changed_fields}
        labels = {row.key: str(row.label) for row in comparison.fields}
        education = next(row for row in comparison.fields if row.key == "requirement.education_level")
    assert changed == {"title": ("店铺客服", "售前客服"), "headcount": ("2", "3")}
    assert labels["requirement.education_level"] == "education level"
    assert education.new == "junior college (大专)" and not education.changed
    assert next(row for row in comparison.fields if row.key == "department").new == "电子商务部 · 客服部"
    assert comparison.has_changes


def test_pay_and_kpi_weights_are_left_out_for_readers_who_may_not_see_pay():
    old, new = snapshot(), snapshot(base_salary="3300.00", kpis=[dict(snapshot()["kpis"][0], weight="40.00")])
    with_pay = compare(old, new, see_pay=True)
    without_pay = compare(old, new, see_pay=False)
    assert {row.key for row in with_pay.changed_fields} == {"base_salary"}
    assert [row.op for _k, _l, rows in with_pay.sections if _k == "kpis" for row in rows] == [CHANGED]
    keys = {row.key for row in without_pay.fields}
    assert not keys & {"base_salary", "pay_min", "pay_max", "benefits", "pay_scheme"}
    assert "3300" not in repr(without_pay) and "35" not in repr(without_pay) and "40" not in repr(without_pay)
    assert not without_pay.has_changes  # the only changes were pay


def test_the_place_in_the_tree_is_not_content():
    assert same_content(snapshot(), snapshot(parent="store-manager"))
    assert not same_content(snapshot(), snapshot(duties=["售前咨询"]))


texts = st.lists(st.sampled_from(["售前", "售后", "发货", "盘点", "推广", "a", ""]), max_size=8)


@given(texts)
def test_a_list_compared_with_itself_is_all_unchanged(items):
    assert all(row.op == UNCHANGED for row in diff_lists(items, items))
    assert len(diff_lists(items, items)) == len(items)


@given(texts, texts)
def test_applying_the_diff_gives_back_the_other_list(old, new):
    rows = diff_lists(old, new)
    assert apply_diff(old, rows) == new
    # Read backwards (removed ↔ added, old ↔ new) the same rows rebuild the old list.
    flipped = [type(r)({ADDED: REMOVED, REMOVED: ADDED}.get(r.op, r.op), r.new, r.old) for r in rows]
    assert apply_diff(new, flipped) == old


def test_a_diff_that_does_not_describe_the_list_is_refused():
    with pytest.raises(ValueError):
        apply_diff(["甲"], diff_lists(["乙"], ["丙"]))


# --- a version read back as a role ------------------------------------------------------------


def test_a_version_read_back_as_a_role_shows_the_same_content(seeded):
    role = Role.objects.get(slug="cs-supervisor")
    role.base_salary, role.commission_rate = Decimal("4000.50"), Decimal("0.0150")
    role.save()
    Requirement.objects.filter(role=role).update(experience_years=Decimal("2.5"), education_level="associate")
    role.kpis.update(weight=Decimal("12.50"))
    role.skills.create(order=9, text="熟悉千牛")
    role.dotted_line_superiors.add(Role.objects.get(slug="operations-director"))
    role.shifts.set(Shift.objects.all())
    role = Role.objects.with_snapshot_relations().get(pk=role.pk)
    version = RoleVersion(snapshot=role.snapshot())

    shown = version.as_role(role, pay_scheme=role.pay_scheme)

    assert shown.snapshot() == role.snapshot()
    assert shown.requirement.experience_years == Decimal("2.5") and shown.kpis.all()[0].weight == Decimal("12.50")


# --- restoring ---------------------------------------------------------------------------------


@pytest.fixture
def store_cs(seeded):
    return Role.objects.get(slug="store-cs")


def new_version(role, user, **changes):
    """Edit the working copy as the admin does (through the tree service) and submit it for review."""
    role = Role.objects.get(pk=role.pk)
    if role.status == Role.Status.IN_REVIEW:
        workflow.back_to_draft(role.pk, user)
        role.refresh_from_db()
    duties = changes.pop("duties", None)
    for name, value in changes.items():
        setattr(role, name, value)
    workflow.save_edit(role, "test edit", duties=None if duties is None else [{"text": t} for t in duties])
    workflow.after_edit(role.pk, user)
    return workflow.submit_for_review(role.pk, user, "修改")


def test_restoring_records_a_new_version_and_leaves_the_old_ones_alone(store_cs):
    hr = make_hr_user()
    old_duties = list(store_cs.duties.values_list("text", flat=True))
    new_version(store_cs, hr, duties=["直播间咨询", *old_duties], headcount=9)
    before = {v.number: (v.snapshot, v.comment, v.kind) for v in RoleVersion.objects.filter(role=store_cs)}

    restored = workflow.restore(store_cs.pk, 1, hr, "直播间咨询改由直播客服负责")

    assert restored.number == 3 and restored.kind == RoleVersion.Kind.RESTORED
    assert restored.restored_from.number == 1 and restored.created_by == hr
    after = {v.number: (v.snapshot, v.comment, v.kind) for v in RoleVersion.objects.filter(role=store_cs, number__lt=3)}
    assert after == before  # history is never rewritten
    role = Role.objects.get(pk=store_cs.pk)
    assert list(role.duties.values_list("text", flat=True)) == old_duties
    assert role.headcount == store_cs.headcount != 9
    assert same_content(restored.snapshot, role.live_version.snapshot)
    assert role.status == Role.Status.DRAFT  # an approver publishes it again
    assert role.live_version.number == 1 and role.parent.slug == "cs-supervisor"


def test_only_hr_may_restore(store_cs):
    with pytest.raises(PermissionDenied):
        workflow.restore(store_cs.pk, 1, make_manager(), "回退")


# --- the history page --------------------------------------------------------------------------


def history(client, role, **query):
    return client.get(f"/roles/{role.slug}/history/", query)


def test_the_history_lists_versions_and_compares_duties_item_by_item(store_cs, hr_client):
    hr = make_hr_user("hr2")
    old_duties = list(store_cs.duties.values_list("text", flat=True))
    new_version(store_cs, hr, duties=["直播间咨询", *old_duties[:-1]])
    approver = make_hr_manager()
    workflow.publish(store_cs.pk, approver, comment="同意")
    response = history(hr_client, store_cs, a=1, b=2)
    page = response.content.decode()
    assert response.status_code == 200
    assert "hr2" in page and "hr-manager" in page and "修改" in page and "同意" in page
    duties = next(rows for key, _label, rows in response.context["comparison"].sections if key == "duties")
    assert [row.op for row in duties] == [ADDED] + [UNCHANGED] * (len(old_duties) - 1) + [REMOVED]
    assert "<ins>直播间咨询</ins>" in page and f"<del>{old_duties[-1]}</del>" in page
    fields = {row.key: row for row in response.context["comparison"].fields}
    assert fields["parent"].new == "客服主管" and fields["pay_scheme"].new == "客服绩效考核制度"  # names, not codes


def test_pay_appears_in_the_history_only_for_readers_who_may_see_pay(store_cs):
    hr = make_hr_user()
    new_version(store_cs, hr, base_salary=Decimal("3333.00"), headcount=7)
    reader = make_user("reader", staff=True)  # may read the catalogue, not pay
    reader.user_permissions.add(Permission.objects.get(codename="view_role"))
    client = Client()
    client.force_login(reader)
    page = history(client, store_cs).content.decode()
    assert "3333" not in page and "2800" not in page and 'data-field="base_salary"' not in page
    assert 'data-field="headcount"' in page
    client.force_login(hr)
    page = history(client, store_cs).content.decode()
    assert "3333" in page and "2800" in page and 'data-field="base_salary"' in page


def test_the_history_is_not_for_the_public(store_cs, client):
    assert history(client, store_cs).status_code == 404


def test_a_restore_from_the_history_page_needs_hr_and_a_csrf_token(store_cs):
    hr = make_hr_user()
    new_version(store_cs, hr, headcount=5)
    manager = Client()
    manager.force_login(make_manager())
    assert history(manager, store_cs).context["restore_form"] is None
    response = manager.post(f"/roles/{store_cs.slug}/history/", {"version": 1, "comment": "回退"})
    assert response.status_code == 403
    csrf_checked = Client(enforce_csrf_checks=True)
    csrf_checked.force_login(hr)
    assert csrf_checked.post(f"/roles/{store_cs.slug}/history/", {"version": 1, "comment": "回退"}).status_code == 403
    assert RoleVersion.objects.filter(role=store_cs).count() == 2

    client = Client()
    client.force_login(hr)
    response = client.post(f"/roles/{store_cs.slug}/history/", {"version": 1, "comment": "编制改回原数"})
    assert response.status_code == 302 and response["Location"].endswith("?a=1&b=3")
    assert Role.objects.get(pk=store_cs.pk).headcount == store_cs.headcount != 5
    page = client.get(response["Location"]).content.decode()
    assert "编制改回原数" in page


def test_the_history_page_query_count_stays_the_same_as_versions_are_added(store_cs, hr_client):
    hr = make_hr_user("hr2")
    new_version(store_cs, hr, headcount=3)
    url = f"/roles/{store_cs.slug}/history/"

    def add_versions():
        for headcount in range(4, 14):
            new_version(store_cs, hr, headcount=headcount)
            workflow.publish(store_cs.pk, make_hr_manager(f"approver{headcount}"))

    queries = assert_constant_queries(page_view(hr_client, url), add_versions)
    assert RoleVersion.objects.filter(role=store_cs).count() == 12
    assert query_count(hr_client, f"{url}?a=1&b=12") == queries

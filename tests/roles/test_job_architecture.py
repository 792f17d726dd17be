"""序列 (job families) and 职等 (pay grades with their bands): the rules, the admin, the API, the
seed and where a job description shows them."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from docx import Document
from openpyxl import load_workbook
from rest_framework.test import APIClient

from roles import versions, workflow
from roles.models import Grade, JobFamily, PayGrade, Role
from roles.seed import load_seed
from tests.admin_forms import change_form_data, error_text
from tests.factories import make_grade, make_hr_manager, make_hr_user, make_manager, make_role, make_user
from tests.pages import page_view
from tests.pdf_tools import pdf_text, squeezed
from tests.queries import assert_constant_queries

D = Decimal


def pay_grade(number, low, high, mid=None, name=None):
    grade = PayGrade(number=number, name=name or f"{number}等", band_min=D(low), band_max=D(high))
    grade.band_mid = None if mid is None else D(mid)
    return grade


def refusal(action):
    """The fields a ValidationError names."""
    with pytest.raises(ValidationError) as error:
        action()
    return set(error.value.message_dict)


def role(slug):
    return Role.objects.select_related("grade", "pay_grade", "job_family").get(slug=slug)


# ----------------------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("low", "mid", "high", "field"),
    [
        ("0", None, "3000", "band_min"),
        ("-100", None, "3000", "band_min"),
        ("5000", None, "3000", "band_max"),
        ("2000", "1999.99", "3000", "band_mid"),
        ("2000", "3000.01", "3000", "band_mid"),
    ],
)
def test_a_bad_band_is_refused_naming_the_field(db, low, mid, high, field):
    assert refusal(pay_grade(1, low, high, mid).full_clean) == {field}


@pytest.mark.parametrize(
    ("low", "mid", "high"),
    [("0", "1", "3000"), ("5000", "4000", "3000"), ("2000", "1000", "3000"), ("2000", "3500", "3000")],
)
def test_the_database_refuses_a_bad_band_too(db, low, mid, high):
    with pytest.raises(IntegrityError), transaction.atomic():
        pay_grade(1, low, high, mid).save()


def test_an_empty_midpoint_is_the_mean_of_minimum_and_maximum(db):
    saved = pay_grade(1, "2200", "5001")
    saved.full_clean()
    saved.save()
    saved.refresh_from_db()
    assert saved.band_mid == D("3600.50")


def test_two_pay_grades_cannot_share_a_number(db):
    pay_grade(3, "2000", "3000").save()
    assert refusal(pay_grade(3, "2500", "3500").full_clean) == {"number"}
    with pytest.raises(IntegrityError), transaction.atomic():
        pay_grade(3, "2500", "3500").save()


def test_a_grade_spans_a_range_of_pay_grades_given_whole(db):
    assert refusal(Grade(code="g", name="主管", level=40, min_pay_grade=5).full_clean) == {"max_pay_grade"}
    assert refusal(Grade(code="g", name="主管", level=40, max_pay_grade=6).full_clean) == {"min_pay_grade"}
    assert refusal(Grade(code="g", name="主管", level=40, min_pay_grade=6, max_pay_grade=5).full_clean) == {
        "max_pay_grade"
    }
    for low, high in [(5, None), (6, 5), (0, 3)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Grade.objects.create(code="g", name="主管", level=40, min_pay_grade=low, max_pay_grade=high)
    Grade(code="g", name="主管", level=40, min_pay_grade=5, max_pay_grade=6).full_clean()


def test_a_role_pay_grade_outside_its_grade_range_is_refused(seeded):
    supervisor = role("cs-supervisor")
    supervisor.full_clean(exclude=["lft", "rght", "tree_id", "level"])  # the seed's placement fits
    supervisor.pay_grade = PayGrade.objects.get(number=4)
    with pytest.raises(ValidationError) as error:
        supervisor.full_clean(exclude=["lft", "rght", "tree_id", "level"])
    assert error.value.message_dict.keys() == {"pay_grade"}
    assert "4" in error.value.messages[0] and "5–6" in error.value.messages[0]


def test_a_grade_without_a_range_takes_any_pay_grade(seeded):
    unranged = make_grade("实习")
    intern = make_role("实习生", grade=unranged, pay_grade=PayGrade.objects.get(number=9))
    intern.full_clean(exclude=["lft", "rght", "tree_id", "level"])


def test_narrowing_a_grade_or_renumbering_a_pay_grade_may_not_strand_its_roles(seeded):
    supervisor = Grade.objects.get(code="supervisor")
    supervisor.max_pay_grade = 5  # 推广主管, 美工主管 and 分销主管 are on 6
    with pytest.raises(ValidationError) as error:
        supervisor.full_clean()
    assert error.value.message_dict.keys() == {"min_pay_grade"}
    assert "推广主管" in error.value.messages[0] and "客服主管" not in error.value.messages[0]
    sixth = PayGrade.objects.get(number=6)
    sixth.number = 10
    with pytest.raises(ValidationError) as error:
        sixth.full_clean()
    assert error.value.message_dict.keys() == {"number"} and "推广主管" in error.value.messages[0]


def test_a_pay_grade_in_use_cannot_be_deleted(seeded):
    with pytest.raises(ProtectedError), transaction.atomic():
        PayGrade.objects.get(number=6).delete()


def test_the_next_band_comes_from_the_next_higher_number_in_one_query(seeded, django_assert_num_queries):
    with django_assert_num_queries(1):
        grades = {g.number: g for g in PayGrade.objects.with_next_band()}
        figures = {number: g.figures() for number, g in grades.items()}
    assert figures[4].overlap == D("0.6842")  # (4800 − 2200) / (6000 − 2200), documented in the seed
    assert figures[9].midpoint_differential is None and figures[9].overlap is None
    assert figures[4] == PayGrade.objects.get(number=4).figures()  # the same without the annotations


# ----------------------------------------------------------------------------- the seed


def test_every_seed_role_is_placed_within_its_grade_range(seeded):
    roles = Role.objects.select_related("grade", "pay_grade", "job_family")
    assert roles.count() == 16
    for one in roles:
        assert one.job_family is not None, one.title
        assert one.pay_grade is not None, one.title
        assert one.grade.allows_pay_grade(one.pay_grade.number), one.title
    families = set(JobFamily.objects.values_list("name", flat=True))
    assert families == {"管理", "运营", "客服", "仓储", "设计", "推广", "分销"}
    assert role("distribution-cs").job_family.name == "客服"  # a 客服 of the 分销组: the family, not the team


@pytest.mark.parametrize("slug", ["cs-supervisor", "promotion-supervisor"])
def test_the_example_bands_contain_the_seed_reference_pay(seeded, slug):
    supervisor = role(slug)
    band = supervisor.pay_grade
    assert band.band_min <= supervisor.pay_min and supervisor.pay_max <= band.band_max
    assert "示例" in band.description


def test_every_seed_band_is_marked_as_an_example(seeded):
    assert all(g.description.startswith("示例带宽") for g in PayGrade.objects.all())


def test_loading_the_seed_again_changes_nothing(seeded):
    report = load_seed()
    assert report.created == {} and report.updated == {}
    assert PayGrade.objects.count() == 9 and JobFamily.objects.count() == 7


# ----------------------------------------------------------------------------- the admin


def test_the_role_form_refuses_a_pay_grade_outside_the_grade_range(seeded, hr_client):
    supervisor = role("cs-supervisor")
    url = f"/admin/roles/role/{supervisor.pk}/change/"
    data = change_form_data(hr_client.get(url))
    data["pay_grade"] = str(PayGrade.objects.get(number=3).pk)
    response = hr_client.post(url, data)
    assert response.status_code == 200
    assert "超出了职级“主管”的职等范围(5–6)" in error_text(response)
    assert role("cs-supervisor").pay_grade.number == 5


def test_the_pay_grade_admin_shows_the_figures_with_their_formulas(seeded, client):
    client.force_login(make_hr_user())
    page = client.get("/admin/roles/paygrade/").content.decode()
    assert "68.42 %" in page and "2.50 %" in page  # 四等's overlap and differential
    assert "(本职等的最大值 − 高一职等的最小值) ÷ (高一职等的最大值 − 高一职等的最小值)" in page
    change = client.get(f"/admin/roles/paygrade/{PayGrade.objects.get(number=9).pk}/change/").content.decode()
    assert "(最大值 − 最小值) ÷ 最小值" in change and "100.00 %" in change
    assert "百分比四舍五入到 0.01%" in change


def test_the_pay_grade_admin_is_for_pay_readers_only(seeded, client):
    clerk = make_user("clerk", staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_paygrade", "view_role"]))
    client.force_login(clerk)
    assert client.get("/admin/roles/paygrade/").status_code == 403
    assert client.get("/admin/roles/role/").status_code == 200


def more_pay_grades():
    """Adds 30 pay grades above the seed's nine each time it is called."""
    numbers = iter(range(20, 200))

    def more():
        for _ in range(30):
            pay_grade(next(numbers), "9000", "12000").save()

    return more


def test_the_pay_grade_admin_list_query_count_does_not_grow(seeded, client):
    client.force_login(make_hr_user())
    assert_constant_queries(page_view(client, "/admin/roles/paygrade/"), more_pay_grades())


# ----------------------------------------------------------------------------- the API


@pytest.fixture
def api():
    return APIClient()


def test_visitors_read_pay_grades_without_bands_or_figures(seeded, api):
    for who in (None, make_user("employee")):
        if who is not None:
            api.force_authenticate(who)
        results = api.get("/api/v1/pay-grades/").json()["results"]
        assert results and all(g.keys() == {"id", "number", "name", "description"} for g in results)
        one = api.get(f"/api/v1/pay-grades/{results[0]['id']}/").json()
        assert one.keys() == {"id", "number", "name", "description"}


def test_pay_readers_read_bands_as_two_decimal_strings_and_figures_as_four(seeded, api):
    api.force_authenticate(make_manager())
    by_number = {g["number"]: g for g in api.get("/api/v1/pay-grades/").json()["results"]}
    fourth = by_number[4]
    assert (fourth["band_min"], fourth["band_mid"], fourth["band_max"]) == ("3200.00", "4000.00", "4800.00")
    assert (fourth["range_spread"], fourth["midpoint_differential"], fourth["overlap"]) == (
        "0.5000",
        "0.0250",
        "0.6842",
    )
    assert by_number[9]["midpoint_differential"] is None and by_number[9]["overlap"] is None
    assert by_number[9]["range_spread"] == "1.0000"


def test_the_pay_grade_list_query_count_does_not_grow(seeded, api):
    api.force_authenticate(make_manager())
    assert_constant_queries(page_view(api, "/api/v1/pay-grades/"), more_pay_grades())


def test_hr_writes_pay_grades_with_the_midpoint_defaulting_to_the_mean(seeded, api):
    api.force_authenticate(make_hr_user())
    created = api.post(
        "/api/v1/pay-grades/",
        {"number": 10, "name": "十等", "band_min": "20000.00", "band_max": "40000.00"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["band_mid"] == "30000.00"
    assert created.json()["midpoint_differential"] is None  # now the highest
    ninth = api.get(f"/api/v1/pay-grades/{PayGrade.objects.get(number=9).pk}/").json()
    assert ninth["overlap"] == "0.5000"  # (30000 − 20000) / (40000 − 20000)
    changed = api.patch(f"/api/v1/pay-grades/{created.json()['id']}/", {"band_max": "44000.00"}, format="json")
    assert changed.status_code == 200 and changed.json()["band_max"] == "44000.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"band_min": "0.00", "band_max": "3000.00"}, "band_min"),
        ({"band_min": "5000.00", "band_max": "3000.00"}, "band_max"),
        ({"band_min": "2000.00", "band_mid": "3500.00", "band_max": "3000.00"}, "band_mid"),
        ({"number": 5, "band_min": "2000.00", "band_max": "3000.00"}, "number"),
        ({"number": 0, "band_min": "2000.00", "band_max": "3000.00"}, "number"),
    ],
)
def test_bad_pay_grades_are_a_400_naming_the_field(seeded, api, body, field):
    api.force_authenticate(make_hr_user())
    response = api.post("/api/v1/pay-grades/", {"number": 10, "name": "十等", **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not PayGrade.objects.filter(name="十等").exists()


def test_a_pay_grade_or_job_family_in_use_is_a_409_and_an_unused_one_goes(seeded, api):
    api.force_authenticate(make_hr_manager())
    used = PayGrade.objects.get(number=6)
    response = api.delete(f"/api/v1/pay-grades/{used.pk}/")
    assert response.status_code == 409 and response.json()["code"] == "in_use"
    assert "推广主管" in response.json()["detail"]
    family = JobFamily.objects.get(code="design")
    assert api.delete(f"/api/v1/job-families/{family.pk}/").status_code == 409
    spare = pay_grade(20, "9000", "12000")
    spare.save()
    assert api.delete(f"/api/v1/pay-grades/{spare.pk}/").status_code == 204


def test_only_hr_writes_job_families(seeded, api):
    body = {"code": "finance", "name": "财务", "order": 8, "color": "#9c755f"}
    assert api.post("/api/v1/job-families/", body, format="json").status_code == 401
    api.force_authenticate(make_manager())
    assert api.post("/api/v1/job-families/", body, format="json").status_code == 403
    api.force_authenticate(make_hr_user())
    created = api.post("/api/v1/job-families/", body, format="json")
    assert created.status_code == 201 and created.json() == {"id": created.json()["id"], **body}
    bad = api.post("/api/v1/job-families/", {**body, "code": "legal", "name": "法务", "color": "red"}, format="json")
    assert bad.status_code == 400 and "color" in bad.json()


def test_hr_places_a_role_through_the_api_within_its_grade_range(seeded, api):
    api.force_authenticate(make_hr_user())
    designer = role("designer")
    url = f"/api/v1/roles/{designer.pk}/"
    refused = api.patch(url, {"pay_grade": PayGrade.objects.get(number=5).pk}, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["pay_grade"]
    family = JobFamily.objects.get(code="promotion")
    placed = api.patch(url, {"pay_grade": PayGrade.objects.get(number=3).pk, "job_family": family.pk}, format="json")
    assert placed.status_code == 200
    assert (placed.json()["pay_grade"], placed.json()["job_family"]) == (PayGrade.objects.get(number=3).pk, family.pk)
    assert role("designer").pay_grade.number == 3


def test_the_role_api_gives_ids_and_never_a_band(seeded, api):
    detail = api.get(f"/api/v1/roles/{role('store-cs').pk}/").json()
    assert detail["pay_grade"] == PayGrade.objects.get(number=3).pk
    assert detail["job_family"] == JobFamily.objects.get(code="customer-service").pk
    assert not {"band_min", "band_mid", "band_max"} & detail.keys()


# ----------------------------------------------------------------------------- the job description


def test_the_page_shows_family_and_pay_grade_to_all_and_the_band_to_pay_readers(seeded, client):
    page = client.get("/roles/cs-supervisor/").content.decode()
    assert "序列" in page and "客服" in page and "5 · 五等" in page
    assert "薪酬带宽" not in page and "2200–6000" not in page
    client.force_login(make_manager())
    page = client.get("/roles/cs-supervisor/").content.decode()
    assert "2200–6000 元，中点值 4100" in page


def test_the_word_file_shows_the_band_to_pay_readers_only(seeded, client):
    def text():
        document = Document(io.BytesIO(client.get("/roles/cs-supervisor.docx").content))
        return "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)

    public = text()
    assert "5 · 五等" in public and "客服" in public and "2200–6000" not in public
    client.force_login(make_manager())
    assert "2200–6000 元，中点值 4100" in text()


def test_the_pdf_shows_family_and_pay_grade_and_the_band_to_pay_readers_only(seeded, client):
    def text():
        response = client.get("/roles/cs-supervisor.pdf")
        assert response.status_code == 200
        return squeezed(pdf_text(response.content))

    public = text()
    assert "序列客服" in public and "职等5·五等" in public and "2200–6000" not in public
    client.force_login(make_manager())
    assert "薪酬带宽2200–6000元，中点值4100" in text()


def test_the_excel_catalogue_has_family_and_pay_grade_and_bands_for_pay_readers(seeded, client):
    def rows():
        sheet = load_workbook(io.BytesIO(client.get("/roles.xlsx").content)).worksheets[0]
        header = [cell.value for cell in sheet[1]]
        return [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]

    public = {row["岗位名称"]: row for row in rows()}
    assert (public["客服主管"]["序列"], public["客服主管"]["职等"]) == ("客服", 5)
    assert "带宽最小值" not in public["客服主管"]
    client.force_login(make_manager())
    internal = {row["岗位名称"]: row for row in rows()}
    assert [internal["客服主管"][k] for k in ("带宽最小值", "带宽中点值", "带宽最大值")] == [2200, 4100, 6000]


# ----------------------------------------------------------------------------- versions


def test_a_version_records_family_and_pay_grade_and_a_restore_brings_them_back(seeded):
    hr, approver = make_hr_user(), make_hr_manager()
    designer = role("designer")
    first = designer.live_version
    assert (first.snapshot["job_family"], first.snapshot["pay_grade"]) == ("设计", 4)
    designer.pay_grade = PayGrade.objects.get(number=3)
    workflow.save_edit(designer, "降为三等")
    assert workflow.after_edit(designer.pk, hr)  # a new pay grade is a change to approve
    workflow.submit_for_review(designer.pk, hr, "降为三等")
    second = workflow.publish(designer.pk, approver)
    rows = {row.key: row for row in versions.compare(first.snapshot, second.snapshot, see_pay=False).changed_fields}
    assert (rows["pay_grade"].old, rows["pay_grade"].new) == ("4", "3")
    workflow.restore(designer.pk, first.number, hr, "恢复四等")
    assert role("designer").pay_grade.number == 4


def test_an_unplaced_role_reads_like_a_version_from_before_pay_grades(seeded):
    loose = make_role("临时岗位")
    assert "pay_grade" not in loose.snapshot() and "job_family" not in loose.snapshot()


def test_writing_a_job_family_or_pay_grade_changes_the_catalogue_revision(db):
    """Pages keep what they read of the catalogue per revision (shopconfig.revision_cache)."""
    from shopconfig.models import CatalogueRevision

    before = CatalogueRevision.current()
    family = JobFamily.objects.create(code="ops", name="运营")
    after_family = CatalogueRevision.current()
    grade = PayGrade.objects.create(number=1, name="一等", band_min=Decimal(3000), band_max=Decimal(5000))
    after_grade = CatalogueRevision.current()
    grade.delete()
    family.delete()
    assert len({before, after_family, after_grade, CatalogueRevision.current()}) == 4

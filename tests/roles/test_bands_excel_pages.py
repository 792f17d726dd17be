"""The band table's pages: /roles/bands.xlsx and the import page /roles/bands/import/, the issue's walk-through,
and their query counts."""

import io
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from roles import linting
from roles.models import PayGrade, Role
from tests.factories import make_manager
from tests.queries import assert_constant_queries, count_queries
from tests.roles.test_bands_excel import edited, values

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def export(client):
    response = client.get("/roles/bands.xlsx")
    assert response.status_code == 200
    return response.content


def upload(client, data, name="bands.xlsx"):
    return client.post(
        "/roles/bands/import/", {"step": "preview", "file": SimpleUploadedFile(name, data)}, **EN
    ).content.decode()


def save(client, page):
    payload = re.search(r'name="sheet" value="([^"]+)"', page).group(1)
    return client.post("/roles/bands/import/", {"step": "import", "sheet": payload}, **EN)


def section(page, element_id):
    """The text of the list with this id (empty when the page has none)."""
    match = re.search(rf'<ul id="{element_id}">(.*?)</ul>', page, re.S)
    return match.group(1) if match else ""


def test_the_import_page_offers_the_export_and_explains_the_layout(seeded, hr_client):
    page = hr_client.get("/roles/bands/import/", **EN).content.decode()
    assert 'href="/roles/bands.xlsx"' in page
    assert "a pay grade the file leaves out is kept" in page
    assert 'type="file"' in page and 'accept=".xlsx"' in page


def test_an_unchanged_export_previews_as_unchanged_with_nothing_to_save(seeded, hr_client):
    page = upload(hr_client, export(hr_client))
    assert "0 new, 0 changed, 9 unchanged, 0 with errors. Nothing has been saved yet." in page
    assert "Nothing to import: every row is unchanged." in page
    assert "Save the changes" not in page


def test_raising_a_maximum_in_excel_removes_the_pay_above_band_finding_in_the_preview_and_after_saving(
    seeded, hr_client
):
    """The issue's Done-when: 推广专员's target pay (4000 + 400 + 800 = 5200) is above 四等's 4800; HR raises
    四等's maximum to 5300 in the exported file and imports it."""
    role = Role.objects.get(slug="promotion-specialist")
    role.base_salary = Decimal("4000")
    role.save()
    assert "pay-above-band" in {f.rule for f in linting.catalogue_findings()}

    page = upload(hr_client, edited(export(hr_client), {(4, "带宽最大值"): 5300}))
    assert 'Band maximum: <span class="bands-before">4800</span> → 5300' in page
    gone = section(page, "bands-findings-gone")
    assert 'data-rule="pay-above-band"' in gone and "推广专员" in gone and "The target monthly pay of 5200 yuan" in gone
    assert 'data-rule="pay-above-band"' not in section(page, "bands-findings-kept")
    assert 'data-rule="band-overlap"' in section(page, "bands-findings-kept")  # 四等 still overlaps 五等
    assert PayGrade.objects.get(number=4).band_max == Decimal("4800")  # the preview saved nothing

    done = save(hr_client, page)
    assert done.status_code == 200
    assert "Imported from bands.xlsx: 0 pay grades added, 1 changed, 8 unchanged." in done.content.decode()
    assert PayGrade.objects.get(number=4).band_max == Decimal("5300")
    assert "pay-above-band" not in {f.rule for f in linting.catalogue_findings()}
    admin_page = hr_client.get(f"/admin/roles/role/{role.pk}/change/", **EN).content.decode()
    assert 'data-rule="pay-above-band"' not in admin_page


def test_the_preview_shows_the_findings_a_lower_maximum_would_cause(seeded, hr_client):
    page = upload(hr_client, edited(export(hr_client), {(4, "带宽最大值"): 4000, (4, "带宽中点值"): 3600}))
    new = section(page, "bands-findings-new")
    assert new.count('data-rule="pay-above-band"') == 2  # 推广专员 4100 and 美工 4650 above 4000
    assert "推广专员" in new and "美工" in new


def test_a_file_with_an_error_shows_each_error_with_its_row_and_column_and_cannot_be_saved(seeded, hr_client):
    before = values()
    data = edited(export(hr_client), {(6, "带宽最大值"): 9500, (5, "带宽最小值"): 0, (3, "名称"): None})
    page = upload(hr_client, data)
    assert "2 with errors" in page
    assert "column C (Band minimum): The minimum must be above 0." in page
    assert "column B (Name): Empty: a value is required." in page
    assert "Nothing can be imported from a file with errors." in page
    assert 'name="sheet"' in page  # the form is there to cancel; its import is refused
    response = save(hr_client, page)
    assert response.status_code == 409
    assert values() == before


def test_other_files_are_refused_with_the_reason(seeded, hr_client):
    page = upload(hr_client, b"number,name", name="bands.csv")
    assert "Only Excel .xlsx files can be imported." in page
    assert 'type="file"' in page


def test_an_altered_preview_is_refused(seeded, hr_client):
    response = hr_client.post("/roles/bands/import/", {"step": "import", "sheet": "forged"}, **EN)
    assert response.status_code == 400
    assert "upload the file again" in response.content.decode()


def test_managers_may_export_but_not_import(seeded, client):
    client.force_login(make_manager())
    assert load_workbook(io.BytesIO(export(client))).worksheets[0].max_row > 9
    assert client.get("/roles/bands/import/").status_code == 403


def test_the_export_is_not_there_for_readers_who_may_not_see_pay(seeded, client):
    assert client.get("/roles/bands.xlsx").status_code == 404


def _more_pay_grades():
    top = PayGrade.objects.order_by("-number").first()
    PayGrade.objects.bulk_create(
        PayGrade(number=top.number + i, name=f"{i}", band_min=40000 + i, band_mid=45000, band_max=50000)
        for i in range(1, 6)
    )


def test_the_export_costs_the_same_queries_however_many_pay_grades(seeded, hr_client):
    assert_constant_queries(lambda: export(hr_client), _more_pay_grades)


def test_the_preview_costs_the_same_queries_however_many_pay_grades(seeded, hr_client):
    data = export(hr_client)

    def grow():
        nonlocal data
        _more_pay_grades()
        data = export(hr_client)

    assert_constant_queries(lambda: upload(hr_client, data), grow)


def test_saving_every_pay_grade_changed_costs_the_same_queries_however_many_there_are(seeded, hr_client):
    def every_maximum_raised():
        """The preview page of the band table with every maximum 1 yuan higher."""
        raised = {(g.number, "带宽最大值"): g.band_max + 1 for g in PayGrade.objects.all()}
        return upload(hr_client, edited(export(hr_client), raised))

    def queries_to_save():
        page = every_maximum_raised()
        return count_queries(lambda: save(hr_client, page))

    queries_to_save()  # warm the per-process caches
    before = queries_to_save()
    _more_pay_grades()
    assert queries_to_save() == before
    assert PayGrade.objects.get(number=9).band_max == Decimal("30003")  # raised three times


def test_the_pay_grades_list_links_the_export_and_for_hr_the_import(seeded, hr_client, client):
    page = hr_client.get("/admin/roles/paygrade/", **EN).content.decode()
    assert 'href="/roles/bands.xlsx"' in page and 'href="/roles/bands/import/"' in page
    client.force_login(make_manager())
    page = client.get("/admin/roles/paygrade/", **EN).content.decode()
    assert 'href="/roles/bands.xlsx"' in page and 'href="/roles/bands/import/"' not in page

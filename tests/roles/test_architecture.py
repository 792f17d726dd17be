"""The job-architecture matrix (职位体系表): /roles/architecture/, its Excel file and its PDF."""

import io
import json
from decimal import Decimal

import pytest
from lxml import html as lxml_html
from openpyxl import load_workbook

from roles.architecture import grade_blocks
from roles.models import Grade, JobFamily, PayGrade, Role
from roles.seed import SEED_FILE
from shopconfig.models import ShopProfile
from tests.downloads import attachment_filename
from tests.factories import make_hr_user, make_manager, make_role, make_user
from tests.pages import page_view
from tests.pdf_tools import pdf_fonts, pdf_info, pdf_text, squeezed
from tests.queries import assert_constant_queries

URL = "/roles/architecture/"
A3_LANDSCAPE = "1190.55 x 841.89 pts (A3)"


def matrix_of(response):
    """The matrix as a reader sees it: {"families": [...], "rows": [(pay grade, grade label, [cell titles],
    band text or None)]}, the grade label repeated over the rows its block spans."""
    assert response.status_code == 200
    document = lxml_html.fromstring(response.content.decode())
    [table] = document.find_class("architecture")
    families = [th.text_content().strip() for th in table.find_class("family")]
    has_band = bool(table.xpath(".//thead//th[contains(@class, 'band')]"))
    rows, label, left = [], None, 0
    for tr in table.xpath("./tbody/tr"):
        number = tr.xpath("./th[contains(@class, 'pay-grade')]")[0].text.strip()
        grade_cell = tr.xpath("./td[contains(@class, 'grade')]")
        if grade_cell:
            label, left = grade_cell[0].text_content().strip(), int(grade_cell[0].get("rowspan"))
        left -= 1
        assert left >= 0, "a grade label spans more rows than there are"
        cells = [[a.text_content() for a in td.find_class("role-chip")] for td in tr.xpath("./td[@class='cell']")]
        band = tr.xpath("./td[contains(@class, 'band')]")
        rows.append((int(number), label, cells, band[0].text_content().strip() if band else None))
        assert len(cells) == len(families)
    return {"families": families, "rows": rows, "has_band": has_band}


def cell_of(matrix, title):
    """(pay grade number, family name) of the cell a role stands in."""
    found = [
        (number, matrix["families"][i])
        for number, _label, cells, _band in matrix["rows"]
        for i, cell in enumerate(cells)
        if title in cell
    ]
    assert len(found) == 1, (title, found)
    return found[0]


# ----------------------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("ranges", "numbers", "expected"),
    [
        # one grade per range, no overlap: a block per grade, the top one first
        (
            {"总监": (8, 9), "主管": (5, 6)},
            [9, 8, 7, 6, 5],
            [("总监",), 2, ("总监",), 0, (), 1, ("主管",), 2, ("主管",), 0],
        ),
        # overlapping ranges: the shared pay grade is a block of its own naming both
        (
            {"经理": (6, 8), "主管": (4, 6)},
            [8, 7, 6, 5, 4],
            [("经理",), 2, ("经理",), 0, ("经理", "主管"), 1, ("主管",), 2, ("主管",), 0],
        ),
        # a grade without a range marks nothing
        ({"员": None}, [2, 1], [(), 2, (), 0]),
    ],
)
def test_grade_blocks_span_the_rows_each_grade_holds(ranges, numbers, expected):
    grades = [
        Grade(name=name, min_pay_grade=r and r[0], max_pay_grade=r and r[1], level=i)
        for i, (name, r) in enumerate(ranges.items())
    ]
    flat = [item for block in grade_blocks(numbers, grades) for item in block]
    assert flat == expected


# ----------------------------------------------------------------------------- the page


def test_every_seed_role_stands_in_the_row_of_its_pay_grade_and_the_column_of_its_family(seeded, client):
    client.force_login(make_hr_user())
    matrix = matrix_of(client.get(URL))
    seed = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    family_names = {f["code"]: f["name"] for f in seed["job_families"]}
    assert matrix["families"] == [f["name"] for f in sorted(seed["job_families"], key=lambda f: f["order"])]
    for role in seed["roles"]:
        assert cell_of(matrix, role["title"]) == (role["pay_grade"], family_names[role["job_family"]])
    assert cell_of(matrix, "客服主管") == (5, "客服")


def test_pay_grades_run_from_the_highest_down_with_their_grades_marked(seeded, client):
    matrix = matrix_of(client.get(URL))
    numbers = [row[0] for row in matrix["rows"]]
    assert numbers == sorted(PayGrade.objects.values_list("number", flat=True), reverse=True)
    labels = {row[0]: row[1] for row in matrix["rows"]}
    assert labels[6] == labels[5] == "主管"  # 主管: 职等 5–6, one block of two rows
    for grade in Grade.objects.exclude(min_pay_grade=None):
        for number in range(grade.min_pay_grade, grade.max_pay_grade + 1):
            assert grade.name in labels[number]


@pytest.mark.parametrize(("who", "sees_bands"), [("anonymous", False), ("employee", False), ("manager", True)])
def test_bands_reach_pay_readers_only(seeded, client, who, sees_bands):
    if who == "employee":
        client.force_login(make_user("employee"))
    elif who == "manager":
        client.force_login(make_manager())
    response = client.get(URL)
    matrix = matrix_of(response)
    five = PayGrade.objects.get(number=5)
    band = f"{five.band_min:.0f}–{five.band_mid:.0f}–{five.band_max:.0f}"
    assert matrix["has_band"] is sees_bands
    assert (band in response.content.decode()) is sees_bands
    if sees_bands:
        assert dict((row[0], row[3]) for row in matrix["rows"])[5] == band


def test_visitors_see_published_roles_only_and_staff_see_drafts(seeded, client):
    make_role(
        "直播运营",
        slug="live-ops",
        status=Role.Status.DRAFT,
        job_family=JobFamily.objects.get(code="operations"),
        pay_grade=PayGrade.objects.get(number=4),
        grade=Grade.objects.get(code="specialist"),
    )
    assert "直播运营" not in str(matrix_of(client.get(URL)))
    client.force_login(make_manager())
    assert cell_of(matrix_of(client.get(URL)), "直播运营") == (4, "运营")


def test_a_role_being_edited_shows_its_live_title_to_visitors(seeded, client):
    role = Role.objects.get(slug="store-cs")
    old_title = role.title
    role.live_version = role.versions.order_by("-number").first()
    role.title, role.status = "店铺客服(修订中)", Role.Status.DRAFT
    role.save()
    matrix = matrix_of(client.get(URL))
    assert cell_of(matrix, old_title) and "店铺客服(修订中)" not in str(matrix)
    client.force_login(make_manager())
    assert cell_of(matrix_of(client.get(URL)), "店铺客服(修订中)")


def test_a_private_catalogue_hides_the_matrix_from_visitors_only(seeded, client):
    profile = ShopProfile.load()
    profile.public_catalogue = False
    profile.save()
    for url in (URL, "/roles/architecture.xlsx", "/roles/architecture.pdf"):
        assert client.get(url).status_code == 404
    client.force_login(make_manager())
    assert client.get(URL).status_code == 200


def test_a_role_without_family_or_pay_grade_is_listed_as_not_placed(seeded, client):
    make_role("新岗位", slug="new-role")
    page = client.get(URL).content.decode()
    assert "新岗位" not in str(matrix_of(client.get(URL)))
    unplaced = lxml_html.fromstring(page).find_class("unplaced")[0].text_content()
    assert "尚未归入" in unplaced and "新岗位" in unplaced


def test_each_role_links_to_its_job_description(seeded, client):
    document = lxml_html.fromstring(client.get(URL).content.decode())
    links = {a.text_content(): a.get("href") for a in document.find_class("role-chip")}
    assert links["推广专员"] == "/roles/promotion-specialist/"


def grow():
    """Adds 20 roles, 3 pay grades and 2 job families each time."""
    numbers = iter(range(40, 400))
    count = iter(range(10_000))

    def more():
        grade = Grade.objects.get(code="specialist")
        for _ in range(2):
            n = next(count)
            JobFamily.objects.create(code=f"family-{n}", name=f"序列{n}", order=50 + n)
        new_grades = []
        for _ in range(3):
            number = next(numbers)
            new_grades.append(
                PayGrade.objects.create(
                    number=number, name=f"{number}等", band_min=Decimal(9000), band_max=Decimal(12000)
                )
            )
        grade.max_pay_grade = max(p.number for p in new_grades)
        grade.save()
        families = list(JobFamily.objects.all())
        parent = Role.objects.get(slug="cs-supervisor")
        for i in range(20):
            n = next(count)
            make_role(
                f"岗位{n}",
                slug=f"grown-{n}",
                parent=parent,
                grade=grade,
                job_family=families[i % len(families)],
                pay_grade=new_grades[i % 3],
            )

    return more


@pytest.mark.parametrize("who", ["anonymous", "manager"])
def test_the_matrix_query_count_does_not_grow_with_roles_pay_grades_or_families(seeded, client, who):
    if who == "manager":
        client.force_login(make_manager())
    assert_constant_queries(page_view(client, URL), grow(), at_most=12)


# ----------------------------------------------------------------------------- the files


def sheet_rows(client):
    response = client.get("/roles/architecture.xlsx")
    assert response.status_code == 200
    assert attachment_filename(response) == "职位体系表.xlsx"
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_has_a_row_per_pay_grade_and_bands_for_pay_readers_only(seeded, client):
    rows = sheet_rows(client)
    header, body = rows[0], rows[1:]
    families = list(JobFamily.objects.values_list("name", flat=True))
    assert header == ["职等", "职级", *families]
    assert [row[0] for row in body] == [str(p) for p in PayGrade.objects.order_by("-number")]
    five = next(row for row in body if row[0].startswith("5 "))
    assert five[1] == "主管" and five[2 + families.index("客服")] == "客服主管"
    client.force_login(make_manager())
    rows = sheet_rows(client)
    assert rows[0][-3:] == ["带宽最小值", "带宽中点值", "带宽最大值"]
    five = next(row for row in rows[1:] if row[0].startswith("5 "))
    band = PayGrade.objects.get(number=5)
    assert five[-3:] == [band.band_min, band.band_mid, band.band_max]


def test_the_query_count_of_the_workbook_does_not_grow(seeded, client):
    client.force_login(make_manager())
    assert_constant_queries(page_view(client, "/roles/architecture.xlsx"), grow())


def test_the_pdf_is_a3_landscape_with_embedded_fonts_and_bands_for_pay_readers_only(seeded, client):
    response = client.get("/roles/architecture.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert pdf_info(response.content)["Page size"] == A3_LANDSCAPE
    fonts = pdf_fonts(response.content)
    assert fonts and all(font["emb"] for font in fonts)
    text = squeezed(pdf_text(response.content))
    assert "职位体系表" in text and "推广主管" in text and "5·五等" in text and "主管" in text
    five = PayGrade.objects.get(number=5)
    band = f"{five.band_min:.0f}–{five.band_mid:.0f}–{five.band_max:.0f}"
    assert band not in text
    client.force_login(make_manager())
    assert band in squeezed(pdf_text(client.get("/roles/architecture.pdf").content))

"""/roles/bands/: each role's three reference pays against its pay grade's band, for pay readers only."""

import re
from decimal import Decimal

import pytest

from roles.models import PayGrade, PayScheme, Role
from tests.factories import make_hr_user, make_manager, make_role, make_user
from tests.pages import page_view
from tests.queries import assert_constant_queries

URL = "/roles/bands/"


def page(client, language="zh-hans"):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def row_of(html, slug):
    """The table row of one role, as HTML."""
    match = re.search(rf'<tr class="[^"]*" data-role="{slug}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {slug}"
    return match.group(1)


def cells(row):
    """The text of the row's number cells: target, lowest paid tier, floor, compa-ratio."""
    return re.findall(r'<td class="num[^"]*" data-label="[^"]*">([^<]*)</td>', row)


@pytest.mark.parametrize("who", ["anonymous", "employee"])
def test_readers_who_may_not_see_pay_get_no_page(seeded, client, who):
    if who == "employee":
        client.force_login(make_user("staff-member"))
    assert client.get(URL).status_code == 404
    assert "/roles/bands/" not in client.get("/roles/").content.decode()


def test_the_seed_roles_are_drawn_against_their_bands(seeded, client):
    client.force_login(make_manager())
    html = page(client, "en")
    assert "/roles/bands/" in client.get("/roles/").content.decode()  # in the menu for pay readers
    # The four seed roles with a scheme and a base salary, each with its three months and compa-ratio.
    assert cells(row_of(html, "promotion-specialist")) == ["4100", "3780", "3000", "1.0250"]  # midpoint 4000
    assert cells(row_of(html, "designer")) == ["4650", "4330", "3500", "1.1625"]
    assert cells(row_of(html, "store-cs")) == ["3680", "3440", "2800", "1.1500"]  # 三等: midpoint 3200
    assert html.count("data-role=") == 4
    # Highest pay grade first, each under its band.
    assert html.index("Pay grade 4 · 四等") < html.index("Pay grade 3 · 三等")
    assert "3200–4800 yuan, midpoint 4000" in html
    # The documented 四等 overlap is marked above its roles; no role has a finding.
    assert html.count('data-rule="band-overlap"') == 1 and "by 68.42 %" in html
    assert "has-finding" not in html
    assert "(maximum − minimum) ÷ minimum" in html  # the formulas printed where the figures are shown


def test_the_bar_places_the_band_and_the_three_pays_on_one_scale(seeded, client):
    client.force_login(make_manager())
    row = row_of(page(client, "en"), "promotion-specialist")
    marks = re.findall(r'class="[^"]*\bpb-(range|mid|floor|lowest|target)" style="left: ([\d.]+)%', row)
    left = {name: float(value) for name, value in marks}
    # 四等's scale runs from 3000 (推广专员's floor) to 4800 (the band's maximum).
    assert left["floor"] < left["range"] < left["lowest"] < left["mid"] < left["target"]
    assert 'aria-label="target 4100, lowest paid tier 3780, floor 3000; band 3200–4800 yuan, midpoint 4000"' in row


def test_a_role_paid_above_its_band_is_marked_with_the_numbers(seeded, client):
    role = Role.objects.get(slug="promotion-specialist")
    role.base_salary = Decimal("4000")  # 4000 + 400 + 800 = 5200 > 4800
    role.save()
    client.force_login(make_hr_user())
    html = page(client, "en")
    row = row_of(html, "promotion-specialist")
    assert 'data-rule="pay-above-band"' in row
    assert "The target monthly pay of 5200 yuan" in row and "maximum of 4800 yuan" in row
    assert cells(row)[-1] == "1.3000"
    assert "1 role has a finding." in html
    assert 'data-rule="pay-above-band"' not in row_of(html, "designer")


def test_the_page_reads_chinese_first(seeded, client):
    client.force_login(make_manager())
    html = page(client)
    assert "薪酬带宽对照" in html and "目标月薪" in html and "比较比率" in html


def more_paid_roles(count):
    """Roles with pay schemes, base salaries and pay grades under 客服主管, some above their band."""
    parent = Role.objects.get(slug="cs-supervisor")
    schemes = list(PayScheme.objects.all())
    grades = [PayGrade.objects.get(number=5), PayGrade.objects.get(number=6)]
    for i in range(count):
        make_role(
            f"带宽{i}",
            parent=parent,
            department=parent.department,
            grade=parent.grade,
            pay_grade=grades[i % 2],
            pay_scheme=schemes[i % len(schemes)],
            base_salary=Decimal(3000 + 500 * i),
            performance_bonus_amount=Decimal("800"),
        )


def test_the_page_takes_the_same_number_of_queries_however_many_roles(seeded, client):
    client.force_login(make_manager())
    # Session, user, permissions, shop; the roles; three for their pays; the pay grades; the usual overlap.
    assert_constant_queries(page_view(client, URL), lambda: more_paid_roles(12), at_most=10)
    html = page(client)
    assert html.count("data-role=") == 16 and 'data-rule="pay-above-band"' in html


# --- compa_ratio in the API ------------------------------------------------------------------


def api_roles(client):
    response = client.get("/api/v1/roles/?page_size=100")
    assert response.status_code == 200
    body = response.json()
    return {row["slug"]: row for row in (body["results"] if isinstance(body, dict) else body)}


def test_pay_readers_get_each_roles_compa_ratio(seeded, client):
    client.force_login(make_manager())
    rows = api_roles(client)
    assert rows["promotion-specialist"]["compa_ratio"] == "1.0250"
    assert rows["store-cs"]["compa_ratio"] == "1.1500"
    assert rows["cs-supervisor"]["compa_ratio"] is None  # no pay scheme
    detail = client.get(f"/api/v1/roles/{Role.objects.get(slug='designer').pk}/").json()
    assert detail["compa_ratio"] == "1.1625"


def test_readers_who_may_not_see_pay_get_no_compa_ratio(seeded, client):
    assert all("compa_ratio" not in row for row in api_roles(client).values())
    client.force_login(make_user("staff-member"))
    assert all("compa_ratio" not in row for row in api_roles(client).values())


def test_the_api_list_with_compa_ratios_takes_the_same_number_of_queries(seeded, client):
    client.force_login(make_manager())
    assert_constant_queries(page_view(client, "/api/v1/roles/"), lambda: more_paid_roles(12))

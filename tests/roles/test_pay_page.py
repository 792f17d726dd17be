"""The pay calculator on a job description, for readers allowed to see pay."""

import re

import pytest

from roles.models import Role
from tests.pages import login, query_count

URL = "/roles/store-cs/"  # 店铺客服: 客服绩效考核制度, base 3150.00, full bonus 876.00


def page(client, url=URL, **params):
    response = client.get(url, {f"pay-{k}": v for k, v in params.items()}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def month(**changes):
    facts = {
        "performance_score": "85",
        "late_count": "0",
        "early_leave_count": "0",
        "leave_count": "0",
        "absent_days": "0",
        "sales_amount": "0",
        "base_salary": "3150.00",
        "performance_bonus_amount": "876.00",
    }
    facts.update(changes)
    return facts


def total(html):
    found = re.search(r'data-testid="pay-total">([^<]*)<', html)
    return found and found.group(1)


@pytest.mark.parametrize("who", ["manager", "hr"])
def test_the_calculator_shows_for_readers_of_pay_prefilled_with_the_roles_amounts(catalogue, client, who):
    login(client, who)
    html = page(client)
    assert 'id="pay-calculator"' in html
    assert re.search(r'name="pay-performance_score" value="85"', html)
    assert re.search(r'name="pay-late_count" value="0"', html)
    assert re.search(r'name="pay-base_salary" value="3150.00"', html)
    assert re.search(r'name="pay-performance_bonus_amount" value="876.00"', html)
    assert '<label for="id_pay-performance_score">performance score</label>' in html
    assert 'name="pay-sales_amount"' in html  # 客服 earns commission
    assert 'name="pay-special_bonus"' not in html  # … but no special bonus
    assert total(html) is None  # nothing is computed until the form is sent


def test_anonymous_visitors_get_no_calculator(catalogue, client):
    html = page(client)
    assert "pay-calculator" not in html and "pay-performance_score" not in html
    assert total(page(client, **month())) is None


def test_roles_without_a_pay_scheme_get_no_calculator(catalogue, client):
    login(client, "manager")
    assert "pay-calculator" not in page(client, "/roles/store-manager/")


def test_it_computes_an_itemised_payslip_with_reasons(catalogue, client):
    login(client, "manager")
    html = page(client, **month(performance_score="75", late_count="2", leave_count="1"))
    # 3150 + 0 (three incidents cancel the full-attendance bonus) + 80 % of 876
    assert total(html) == "3850.80"
    assert "700.80" in html and "cancelled" in html
    assert "3 late arrivals, early departures and leaves reach the limit of 3" in html
    assert "score 75 is from 70 to under 80, so 80% of the full amount is paid" in html
    assert "of sales of 0" in html  # the seed's example commission rate, on no sales


def test_a_what_if_base_salary_and_bonus_override_the_roles(catalogue, client):
    login(client, "manager")
    html = page(client, **month(base_salary="4000", performance_bonus_amount="1000"))
    assert total(html) == "5400.00"  # 4000 + 10 % + the full 1000
    assert re.search(r'name="pay-base_salary" value="4000"', html)


def test_a_special_bonus_scheme_asks_for_it_and_pays_it(catalogue, client):
    login(client, "manager")
    html = page(client, "/roles/designer/", performance_score="90", late_count="0", early_leave_count="0",
                leave_count="0", absent_days="0.5", special_bonus="123.45", base_salary="3000",
                performance_bonus_amount="500")  # fmt: skip
    assert 'name="pay-sales_amount"' not in html
    assert total(html) == "3923.45"  # 3000 + 300 + 500 + 123.45; half a day's absence keeps the bonus


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("performance_score", "101", "less than or equal to 100"),
        ("late_count", "-1", "greater than or equal to 0"),
        ("absent_days", "abc", "Enter a number"),
        ("base_salary", "", "This field is required"),
    ],
)
def test_bad_input_shows_an_error_next_to_the_field(catalogue, client, field, value, message):
    login(client, "manager")
    html = page(client, **month(**{field: value}))
    error = re.search(rf'<span class="error" id="id_pay-{field}_error">([^<]*)</span>', html)
    assert error and message in error.group(1)
    assert total(html) is None


def test_the_calculator_costs_no_extra_query(catalogue, client):
    login(client, "manager")
    plain = query_count(client, URL)
    assert query_count(client, URL + "?pay-performance_score=75&pay-late_count=3&pay-early_leave_count=0"
                       "&pay-leave_count=0&pay-absent_days=0&pay-sales_amount=0&pay-base_salary=1"
                       "&pay-performance_bonus_amount=1") == plain  # fmt: skip


def test_visitors_pay_nothing_for_the_calculator(catalogue, client):
    plain = query_count(client, URL)
    assert query_count(client, URL + "?pay-performance_score=75") == plain


def test_the_api_and_the_calculator_agree_on_a_month_of_the_promotion_specialist(seeded, client):
    """Two late arrivals and a score of 78 give the same pay through the API and the page."""
    login(client, "hr")
    role = Role.objects.get(slug="promotion-specialist")
    api = client.post(
        f"/api/v1/roles/{role.pk}/pay-estimate/",
        {"late_count": 2, "early_leave_count": 0, "leave_count": 0, "absent_days": "0",
         "performance_score": "78", "sales_amount": "0"},
        content_type="application/json",
    ).json()  # fmt: skip
    html = page(client, url="/roles/promotion-specialist/", **month(
        performance_score="78", late_count="2", base_salary="3000.00", performance_bonus_amount="800.00"
    ))  # fmt: skip
    # 3000 + 10 % attendance bonus (2 incidents < 3) + 80 % of 800
    assert api["total"] == total(html) == "3940.00"
    assert (api["attendance_bonus"], api["performance_bonus"], api["performance_rate"]) == ("300.00", "640.00", "0.80")

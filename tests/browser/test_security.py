"""The Content-Security-Policy in a real browser: every kind of page still works, and Chromium
reports no violation of the policy in its console.

Chromium logs each blocked script, style, image, font, frame or request as a console
message naming the Content Security Policy; the tests collect them while a person uses
the org chart, Swagger UI, the admin (logged in through the form) and the pay calculator.
"""

import pytest
from playwright.sync_api import expect

from roles.models import Role
from tests.factories import make_hr_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-Secret-123"  # what tests.factories.make_user gives every user


def watch_policy(page):
    """Console messages about the Content Security Policy, and uncaught script errors."""
    seen = []
    page.on("console", lambda message: "Content Security Policy" in message.text and seen.append(message.text))
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    return seen


def visit(page, url):
    """Open a page; it must carry the policy, or a quiet console would prove nothing."""
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers["content-security-policy"]
    assert "object-src 'none'" in policy and "base-uri 'none'" in policy, policy
    return response


def test_the_chart_swagger_ui_the_admin_and_the_calculator_break_no_policy_rule(live_server, seeded, page):
    make_hr_user()
    violations = watch_policy(page)

    # The org chart: d3 and the chart script from static files draw the cards; a toggle expands a branch.
    visit(page, live_server.url + "/orgchart/")
    expect(page.locator("#orgchart-app")).to_have_attribute("data-state", "ready")
    expect(page.locator('#orgchart-app a.oc-card[data-slug="store-manager"]')).to_be_visible()

    # Swagger UI reads the schema and renders the operations; one opens.
    visit(page, live_server.url + "/api/docs/")
    operation = page.locator(".swagger-ui .opblock").first
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    expect(operation.locator(".opblock-body")).to_be_visible()

    # The admin: the login form, the draggable role tree and a role's change form.
    visit(page, live_server.url + "/admin/login/?next=/admin/")
    page.locator("#id_username").fill("hr")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/admin/")
    visit(page, live_server.url + "/admin/roles/role/")
    expect(page.locator("#result_list .drag-handle").first).to_be_visible()
    specialist = Role.objects.get(slug="promotion-specialist")
    visit(page, f"{live_server.url}/admin/roles/role/{specialist.pk}/change/")
    expect(page.locator("#role_form")).to_be_visible()

    # The pay calculator on a role page, submitted as HR.
    visit(page, live_server.url + "/roles/store-cs/")
    form = page.locator("#pay-calculator form")
    form.locator("input[name=pay-performance_score]").fill("75")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".pay-result")).to_be_visible()

    assert violations == []

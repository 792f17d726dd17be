"""Shared data for the page tests: the seed plus pay, people, a draft and a dotted line."""

from decimal import Decimal

from orgchart.models import Employee
from roles.models import Role
from tests.factories import make_hr_user, make_manager, make_role
from tests.queries import count_queries

PAGES = ["/roles/", "/roles/store-cs/", "/orgchart/", "/orgchart/data.json", "/orgchart/vacancies/"]


def add_internal_data():
    """Things only staff may see: base pay, KPI weights, a person's name, a draft role."""
    cs = Role.objects.get(slug="store-cs")
    cs.base_salary = Decimal("3150.00")
    cs.performance_bonus_amount = Decimal("876.00")
    cs.save()
    Role.objects.get(slug="cs-supervisor").kpis.filter(name__contains="咨询转化率").update(weight=Decimal("35"))
    Employee.objects.create(name="王小明", employee_number="E0001", role=cs)
    Employee.objects.create(name="李红", employee_number="E0002", role=Role.objects.get(slug="designer"))
    draft = make_role(
        "直播运营", parent=Role.objects.get(slug="store-manager"), slug="live-ops", status=Role.Status.DRAFT
    )
    Role.objects.get(slug="promotion-specialist").dotted_line_superiors.add(
        Role.objects.get(slug="operations-director")
    )
    return draft


def login(client, who):
    """Log the test client in as "manager" or "hr"; anyone else stays anonymous."""
    if who == "manager":
        client.force_login(make_manager())
    elif who == "hr":
        client.force_login(make_hr_user())
    return client


def page_view(client, url):
    """A function that views `url` with `client` and checks it answered 200: the action of
    tests.queries.assert_constant_queries for a page, an export or an endpoint."""

    def view():
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        return response

    return view


def query_count(client, url):
    """Queries of one page view, after a first view has warmed per-process caches."""
    view = page_view(client, url)
    view()
    return count_queries(view)


def add_roles(count):
    """More roles under 客服主管, several levels deep, each with a person and a dotted line,
    so that a per-row query anywhere would show in a query count."""
    parent = Role.objects.get(slug="cs-supervisor")
    for i in range(count):
        role = make_role(f"客服{i}", parent=parent, department=parent.department, grade=parent.grade)
        Employee.objects.create(name=f"员工{i}", employee_number=f"N{i}", role=role)
        role.dotted_line_superiors.add(parent)
        if i % 10 == 0:
            parent = role

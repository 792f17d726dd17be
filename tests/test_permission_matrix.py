"""The permission matrix: who gets what at every URL of the project.

The tables below are the specification. One row per URL pattern (by its name) and method, with a
label where one pattern needs several cases (a draft and a published role); one column per user:

    anonymous   a visitor who is not logged in
    employee    logged in, in no group, not staff
    manager     group 管理者 (staff): reads everything, pay included, writes nothing
    hr          group 人事 (staff): edits the catalogue, may not publish
    approver    group 人事经理 (staff): edits and approves/publishes (roles.publish_role)
    superuser   everything

Each cell is the status that user SHOULD get, following README.md ("Users and permissions",
"Review and approval") and roles/permissions.py: a role the reader may not see is 404 (as if it did
not exist); internal pages and the admin need a login (302 to the login page); the API answers
401 to anonymous callers and 403 to logged-in ones who lack the permission. Every (row, user) is
its own test, so a write never leaks into another case. A write row also names the state it changes:
the test checks that state changed for the users the row allows and did not change for the others.

Rules for completeness (test_every_url_pattern_has_a_row walks django.urls.get_resolver()):

- A pattern is keyed by its name with namespaces ("roles:detail", "api:role-list"); an unnamed
  pattern by its route ("/" for the home page's redirect, "/admin/(?P<url>.*)$" for the admin's
  catch-all). A new pattern without a row fails that test: a new URL needs a decision here.
- Format-suffix duplicates (DRF's "roles.json", "roles/<pk>.json", the API root's suffix) carry the
  same name as the plain pattern and so share its row; one row checks that a suffixed URL answers
  like the plain one.
- The admin's generic model URLs (changelist, add, change, history, delete, and the unnamed
  "<id>/" redirect to the change page) follow one rule from the permissions listed per model in
  ADMIN_MODELS. Every registered ModelAdmin must be listed there (and nothing else), so a new
  one needs a decision too. Custom admin URLs (the workflow buttons, django-simple-history's
  version pages, the import page) have rows of their own.
- Static files are served by WhiteNoise (middleware, not a URL pattern) and media files are never
  served directly; two extra rows check that a stylesheet is public and an export file is not.

Known bugs are marked per cell with pytest.mark.xfail(strict=True) and the reason, so the matrix
states what should happen and turns red once the bug is fixed without the mark being removed.
"""

import io
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token

from orgchart.models import Employee, HandbookExport
from orgchart.roster import views as roster_views
from orgchart.roster.parser import parse_xlsx
from roles import services, workflow
from roles.apps import HR_GROUP
from roles.models import Department, Grade, JobFamily, PayGrade, PayScheme, Role, RoleVersion, Shift
from roles.seed import load_seed
from shopconfig.models import PayPolicy, ShopProfile
from tests.admin_forms import change_form_data
from tests.factories import make_hr_manager, make_hr_user, make_manager, make_role, make_user
from tests.orgchart.test_roster_parser import xlsx
from tests.pages import add_internal_data
from tests.roles.test_api import ESTIMATE, new_role_data
from tests.roles.test_import import CARD

ANONYMOUS, EMPLOYEE, MANAGER, HR, APPROVER, SUPERUSER = USERS = (
    "anonymous",
    "employee",
    "manager",
    "hr",
    "approver",
    "superuser",
)
STAFF = (MANAGER, HR, APPROVER, SUPERUSER)

# What a cell may say.
OK, CREATED, NO_CONTENT = 200, 201, 204
REDIRECT = "302 elsewhere"  # a redirect that is not to a login page
LOGIN = "302 to login"  # a redirect to /accounts/login/ or /admin/login/
UNAUTHENTICATED, DENIED, NOTFOUND, NOT_ALLOWED, CONFLICT = 401, 403, 404, 405, 409
SUCCESS = {OK, CREATED, NO_CONTENT, REDIRECT}

PDF, JSON = "application/pdf", "application/json"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EVERYONE_OK = (OK,) * 6
#                 anonymous  employee  manager  hr   approver  superuser
INTERNAL_PAGE = (NOTFOUND, NOTFOUND, OK, OK, OK, OK)
STAFF_PAGE = (LOGIN, LOGIN, OK, OK, OK, OK)
PAY_API = (UNAUTHENTICATED, DENIED, OK, OK, OK, OK)
INTERNAL_API = (UNAUTHENTICATED, DENIED, OK, OK, OK, OK)
HR_WRITES = (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK)
HR_WRITES_CREATED = (UNAUTHENTICATED, DENIED, DENIED, CREATED, CREATED, CREATED)

# /handbook.pdf only queues the handbook's task and redirects to its status page: the task is not run here.
HANDBOOK_NOT_RUN = {"TASKS": {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}}


@dataclass(frozen=True)
class Row:
    """One URL and method, and the status each user should get.

    `url` and string values in `body` may name the matrix's objects as {draft}, {published}…;
    `body` may also be a function of those ids. `effect(ids)` reads the state the action changes.
    """

    key: str
    url: str
    expect: tuple
    method: str = "get"
    label: str = ""
    body: Any = None
    json: bool = False
    effect: Any = None
    changed_for: tuple | None = None  # default: the users whose expected status is a success
    prepare: Any = None
    returns: str = ""  # the content type a 200 must have (a file, not a page saying no)
    settings: dict = field(default_factory=dict)
    bugs: dict = field(default_factory=dict)  # user -> why their cell is a known failure

    def __post_init__(self):
        assert len(self.expect) == len(USERS), self
        assert set(self.bugs) <= set(USERS), self

    @property
    def id(self):
        return " ".join(filter(None, [self.key, self.method.upper(), self.label]))

    def must_change(self, user):
        if self.changed_for is not None:
            return user in self.changed_for
        return self.expect[USERS.index(user)] in SUCCESS


# ----------------------------------------------------------------------------- small helpers


def role(slug):
    return Role.objects.get(slug=slug)


def status_of(slug):
    return lambda ids: role(slug).status


def private_catalogue(ids):
    profile = ShopProfile.load()
    profile.public_catalogue = False
    profile.save()


def as_admin_form(url):
    """The POST data of an admin form as the superuser's browser would send it unchanged."""
    browser = Client()
    browser.force_login(User.objects.get(username=SUPERUSER))
    response = browser.get(url)
    assert response.status_code == 200, url
    return change_form_data(response)


def admin_edit_body(ids):
    data = as_admin_form(f"/admin/roles/role/{ids['published']}/change/")
    data["title"] = "店铺客服(修订)"
    return data


def admin_add_body(ids):
    data = as_admin_form("/admin/roles/role/add/")
    cs = role("store-cs")
    data.update(title="夜班客服", slug="night-cs", department=cs.department_id, grade=cs.grade_id, headcount="1")
    data["parent"] = str(cs.parent_id)
    return data


def revert_body(url):
    return lambda ids: as_admin_form(url.format(**ids))


def public_summary(ids):
    """Whether an anonymous visitor reads the edited summary on the published role's page."""
    return Client().get("/roles/store-cs/").content.decode().count("(仅限修订)")


ROSTER_IMPORT = (LOGIN, LOGIN, DENIED, OK, OK, OK)


def roster_upload():
    """A roster file of one new person in a role no headcount plan controls."""
    data = xlsx(["姓名", "工号", "岗位", "入职日期"], ["新员工", "R0001", "店铺客服", "2024-03-01"])
    return SimpleUploadedFile("花名册.xlsx", data)


BANDS_IMPORT = (LOGIN, LOGIN, DENIED, OK, OK, OK)  # HR: may see pay and add and change pay grades


def band_upload(ids):
    """The band table as exported, 九等's maximum raised to 31000."""
    from roles import bands_excel
    from tests.roles.test_bands_excel import edited

    data = edited(bands_excel.band_workbook(author="matrix"), {(9, "带宽最大值"): 31000})
    return SimpleUploadedFile("bands.xlsx", data)


def band_import_body(ids):
    from django.core import signing

    from roles import bands_import_views
    from roles.importer import bands as band_parser

    sheet = band_parser.parse_xlsx(band_upload(ids).read())
    payload = {"sheet": sheet.as_data(), "file": "bands.xlsx"}
    return {"step": "import", "sheet": signing.dumps(payload, salt=bands_import_views.SIGNING_SALT, compress=True)}


def nine_band_max(ids):
    return PayGrade.objects.get(number=9).band_max


# ----------------------------------------------------------------------------- the table

ROWS = [
    #   key, url, expect=(anonymous, employee, manager, hr, approver, superuser)
    # --- pages
    Row("/", "/", (REDIRECT,) * 6),
    Row("roles:list", "/roles/", EVERYONE_OK),
    Row("roles:list", "/roles/?q=客服", EVERYONE_OK, label="search"),
    Row("roles:detail", "/roles/store-cs/", EVERYONE_OK, label="published"),
    Row("roles:detail", "/roles/live-ops/", INTERNAL_PAGE, label="draft"),
    Row("roles:detail", "/roles/in-review/", INTERNAL_PAGE, label="in review, never published"),
    Row("roles:detail", "/roles/archived/", INTERNAL_PAGE, label="archived"),
    Row("roles:detail", "/roles/store-cs/", INTERNAL_PAGE, label="private catalogue", prepare=private_catalogue),
    Row("roles:history", "/roles/store-cs/history/", INTERNAL_PAGE),
    Row("roles:history", "/roles/live-ops/history/", INTERNAL_PAGE, label="draft"),
    Row(
        "roles:history",
        "/roles/store-cs/history/",
        (NOTFOUND, NOTFOUND, DENIED, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        label="restore a version",
        body={"version": "1", "comment": "恢复第一版"},
        effect=lambda ids: RoleVersion.objects.filter(role_id=ids["published"]).count(),
    ),
    Row("roles:pdf", "/roles/store-cs.pdf", EVERYONE_OK, label="published", returns=PDF),
    Row("roles:pdf", "/roles/live-ops.pdf", INTERNAL_PAGE, label="draft", returns=PDF),
    Row("roles:docx", "/roles/store-cs.docx", EVERYONE_OK, label="published", returns=DOCX),
    Row("roles:docx", "/roles/live-ops.docx", INTERNAL_PAGE, label="draft", returns=DOCX),
    Row("roles:docx", "/roles/store-cs.docx", INTERNAL_PAGE, label="private catalogue", prepare=private_catalogue),
    Row("roles:list", "/roles/?as_of=2025-06-01", EVERYONE_OK, label="as of a day"),
    Row("roles:detail", "/roles/store-cs/?as_of=2025-06-01", EVERYONE_OK, label="published, as of a day"),
    Row("roles:detail", "/roles/live-ops/?as_of=2100-01-01", INTERNAL_PAGE, label="draft, a later day"),
    Row("roles:pdf", "/roles/store-cs.pdf?as_of=2025-06-01", EVERYONE_OK, label="as of a day", returns=PDF),
    Row("roles:docx", "/roles/store-cs.docx?as_of=2025-06-01", EVERYONE_OK, label="as of a day", returns=DOCX),
    Row("orgchart:chart", "/orgchart/", EVERYONE_OK),
    Row("orgchart:chart", "/orgchart/?root=live-ops", INTERNAL_PAGE, label="a draft's branch"),
    Row("orgchart:data", "/orgchart/data.json", EVERYONE_OK, returns=JSON),
    Row("orgchart:data", "/orgchart/data.json?root=live-ops", INTERNAL_PAGE, label="a draft's branch"),
    Row("orgchart:vacancies", "/orgchart/vacancies/", EVERYONE_OK),
    Row("orgchart:changes", "/orgchart/changes/", INTERNAL_PAGE),
    Row(
        "orgchart:changes",
        "/orgchart/changes/?from=2025-01-01&to=2025-01-01&kind=created",
        INTERNAL_PAGE,
        label="one day",
    ),
    Row("orgchart:changes-xlsx", "/orgchart/changes.xlsx", INTERNAL_PAGE, returns=XLSX),
    Row(
        "orgchart:changes-xlsx",
        "/orgchart/changes.xlsx?from=2025-01-01&to=2025-01-01&kind=created",
        INTERNAL_PAGE,
        label="one day",
        returns=XLSX,
    ),
    # The headcount report: the plan of the matrix (headcount_plan, active this year) by default, or one asked for.
    Row("orgchart:headcount", "/orgchart/headcount/", INTERNAL_PAGE),
    Row(
        "orgchart:headcount",
        "/orgchart/headcount/?plan={headcount_plan}&as_of=2025-06-01",
        INTERNAL_PAGE,
        label="a plan and a day",
    ),
    Row("orgchart:headcount-xlsx", "/orgchart/headcount.xlsx", INTERNAL_PAGE, returns=XLSX),
    Row("orgchart:chart", "/orgchart/?compare=2025-01-01", EVERYONE_OK, label="compared with a day"),
    Row(
        "orgchart:data",
        "/orgchart/data.json?compare=2025-01-01",
        EVERYONE_OK,
        label="compared with a day",
        returns=JSON,
    ),
    # Pay against band: pay readers only (404 for everyone else, as the other internal pages).
    Row("pay-bands", "/roles/bands/", INTERNAL_PAGE),
    # The job-architecture matrix: like the catalogue (visitors only when it is public); bands only for pay
    # readers (test_the_architecture_matrix_shows_bands_to_pay_readers_only below).
    Row("roles:architecture", "/roles/architecture/", EVERYONE_OK),
    Row("roles:architecture", "/roles/architecture/?paths=1", EVERYONE_OK, label="career paths"),
    Row(
        "roles:architecture",
        "/roles/architecture/",
        INTERNAL_PAGE,
        label="private catalogue",
        prepare=private_catalogue,
    ),
    Row("roles:architecture-xlsx", "/roles/architecture.xlsx", EVERYONE_OK, returns=XLSX),
    Row(
        "roles:architecture-xlsx",
        "/roles/architecture.xlsx",
        INTERNAL_PAGE,
        label="private catalogue",
        prepare=private_catalogue,
        returns=XLSX,
    ),
    Row("roles:architecture-pdf", "/roles/architecture.pdf", EVERYONE_OK, returns=PDF),
    Row(
        "roles:architecture-pdf",
        "/roles/architecture.pdf",
        INTERNAL_PAGE,
        label="private catalogue",
        prepare=private_catalogue,
        returns=PDF,
    ),
    # --- exports (each reader gets what they may read; pay only for pay readers)
    Row("catalogue-xlsx", "/roles.xlsx", EVERYONE_OK, returns=XLSX),
    Row("chart-file", "/orgchart.svg", EVERYONE_OK, label="svg", returns="image/svg+xml"),
    Row("chart-file", "/orgchart.png", EVERYONE_OK, label="png", returns="image/png"),
    # Site files every browser and crawler asks for: the same to everyone, even with a private catalogue.
    Row("favicon", "/favicon.ico", EVERYONE_OK, returns="image/png"),
    Row("robots-txt", "/robots.txt", EVERYONE_OK, returns="text/plain"),
    Row("robots-txt", "/robots.txt", EVERYONE_OK, label="private catalogue", prepare=private_catalogue),
    Row("chart-file", "/orgchart.pdf", EVERYONE_OK, label="pdf", returns=PDF),
    Row("chart-file", "/orgchart.gif", (NOTFOUND,) * 6, label="unknown format"),
    Row("chart-file", "/orgchart.svg?root=live-ops", INTERNAL_PAGE, label="a draft's branch", returns="image/svg+xml"),
    Row("handbook", "/handbook.pdf", (REDIRECT,) * 6, settings=HANDBOOK_NOT_RUN),
    Row(
        "handbook",
        "/handbook.pdf",
        (NOTFOUND, NOTFOUND, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        label="private catalogue",
        prepare=private_catalogue,
        settings=HANDBOOK_NOT_RUN,
    ),
    Row(
        "handbook", "/handbook.pdf?root=live-ops", (NOTFOUND,) * 6, label="a draft's branch", settings=HANDBOOK_NOT_RUN
    ),
    Row("handbook", "/handbook.pdf?as_of=2025-06-01", (REDIRECT,) * 6, label="as of a day", settings=HANDBOOK_NOT_RUN),
    Row(
        "handbook",
        "/handbook.pdf?as_of=2025-06-01",
        (NOTFOUND, NOTFOUND, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        label="as of a day, private catalogue",
        prepare=private_catalogue,
        settings=HANDBOOK_NOT_RUN,
    ),
    Row("handbook-status", "/handbook/public-handbook/", EVERYONE_OK, label="without pay"),
    Row("handbook-status", "/handbook/pay-handbook/", INTERNAL_PAGE, label="with pay"),
    Row("handbook-status", "/handbook/no-such-task/", (NOTFOUND,) * 6, label="unknown task"),
    Row("handbook-download", "/handbook/public-handbook/download/", EVERYONE_OK, label="without pay", returns=PDF),
    Row("handbook-download", "/handbook/pay-handbook/download/", INTERNAL_PAGE, label="with pay", returns=PDF),
    Row(
        "handbook-download",
        "/handbook/public-handbook/download/",
        INTERNAL_PAGE,
        label="private catalogue",
        prepare=private_catalogue,
    ),
    # --- static and media (not URL patterns; see the module's docstring)
    Row("static", "/static/css/site.css", EVERYONE_OK, returns="text/css"),
    Row("media", "/media/exports/handbook-{public_export}.pdf", (NOTFOUND,) * 6),
    # --- accounts and language
    Row("login", "/accounts/login/", EVERYONE_OK),
    Row(
        "login",
        "/accounts/login/",
        (REDIRECT,) * 6,
        method="post",
        label="the employee's password",
        body={"username": EMPLOYEE, "password": "pw-Secret-123"},
    ),
    Row("logout", "/accounts/logout/", (REDIRECT,) * 6, method="post"),
    Row("logout", "/accounts/logout/", (NOT_ALLOWED,) * 6),
    Row("password_change", "/accounts/password_change/", (LOGIN, OK, OK, OK, OK, OK)),
    Row(
        "password_change",
        "/accounts/password_change/",
        (LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        body={"old_password": "pw-Secret-123", "new_password1": "new-Secret-456", "new_password2": "new-Secret-456"},
    ),
    Row("password_change_done", "/accounts/password_change/done/", (LOGIN, OK, OK, OK, OK, OK)),
    Row("password_reset", "/accounts/password_reset/", EVERYONE_OK),
    Row("password_reset_done", "/accounts/password_reset/done/", EVERYONE_OK),
    Row("password_reset_confirm", "/accounts/reset/MQ/bad-token/", EVERYONE_OK, label="an invalid link"),
    Row("password_reset_complete", "/accounts/reset/done/", EVERYONE_OK),
    Row("set_language", "/i18n/setlang/", (REDIRECT,) * 6, method="post", body={"language": "en", "next": "/roles/"}),
    # --- the API
    Row("api:api-root", "/api/v1/", EVERYONE_OK),
    Row("api:tree", "/api/v1/tree/", EVERYONE_OK),
    Row("api:tree", "/api/v1/tree/?as_of=2025-06-01", EVERYONE_OK, label="as of a day"),
    Row("api:changes", "/api/v1/changes/", INTERNAL_API),
    Row("api:headcount", "/api/v1/headcount/", INTERNAL_API, returns=JSON),
    Row(
        "api:headcount",
        "/api/v1/headcount/?plan={headcount_plan}&as_of=2025-06-01",
        INTERNAL_API,
        label="a plan and a day",
    ),
    Row("api:role-list", "/api/v1/roles/", EVERYONE_OK),
    Row(
        "api:role-list",
        "/api/v1/roles/",
        (UNAUTHENTICATED, DENIED, DENIED, CREATED, CREATED, CREATED),
        method="post",
        label="a draft",
        json=True,
        body=lambda ids: new_role_data(),
        effect=lambda ids: Role.objects.filter(slug="night-cs").exists(),
    ),
    Row(
        "api:role-list",
        "/api/v1/roles/",
        (UNAUTHENTICATED, DENIED, DENIED, CREATED, CREATED, CREATED),
        method="post",
        label="asking for a published role gives a draft",
        json=True,
        body=lambda ids: new_role_data(status="published"),
        effect=lambda ids: Role.objects.filter(slug="night-cs", status=Role.Status.PUBLISHED).exists(),
        changed_for=(),  # publishing goes through review and approval, never the API
    ),
    Row("api:role-detail", "/api/v1/roles/{published}/", EVERYONE_OK, label="published"),
    Row("api:role-detail", "/api/v1/roles/{draft}/", INTERNAL_PAGE, label="draft"),
    Row("api:role-detail", "/api/v1/roles/{published}/?as_of=2025-06-01", EVERYONE_OK, label="as of a day"),
    Row("api:role-detail", "/api/v1/roles/{draft}/?as_of=2100-01-01", INTERNAL_PAGE, label="draft, a later day"),
    Row("api:role-list", "/api/v1/roles/?as_of=2025-06-01", EVERYONE_OK, label="as of a day"),
    Row(
        "api:role-detail",
        "/api/v1/roles/{published}/",
        INTERNAL_PAGE,
        label="published, private catalogue",
        prepare=private_catalogue,
    ),
    Row("api:role-detail", "/api/v1/roles/{draft}.json", INTERNAL_PAGE, label="draft, format suffix"),
    Row(
        "api:role-detail",
        "/api/v1/roles/{draft}/",
        (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK),
        method="patch",
        label="a draft's title",
        json=True,
        body={"title": "直播运营(修订)"},
        effect=lambda ids: Role.objects.get(pk=ids["draft"]).title,
    ),
    Row(
        "api:role-detail",
        "/api/v1/roles/{draft}/",
        (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK),
        method="patch",
        label="a status is not written",
        json=True,
        body={"status": "published"},
        effect=lambda ids: Role.objects.get(pk=ids["draft"]).status,
        changed_for=(),  # publishing goes through review and approval, never the API
    ),
    Row(
        "api:role-detail",
        "/api/v1/roles/{published}/",
        (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK),
        method="patch",
        label="a published role's summary: the public keeps the approved text",
        json=True,
        body={"summary": "(仅限修订)"},
        effect=public_summary,
        changed_for=(),  # the role is a draft again until an approver publishes the change
    ),
    Row(
        "api:role-detail",
        "/api/v1/roles/{draft}/",
        (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK),
        method="put",
        label="a draft",
        json=True,
        body=lambda ids: new_role_data(title="直播运营主管", slug="live-ops", parent=role("store-manager").pk),
        effect=lambda ids: Role.objects.get(pk=ids["draft"]).title,
    ),
    Row(
        "api:role-detail",
        "/api/v1/roles/{draft}/",
        (UNAUTHENTICATED, DENIED, DENIED, NO_CONTENT, NO_CONTENT, NO_CONTENT),
        method="delete",
        label="a draft",
        effect=lambda ids: Role.objects.filter(pk=ids["draft"]).exists(),
    ),
    Row(
        "api:role-move",
        "/api/v1/roles/{draft}/move/",
        (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK),
        method="post",
        json=True,
        body=lambda ids: {"target": ids["target"], "position": "last-child"},
        effect=lambda ids: Role.objects.get(pk=ids["draft"]).parent_id,
    ),
    Row(
        "api:role-pay-estimate",
        "/api/v1/roles/{published}/pay-estimate/",
        PAY_API,
        method="post",
        json=True,
        body=ESTIMATE,
    ),
    Row(
        "api:pay-warning",
        "/api/v1/pay/warning/",
        PAY_API,
        method="post",
        json=True,
        body={"months": [{"performance_score": "55", "met_base_target": False}] * 3},
    ),
    Row("api:department-list", "/api/v1/departments/", EVERYONE_OK),
    Row("api:department-list", "/api/v1/departments/", (NOT_ALLOWED,) * 6, method="post", json=True, body={}),
    Row("api:department-detail", "/api/v1/departments/{department}/", EVERYONE_OK),
    Row("api:grade-list", "/api/v1/grades/", EVERYONE_OK),
    Row("api:grade-detail", "/api/v1/grades/{grade}/", EVERYONE_OK),
    # 序列 and 职等: everyone reads them (the band and its figures are absent for readers who may not
    # see pay: tests/roles/test_job_architecture.py); HR writes.
    Row("api:jobfamily-list", "/api/v1/job-families/", EVERYONE_OK),
    Row(
        "api:jobfamily-list",
        "/api/v1/job-families/",
        (UNAUTHENTICATED, DENIED, DENIED, CREATED, CREATED, CREATED),
        method="post",
        json=True,
        body={"code": "finance", "name": "财务", "order": 8, "color": "#9c755f"},
        effect=lambda ids: JobFamily.objects.filter(code="finance").exists(),
    ),
    Row("api:jobfamily-detail", "/api/v1/job-families/{jobfamily}/", EVERYONE_OK),
    Row(
        "api:jobfamily-detail",
        "/api/v1/job-families/{jobfamily}/",
        (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK),
        method="patch",
        json=True,
        body={"name": "综合管理"},
        effect=lambda ids: JobFamily.objects.get(pk=ids["jobfamily"]).name,
    ),
    Row(
        "api:jobfamily-detail",
        "/api/v1/job-families/{spare_jobfamily}/",
        (UNAUTHENTICATED, DENIED, DENIED, NO_CONTENT, NO_CONTENT, NO_CONTENT),
        method="delete",
        effect=lambda ids: JobFamily.objects.filter(pk=ids["spare_jobfamily"]).exists(),
    ),
    Row("api:paygrade-list", "/api/v1/pay-grades/", EVERYONE_OK),
    Row(
        "api:paygrade-list",
        "/api/v1/pay-grades/",
        (UNAUTHENTICATED, DENIED, DENIED, CREATED, CREATED, CREATED),
        method="post",
        json=True,
        body={"number": 30, "name": "三十等", "band_min": "40000.00", "band_max": "60000.00"},
        effect=lambda ids: PayGrade.objects.filter(number=30).exists(),
    ),
    Row("api:paygrade-detail", "/api/v1/pay-grades/{paygrade}/", EVERYONE_OK),
    Row(
        "api:paygrade-detail",
        "/api/v1/pay-grades/{paygrade}/",
        (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK),
        method="patch",
        json=True,
        body={"band_max": "31000.00"},
        effect=lambda ids: PayGrade.objects.get(pk=ids["paygrade"]).band_max,
    ),
    Row(
        "api:paygrade-detail",
        "/api/v1/pay-grades/{spare_paygrade}/",
        (UNAUTHENTICATED, DENIED, DENIED, NO_CONTENT, NO_CONTENT, NO_CONTENT),
        method="delete",
        effect=lambda ids: PayGrade.objects.filter(pk=ids["spare_paygrade"]).exists(),
    ),
    Row("api:payscheme-list", "/api/v1/pay-schemes/", PAY_API),
    Row(
        "api:payscheme-list",
        "/api/v1/pay-schemes/",
        (UNAUTHENTICATED, DENIED, DENIED, CREATED, CREATED, CREATED),
        method="post",
        label="HR creates a scheme",
        json=True,
        body={"code": "night-shift", "name": "晚班方案", "tiers": [{"min_score": "60", "rate": "1"}]},
        effect=lambda ids: PayScheme.objects.filter(code="night-shift").exists(),
    ),
    Row("api:payscheme-detail", "/api/v1/pay-schemes/{payscheme}/", PAY_API),
    Row("api:employee-list", "/api/v1/employees/", INTERNAL_API),
    Row("api:employee-list", "/api/v1/employees.json", INTERNAL_API, label="format suffix"),
    Row("api:employee-detail", "/api/v1/employees/{employee}/", INTERNAL_API),
    # HR places people, checked against the active headcount plan (a_headcount_plan: 美工 full under deny).
    Row(
        "api:employee-list",
        "/api/v1/employees/",
        HR_WRITES_CREATED,
        method="post",
        label="a role the plan does not control",
        json=True,
        body=lambda ids: {"name": "新客服", "employee_number": "M1", "role": ids["published"]},
        effect=lambda ids: Employee.objects.filter(employee_number="M1").exists(),
    ),
    Row(
        "api:employee-list",
        "/api/v1/employees/",
        (UNAUTHENTICATED, DENIED, DENIED, CONFLICT, CONFLICT, CONFLICT),
        method="post",
        label="over the plan under deny",
        json=True,
        body=lambda ids: {"name": "新美工", "employee_number": "M2", "role": role("designer").pk},
        effect=lambda ids: Employee.objects.filter(employee_number="M2").exists(),
    ),
    Row(
        "api:employee-detail",
        "/api/v1/employees/{employee}/",
        HR_WRITES,
        method="patch",
        json=True,
        body={"name": "王小明(改)"},
        effect=lambda ids: Employee.objects.get(pk=ids["employee"]).name,
    ),
    Row(
        "api:employee-detail",
        "/api/v1/employees/{employee}/",
        HR_WRITES,
        method="put",
        json=True,
        body=lambda ids: {
            "name": "王小明",
            "employee_number": "E0001",
            "role": ids["published"],
            "end_date": "2100-01-01",
        },
        effect=lambda ids: Employee.objects.get(pk=ids["employee"]).end_date,
    ),
    Row(
        "api:employee-move",
        "/api/v1/employees/{employee}/move/",
        HR_WRITES,
        method="post",
        json=True,
        body=lambda ids: {"role": ids["target"]},
        effect=lambda ids: Employee.objects.get(pk=ids["employee"]).role_id,
    ),
    Row(
        "api:employee-move",
        "/api/v1/employees/{employee}/move/",
        (UNAUTHENTICATED, DENIED, DENIED, CONFLICT, CONFLICT, CONFLICT),
        method="post",
        label="into a full role under deny",
        json=True,
        body=lambda ids: {"role": role("designer").pk},
        effect=lambda ids: Employee.objects.get(pk=ids["employee"]).role_id,
    ),
    # --- headcount plans (编制方案): managers read, HR writes
    Row("api:headcountplan-list", "/api/v1/headcount-plans/", INTERNAL_API),
    Row(
        "api:headcountplan-list",
        "/api/v1/headcount-plans/",
        HR_WRITES_CREATED,
        method="post",
        json=True,
        body={"name": "明年编制", "start_date": "2099-01-01", "end_date": "2099-12-31"},
        effect=lambda ids: headcount_plan_rows(),
    ),
    Row("api:headcountplan-detail", "/api/v1/headcount-plans/{headcount_plan}/", INTERNAL_API),
    Row(
        "api:headcountplan-detail",
        "/api/v1/headcount-plans/{headcount_plan}/",
        HR_WRITES,
        method="patch",
        json=True,
        body={"control_mode": "warn"},
        effect=lambda ids: headcount_plan_rows(),
    ),
    Row(
        "api:headcountplan-detail",
        "/api/v1/headcount-plans/{headcount_plan}/",
        HR_WRITES,
        method="put",
        json=True,
        body={"name": "年度编制(改)", "start_date": "2099-01-01", "end_date": "2099-12-31"},
        effect=lambda ids: headcount_plan_rows(),
    ),
    Row("api:headcountplan-lines", "/api/v1/headcount-plans/{headcount_plan}/lines/", INTERNAL_API),
    Row(
        "api:headcountplan-lines",
        "/api/v1/headcount-plans/{headcount_plan}/lines/",
        HR_WRITES_CREATED,
        method="post",
        json=True,
        body=lambda ids: {"department": ids["department"], "seats": 9},
        effect=lambda ids: headcount_plan_rows("lines"),
    ),
    Row(
        "api:headcountplan-line-detail",
        "/api/v1/headcount-plans/{headcount_plan}/lines/{headcount_line}/",
        INTERNAL_API,
    ),
    Row(
        "api:headcountplan-line-detail",
        "/api/v1/headcount-plans/{headcount_plan}/lines/{headcount_line}/",
        HR_WRITES,
        method="patch",
        json=True,
        body={"seats": 5},
        effect=lambda ids: headcount_plan_rows("lines"),
    ),
    Row(
        "api:headcountplan-line-detail",
        "/api/v1/headcount-plans/{headcount_plan}/lines/{headcount_line}/",
        HR_WRITES,
        method="put",
        json=True,
        body=lambda ids: {"role": role("designer").pk, "seats": 4, "control_mode": "warn"},
        effect=lambda ids: headcount_plan_rows("lines"),
    ),
    Row(
        "api:headcountplan-line-detail",
        "/api/v1/headcount-plans/{headcount_plan}/lines/{headcount_line}/",
        (UNAUTHENTICATED, DENIED, DENIED, NO_CONTENT, NO_CONTENT, NO_CONTENT),
        method="delete",
        effect=lambda ids: headcount_plan_rows("lines"),
    ),
    Row("api-schema", "/api/schema/", EVERYONE_OK),
    Row("api-docs", "/api/docs/", EVERYONE_OK),
    # --- the import page (HR adds roles from documents)
    Row("role-import", "/admin/roles/import/", (LOGIN, LOGIN, DENIED, OK, OK, OK)),
    Row(
        "role-import",
        "/admin/roles/import/",
        (LOGIN, LOGIN, DENIED, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        label="save a card as a draft",
        body={"step": "save", "text": CARD.replace("直播运营", "短视频运营"), "source_name": "jd.txt", "card": "1"},
        effect=lambda ids: Role.objects.filter(title="短视频运营", status=Role.Status.DRAFT).exists(),
    ),
    # --- the roster import (花名册导入): those who may add and change employees (HR, approvers, administrators)
    Row("orgchart:roster-import", "/orgchart/roster/import/", ROSTER_IMPORT),
    Row(
        "orgchart:roster-import",
        "/orgchart/roster/import/",
        ROSTER_IMPORT,
        method="post",
        label="preview a file",
        body=lambda ids: {"step": "preview", "file": roster_upload()},
        effect=lambda ids: Employee.objects.filter(employee_number="R0001").exists(),
        changed_for=(),  # a preview saves nothing
    ),
    Row(
        "orgchart:roster-import",
        "/orgchart/roster/import/",
        ROSTER_IMPORT,
        method="post",
        label="import the previewed rows",
        body=lambda ids: {
            "step": "import",
            "roster": roster_views.signed(parse_xlsx(roster_upload().read()), "r.xlsx"),
        },
        effect=lambda ids: Employee.objects.filter(employee_number="R0001").exists(),
    ),
    Row("orgchart:roster-template", "/orgchart/roster/template.xlsx", ROSTER_IMPORT, returns=XLSX),
    # --- the band table (职等) in Excel: pay readers export it; HR imports it (admin-styled, staff login)
    Row("roles:bands-xlsx", "/roles/bands.xlsx", INTERNAL_PAGE, returns=XLSX),
    Row("roles:bands-import", "/roles/bands/import/", BANDS_IMPORT),
    Row(
        "roles:bands-import",
        "/roles/bands/import/",
        BANDS_IMPORT,
        method="post",
        label="preview a file",
        body=lambda ids: {"step": "preview", "file": band_upload(ids)},
        effect=nine_band_max,
        changed_for=(),  # a preview saves nothing
    ),
    Row(
        "roles:bands-import",
        "/roles/bands/import/",
        BANDS_IMPORT,
        method="post",
        label="import the previewed file",
        body=band_import_body,
        effect=nine_band_max,
    ),
    # --- the admin site
    Row("admin:index", "/admin/", STAFF_PAGE),
    Row("admin:login", "/admin/login/", (OK, OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT)),
    Row("admin:logout", "/admin/logout/", (REDIRECT,) * 6, method="post"),
    Row("admin:logout", "/admin/logout/", (REDIRECT, REDIRECT, *(NOT_ALLOWED,) * 4)),
    Row("admin:password_change", "/admin/password_change/", STAFF_PAGE),
    Row("admin:password_change_done", "/admin/password_change/done/", STAFF_PAGE),
    Row(
        "admin:autocomplete",
        "/admin/autocomplete/?app_label=orgchart&model_name=employee&field_name=role&term=客服",
        STAFF_PAGE,
    ),
    Row("admin:jsi18n", "/admin/jsi18n/", STAFF_PAGE),
    # Role has no get_absolute_url: the admin's "view on site" link does not exist for it.
    Row("admin:view_on_site", "/admin/r/{role_type}/{published}/", (LOGIN, LOGIN, *(NOTFOUND,) * 4)),
    Row(
        "admin:auth_user_password_change",
        "/admin/auth/user/{auth_user_pk}/password/",
        (LOGIN, LOGIN, DENIED, DENIED, DENIED, OK),
    ),
    Row("admin:app_list", "/admin/roles/", STAFF_PAGE, label="roles"),
    Row("admin:app_list", "/admin/orgchart/", STAFF_PAGE, label="orgchart"),
    Row("admin:app_list", "/admin/shopconfig/", STAFF_PAGE, label="shopconfig"),
    Row("admin:app_list", "/admin/auth/", (LOGIN, LOGIN, NOTFOUND, NOTFOUND, NOTFOUND, OK), label="auth"),
    Row("admin:app_list", "/admin/authtoken/", (LOGIN, LOGIN, NOTFOUND, NOTFOUND, NOTFOUND, OK), label="authtoken"),
    Row("admin:app_list", "/admin/axes/", (LOGIN, LOGIN, NOTFOUND, NOTFOUND, NOTFOUND, OK), label="axes"),
    Row(
        "admin:app_list",
        "/admin/django_tasks_database/",
        (LOGIN, LOGIN, NOTFOUND, NOTFOUND, NOTFOUND, OK),
        label="tasks",
    ),
    Row("/admin/(?P<url>.*)$", "/admin/no-such-page/", (LOGIN, LOGIN, *(NOTFOUND,) * 4)),
    # The roles' tree: editing through the admin goes through roles/services.py and the workflow.
    Row(
        "admin:roles_role_changelist",
        "/admin/roles/role/",
        (LOGIN, LOGIN, OK, OK, OK, OK),
        method="post",
        label="drag and drop a role",
        body={"cmd": "move_node", "cut_item": "{draft}", "pasted_on": "{target}", "position": "last-child"},
        effect=lambda ids: Role.objects.get(pk=ids["draft"]).parent_id,
        changed_for=(HR, APPROVER, SUPERUSER),  # django-mptt answers "FAIL, no permission." with a 200
    ),
    Row(
        "admin:roles_role_changelist",
        "/admin/roles/role/",
        (LOGIN, LOGIN, OK, OK, OK, OK),
        method="post",
        label="the PDF of the selected roles",
        body={"action": "download_selected_pdf", "_selected_action": ["{published}", "{draft}"], "index": "0"},
        returns=PDF,
    ),
    Row(
        "admin:roles_role_changelist",
        "/admin/roles/role/",
        (LOGIN, LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        label="delete the selected roles",
        body={"action": "delete_selected", "_selected_action": ["{draft}"], "index": "0", "post": "yes"},
        effect=lambda ids: Role.objects.filter(pk=ids["draft"]).exists(),
        changed_for=(HR, APPROVER, SUPERUSER),  # the manager is sent back: no such action for them
    ),
    Row(
        "admin:roles_role_add",
        "/admin/roles/role/add/",
        (LOGIN, LOGIN, DENIED, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        body=admin_add_body,
        effect=lambda ids: Role.objects.filter(slug="night-cs").exists(),
    ),
    Row(
        "admin:roles_role_change",
        "/admin/roles/role/{published}/change/",
        (LOGIN, LOGIN, DENIED, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        body=admin_edit_body,
        effect=lambda ids: Role.objects.get(pk=ids["published"]).title,
    ),
    Row(
        "admin:roles_role_delete",
        "/admin/roles/role/{draft}/delete/",
        (LOGIN, LOGIN, DENIED, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        body={"post": "yes"},
        effect=lambda ids: Role.objects.filter(pk=ids["draft"]).exists(),
    ),
    Row(
        "admin:roles_role_simple_history",
        "/admin/roles/role/{published}/history/{role_record}/",
        (LOGIN, LOGIN, OK, OK, OK, OK),
        label="an earlier save",
    ),
    Row(
        "admin:roles_role_simple_history",
        "/admin/roles/role/{draft}/history/{draft_record}/",
        (LOGIN, LOGIN, DENIED, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        label="revert a draft to an earlier save",
        body=revert_body("/admin/roles/role/{draft}/history/{draft_record}/"),
        effect=lambda ids: Role.objects.get(pk=ids["draft"]).title,
    ),
    Row(
        "admin:roles_role_simple_history",
        "/admin/roles/role/{approved}/history/{approved_record}/",
        (LOGIN, LOGIN, DENIED, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        label="revert a published role: it goes back to draft",
        body=revert_body("/admin/roles/role/{approved}/history/{approved_record}/"),
        effect=status_of("approved"),
    ),
    Row(
        "admin:roles_payscheme_simple_history",
        "/admin/roles/payscheme/{payscheme}/history/{payscheme_record}/",
        (LOGIN, LOGIN, OK, OK, OK, OK),
        label="an earlier save",
    ),
    Row(
        "admin:roles_payscheme_simple_history",
        "/admin/roles/payscheme/{payscheme}/history/{payscheme_record}/",
        (LOGIN, LOGIN, DENIED, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        label="revert to an earlier save",
        body=revert_body("/admin/roles/payscheme/{payscheme}/history/{payscheme_record}/"),
        effect=lambda ids: PayScheme.objects.get(pk=ids["payscheme"]).name,
    ),
    # The workflow buttons: HR submits, archives and reopens; only approvers publish.
    Row(
        "admin:roles_role_workflow",
        "/admin/roles/role/{draft}/workflow/submit/",
        (LOGIN, LOGIN, DENIED, OK, OK, OK),
        label="submit",
    ),
    Row(
        "admin:roles_role_workflow",
        "/admin/roles/role/{draft}/workflow/submit/",
        (LOGIN, LOGIN, DENIED, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        label="submit",
        body={"comment": "新岗位,请审核"},
        effect=status_of("live-ops"),
    ),
    Row(
        "admin:roles_role_workflow",
        "/admin/roles/role/{in_review}/workflow/publish/",
        (LOGIN, LOGIN, DENIED, DENIED, OK, OK),
        label="publish",
    ),
    Row(
        "admin:roles_role_workflow",
        "/admin/roles/role/{in_review}/workflow/publish/",
        (LOGIN, LOGIN, DENIED, DENIED, REDIRECT, REDIRECT),
        method="post",
        label="publish",
        body=lambda ids: {"comment": "同意", "effective_date": timezone.localdate().isoformat()},
        effect=status_of("in-review"),
    ),
    Row(
        "admin:roles_role_workflow",
        "/admin/roles/role/{published}/workflow/archive/",
        (LOGIN, LOGIN, DENIED, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        label="archive",
        body={"comment": "岗位取消"},
        effect=status_of("store-cs"),
    ),
    Row(
        "admin:roles_role_workflow",
        "/admin/roles/role/{archived}/workflow/draft/",
        (LOGIN, LOGIN, DENIED, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        label="back to draft",
        body={"comment": "重新启用"},
        effect=status_of("archived"),
    ),
    Row(
        "admin:roles_role_workflow",
        "/admin/roles/role/{draft}/workflow/no-such-move/",
        (LOGIN, LOGIN, *(NOTFOUND,) * 4),
        label="unknown move",
    ),
    # --- reorganisation plans (调整方案): HR makes them, approvers decide; nobody else sees them
    Row("api:plan-list", "/api/v1/plans/", (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK)),
    Row(
        "api:plan-list",
        "/api/v1/plans/",
        (UNAUTHENTICATED, DENIED, DENIED, CREATED, CREATED, CREATED),
        method="post",
        json=True,
        body={"name": "双11 调整"},
        effect=lambda ids: plan_rows("name"),
    ),
    Row(
        "api:plan-detail",
        "/api/v1/plans/{plan}/",
        (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK),
        prepare=lambda ids: a_plan(ids),
    ),
    Row(
        "api:plan-detail",
        "/api/v1/plans/{plan}/",
        (UNAUTHENTICATED, DENIED, DENIED, NO_CONTENT, NO_CONTENT, NO_CONTENT),
        method="delete",
        label="a draft",
        prepare=lambda ids: a_plan(ids),
        effect=lambda ids: plan_rows("name"),
    ),
    Row(
        "api:plan-changes",
        "/api/v1/plans/{plan}/changes/",
        (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK),
        prepare=lambda ids: a_plan(ids),
    ),
    Row(
        "api:plan-changes",
        "/api/v1/plans/{plan}/changes/",
        (UNAUTHENTICATED, DENIED, DENIED, CREATED, CREATED, CREATED),
        method="post",
        json=True,
        body=lambda ids: {"kind": "headcount", "role": ids["target"], "headcount": 3},
        prepare=lambda ids: a_plan(ids),
        effect=lambda ids: plan_rows("changes"),
    ),
    Row(
        "api:plan-change-detail",
        "/api/v1/plans/{plan}/changes/1/",
        (UNAUTHENTICATED, DENIED, DENIED, NO_CONTENT, NO_CONTENT, NO_CONTENT),
        method="delete",
        prepare=lambda ids: a_plan(ids),
        effect=lambda ids: plan_rows("changes"),
    ),
    Row(
        "api:plan-diff",
        "/api/v1/plans/{plan}/diff/",
        (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK),
        prepare=lambda ids: a_plan(ids),
    ),
    Row(
        "api:plan-submit",
        "/api/v1/plans/{plan}/submit/",
        (UNAUTHENTICATED, DENIED, DENIED, OK, OK, OK),
        method="post",
        prepare=lambda ids: a_plan(ids),
        effect=lambda ids: plan_rows("status"),
    ),
    Row(
        "api:plan-approve",
        "/api/v1/plans/{plan}/approve/",
        (UNAUTHENTICATED, DENIED, DENIED, DENIED, OK, OK),
        method="post",
        json=True,
        body={},
        prepare=lambda ids: a_plan(ids, submitted=True),
        effect=lambda ids: (plan_rows("status"), role("store-cs").title),
    ),
    Row(
        "api:plan-reject",
        "/api/v1/plans/{plan}/reject/",
        (UNAUTHENTICATED, DENIED, DENIED, DENIED, OK, OK),
        method="post",
        json=True,
        body={"comment": "再想想"},
        prepare=lambda ids: a_plan(ids, submitted=True),
        effect=lambda ids: plan_rows("status"),
    ),
    # --- the plan pages: the same people; nobody else learns a plan exists (404)
    Row("orgchart:plans", "/orgchart/plans/", (*(NOTFOUND,) * 3, OK, OK, OK)),
    Row(
        "orgchart:plans",
        "/orgchart/plans/",
        (*(NOTFOUND,) * 3, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        label="start a plan",
        body={"name": "双11 调整"},
        effect=lambda ids: plan_rows("name"),
    ),
    Row("orgchart:plan", "/orgchart/plans/{plan}/", (*(NOTFOUND,) * 3, OK, OK, OK), prepare=lambda ids: a_plan(ids)),
    Row(
        "orgchart:plan-xlsx",
        "/orgchart/plans/{plan}.xlsx",
        (*(NOTFOUND,) * 3, OK, OK, OK),
        prepare=lambda ids: a_plan(ids),
        returns=XLSX,
    ),
    Row(
        "orgchart:plan-add-change",
        "/orgchart/plans/{plan}/changes/",
        (*(NOTFOUND,) * 3, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        body=lambda ids: {"kind": "headcount", "headcount-role": ids["target"], "headcount-headcount": "3"},
        prepare=lambda ids: a_plan(ids),
        effect=lambda ids: plan_rows("changes"),
    ),
    Row(
        "orgchart:plan-add-change",
        "/orgchart/plans/{plan}/changes/",
        (*(NOTFOUND,) * 3, *(NOT_ALLOWED,) * 3),
        label="not a POST",
        prepare=lambda ids: a_plan(ids),
    ),
    Row(
        "orgchart:plan-remove-change",
        "/orgchart/plans/{plan}/changes/1/remove/",
        (*(NOTFOUND,) * 3, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        prepare=lambda ids: a_plan(ids),
        effect=lambda ids: plan_rows("changes"),
    ),
    Row(
        "orgchart:plan-submit",
        "/orgchart/plans/{plan}/submit/",
        (*(NOTFOUND,) * 3, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        prepare=lambda ids: a_plan(ids),
        effect=lambda ids: plan_rows("status"),
    ),
    Row(
        "orgchart:plan-approve",
        "/orgchart/plans/{plan}/approve/",
        (*(NOTFOUND,) * 3, DENIED, REDIRECT, REDIRECT),
        method="post",
        body=lambda ids: {"effective_date": timezone.localdate().isoformat()},
        prepare=lambda ids: a_plan(ids, submitted=True),
        effect=lambda ids: (plan_rows("status"), role("store-cs").title),
    ),
    Row(
        "orgchart:plan-reject",
        "/orgchart/plans/{plan}/reject/",
        (*(NOTFOUND,) * 3, DENIED, REDIRECT, REDIRECT),
        method="post",
        body={"comment": "再想想"},
        prepare=lambda ids: a_plan(ids, submitted=True),
        effect=lambda ids: plan_rows("status"),
    ),
]


def a_plan(ids, submitted=False):
    """A draft plan by HR that renames 店铺客服 (submitted when asked), as ids["plan"]."""
    from orgchart import plans

    hr = User.objects.get(username=HR)
    plan = plans.create_plan(hr, "矩阵方案")
    plans.add_change(plan.pk, hr, "rename", ids["published"], title="店铺客服(方案)")
    if submitted:
        plans.submit(plan.pk, hr)
    ids["plan"] = plan.pk


def a_headcount_plan():
    """An active headcount plan for this year, 2 seats for 美工 (as many as are in post), under deny."""
    from orgchart.models import HeadcountLine, HeadcountPlan

    today = timezone.localdate()
    plan = HeadcountPlan.objects.create(
        name="年度编制",
        start_date=today.replace(month=1, day=1),
        end_date=today.replace(month=12, day=31),
        status="active",
        control_mode="deny",
    )
    HeadcountLine.objects.create(
        plan=plan, role=role("designer"), seats=Employee.objects.in_post().filter(role=role("designer")).count()
    )
    return plan


def headcount_plan_rows(of="plans"):
    """Every headcount plan's fields, or every plan line's: what a headcount plan row changes."""
    from orgchart.models import HeadcountLine, HeadcountPlan

    if of == "lines":
        return list(
            HeadcountLine.objects.order_by("pk").values_list("pk", "role", "department", "seats", "control_mode")
        )
    return list(HeadcountPlan.objects.order_by("pk").values_list("pk", "name", "start_date", "control_mode"))


def plan_rows(column):
    """Every plan's `column` ("changes": how many changes each has): what a plan row changes."""
    from django.db.models import Count

    from orgchart.models import Plan

    plans = Plan.objects.annotate(changes_count=Count("changes")).order_by("pk")
    return list(plans.values_list("changes_count" if column == "changes" else column, flat=True))


# ----------------------------------------------------------------------------- the admin's model URLs

ALL = "view add change delete"
# What each user may do with each registered model in the admin: (manager, hr, approver, superuser).
# Anonymous visitors and employees (not staff) are sent to the admin's login page everywhere.
ADMIN_MODELS = {
    "roles.role": ("view", ALL, ALL, ALL),
    "roles.payscheme": ("view", ALL, ALL, ALL),
    "roles.department": ("view", ALL, ALL, ALL),
    "roles.grade": ("view", ALL, ALL, ALL),
    "roles.jobfamily": ("view", ALL, ALL, ALL),
    "roles.paygrade": ("view", ALL, ALL, ALL),  # pay readers only (roles.admin.PayReadersOnly): all four may see pay
    "roles.shift": ("view", ALL, ALL, ALL),
    "orgchart.employee": ("view", ALL, ALL, ALL),
    "orgchart.headcountplan": ("view", ALL, ALL, ALL),  # HR plans headcount; managers read the plans
    # One row each, created on first use: nobody adds a second or deletes it.
    "shopconfig.shopprofile": ("view", "view change", "view change", "view change"),
    "shopconfig.paypolicy": ("view", "view change", "view change", "view change"),
    # Accounts, API tokens, login records and the task queue: administrators only.
    "auth.user": ("", "", "", ALL),
    "auth.group": ("", "", "", ALL),
    "authtoken.tokenproxy": ("", "", "", ALL),
    "axes.accessattempt": ("", "", "", "view change delete"),  # deleting one lifts its lockout
    "axes.accesslog": ("", "", "", "view change delete"),
    "axes.accessfailurelog": ("", "", "", "view change delete"),
    "django_tasks_database.dbtaskresult": ("", "", "", "view"),
}
# The task admin asks the configured backend about each task: the real one, not the tests' immediate one.
ADMIN_MODEL_SETTINGS = {
    "django_tasks_database.dbtaskresult": {"TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}}
}
ADMIN_URL_KINDS = {
    # kind: (address under the model's admin, the permissions that open it)
    "changelist": ("", {"view", "change"}),
    "add": ("add/", {"add"}),
    "change": ("{pk}/change/", {"view", "change"}),
    "history": ("{pk}/history/", {"view", "change"}),
    "delete": ("{pk}/delete/", {"delete"}),
    "object": ("{pk}/", None),  # the unnamed redirect to the change page, for any staff user
}


def admin_model_expect(model, kind):
    needed = ADMIN_URL_KINDS[kind][1]
    staff = {}
    for user, perms in zip(STAFF, ADMIN_MODELS[model], strict=True):
        staff[user] = REDIRECT if needed is None else (OK if needed & set(perms.split()) else DENIED)
    return (LOGIN, LOGIN, *(staff[user] for user in STAFF))


def admin_model_rows():
    for model in ADMIN_MODELS:
        app_label, model_name = model.split(".")
        for kind, (address, _perms) in ADMIN_URL_KINDS.items():
            url = f"/admin/{app_label}/{model_name}/{address}".replace("{pk}", f"{{{app_label}_{model_name}_pk}}")
            key = f"admin:{app_label}_{model_name}_{kind}"
            yield Row(key, url, admin_model_expect(model, kind), settings=ADMIN_MODEL_SETTINGS.get(model, {}))


ALL_ROWS = ROWS + list(admin_model_rows())


# ----------------------------------------------------------------------------- the data


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The seed, internal data, one role in each workflow state, the six users and one object of
    every admin model; built once, rolled back after the module (each test rolls back its own writes)."""
    # A cheap password hasher: the login and password rows are about who gets in, not about hashing cost.
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast_hashing, django_db_blocker.unblock(), transaction.atomic():
        ids = build_matrix()
        yield ids
        transaction.set_rollback(True)


def build_matrix():
    load_seed()
    draft = add_internal_data()
    make_user(EMPLOYEE)
    make_manager(MANAGER)
    hr = make_hr_user(HR)
    approver = make_hr_manager(APPROVER)
    make_user(SUPERUSER, superuser=True)
    boss = role("store-manager")
    in_review = make_role("审核中的岗位", parent=boss, slug="in-review", status=Role.Status.DRAFT)
    workflow.submit_for_review(in_review.pk, hr, "新岗位")
    archived = make_role("已归档的岗位", parent=boss, slug="archived", status=Role.Status.DRAFT)
    workflow.archive(archived.pk, hr)
    # A role approved with other content than it had first: reverting to its first save is an edit.
    approved = make_role("已批准的岗位", parent=boss, slug="approved", status=Role.Status.DRAFT, summary="初稿")
    approved_record = approved.history.earliest().history_id
    approved.summary = "定稿"
    services.save_role(approved, reason="定稿")
    workflow.submit_for_review(approved.pk, hr, "定稿")
    workflow.publish(approved.pk, approver, comment="同意")
    # An earlier save of the draft and of a pay scheme, for simple-history's version pages.
    draft_record = draft.history.earliest().history_id
    draft.title = "直播运营专员"
    services.save_role(draft, reason="改名")
    scheme = PayScheme.objects.order_by("pk").first()
    scheme_record = scheme.history.earliest().history_id
    scheme.name = f"{scheme.name}(新)"
    scheme.save()
    ShopProfile.load()
    PayPolicy.load()
    Token.objects.create(user=hr)
    attempt = {"user_agent": "test", "ip_address": "127.0.0.1", "username": HR, "http_accept": "*/*", "path_info": "/"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(**attempt)
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="orgchart.handbook.build_handbook_task",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    done = {
        "language": "zh-hans",
        "status": HandbookExport.Status.DONE,
        "step": HandbookExport.Step.DONE,
        "roles_count": 16,
        "pages": 24,
        "size": 15,
        "finished_at": timezone.now(),
    }
    public_export = HandbookExport.objects.create(task_id="public-handbook", with_pay=False, **done)
    HandbookExport.objects.create(task_id="pay-handbook", with_pay=True, **done)
    headcount_plan = a_headcount_plan()
    ids = {
        "headcount_plan": headcount_plan.pk,
        "headcount_line": headcount_plan.lines.get(role=role("designer")).pk,
        "published": role("store-cs").pk,
        "draft": draft.pk,
        "in_review": in_review.pk,
        "archived": archived.pk,
        "target": role("cs-supervisor").pk,
        "department": Department.objects.order_by("pk").first().pk,
        "grade": Grade.objects.order_by("pk").first().pk,
        "jobfamily": JobFamily.objects.order_by("pk").first().pk,
        "spare_jobfamily": JobFamily.objects.create(code="spare", name="备用序列").pk,  # no role: deletable
        "paygrade": PayGrade.objects.get(number=9).pk,
        "spare_paygrade": PayGrade.objects.create(number=20, name="备用", band_min=1, band_max=2).pk,
        "payscheme": scheme.pk,
        "employee": Employee.objects.order_by("pk").first().pk,
        "role_type": ContentType.objects.get_for_model(Role).pk,
        "role_record": role("store-cs").history.earliest().history_id,
        "draft_record": draft_record,
        "approved": approved.pk,
        "approved_record": approved_record,
        "payscheme_record": scheme_record,
        "public_export": public_export.pk,
    }
    for model in ADMIN_MODELS:
        app_label, model_name = model.split(".")
        first = ContentType.objects.get_by_natural_key(app_label, model_name).model_class().objects.order_by("pk")[0]
        ids[f"{app_label}_{model_name}_pk"] = first.pk
    assert not Role.objects.filter(slug="night-cs").exists()
    assert Shift.objects.exists() and Group.objects.filter(name=HR_GROUP).exists()
    return ids


@pytest.fixture
def export_files(matrix, private_media, db):
    """The finished handbooks' files, in this test's own media folder."""
    for export in HandbookExport.objects.filter(status=HandbookExport.Status.DONE):
        export.path.parent.mkdir(parents=True, exist_ok=True)
        export.path.write_bytes(b"%PDF-1.7\n%test\n")


# ----------------------------------------------------------------------------- the tests


def cases():
    for row in ALL_ROWS:
        for user in USERS:
            marks = [pytest.mark.xfail(strict=True, reason=row.bugs[user])] if user in row.bugs else []
            yield pytest.param(row, user, id=f"{row.id} [{user}]", marks=marks)


def fill(value, ids):
    if callable(value):
        return value(ids)
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


def outcome(response):
    """The response as the table writes it."""
    if response.status_code == 302:
        path = urlsplit(response["Location"]).path
        return LOGIN if path in (reverse("login"), reverse("admin:login")) else REDIRECT
    return response.status_code


@pytest.mark.parametrize(("row", "user"), list(cases()))
def test_permission_matrix(row, user, matrix, export_files, client, settings):
    for name, value in row.settings.items():
        setattr(settings, name, value)
    if user != ANONYMOUS:
        client.force_login(User.objects.get(username=user))
    if row.prepare:
        row.prepare(matrix)
    url = row.url.format(**matrix)
    body = fill(row.body, matrix)
    before = row.effect(matrix) if row.effect else None

    send = getattr(client, row.method)
    if row.json:
        response = send(url, body, content_type="application/json")
    elif body is None:
        response = send(url)
    else:
        response = send(url, body)

    expected = row.expect[USERS.index(user)]
    assert outcome(response) == expected, (response.status_code, response.get("Location"), response.content[:300])
    if row.returns and expected == OK:
        assert response["Content-Type"].startswith(row.returns)
    if response.status_code == UNAUTHENTICATED:
        assert response["WWW-Authenticate"]  # the API asks for credentials
    if row.effect:
        after = row.effect(matrix)
        if row.must_change(user):
            assert after != before, f"{user}'s {row.method.upper()} should have changed {before!r}"
        else:
            assert after == before, f"{user}'s {row.method.upper()} changed {before!r} to {after!r}"


PAY_READERS = (MANAGER, HR, APPROVER, SUPERUSER)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("url", ["/roles/architecture/", "/roles/architecture.xlsx", "/roles/architecture.pdf"])
def test_the_architecture_matrix_shows_bands_to_pay_readers_only(url, user, matrix, client, db):
    """The bands of the matrix (page, Excel, PDF) never reach a reader who may not see pay."""
    from tests.pdf_tools import pdf_text, squeezed

    if user != ANONYMOUS:
        client.force_login(User.objects.get(username=user))
    response = client.get(url)
    assert response.status_code == 200
    if url.endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        text = " ".join(str(value) for row in sheet.iter_rows(values_only=True) for value in row if value is not None)
    elif url.endswith(".pdf"):
        text = squeezed(pdf_text(response.content))
    else:
        text = response.content.decode()
    maximum = f"{PayGrade.objects.get(number=9).band_max:.0f}"  # the highest band's maximum, in no title
    assert (maximum in text) is (user in PAY_READERS)


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, key) of every URL pattern the project answers, recursively through includes."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, route, inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield route, pattern_key(pattern, route, namespace)


def admin_model_prefixes():
    return {
        f"admin/{model._meta.app_label}/{model._meta.model_name}/": model._meta.label_lower
        for model in admin.site._registry
    }


def pattern_key(pattern, route, namespace):
    if pattern.name:
        return f"{namespace}{pattern.name}"
    for prefix, model in admin_model_prefixes().items():
        if route.startswith(prefix) and route[len(prefix) :] == "<path:object_id>/":
            app_label, model_name = model.split(".")
            return f"admin:{app_label}_{model_name}_object"
    return "/" + route


def test_every_url_pattern_has_a_row():
    keys = {row.key for row in ALL_ROWS}
    missing = sorted({f"{key}  ({route})" for route, key in url_patterns() if key not in keys})
    assert not missing, "URL patterns without a decision in the permission matrix:\n" + "\n".join(missing)


def test_every_row_names_a_url_pattern_that_exists():
    known = {key for _route, key in url_patterns()} | {"static", "media"}
    assert not sorted({row.key for row in ALL_ROWS} - known)


def test_every_admin_model_has_a_decision():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADMIN_MODELS)


def test_the_table_has_one_row_per_case():
    ids = [row.id for row in ALL_ROWS]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_the_users_hold_the_permissions_the_table_assumes(matrix, db):
    """The groups as roles/apps.py makes them: the columns mean what the docstring says."""
    users = {u.username: u for u in User.objects.filter(username__in=USERS)}
    assert not users[EMPLOYEE].is_staff and not users[EMPLOYEE].get_all_permissions()
    assert users[MANAGER].has_perm("roles.view_payscheme") and not users[MANAGER].has_perm("roles.change_role")
    assert users[HR].has_perm("roles.change_role") and not users[HR].has_perm("roles.publish_role")
    assert users[HR].has_perm("orgchart.change_employee")  # people in roles, though orgchart migrates last
    assert users[APPROVER].has_perm("roles.publish_role")
    assert all(users[u].is_staff for u in STAFF)

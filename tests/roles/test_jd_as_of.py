"""Job descriptions as of any day (issue 12, item 2): ?as_of= on the list, a role's page, its PDF
and Word file, and the API's list and detail, through the one read path."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import translation
from docx import Document
from rest_framework.test import APIClient

from roles import services, workflow
from roles.models import Department, Role
from tests.factories import make_hr_manager, make_hr_user, make_manager
from tests.pdf_tools import pdf_text, squeezed
from tests.queries import assert_constant_queries

D = datetime.date
TODAY = D(2026, 3, 16)
BEGINNING = D(2025, 1, 1)  # the seed is in force from this day
OLD_DUTY = "处理网站客人售前咨询,引导其交易完成"
NEW_DUTY = "处理网站与直播间客人的售前咨询,引导其交易完成"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


def at(day):
    """The clock at noon of `day` in the shop's time zone."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 4, 0, tzinfo=datetime.UTC), tick=False)


def approve_new_first_duty(role, text, day):
    """HR changes the role's first duty; an approver publishes it effective `day`."""
    hr, approver = User.objects.get(username="hr-as-of"), User.objects.get(username="approver-as-of")
    duties = [{"text": text}, *({"text": duty.text} for duty in role.duties.all()[1:])]
    workflow.save_edit(role, "改职责", duties=duties)
    workflow.after_edit(role.pk, hr)
    workflow.submit_for_review(role.pk, hr, "加入直播间咨询")
    return workflow.publish(role.pk, approver, day)


@pytest.fixture
def history(seeded):
    """Since the seed (2025-01-01): 店铺客服 got a new first duty from 2026-02-01 and was renamed
    网店客服 from 2026-03-01; 推广专员 reports to 店长 from 2026-02-01; the draft 直播运营 exists from
    2026-03-01; and 店铺客服's next duty is approved for 2026-04-01."""
    make_hr_user("hr-as-of")
    make_hr_manager("approver-as-of")
    with at(TODAY):
        cs = Role.objects.get(slug="store-cs")
        approve_new_first_duty(cs, NEW_DUTY, D(2026, 2, 1))
        cs = Role.objects.get(pk=cs.pk)
        cs.title = "网店客服"
        services.save_role(cs, effective_date=D(2026, 3, 1))
        services.move_role(
            Role.objects.get(slug="promotion-specialist").pk,
            Role.objects.get(slug="store-manager").pk,
            effective_date=D(2026, 2, 1),
        )
        boss = Role.objects.get(slug="store-manager")
        new = Role(title="直播运营", slug="live-ops", parent=boss, department=boss.department, grade=boss.grade)
        services.save_role(new, effective_date=D(2026, 3, 1))
        approve_new_first_duty(Role.objects.get(pk=cs.pk), NEW_DUTY + "(四月起)", D(2026, 4, 1))
        yield


@pytest.fixture
def manager(client):
    client.force_login(make_manager())
    return client


def page(client, url):
    answer = client.get(url, **ZH)
    assert answer.status_code == 200, answer.status_code
    return answer.content.decode()


def reporting_line(html):
    """The breadcrumb of a job-description page: the list, then every superior, then the role."""
    return html.split('class="breadcrumb"')[1].split("</nav>")[0]


# ---------------------------------------------------------------------------- the page of a day


def test_a_page_of_a_past_day_shows_what_was_approved_then_in_that_days_place(history, client):
    january = page(client, "/roles/store-cs/?as_of=2026-01-15")
    assert OLD_DUTY in january and NEW_DUTY not in january
    assert "店铺客服" in january and "网店客服" not in january
    assert "2026-01-15" in january and "不是今天" in january
    february = page(client, "/roles/store-cs/?as_of=2026-02-15")
    assert NEW_DUTY in february and "店铺客服" in february
    today = page(client, "/roles/store-cs/")
    assert "网店客服" in today and "不是今天" not in today


def test_superiors_and_subordinates_are_those_of_the_day(history, client):
    assert "推广主管" in reporting_line(page(client, "/roles/promotion-specialist/?as_of=2026-01-15"))
    assert "推广主管" not in reporting_line(page(client, "/roles/promotion-specialist/"))
    january = page(client, "/roles/promotion-supervisor/?as_of=2026-01-15")
    assert "/roles/promotion-specialist/?as_of=2026-01-15" in january  # subordinate, link keeps the day
    assert "/roles/promotion-specialist/" not in page(client, "/roles/promotion-supervisor/")


def test_links_carry_the_day(history, client):
    html = page(client, "/roles/store-cs/?as_of=2026-01-15")
    for link in ("/roles/store-cs.pdf?as_of=2026-01-15", "/roles/store-cs.docx?as_of=2026-01-15"):
        assert link in html
    assert "/roles/cs-supervisor/?as_of=2026-01-15" in html and "/roles/?as_of=2026-01-15" in html
    listed = page(client, "/roles/?as_of=2026-01-15")
    assert "/roles/store-cs/?as_of=2026-01-15" in listed and 'name="as_of" value="2026-01-15"' in listed


def test_a_role_not_in_the_organisation_that_day_is_404(history, manager):
    assert manager.get("/roles/live-ops/").status_code == 200
    assert manager.get("/roles/live-ops/?as_of=2026-02-15").status_code == 404
    assert manager.get("/roles/live-ops.pdf?as_of=2026-02-15").status_code == 404
    assert manager.get("/roles/live-ops.docx?as_of=2026-02-15").status_code == 404
    assert "直播运营" not in page(manager, "/roles/?as_of=2026-02-15")
    assert "直播运营" in page(manager, "/roles/?as_of=2026-03-01")


def test_staff_read_an_approved_version_on_its_future_day_and_visitors_read_today(history, client, manager):
    assert "(四月起)" in page(manager, "/roles/store-cs/?as_of=2026-04-01")
    assert "(四月起)" not in page(manager, "/roles/store-cs/?as_of=2026-03-31")
    client.logout()
    visitor = page(client, "/roles/store-cs/?as_of=2026-04-01")
    assert "(四月起)" not in visitor and NEW_DUTY in visitor  # today's, with a note saying so
    assert "只向经理和人力资源显示" in visitor
    assert "直播运营" not in page(client, "/roles/?as_of=2026-04-01")  # a draft stays hidden on any day


def test_before_the_first_record_the_earliest_day_is_shown_with_a_note(history, client):
    html = page(client, "/roles/store-cs/?as_of=2020-05-01")
    assert OLD_DUTY in html and "2025-01-01" in html and "2020-05-01" in html and "最早" in html


@pytest.mark.parametrize("url", ["/roles/", "/roles/store-cs/", "/roles/store-cs.pdf", "/roles/store-cs.docx"])
@pytest.mark.parametrize("value", ["yesterday", "2026-02-30", "1899-12-31", ""])
def test_a_day_that_is_not_a_date_is_a_400_in_chinese(history, client, url, value):
    answer = client.get(f"{url}?as_of={value}", **ZH)
    assert answer.status_code == 400
    assert "YYYY-MM-DD" in answer.content.decode() and "日期" in answer.content.decode()


# ---------------------------------------------------------------------------- the list of a day


def test_the_list_of_a_day_shows_that_days_titles_superiors_and_departments(history, client):
    january = page(client, "/roles/?as_of=2026-01-15")
    assert "店铺客服" in january and "网店客服" not in january and "不是今天" in january
    promo_row = next(row for row in january.split("<tr>") if "promotion-specialist" in row)
    assert "推广主管" in promo_row
    today_row = next(row for row in page(client, "/roles/").split("<tr>") if "promotion-specialist" in row)
    assert "店长" in today_row and "推广主管" not in today_row


def test_the_list_searches_the_words_in_force_that_day(history, client):
    assert "store-cs" in page(client, "/roles/?q=直播间")
    assert "store-cs" not in page(client, "/roles/?q=直播间&as_of=2026-01-15")
    assert "store-cs" in page(client, "/roles/?q=直播间&as_of=2026-02-15")


def test_the_department_filter_reads_the_department_of_the_day(history, client):
    with at(TODAY):
        cs = Role.objects.get(slug="store-cs")
        cs.department = Department.objects.get(code="warehouse")
        services.save_role(cs)
    assert "store-cs" in page(client, "/roles/?department=warehouse")
    assert "store-cs" not in page(client, "/roles/?department=warehouse&as_of=2026-02-15")
    assert "store-cs" in page(client, "/roles/?department=customer-service&as_of=2026-02-15")


# ---------------------------------------------------------------------------- PDF and Word


def test_the_pdf_and_word_of_a_day(history, client):
    pdf = squeezed(pdf_text(client.get("/roles/store-cs.pdf?as_of=2026-01-15").content))
    assert squeezed(OLD_DUTY) in pdf and squeezed(NEW_DUTY) not in pdf and "2026-01-15" in pdf
    answer = client.get("/roles/store-cs.docx?as_of=2026-01-15", **ZH)
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert OLD_DUTY in text and NEW_DUTY not in text and "截至 2026-01-15" in text
    assert "2026-01-15" in answer["Content-Disposition"]


# ---------------------------------------------------------------------------- the API


@pytest.fixture
def api(history):
    return APIClient()


def test_the_api_detail_and_list_of_a_day(api):
    cs = Role.objects.get(slug="store-cs")
    january = api.get(f"/api/v1/roles/{cs.pk}/?as_of=2026-01-15").json()
    assert january["title"] == "店铺客服" and january["duties"][0]["text"] == OLD_DUTY
    assert api.get(f"/api/v1/roles/{cs.pk}/").json()["title"] == "网店客服"
    promo = Role.objects.get(slug="promotion-specialist")
    rows = {row["slug"]: row for row in api.get("/api/v1/roles/?as_of=2026-01-15&page_size=500").json()["results"]}
    assert rows["promotion-specialist"]["parent"] == Role.objects.get(slug="promotion-supervisor").pk
    assert rows["store-cs"]["title"] == "店铺客服"
    assert api.get(f"/api/v1/roles/{promo.pk}/").json()["parent"] == Role.objects.get(slug="store-manager").pk


def test_the_api_refuses_a_bad_day_naming_the_parameter(api):
    cs = Role.objects.get(slug="store-cs")
    for url in ("/api/v1/roles/?as_of=2026-13-01", f"/api/v1/roles/{cs.pk}/?as_of=x"):
        answer = api.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert answer.status_code == 400 and list(answer.json()) == ["as_of"]


def test_the_api_of_a_day_without_the_role_is_404(api):
    api.force_authenticate(make_manager("api-manager"))
    live_ops = Role.objects.get(slug="live-ops")
    assert api.get(f"/api/v1/roles/{live_ops.pk}/?as_of=2026-02-15").status_code == 404
    assert api.get(f"/api/v1/roles/{live_ops.pk}/").status_code == 200


def test_the_schema_documents_as_of_on_list_and_retrieve(api):
    schema = api.get("/api/schema/?format=json").json()
    for path in ("/api/v1/roles/", "/api/v1/roles/{id}/"):
        names = [parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]]
        assert "as_of" in names, path


# ---------------------------------------------------------------------------- queries


def grow():
    """Ten more published roles, in the organisation since the seed's day, each with a subordinate."""
    boss = Role.objects.get(slug="store-manager")
    for n in range(10):
        with at(TODAY):
            parent = None
            for title in (f"新岗位{n}", f"新专员{n}"):
                role = Role(
                    title=title,
                    parent=parent or boss,
                    department=boss.department,
                    grade=boss.grade,
                    status=Role.Status.PUBLISHED,
                )
                role = services.save_role(role, effective_date=BEGINNING)
                workflow.publish_loaded(role, effective_date=BEGINNING)
                parent = role


@pytest.mark.parametrize(
    "url",
    [
        "/roles/?as_of=2026-01-15",
        "/roles/?as_of=2026-01-15&q=岗位",
        "/roles/store-manager/?as_of=2026-01-15",
        "/roles/store-manager.docx?as_of=2026-01-15",
        "/api/v1/roles/?as_of=2026-01-15",
        "/api/v1/roles/1/?as_of=2026-01-15",
    ],
)
@pytest.mark.parametrize("who", ["visitor", "manager"])
def test_reading_a_day_costs_the_same_queries_whatever_the_number_of_roles(history, client, url, who):
    if who == "manager":
        client.force_login(make_manager("counting-manager"))
    url = url.replace("/1/", f"/{Role.objects.get(slug='store-manager').pk}/")

    def view():
        assert client.get(url).status_code == 200

    assert_constant_queries(view, grow)


# ---------------------------------------------------------------------------- the handbook


def test_the_handbook_of_a_day_prints_that_days_branch_and_words(history):
    from orgchart.handbook import build_handbook

    with translation.override("zh-hans"):
        january, today = io.BytesIO(), io.BytesIO()
        build_handbook(january, language="zh-hans", root_slug="promotion-supervisor", as_of=D(2026, 1, 15))
        build_handbook(today, language="zh-hans", root_slug="promotion-supervisor")
    january, today = squeezed(pdf_text(january.getvalue())), squeezed(pdf_text(today.getvalue()))
    assert "推广专员" in january and squeezed("截至 2026-01-15 有效") in january
    assert "推广专员" not in today and "2026-01-15" not in today


def test_the_handbook_of_a_day_costs_the_same_queries_whatever_the_number_of_roles(history):
    from orgchart.handbook import build_handbook

    assert_constant_queries(lambda: build_handbook(None, language="zh-hans", as_of=D(2026, 1, 15)), grow)

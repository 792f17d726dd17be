"""People on the chart (issue 13, item 4): readers who may see people's names see who holds each role
on its card, the list with start dates and the search finds people; nobody else sees a name anywhere:
not in the page, the chart data, the chart files, the exports or the API."""

import datetime
import io
import itertools
import json
import re
import zipfile

import pytest
from defusedxml import ElementTree
from django.utils.translation import gettext as _
from PIL import Image

from orgchart.chartfile.layout import CARD_H, CARD_NAMES, PEOPLE_LINE
from orgchart.chartfile.scene import TEXT_ROOM, card_names
from orgchart.chartfile.svg import chart_svg
from orgchart.chartfile.text import text_width
from orgchart.models import Employee
from orgchart.staffing import chart_nodes
from roles import dated
from roles.models import Role
from tests.factories import make_hr_user, make_manager, make_role, make_user
from tests.pages import page_view
from tests.pdf_tools import pdf_text, squeezed
from tests.queries import assert_constant_queries

SVG = "{http://www.w3.org/2000/svg}"
# The catalogue fixture's people (tests.pages.add_internal_data): names and employee numbers.
NAMES = ("王小明", "李红")
NUMBERS = ("E0001", "E0002")
DAY = datetime.timedelta(days=1)


def as_manager(client):
    client.force_login(make_manager())
    return client


def chart(client, **params):
    """The chart data as chart.js unpacks it: one dict per role, by address."""
    data = client.get("/orgchart/data.json", params).json()
    return data, {node["slug"]: node for node in chart_nodes(data)}


def assert_no_names(text):
    for secret in NAMES + NUMBERS:
        assert secret not in text, f"{secret} shown"


def svg_texts(svg):
    return ["".join(t.itertext()) for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]


def office_text(content):
    """The text of every XML part of a .docx or .xlsx (not its attributes, where fonts have codes)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = [ElementTree.fromstring(archive.read(name)) for name in archive.namelist() if name.endswith(".xml")]
    return "\n".join(text for part in parts for text in part.itertext())


# ---------------------------------------------------------------------------- the chart data


def test_a_manager_gets_who_holds_each_role_with_start_dates_earliest_first(catalogue, client):
    cs = Role.objects.get(slug="store-cs")
    today = dated.today()
    Employee.objects.create(name="赵六", employee_number="E0003", role=cs, start_date=today - 30 * DAY)
    Employee.objects.create(name="钱七", employee_number="E0004", role=cs, start_date=today - 400 * DAY)
    data, nodes = chart(as_manager(client))
    assert data["columns"][-1] == "people"
    started = (today - 400 * DAY).isoformat(), (today - 30 * DAY).isoformat()
    # 王小明 has no start date recorded: after those who have one
    assert nodes["store-cs"]["people"] == [["钱七", "E0004", started[0]], ["赵六", "E0003", started[1]],
                                           ["王小明", "E0001", None]]  # fmt: skip
    assert nodes["store-cs"]["filled"] == 3
    assert nodes["designer"]["people"] == [["李红", "E0002", None]]
    assert nodes["warehouse-clerk"]["people"] == [] and nodes["warehouse-clerk"]["filled"] == 0


@pytest.mark.parametrize("who", ["anonymous", "no permission"])
def test_visitors_and_users_without_the_permission_get_counts_and_no_names(catalogue, client, who):
    if who == "no permission":
        client.force_login(make_user("plain"))
    response = client.get("/orgchart/data.json")
    assert_no_names(response.content.decode())
    data, nodes = chart(client)
    assert "people" not in data["columns"] and nodes["store-cs"]["filled"] == 1


def test_people_come_and_go_on_their_dates_and_a_past_day_shows_who_was_in_post_then(catalogue, client):
    today = dated.today()
    cs = Role.objects.get(slug="store-cs")
    Employee.objects.create(name="新人", employee_number="E0010", role=cs, start_date=today + 7 * DAY)
    Employee.objects.create(name="老员工", employee_number="E0011", role=cs, start_date=today - 90 * DAY,
                            end_date=today - 10 * DAY)  # fmt: skip
    Employee.objects.filter(name="王小明").update(start_date=today - 20 * DAY)
    _data, nodes = chart(as_manager(client))
    assert [p[0] for p in nodes["store-cs"]["people"]] == ["王小明"]  # the hire starts next week; the leaver left
    day = (today - 30 * DAY).isoformat()
    _data, then = chart(client, as_of=day)
    assert [p[0] for p in then["store-cs"]["people"]] == ["老员工"] and then["store-cs"]["filled"] == 1
    _data, public = chart(client.logout() or client, as_of=day)
    assert public["store-cs"]["filled"] == 1  # counted on the day shown for everyone, named for no visitor


def test_a_comparison_keeps_every_row_the_shape_of_the_columns(catalogue, client):
    role = make_role("临时岗位", parent=Role.objects.get(slug="store-manager"), slug="temporary")
    Employee.objects.create(name="孙八", employee_number="E0020", role=role)
    as_manager(client)
    yesterday = (dated.today() - DAY).isoformat()
    data = client.get("/orgchart/data.json", {"as_of": yesterday, "compare": dated.today().isoformat()}).json()
    assert data["compare"]["ghosts"] and all(
        len(r) == len(data["columns"]) for r in data["rows"] + data["compare"]["ghosts"]
    )


def test_the_data_with_names_takes_the_same_queries_however_many_roles_and_people(catalogue, client):
    numbers = itertools.count()

    def grow():
        """Five more roles, each under the one before, with eight people each."""
        role = Role.objects.get(slug="cs-supervisor")
        for _i in range(5):
            role = make_role(parent=role, department=role.department, grade=role.grade)
            for n in itertools.islice(numbers, 8):
                Employee.objects.create(name=f"员工{n}", employee_number=f"G{n}", role=role, start_date=dated.today())

    as_manager(client)
    for url in ("/orgchart/data.json", "/orgchart/"):
        assert_constant_queries(page_view(client, url), grow)


def test_a_change_to_anyone_shows_at_once_though_the_names_are_kept(catalogue, client):
    as_manager(client)
    chart(client)  # kept now
    person = Employee.objects.get(name="王小明")
    person.name = "王晓明"
    person.save()
    added = Employee.objects.create(name="周九", employee_number="E0030", role=person.role)
    assert [p[0] for p in chart(client)[1]["store-cs"]["people"]] == ["周九", "王晓明"]
    added.end_date = dated.today() - DAY
    added.save()
    assert [p[0] for p in chart(client)[1]["store-cs"]["people"]] == ["王晓明"]
    Employee.objects.get(name="李红").delete()
    assert chart(client)[1]["designer"]["people"] == []


def test_names_kept_for_a_manager_never_reach_a_visitor(catalogue, client):
    manager, visitor = client, type(client)()
    as_manager(manager)
    assert "王小明" in manager.get("/orgchart/data.json").content.decode()
    for url in ("/orgchart/data.json", "/orgchart/", "/orgchart.svg"):
        assert_no_names(visitor.get(url).content.decode())
    hr = type(client)()
    hr.force_login(make_hr_user())
    assert "王小明" in hr.get("/orgchart/data.json").content.decode()


# ---------------------------------------------------------------------------- the page


def test_the_page_names_people_for_a_manager_and_nobody_for_a_visitor(catalogue, client):
    page = client.get("/orgchart/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert_no_names(page)
    assert 'id="orgchart-people"' not in page and 'placeholder="查找岗位"' in page
    page = as_manager(client).get("/orgchart/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'id="orgchart-people"' in page and 'placeholder="查找岗位或人员"' in page
    outline = page[page.index('id="orgchart-outline"') :]
    item = outline[outline.index('data-slug="store-cs"') :]
    assert '<span class="oc-names">王小明</span>' in item[: item.index("</li>")]  # without JavaScript too
    data = json.loads(re.search(r'<script id="orgchart-data" type="application/json">(.*?)</script>', page).group(1))
    assert ["王小明", "E0001", None] in next(r[-1] for r in data["rows"] if r[2] == "store-cs")


def test_the_outline_names_the_first_people_and_counts_the_rest(catalogue, client):
    cs = Role.objects.get(slug="store-cs")
    for i in range(4):
        Employee.objects.create(name=f"客服{i}", employee_number=f"C{i}", role=cs, start_date=dated.today() - i * DAY)
    page = as_manager(client).get("/orgchart/").content.decode()
    assert '<span class="oc-names">客服3 · 客服2 · +3</span>' in page


# ---------------------------------------------------------------------------- the files


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_the_chart_files_name_people_for_a_manager_only(catalogue, client, fmt):
    def text(response):
        assert response.status_code == 200
        return response.content.decode() if fmt == "svg" else squeezed(pdf_text(response.content))

    assert_no_names(text(client.get(f"/orgchart.{fmt}")))
    named = text(as_manager(client).get(f"/orgchart.{fmt}"))
    assert "王小明" in named and "李红" in named


def test_the_png_draws_the_names_line_for_a_manager_only(catalogue, client):
    def card_tops(svg):
        """The top-left corner of each card by title, read off the SVG's groups."""
        tops = {}
        for g in ElementTree.fromstring(svg).iter(f"{SVG}g"):
            x, y = (float(v) for v in re.match(r"translate\(([\d.]+) ([\d.]+)\)", g.get("transform")).groups())
            tops[g.find(f"{SVG}title").text.split("\n")[0]] = (x, y)
        return tops

    def names_line(client):
        """The PNG's pixels under 店铺客服's numbers, where a card lists the people (2 px per CSS px)."""
        x, y = card_tops(client.get("/orgchart.svg").content.decode())["店铺客服"]
        image = Image.open(io.BytesIO(client.get("/orgchart.png").content)).convert("L")
        return image.crop((int(2 * x + 36), int(2 * (y + CARD_H)), int(2 * x + 120), int(2 * (y + CARD_H + 17))))

    visitor = names_line(client)
    assert visitor.getextrema()[0] > 200  # below the card's numbers: nothing drawn, the card has ended
    manager = names_line(as_manager(client))
    assert manager.getextrema()[0] < 80  # dark strokes: the name in its chip


def test_anonymous_chart_files_keep_cards_of_the_usual_height(catalogue, client):
    def card_heights(svg):
        return {float(r.get("height")) for r in ElementTree.fromstring(svg).iter(f"{SVG}rect") if r.get("x") == "0.5"}

    assert card_heights(client.get("/orgchart.svg").content.decode()) == {CARD_H - 1}
    assert card_heights(as_manager(client).get("/orgchart.svg").content.decode()) == {CARD_H + PEOPLE_LINE - 1}


# ---------------------------------------------------------------------------- exports and the API


def test_exports_of_job_descriptions_and_the_handbook_name_nobody_for_a_visitor(catalogue, client):
    assert_no_names(squeezed(pdf_text(client.get("/roles/store-cs.pdf").content)))
    assert_no_names(office_text(client.get("/roles/store-cs.docx").content))
    assert_no_names(office_text(client.get("/roles.xlsx").content))
    response = client.get("/handbook.pdf")
    status = client.get(response["Location"])
    download = re.search(r'href="(/handbook/[^"]+/download/)"', status.content.decode()).group(1)
    assert_no_names(squeezed(pdf_text(b"".join(client.get(download).streaming_content))))


def test_the_api_names_people_for_a_manager_and_nobody_for_a_visitor(catalogue, client):
    cs = Role.objects.get(slug="store-cs").pk
    urls = ["/api/v1/roles/", f"/api/v1/roles/{cs}/", "/api/v1/tree/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert_no_names(response.content.decode())
    assert client.get("/api/v1/employees/").status_code in (401, 403)
    as_manager(client)
    assert "王小明" in client.get(f"/api/v1/roles/{cs}/").content.decode()
    assert {"王小明", "李红"} <= {p["name"] for p in client.get("/api/v1/employees/").json()["results"]}


# ---------------------------------------------------------------------------- the card's names


@pytest.mark.parametrize(
    "count, shown, more",
    [
        (0, 0, 0),
        (1, 1, 0),
        (CARD_NAMES, CARD_NAMES, 0),
        (CARD_NAMES + 1, CARD_NAMES - 1, 2),
        (30, CARD_NAMES - 1, 31 - CARD_NAMES),
    ],
)
def test_a_card_names_everyone_up_to_its_room_and_counts_the_rest(count, shown, more):
    people = tuple((f"员工{i}", f"N{i}", None) for i in range(count))
    names, rest = card_names(people)
    assert names == [f"员工{i}" for i in range(shown)] and rest == more
    assert len(names) + rest == count


def test_a_card_keeps_long_names_inside_and_says_when_nobody_is_in_post():
    long = "阿卜杜热合曼·买买提艾力"
    people = [[long, "N1", None], ["欧阳娜娜", "N2", None], [long + "江", "N3", None]]
    data = {
        "columns": ["id", "parentId", "slug", "title", "department", "grade", "headcount", "filled", "draft", "people"],
        "rows": [[1, None, "a", "运营", 1, 1, 3, 3, False, people], [2, 1, "b", "仓库员", 1, 1, 1, 0, False, []]],
        "departments": {"1": {"name": "推广组", "color": "#59a14f"}},
        "grades": {"1": "专员"},
        "dotted": [],
        "roleUrl": "/roles/",
    }  # fmt: skip
    texts = svg_texts(chart_svg(data))
    assert "欧阳娜娜" in texts and _("No one in post") in texts
    cut = [t for t in texts if t.startswith("阿卜杜")]
    assert len(cut) == 2 and all(t.endswith("…") for t in cut)
    shown = [t for t in texts if t.startswith("阿卜杜") or t == "欧阳娜娜"]
    assert sum(text_width(t, 11) + 12 for t in shown) + 4 * 2 <= TEXT_ROOM

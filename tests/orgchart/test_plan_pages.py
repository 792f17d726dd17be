"""The reorganisation plan pages (orgchart/plan_views.py): only HR and approvers see them; every form adds
what it says or shows the service's refusal in Chinese beside it, the input kept and nothing written; the
plan's chart is the proposed organisation with its marks; the diff and its Excel file; constant queries."""

import datetime
import json
import re
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Permission
from openpyxl import load_workbook

from orgchart import plan_views, plans
from orgchart.models import Plan
from roles import dated, workflow
from roles.models import Department, Grade, Role, RoleChange
from tests.factories import make_hr_manager, make_hr_user, make_manager, make_user
from tests.queries import assert_constant_queries


@pytest.fixture
def shop(seeded):
    """The seed catalogue, HR, an approver and the seed's roles by address."""
    return {
        "hr": make_hr_user(),
        "approver": make_hr_manager(),
        "roles": {role.slug: role for role in Role.objects.all()},
    }


def role_id(shop, slug):
    return shop["roles"][slug].pk


def new_plan(shop, *changes, name="推广组调整"):
    """A draft plan of today with these (kind, role slug or None, value) changes, through the services."""
    plan = plans.create_plan(shop["hr"], name)
    for kind, slug, value in changes:
        plans.add_change(plan.pk, shop["hr"], kind, slug and role_id(shop, slug), **value)
    return plan


def add_manager(shop, title="推广经理"):
    """The change that adds 推广经理 under 店长 in 推广组, priced by a 9,000–11,000 pay range."""
    promotion = shop["roles"]["promotion-supervisor"]
    value = {
        "title": title,
        "parent": role_id(shop, "store-manager"),
        "department": promotion.department_id,
        "grade": shop["roles"]["store-manager"].grade_id,
        "headcount": 1,
        "pay_min": "9000",
        "pay_max": "11000",
    }
    return ("add", None, value)


def words(html):
    """The words of some HTML as a reader sees them: tags dropped, spaces collapsed."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def page_text(response):
    """The words of a page."""
    return words(response.content.decode())


def chart_data(response):
    """The data chart.js draws on the plan's page."""
    return json.loads(
        re.search(
            r'<script id="orgchart-data" type="application/json">(.*?)</script>', response.content.decode(), re.S
        ).group(1)
    )


def table_rows(response, css_class):
    """The rows of one of the page's tables, each as its cells' words."""
    html = response.content.decode()
    table = re.search(rf'<table class="[^"]*{css_class}[^"]*">(.*?)</table>', html, re.S).group(1)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    return [
        [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


# ----------------------------------------------------------------------------- who sees them

URLS = [
    ("get", "/orgchart/plans/"),
    ("get", "/orgchart/plans/{id}/"),
    ("get", "/orgchart/plans/{id}.xlsx"),
    ("post", "/orgchart/plans/{id}/changes/"),
    ("post", "/orgchart/plans/{id}/changes/1/remove/"),
    ("post", "/orgchart/plans/{id}/submit/"),
    ("post", "/orgchart/plans/{id}/approve/"),
    ("post", "/orgchart/plans/{id}/reject/"),
]


@pytest.mark.parametrize("who", ["anonymous", "employee", "manager"])
@pytest.mark.parametrize(("method", "url"), URLS)
def test_plans_do_not_exist_for_anyone_but_hr_and_approvers(shop, client, who, method, url):
    plan = new_plan(shop, ("headcount", "designer", {"headcount": 4}))
    if who == "employee":
        client.force_login(make_user("employee"))
    elif who == "manager":
        client.force_login(make_manager())
    response = getattr(client, method)(
        url.format(id=plan.pk), {"kind": "archive", "archive-role": role_id(shop, "pr-clerk")}
    )
    assert response.status_code == 404
    assert plan.changes.count() == 1 and Plan.objects.get().status == Plan.Status.DRAFT


@pytest.mark.parametrize("who", ["hr", "approver"])
def test_hr_and_approvers_see_the_list_and_a_plan(shop, client, who):
    plan = new_plan(shop, ("headcount", "designer", {"headcount": 4}))
    client.force_login(shop[who])
    listing = client.get("/orgchart/plans/")
    assert listing.status_code == 200
    today = dated.today().isoformat()
    assert table_rows(listing, "plan-table")[0][:5] == ["推广组调整", today, "草稿", "hr", "1"]
    assert client.get(f"/orgchart/plans/{plan.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("who", "linked"), [("hr", True), ("approver", True), ("manager", False), ("anonymous", False)]
)
def test_the_chart_page_links_to_the_plans_for_hr_and_approvers_only(shop, client, who, linked):
    if who == "manager":
        client.force_login(make_manager())
    elif who != "anonymous":
        client.force_login(shop[who])
    assert ('<a href="/orgchart/plans/">组织调整方案</a>' in client.get("/orgchart/").content.decode()) is linked


def test_an_action_is_post_only(shop, client):
    plan = new_plan(shop)
    client.force_login(shop["hr"])
    assert client.get(f"/orgchart/plans/{plan.pk}/submit/").status_code == 405
    assert client.get("/orgchart/plans/999/").status_code == 404


# ----------------------------------------------------------------------------- starting a plan


def test_hr_starts_a_named_plan_from_any_day_and_lands_on_it(shop, client):
    client.force_login(shop["hr"])
    response = client.post("/orgchart/plans/", {"name": "双11 调整", "base_date": "2025-06-01"})
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orgchart/plans/{plan.pk}/"
    assert (plan.name, plan.base_date, plan.created_by) == ("双11 调整", datetime.date(2025, 6, 1), shop["hr"])
    page = client.get(response["Location"])
    assert "基于 2025-06-01 的组织" in page_text(page)


@pytest.mark.parametrize(
    ("name", "day", "message"),
    [
        ("", "2025-06-01", "这个字段是必填项。"),
        ("双11 调整", "2025-13-01", "输入一个有效的日期。"),
        ("双11 调整", "1800-01-01", "请输入 1900-01-01 至 2100-12-31 之间的日期。"),
    ],
)
def test_a_plan_that_cannot_start_says_why_in_chinese_and_keeps_the_input(shop, client, name, day, message):
    client.force_login(shop["hr"])
    response = client.post("/orgchart/plans/", {"name": name, "base_date": day})
    assert response.status_code == 400
    assert message in page_text(response)
    assert f'value="{day}"' in response.content.decode()
    assert not Plan.objects.exists()


# ----------------------------------------------------------------------------- changes


def post_change(client, plan, kind, **fields):
    return client.post(
        f"/orgchart/plans/{plan.pk}/changes/", {"kind": kind, **{f"{kind}-{k}": v for k, v in fields.items()}}
    )


CHANGES = [
    # kind, the form's fields (role slugs resolved), what the change list says
    ("move", {"role": "promotion-specialist", "parent": "store-manager"}, "调整上级 推广专员 · 上级: 店长"),
    ("rename", {"role": "warehouse-clerk", "title": "仓管员"}, "改名 仓库员 · 岗位名称: 仓管员"),
    ("department", {"role": "pr-clerk", "department": "推广组"}, "调整部门 公关员 · 部门: 推广组"),
    ("grade", {"role": "pr-clerk", "grade": "专员"}, "调整职级 公关员 · 职级: 专员"),
    ("headcount", {"role": "designer", "headcount": "4"}, "调整编制 美工 · 编制: 4"),
    ("merge", {"role": "distribution-cs", "into": "store-cs"}, "并入另一岗位 分销客服 · 并入 店铺客服"),
    ("archive", {"role": "pr-clerk"}, "撤销岗位 公关员"),
]


def form_value(shop, field, value):
    """A form value as a browser sends it: ids for roles, departments and grades named here by address or name."""
    if field in ("role", "parent", "into"):
        return role_id(shop, value)
    if field == "department":
        return Department.objects.get(name=value).pk
    if field == "grade":
        return Grade.objects.get(name=value).pk
    return value


@pytest.mark.parametrize(("kind", "fields", "listed"), CHANGES)
def test_each_form_adds_its_change_and_the_chart_marks_it(shop, client, kind, fields, listed):
    plan = new_plan(shop)
    client.force_login(shop["hr"])
    response = post_change(client, plan, kind, **{f: form_value(shop, f, v) for f, v in fields.items()})
    assert response.status_code == 302 and response["Location"] == f"/orgchart/plans/{plan.pk}/#plan-changes"
    page = client.get(f"/orgchart/plans/{plan.pk}/")
    assert "已将这项调整加入方案。" in page_text(page)
    assert listed in page_text(page)
    data = chart_data(page)
    marked = data["compare"]["marks"][str(role_id(shop, fields["role"]))][0]
    assert marked == {"move": "moved", "merge": "removed", "archive": "removed"}.get(kind, "changed")
    if marked == "removed":  # drawn faded where it was, not in the proposed organisation
        assert role_id(shop, fields["role"]) in [row[0] for row in data["compare"]["ghosts"]]
        assert role_id(shop, fields["role"]) not in [row[0] for row in data["rows"]]


def test_adding_a_role_and_moving_a_team_under_it_draws_the_proposed_organisation(shop, client):
    plan = new_plan(shop, add_manager(shop))
    client.force_login(shop["hr"])
    response = post_change(client, plan, "move", role=role_id(shop, "promotion-supervisor"), parent=-1)
    assert response.status_code == 302
    data = chart_data(client.get(f"/orgchart/plans/{plan.pk}/"))
    at = {name: i for i, name in enumerate(data["columns"])}
    rows = {row[at["title"]]: row for row in data["rows"]}
    assert rows["推广经理"][at["id"]] == -1 and rows["推广经理"][at["parentId"]] == role_id(shop, "store-manager")
    assert rows["推广主管"][at["parentId"]] == -1
    order = [row[at["title"]] for row in data["rows"]]
    assert order.index("推广经理") < order.index("推广主管") < order.index("推广专员")  # superiors first
    assert data["compare"]["marks"]["-1"] == ["added", []]
    assert data["compare"]["marks"][str(role_id(shop, "promotion-supervisor"))] == ["moved", ["parent"]]


@pytest.mark.parametrize(
    ("kind", "fields", "field", "message"),
    [
        (
            "move",
            {"role": "store-manager", "parent": "promotion-specialist"},
            "parent",
            "“店长”不能向自己或自己的下属岗位（推广专员）汇报。",
        ),
        ("merge", {"role": "designer", "into": "designer"}, "into", "“美工”不能与自己合并。"),
        ("archive", {"role": "store-manager"}, None, "在本方案中“店长”仍有下属岗位"),
        ("rename", {"role": "designer", "title": ""}, "title", "这个字段是必填项。"),
        ("headcount", {"role": "designer", "headcount": "-1"}, "headcount", "确保该值大于或等于0。"),
    ],
)
def test_a_refused_change_is_shown_beside_its_form_in_chinese_with_the_input_kept(
    shop, client, kind, fields, field, message
):
    plan = new_plan(shop)
    client.force_login(shop["hr"])
    before = RoleChange.objects.count()
    values = {f: form_value(shop, f, v) for f, v in fields.items()}
    response = post_change(client, plan, kind, **values)
    assert response.status_code == 400
    html = response.content.decode()
    form = re.search(rf'<form [^>]*id="plan-form-{kind}".*?</form>', html, re.S).group(0)
    assert message in words(form)
    if field:
        paragraph = re.search(rf'<p class="plan-field has-error">\s*<label for="id_{kind}-{field}".*?</p>', form, re.S)
        assert paragraph, f"the error is not beside the {field} field"
    role = re.search(rf'<select name="{kind}-role".*?</select>', form, re.S).group(0)
    assert f'<option value="{values["role"]}" selected>' in role  # the choice kept
    assert plan.changes.count() == 0 and RoleChange.objects.count() == before


def test_a_change_a_later_one_needs_cannot_be_removed_and_says_why(shop, client):
    plan = new_plan(shop, add_manager(shop), ("move", "promotion-supervisor", {"parent": -1}))
    client.force_login(shop["hr"])
    refused = client.post(f"/orgchart/plans/{plan.pk}/changes/1/remove/")
    assert refused.status_code == 400
    assert "第 2 项调整依赖它" in page_text(refused)
    assert plan.changes.count() == 2
    removed = client.post(f"/orgchart/plans/{plan.pk}/changes/2/remove/")
    assert removed.status_code == 302
    assert list(plan.changes.values_list("number", flat=True)) == [1]
    assert client.post(f"/orgchart/plans/{plan.pk}/changes/7/remove/").status_code == 404


# ----------------------------------------------------------------------------- the diff and its costs


def test_the_diff_lists_each_role_and_the_departments_headcount_and_cost(shop, client):
    plan = new_plan(
        shop,
        add_manager(shop),
        ("move", "promotion-supervisor", {"parent": -1}),
        ("headcount", "designer", {"headcount": 4}),
    )
    client.force_login(shop["hr"])
    page = client.get(f"/orgchart/plans/{plan.pk}/")
    assert sorted(table_rows(page, "plan-diff-roles")) == [
        ["推广主管", "上级", "店长", "推广经理"],
        ["推广经理", "新增", "—", "店长"],
        ["美工", "编制", "2", "4"],
    ]
    departments = {row[0]: row[1:] for row in table_rows(page, "plan-diff-departments")}
    assert departments["推广组"] == ["3 → 4 (+1)", "¥15,600.00 → ¥25,600.00", "+¥10,000.00"]
    assert departments["美工组"][0] == "4 → 6 (+2)"
    assert departments["美工组"][2] == "+¥9,300.00"  # two more at 美工's reference month
    assert "(2 个岗位未知成本)" in departments["美工组"][1]  # 美工主管 and 摄影: counted, not 0
    assert departments["全部部门"][0] == "19 → 22 (+3)" and departments["全部部门"][2] == "+¥19,300.00"
    assert set(departments) == {"推广组", "美工组", "全部部门"}  # departments the plan leaves alone are not listed


def test_a_reader_without_pay_sees_headcounts_but_no_cost(shop, client):
    plan = new_plan(shop, ("headcount", "designer", {"headcount": 4}))
    editor = make_user("editor", staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_role"))
    client.force_login(editor)
    page = client.get(f"/orgchart/plans/{plan.pk}/")
    assert table_rows(page, "plan-diff-departments") == [["美工组", "4 → 6 (+2)"], ["全部部门", "19 → 21 (+2)"]]
    assert "¥" not in page_text(page)
    sheet = load_workbook(BytesIO(client.get(f"/orgchart/plans/{plan.pk}.xlsx").content)).active
    assert "¥" not in " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def test_the_excel_file_holds_the_diff(shop, client):
    plan = new_plan(shop, add_manager(shop), ("headcount", "designer", {"headcount": 4}))
    client.force_login(shop["hr"])
    response = client.get(f"/orgchart/plans/{plan.pk}.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert unquote(response["Content-Disposition"].split("''")[1]) == "组织调整方案“推广组调整”.xlsx"
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("岗位或部门", "变更项", "原值", "新值")
    assert sorted(rows[1:3]) == [("推广经理", "新增", "—", "店长"), ("美工", "编制", "2", "4")]
    assert ("美工组", "编制", "4", "6 (+2)") in rows
    assert ("推广组", "月度人力成本", "¥15,600.00", "¥25,600.00 (+¥10,000.00)") in rows
    assert ("全部部门", "编制", "19", "22 (+3)") in rows


def test_the_excel_file_holds_the_proposed_organisation(shop, client):
    plan = new_plan(
        shop,
        add_manager(shop),
        ("headcount", "designer", {"headcount": 4}),
        ("archive", "pr-clerk", {}),
    )
    client.force_login(shop["hr"])
    workbook = load_workbook(BytesIO(client.get(f"/orgchart/plans/{plan.pk}.xlsx").content))
    assert workbook.sheetnames[1] == "方案组织"
    rows = list(workbook["方案组织"].iter_rows(values_only=True))
    assert rows[0] == ("岗位", "上级", "部门", "职级", "编制", "方案调整")
    by_title = {row[0].lstrip("\u3000"): row for row in rows[1:]}
    assert by_title["推广经理"][1:] == ("店长", by_title["推广经理"][2], by_title["推广经理"][3], 1, "新增")
    assert by_title["美工"][4:] == (4, "有变更；编制")
    assert by_title["总经理"][0] == "总经理" and by_title["总经理"][5] is None  # the top, unchanged
    assert rows[-1][0] == Role.objects.get(slug="pr-clerk").title and rows[-1][5] == "撤销"
    assert len(rows) == 1 + Role.objects.count() + 1  # every role, the new one, the archived one last


# ----------------------------------------------------------------------------- submit, approve, send back


def test_an_empty_plan_cannot_be_submitted_and_says_so(shop, client):
    plan = new_plan(shop)
    client.force_login(shop["hr"])
    response = client.post(f"/orgchart/plans/{plan.pk}/submit/")
    assert response.status_code == 400
    assert "方案还没有任何调整。" in page_text(response)
    assert Plan.objects.get().status == Plan.Status.DRAFT


def test_hr_submits_an_approver_approves_from_a_day_and_the_live_organisation_changes_that_day(shop, client):
    plan = new_plan(
        shop,
        add_manager(shop),
        ("move", "promotion-supervisor", {"parent": -1}),
        ("headcount", "designer", {"headcount": 4}),
    )
    client.force_login(shop["hr"])
    assert client.post(f"/orgchart/plans/{plan.pk}/submit/").status_code == 302
    page = client.get(f"/orgchart/plans/{plan.pk}/")
    assert "方案已提交审批。" in page_text(page) and "等待审批人审批。" in page_text(page)
    assert client.post(f"/orgchart/plans/{plan.pk}/approve/", {"effective_date": "2027-01-01"}).status_code == 403

    client.force_login(shop["approver"])
    first = plan_views.first_of_next_month(dated.today())
    form = client.get(f"/orgchart/plans/{plan.pk}/")
    assert f'value="{first.isoformat()}"' in form.content.decode()  # the form suggests the 1st of next month
    response = client.post(f"/orgchart/plans/{plan.pk}/approve/", {"effective_date": first.isoformat()})
    assert response.status_code == 302
    page = client.get(f"/orgchart/plans/{plan.pk}/")
    assert f"方案已批准：其中的调整自 {first.isoformat()} 起生效。" in page_text(page)
    assert f"/orgchart/?as_of={first.isoformat()}" in page.content.decode()

    def superior_of(title, day=None):
        data = json.loads(client.get("/orgchart/data.json" + (f"?as_of={day}" if day else "")).content)
        rows = {row[0]: row for row in data["rows"]}
        return {rows[row[1]][3] if row[1] in rows else None for row in data["rows"] if row[3] == title}

    assert superior_of("推广主管") == {"店长"}
    assert superior_of("推广主管", first.isoformat()) == {"推广经理"}
    assert superior_of("推广经理", first.isoformat()) == {"店长"}
    listed = page_text(client.get(f"/orgchart/changes/?from={first.isoformat()}&to={first.isoformat()}"))
    assert "推广经理" in listed and "推广主管" in listed and "美工" in listed


def test_approving_a_plan_the_live_organisation_overtook_lists_the_conflicts_and_writes_nothing(shop, client):
    plan = new_plan(shop, ("move", "pr-clerk", {"parent": role_id(shop, "store-manager")}))
    plans.submit(plan.pk, shop["hr"])
    workflow.archive(role_id(shop, "pr-clerk"), shop["hr"])  # the live organisation moves on
    before = RoleChange.objects.count()
    client.force_login(shop["approver"])
    response = client.post(f"/orgchart/plans/{plan.pk}/approve/", {"effective_date": dated.today().isoformat()})
    assert response.status_code == 400
    text = page_text(response)
    assert "方案制定后现行组织已有变化，本次未写入任何内容。" in text
    assert "公关员 : “公关员”已撤销。" in text
    assert RoleChange.objects.count() == before and Plan.objects.get().status == Plan.Status.SUBMITTED


def test_an_approver_sends_a_plan_back_with_a_comment_hr_reads(shop, client):
    plan = new_plan(shop, ("headcount", "designer", {"headcount": 4}))
    plans.submit(plan.pk, shop["hr"])
    client.force_login(shop["approver"])
    refused = client.post(f"/orgchart/plans/{plan.pk}/reject/", {"comment": ""})
    assert refused.status_code == 400 and "这个字段是必填项。" in page_text(refused)
    assert client.post(f"/orgchart/plans/{plan.pk}/reject/", {"comment": "美工只加一人"}).status_code == 302
    client.force_login(shop["hr"])
    page = page_text(client.get(f"/orgchart/plans/{plan.pk}/"))
    assert "hr-manager 退回了方案： 美工只加一人" in page
    assert Plan.objects.get().status == Plan.Status.DRAFT


def test_a_submitted_plan_cannot_be_changed_and_says_so(shop, client):
    plan = new_plan(shop, ("headcount", "designer", {"headcount": 4}))
    plans.submit(plan.pk, shop["hr"])
    client.force_login(shop["hr"])
    response = post_change(client, plan, "archive", role=role_id(shop, "pr-clerk"))
    assert response.status_code == 400
    assert "只有草稿状态的方案可以修改、删除或提交；该方案当前为“已提交审批”。" in page_text(response)


def test_todays_chart_for_staff_has_no_role_a_plan_adds_later(shop, client):
    plan = new_plan(shop, add_manager(shop))
    plans.submit(plan.pk, shop["hr"])
    plans.approve(plan.pk, shop["approver"], plan_views.first_of_next_month(dated.today()))
    client.force_login(shop["hr"])
    titles = [row[3] for row in json.loads(client.get("/orgchart/data.json").content)["rows"]]
    assert "推广经理" not in titles


# ----------------------------------------------------------------------------- queries


def test_the_plan_page_and_its_excel_cost_the_same_queries_as_the_plan_grows(shop, client):
    plan = new_plan(shop, ("headcount", "designer", {"headcount": 3}))
    client.force_login(shop["hr"])

    def grow():
        for change in (
            add_manager(shop, "直播经理"),
            ("move", "promotion-supervisor", {"parent": -2}),
            ("rename", "pr-clerk", {"title": "公关专员"}),
            ("archive", "channel-clerk", {}),
        ):
            kind, slug, value = change
            plans.add_change(plan.pk, shop["hr"], kind, slug and role_id(shop, slug), **value)

    def pages():
        assert client.get(f"/orgchart/plans/{plan.pk}/").status_code == 200
        assert client.get(f"/orgchart/plans/{plan.pk}.xlsx").status_code == 200

    assert_constant_queries(pages, grow)
    assert plan.changes.count() == 5


def test_the_plan_list_costs_the_same_queries_as_plans_are_added(shop, client):
    client.force_login(shop["hr"])
    new_plan(shop, ("headcount", "designer", {"headcount": 4}))

    def grow():
        for name in ("A", "B", "C"):
            new_plan(shop, ("headcount", "designer", {"headcount": 3}), name=name)

    assert_constant_queries(lambda: client.get("/orgchart/plans/"), grow)
    assert len(table_rows(client.get("/orgchart/plans/"), "plan-table")) == 4


def test_a_merged_roles_people_are_counted_in_the_role_kept(shop, client):
    from orgchart.models import Employee

    Employee.objects.create(name="张三", role=shop["roles"]["distribution-cs"])
    plan = new_plan(shop, ("merge", "distribution-cs", {"into": role_id(shop, "store-cs")}))
    client.force_login(shop["hr"])
    data = chart_data(client.get(f"/orgchart/plans/{plan.pk}/"))
    at = {name: i for i, name in enumerate(data["columns"])}
    kept = next(row for row in data["rows"] if row[at["id"]] == role_id(shop, "store-cs"))
    assert (kept[at["headcount"]], kept[at["filled"]]) == (2, 1)

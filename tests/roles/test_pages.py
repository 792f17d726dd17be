"""The catalogue pages as visitors, managers and HR see them."""

import pytest

from roles.models import Role
from shopconfig.models import ShopProfile
from tests.factories import make_role
from tests.pages import PAGES, add_roles, login, page_view
from tests.queries import assert_constant_queries

# Amounts as printed (an id in the chart data may well be 876; on PostgreSQL ids keep growing).
INTERNAL_TEXT = ["3150.00", "876.00", "35%", "客服绩效考核制度", "王小明", "直播运营"]


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_never_see_pay_kpi_weights_names_or_drafts(catalogue, client, url):
    text = page_text(client, url)
    for secret in INTERNAL_TEXT:
        assert secret not in text, f"{secret} leaked on {url}"


@pytest.mark.parametrize("who", ["manager", "hr"])
def test_managers_and_hr_see_everything(catalogue, client, who):
    login(client, who)
    jd = page_text(client, "/roles/store-cs/")
    assert "3150.00" in jd and "876.00" in jd and "客服绩效考核制度" in jd
    assert "35%" not in jd  # the weight is on the supervisor's card
    assert "35" in page_text(client, "/roles/cs-supervisor/")
    assert "直播运营" in page_text(client, "/roles/")
    assert "直播运营" in page_text(client, "/orgchart/data.json")
    assert "李红" in page_text(client, "/orgchart/vacancies/")
    assert page_text(client, "/roles/live-ops/")


def test_an_unpublished_role_is_404_for_anonymous_visitors(catalogue, client):
    assert client.get("/roles/live-ops/").status_code == 404
    assert client.get("/orgchart/", {"root": "live-ops"}).status_code == 404


def test_the_public_sees_reference_pay_only_when_the_shop_publishes_it(catalogue, client):
    assert "2200" not in page_text(client, "/roles/cs-supervisor/")
    shop = ShopProfile.load()
    shop.show_public_pay_range = True
    shop.save()
    jd = page_text(client, "/roles/cs-supervisor/")
    assert "2200–5000" in jd
    assert "2200–5000" in page_text(client, "/roles/")
    assert "客服绩效考核制度" not in page_text(client, "/roles/store-cs/")


def test_a_private_catalogue_shows_visitors_no_roles(catalogue, client):
    shop = ShopProfile.load()
    shop.public_catalogue = False
    shop.save()
    assert "运营总监" not in page_text(client, "/roles/")
    assert client.get("/roles/store-manager/").status_code == 404


def test_the_job_description_follows_the_seed_card_layout(catalogue, client):
    jd = page_text(client, "/roles/promotion-specialist/")
    for label in [
        "岗位名称",
        "部门",
        "职级",
        "上级",
        "下属",
        "编制",
        "主要职责",
        "职责",
        "任职要求",
        "工作经验",
        "教育程度",
        "技能要求",
        "身体要求",
    ]:
        assert label in jd, label
    assert "店铺数据的反馈与分析" in jd and "有半年以上淘宝运营工作经验" in jd
    assert "推广主管" in jd and "虚线汇报" in jd and "运营总监" in jd
    breadcrumb = jd[jd.index('class="breadcrumb"') : jd.index("</nav>", jd.index('class="breadcrumb"'))]
    assert [t for t in ["总经理", "运营总监", "店长", "推广主管", "推广专员"] if t in breadcrumb] == [
        "总经理", "运营总监", "店长", "推广主管", "推广专员",
    ]  # fmt: skip


def test_subordinates_are_links_and_drafts_stay_hidden_from_visitors(catalogue, client):
    jd = page_text(client, "/roles/store-manager/")
    assert 'href="/roles/cs-supervisor/"' in jd
    assert "直播运营" not in jd


@pytest.mark.parametrize(
    "query, found, absent",
    [
        ("盘点", ["仓库主管", "仓库员"], ["推广专员"]),
        ("直通车", ["推广主管", "推广专员"], ["仓库员"]),
        ("本科", ["运营总监"], ["店长"]),
        ("客服 培训", ["客服主管"], ["仓库员"]),
    ],
)
def test_search_matches_chinese_substrings_in_titles_duties_and_requirements(catalogue, client, query, found, absent):
    text = page_text(client, f"/roles/?q={query}")
    body = text[text.index("</form>") :]
    assert all(t in body for t in found), found
    assert not any(f">{t}<" in body for t in absent), absent


def test_filters_by_department_and_grade(catalogue, client):
    def listed(query):
        body = page_text(client, f"/roles/?{query}")
        return {slug for slug in Role.objects.values_list("slug", flat=True) if f'href="/roles/{slug}/"' in body}

    assert listed("department=warehouse") == {"warehouse-supervisor", "warehouse-clerk"}
    supervisors = {
        "cs-supervisor",
        "warehouse-supervisor",
        "design-supervisor",
        "promotion-supervisor",
        "distribution-supervisor",
    }
    assert listed("department=ecommerce&grade=supervisor") == supervisors


def test_the_roles_page_is_grouped_by_department(catalogue, client):
    text = page_text(client, "/roles/")
    assert text.index("电子商务部 · 客服组") < text.index("店铺客服") < text.index("电子商务部 · 仓储组")


@pytest.mark.parametrize("who", ["anonymous", "manager"])
@pytest.mark.parametrize("url", PAGES + ["/roles/?q=客服", "/orgchart/?root=store-manager"])
def test_page_query_counts_do_not_grow_with_roles(catalogue, client, who, url):
    login(client, who)
    assert_constant_queries(page_view(client, url), lambda: add_roles(200))


XSS_TITLE = "<script>alert(1)</script>"
XSS_DUTY = '"><img src=x onerror=alert(1)>'


def test_user_text_is_escaped_on_every_page_and_in_the_chart_data(catalogue, client):
    role = make_role(XSS_TITLE, parent=Role.objects.get(slug="store-manager"), slug="xss")
    role.duties.create(text=XSS_DUTY, order=1)
    for url in ["/roles/", "/roles/xss/", "/orgchart/", "/orgchart/data.json"]:
        text = page_text(client, url)
        assert XSS_TITLE not in text and "<img src=x" not in text, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_text(client, "/roles/")
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page_text(client, "/roles/xss/")
    assert "\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E" in page_text(client, "/orgchart/data.json")
    assert role.title == XSS_TITLE


def test_the_login_page_is_styled_like_the_site(db, client):
    text = page_text(client, "/accounts/login/")
    assert "css/site.css" in text and "登录" in text and "岗位说明书" in text


def test_english_is_one_click_away_and_remembered(catalogue, client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/roles/"})
    text = page_text(client, "/roles/store-manager/")
    assert ">main responsibility<" in text and ">duties<" in text  # headings (capitalised by the stylesheet)
    assert "主要职责" not in text


def test_english_follows_the_browsers_accept_language(catalogue, client):
    text = client.get("/roles/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Job descriptions" in text


def test_a_long_catalogue_is_split_into_pages_that_keep_the_filters(catalogue, client):
    add_roles(200)
    first = page_text(client, "/roles/?q=客服")
    assert "第 1 页，共 3 页" in first
    assert 'href="?q=%E5%AE%A2%E6%9C%8D&amp;page=2"' in first
    last = page_text(client, "/roles/?q=客服&page=3")
    assert "客服199" in last  # the last role added, in tree order

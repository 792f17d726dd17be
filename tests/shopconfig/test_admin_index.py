"""The admin index as HR meets it: sections in the order of the work, in Chinese, the technical ones last."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib import admin

from shopconfig.adminsite import RoleAtlasAdminSite
from tests.factories import make_hr_user, make_user

SECTION = re.compile(r'<caption>\s*<a href="(?P<url>[^"]+)" class="section"[^>]*>(?P<name>[^<]+)</a>')

# What a superuser sees on /admin/ in Chinese, top to bottom.
CHINESE_SECTIONS = [
    ("/admin/roles/", "岗位目录"),
    ("/admin/orgchart/", "组织架构图"),
    ("/admin/shopconfig/", "店铺设置"),
    ("/admin/auth/", "认证和授权"),
    ("/admin/axes/", "登录保护"),
    ("/admin/django_tasks_database/", "后台任务"),
    ("/admin/authtoken/", "认证令牌"),
]


def sections(page):
    return [(m["url"], m["name"].strip()) for m in SECTION.finditer(page)]


@pytest.fixture
def superuser_client(client, db):
    client.force_login(make_user("boss", superuser=True))
    return client


def test_the_site_is_the_projects():
    assert isinstance(admin.site, RoleAtlasAdminSite)


def test_the_chinese_index_opens_with_the_catalogue_and_ends_with_the_technical_sections(superuser_client):
    page = superuser_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert sections(page) == CHINESE_SECTIONS


def test_the_technical_sections_list_their_models_in_chinese(superuser_client):
    page = superuser_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for name in ["登录尝试", "登录失败", "登录记录", "任务结果", "令牌"]:
        assert f">{name}</a>" in page, name
    for english in ["Access attempts", "Access failures", "Access logs", "Task Results", "Axes", "Tasks Database"]:
        assert english not in page, english


def test_the_english_index_keeps_the_same_order(superuser_client):
    page = superuser_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert [url for url, _name in sections(page)] == [url for url, _name in CHINESE_SECTIONS]
    assert ("/admin/axes/", "Login protection") in sections(page)


def test_the_sidebar_of_a_list_follows_the_same_order(superuser_client):
    page = superuser_client.get("/admin/roles/role/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert [url for url, _name in sections(page)] == [url for url, _name in CHINESE_SECTIONS]


def test_the_list_of_login_attempts_is_in_chinese(superuser_client):
    AccessAttempt.objects.create(
        username="hr",
        ip_address="127.0.0.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    page = superuser_client.get("/admin/axes/accessattempt/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for text in ["登录尝试", "尝试时间", "IP 地址", "失败次数", "已锁定"]:
        assert text in page, text


def test_hr_sees_only_its_sections_in_the_same_order(client, db):
    client.force_login(make_hr_user())
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    urls = [url for url, _name in sections(page)]
    assert urls[0] == "/admin/roles/"
    assert urls == [url for url, _name in CHINESE_SECTIONS if url in urls]


def test_an_app_not_in_the_order_goes_before_the_technical_sections(rf, settings, db):
    settings.ADMIN_APP_ORDER = ["roles", "*", "axes"]
    request = rf.get("/admin/")
    request.user = make_user("boss", superuser=True)
    labels = [app["app_label"] for app in admin.site.get_app_list(request)]
    assert labels[0] == "roles" and labels[-1] == "axes"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/axes/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accessfailurelog/",
        "/admin/axes/accesslog/",
        "/admin/django_tasks_database/",
        "/admin/django_tasks_database/dbtaskresult/",
        "/admin/authtoken/tokenproxy/",
    ],
)
def test_the_technical_pages_open(superuser_client, url):
    assert superuser_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").status_code == 200

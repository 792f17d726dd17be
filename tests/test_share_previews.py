"""Issue 16, item 3: every public page carries a meta description and the Open Graph tags a chat
app (DingTalk, WeCom, Feishu) builds its link preview from, and links the icons."""

from html.parser import HTMLParser

import pytest
from django.utils import translation

from roles.models import Role
from shopconfig.models import ShopProfile
from tests.factories import make_hr_user

PUBLIC_PAGES = ["/roles/", "/roles/store-cs/", "/orgchart/", "/orgchart/vacancies/", "/accounts/login/"]
TAGS = ("description", "og:title", "og:description", "og:type", "og:site_name")


class HeadTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.links = {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("name") or attrs.get("property")):
            key = attrs.get("name") or attrs.get("property")
            assert key not in self.meta, f"{key} twice"
            self.meta[key] = attrs.get("content")
        elif tag == "link":
            self.links.append(attrs)


def head_tags(client, url, **headers):
    response = client.get(url, follow=True, **headers)
    assert response.status_code == 200, url
    parser = HeadTags()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_has_a_description_and_open_graph_tags(seeded, client, url):
    tags = head_tags(client, url)
    for name in TAGS:
        assert tags.meta.get(name, "").strip(), f"{name} missing on {url}"
    assert tags.meta["description"] == tags.meta["og:description"]
    assert tags.meta["og:site_name"] == ShopProfile.load().company_name
    assert tags.meta["og:image"].startswith("http://testserver/") and tags.meta["og:image"].endswith(".png")
    rels = {link.get("rel") for link in tags.links}
    assert {"icon", "apple-touch-icon"} <= rels


def test_the_home_page_redirects_to_a_page_with_previews(seeded, client):
    tags = head_tags(client, "/")
    assert tags.meta["og:title"] == "岗位说明书"
    assert ShopProfile.load().company_name in tags.meta["description"]


def test_a_job_description_is_previewed_with_its_title_and_the_start_of_its_summary(seeded, client):
    role = Role.objects.get(slug="store-cs")
    role.summary = "负责店铺售前售后咨询，" * 30  # far longer than a preview shows
    role.save(update_fields=["summary"])
    tags = head_tags(client, "/roles/store-cs/")
    assert tags.meta["og:title"] == role.title
    assert tags.meta["og:type"] == "article"
    description = tags.meta["og:description"]
    shown = description.removesuffix("…").removesuffix("...")  # Django's zh-hans truncation mark is "..."
    assert len(description) <= 120 and len(shown) >= 100 and shown != description
    assert role.summary.startswith(shown)


def test_a_role_without_a_summary_still_has_a_description(seeded, client):
    Role.objects.filter(slug="store-cs").update(summary="")
    title = Role.objects.get(slug="store-cs").title
    tags = head_tags(client, "/roles/store-cs/")
    assert title in tags.meta["description"] and tags.meta["og:title"] == title


def test_user_text_stays_inside_the_attribute(seeded, client):
    Role.objects.filter(slug="store-cs").update(summary='"><script>alert(1)</script>')
    page = client.get("/roles/store-cs/").content.decode()
    assert "<script>alert(1)" not in page
    assert head_tags(client, "/roles/store-cs/").meta["og:description"] == '"><script>alert(1)</script>'


def test_english_previews(seeded, client):
    with translation.override("en"):
        tags = head_tags(client, "/orgchart/", HTTP_ACCEPT_LANGUAGE="en")
    assert tags.meta["og:title"] == "Org chart"
    assert tags.meta["description"].startswith("The org chart of ")


def test_staff_see_the_same_tags(seeded, client):
    client.force_login(make_hr_user())
    tags = head_tags(client, "/orgchart/vacancies/")
    assert tags.meta["og:title"] and tags.meta["og:site_name"]

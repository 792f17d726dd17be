"""Readable role addresses from Chinese titles (roles/slugs.py) and every way a role is created without one."""

import re

import pytest
from django.core.validators import validate_slug
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from roles.importer.parser import parse_cards
from roles.importer.service import import_cards
from roles.models import Role
from roles.slugs import FALLBACK, SLUG_MAX_LENGTH, slug_from_title, unique_role_slug
from tests.admin_forms import change_form_data
from tests.factories import make_department, make_grade, make_hr_user, make_role

# ------------------------------------------------------------------------------- the pure part


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("数据分析专员", "shuju-fenxi-zhuanyuan"),
        ("KOL运营专员", "kol-yunying-zhuanyuan"),
        ("3D美工", "3d-meigong"),
        ("店长", "dianzhang"),
        ("推广主管", "tuiguang-zhuguan"),
        ("运营总监", "yunying-zongjian"),
        ("天猫运营经理", "tianmao-yunying-jingli"),
        ("售后客服专员", "shouhou-kefu-zhuanyuan"),
        ("美工设计师", "meigong-shejishi"),
        ("总经理", "zongjingli"),
        ("副总经理", "fuzong-jingli"),
        ("直通车推广专员", "zhitongche-tuiguang-zhuanyuan"),
        ("仓库员", "cangkuyuan"),
        # Polyphones read in context: 会计 is kuaiji, 银行行长 yinhang-hangzhang.
        ("财务会计", "caiwu-kuaiji"),
        ("银行行长", "yinhang-hangzhang"),
        # ü is written v, as in most pinyin addresses.
        ("女装买手", "nvzhuang-maishou"),
        # Punctuation, brackets and spaces separate words; full-width letters are plain letters.
        ("客服（售前）", "kefu-shouqian"),
        ("售后客服专员（夜班）", "shouhou-kefu-zhuanyuan-yeban"),
        ("Java 开发工程师", "java-kaifa-gongchengshi"),
        ("ＫＯＬ运营", "kol-yunying"),
        ("客服1组", "kefu-1-zu"),
        ("Café 经理", "cafe-jingli"),
        ("Store Manager", "store-manager"),
        ("store-manager", "store-manager"),
        ("a_b", "a-b"),
        # Nothing to spell: a fixed word, never an empty address.
        ("", FALLBACK),
        ("   ", FALLBACK),
        ("😀", FALLBACK),
        ("——", FALLBACK),
    ],
)
def test_titles_read_as_addresses(title, slug):
    assert slug_from_title(title) == slug


def test_a_long_title_is_cut_at_a_word_within_80_characters():
    title = "数据分析专员" * 10
    slug = slug_from_title(title)
    assert slug == "shuju-fenxi-zhuanyuan-shuju-fenxi-zhuanyuan-shuju-fenxi-zhuanyuan-shuju-fenxi"
    assert len(slug) <= SLUG_MAX_LENGTH
    assert ("-" + slug_from_title(title, max_length=1000)).startswith("-" + slug + "-")


def test_one_word_longer_than_the_limit_is_cut_inside():
    assert slug_from_title("x" * 100) == "x" * SLUG_MAX_LENGTH
    assert slug_from_title("ab-cdefgh", max_length=5) == "ab"
    assert slug_from_title("abcdefgh-ij", max_length=5) == "abcde"


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_title_gives_a_valid_slug_of_at_most_80_characters(title):
    slug = slug_from_title(title)
    validate_slug(slug)
    assert 1 <= len(slug) <= SLUG_MAX_LENGTH
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=60))
def test_chinese_titles_are_spelt_in_lower_case_pinyin(title):
    slug = slug_from_title(title)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", slug), slug
    assert len(slug) <= SLUG_MAX_LENGTH


@given(st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,6}", fullmatch=True))
def test_an_address_already_readable_is_kept(slug):
    assert slug_from_title(slug) == slug


# ------------------------------------------------------------------------------- uniqueness


def test_a_clash_gets_a_number(db):
    assert unique_role_slug("数据分析专员") == "shuju-fenxi-zhuanyuan"
    make_role("数据分析专员", slug="shuju-fenxi-zhuanyuan")
    assert unique_role_slug("数据分析专员") == "shuju-fenxi-zhuanyuan-2"
    make_role("数据分析专员", slug="shuju-fenxi-zhuanyuan-2")
    make_role("数据分析专员", slug="shuju-fenxi-zhuanyuan-3")
    assert unique_role_slug("数据分析专员") == "shuju-fenxi-zhuanyuan-4"


def test_a_long_address_makes_room_for_its_number(db):
    title = "数据分析专员" * 10
    make_role(title, slug="")
    second = make_role(title, slug="")
    assert second.slug == "shuju-fenxi-zhuanyuan-shuju-fenxi-zhuanyuan-shuju-fenxi-zhuanyuan-shuju-fenxi-2"
    assert (
        make_role(title + "主管", slug="").slug  # the same first 80 characters
        == "shuju-fenxi-zhuanyuan-shuju-fenxi-zhuanyuan-shuju-fenxi-zhuanyuan-shuju-fenxi-3"
    )
    assert len(second.slug) <= SLUG_MAX_LENGTH


def test_new_roles_without_an_address_get_one_in_turn(db):
    slugs = [make_role("店长", slug="").slug for _ in range(3)]
    assert slugs == ["dianzhang", "dianzhang-2", "dianzhang-3"]


def test_an_existing_address_never_changes(db):
    role = make_role("店长", slug="store-manager")
    role.title = "数据分析专员"
    role.save()
    role.refresh_from_db()
    assert role.slug == "store-manager"


def test_a_saved_role_cannot_lose_its_address(db):
    role = make_role("店长", slug="store-manager")
    role.slug = ""
    with pytest.raises(Exception) as error:
        role.full_clean()
    assert "slug" in error.value.message_dict


# ------------------------------------------------------------------------------- where roles are created


def test_the_admin_add_form_makes_the_address_from_the_title(db, client):
    department, grade = make_department("运营部"), make_grade("专员")
    make_role("数据分析专员", slug="shuju-fenxi-zhuanyuan", department=department, grade=grade)
    client.force_login(make_hr_user())

    response = client.get("/admin/roles/role/add/")
    data = change_form_data(response)
    data.update(title="数据分析专员", slug="", department=department.pk, grade=grade.pk, _save="1")
    response = client.post("/admin/roles/role/add/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Role.objects.filter(slug="shuju-fenxi-zhuanyuan-2", title="数据分析专员").exists()


def test_the_admin_change_form_refuses_an_emptied_address(db, client):
    role = make_role("店长", slug="store-manager")
    client.force_login(make_hr_user())
    url = f"/admin/roles/role/{role.pk}/change/"
    data = change_form_data(client.get(url))
    data.update(slug="", _save="1")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    role.refresh_from_db()
    assert role.slug == "store-manager"


def test_the_importer_makes_addresses_from_titles(db):
    text = (
        "数据分析专员岗位职责:1、整理店铺数据2、撰写周报任职要求:1、熟悉Excel。\n\n"
        "KOL运营专员岗位职责:1、联系达人2、策划直播任职要求:1、熟悉抖音。"
    )
    import_cards(parse_cards(text).cards)
    assert set(Role.objects.values_list("title", "slug")) >= {
        ("数据分析专员", "shuju-fenxi-zhuanyuan"),
        ("KOL运营专员", "kol-yunying-zhuanyuan"),
    }


def test_the_api_creates_a_role_without_a_slug(db):
    department, grade = make_department("运营部"), make_grade("专员")
    make_role("3D美工", slug="3d-meigong", department=department, grade=grade)
    api = APIClient()
    api.force_authenticate(make_hr_user())
    data = {"title": "3D美工", "department": department.pk, "grade": grade.pk}

    response = api.post("/api/v1/roles/", data, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["slug"] == "3d-meigong-2"
    response = api.post("/api/v1/roles/", {**data, "title": "数据分析专员", "slug": ""}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["slug"] == "shuju-fenxi-zhuanyuan"


def test_the_api_refuses_to_empty_an_existing_address(db):
    role = make_role("店长", slug="store-manager")
    api = APIClient()
    api.force_authenticate(make_hr_user())
    response = api.patch(f"/api/v1/roles/{role.pk}/", {"slug": ""}, format="json")
    assert response.status_code == 400 and "slug" in response.json()
    role.refresh_from_db()
    assert role.slug == "store-manager"

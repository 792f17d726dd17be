"""The seed catalogue, checked against the seed documents themselves."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from roles.models import Role
from roles.seed import load_seed
from tests.factories import tree_text

# The customer's document that fixtures/seed.json was transcribed from (see fixtures/README.md).
SEED_DOCUMENT = Path(settings.BASE_DIR) / "fixtures" / "seed_source_document.txt"
CARD_ROLES = ["运营总监", "店长", "客服主管", "仓库主管", "美工主管", "推广主管", "分销主管", "推广专员", "仓库员"]
# Typos of the seed that the seed data corrects (seed text -> corrected text).
SEED_TYPOS = {
    "数据磨方": "数据魔方",
    "斜街": "协调",
    "Firworks": "Fireworks",
    "IIIustrator": "Illustrator",
    "工工作": "工作",
    "主要服装微博": "主要负责微博",
}

EXPECTED_TREE = """\
总经理
  运营总监
    店长
      客服主管
        店铺客服
      仓库主管
        仓库员
      美工主管
        摄影
        美工
      推广主管
        推广专员
      分销主管
        渠道员
        分销客服
        公关员"""


def normalised(text):
    """Seed text without layout noise, so the data's sentences can be found in it."""
    text = re.sub(r"[\s?]", "", text)
    for typo, fixed in SEED_TYPOS.items():
        text = text.replace(typo, fixed)
    return text


@pytest.fixture(scope="module")
def seed_text():
    return normalised(SEED_DOCUMENT.read_text(encoding="utf-8"))


def test_the_seed_tree_runs_from_general_manager_to_staff(seeded):
    assert tree_text() == EXPECTED_TREE


@pytest.mark.parametrize(
    "title, duties, skills",
    [
        ("运营总监", 5, 3),
        ("店长", 4, 4),
        ("客服主管", 6, 4),
        ("仓库主管", 5, 5),
        ("美工主管", 5, 4),
        ("推广主管", 5, 4),
        ("分销主管", 4, 4),
        ("推广专员", 4, 4),
        ("仓库员", 6, 0),
    ],
)
def test_every_card_role_has_every_duty_and_skill_of_its_card(seeded, seed_text, title, duties, skills):
    role = Role.objects.get(title=title)
    duty_texts = list(role.duties.values_list("text", flat=True))
    skill_texts = list(role.skills.values_list("text", flat=True))
    assert (len(duty_texts), len(skill_texts)) == (duties, skills)
    for text in duty_texts + skill_texts + [role.summary, role.requirement.experience_text]:
        assert normalised(text).rstrip("。;") in seed_text, f"{title}: not in the seed document: {text}"
    assert role.requirement.experience_text
    assert role.status == Role.Status.PUBLISHED


def test_card_roles_keep_their_education_and_physical_requirements(seeded):
    director = Role.objects.get(title="运营总监").requirement
    assert (director.education_level, director.education_text, director.majors) == (
        "bachelor",
        "本科以上学历",
        "电子商务、计算机相关专业",
    )
    assert director.physical == "身体健康,年龄45岁以下。"
    assert Role.objects.get(title="店长").requirement.experience_years == 2
    assert Role.objects.get(title="推广专员").requirement.experience_years == Decimal("0.5")
    assert Role.objects.get(title="仓库员").requirement.experience_years == Decimal("0.25")


def test_it_corrects_the_grades_the_seed_copied_wrongly(seeded):
    assert Role.objects.get(title="推广专员").grade.name == "专员"
    assert Role.objects.get(title="仓库员").grade.name == "员"


@pytest.mark.parametrize(
    "title, chain",
    [
        ("推广专员", ["运营总监", "店长", "推广主管"]),
        ("仓库员", ["运营总监", "店长", "仓库主管"]),
        ("客服主管", ["运营总监", "店长"]),
    ],
)
def test_a_card_with_several_superiors_reports_to_the_nearest_and_the_others_are_ancestors(seeded, title, chain):
    role = Role.objects.get(title=title)
    assert role.parent.title == chain[-1]
    ancestors = list(role.get_ancestors().values_list("title", flat=True))
    assert all(name in ancestors for name in chain)
    assert not role.dotted_line_superiors.exists()


def test_staffing_comes_from_the_staffing_section(seeded):
    cs = Role.objects.get(title="客服主管")
    assert (cs.headcount, cs.pay_min, cs.pay_max) == (2, 2200, 5000)
    assert sorted(cs.shifts.values_list("name", flat=True)) == ["晚班", "白班"]
    assert "免费提供住宿" in cs.benefits
    promo = Role.objects.get(title="推广主管")
    assert (promo.headcount, promo.pay_min, promo.pay_max) == (2, 3500, 8000)
    assert Role.objects.get(title="美工").headcount == 2


def test_kpis_come_from_the_assessment_sections(seeded):
    names = list(Role.objects.get(title="仓库主管").kpis.values_list("name", flat=True))
    assert any("出入库质量" in n for n in names) and len(names) == 5
    assert any("咨询转化率" in n for n in Role.objects.get(title="客服主管").kpis.values_list("name", flat=True))


def test_pay_schemes_follow_the_performance_rules(seeded):
    cs = Role.objects.get(title="店铺客服").pay_scheme
    assert cs.formula == "实际收入=基本工资+全勤奖金+绩效奖金+提成"
    assert cs.has_commission and cs.warning_enabled
    assert [(t.min_score, t.max_score, t.rate) for t in cs.tiers.all()] == [
        (Decimal("80"), None, Decimal("1")),
        (Decimal("70"), Decimal("80"), Decimal("0.8")),
        (Decimal("60"), Decimal("70"), Decimal("0.6")),
        (Decimal("0"), Decimal("60"), Decimal("0")),
    ]
    designer = Role.objects.get(title="美工").pay_scheme
    assert designer.has_special_bonus and not designer.has_commission
    assert Role.objects.get(title="推广专员").pay_scheme.code == "promotion"


def test_loading_the_seed_twice_changes_nothing_and_keeps_hr_edits(seeded):
    role = Role.objects.get(title="店长")
    role.summary = "人事修改过的主要职责"
    role.save()
    before = tree_text()
    report = load_seed()
    assert report.created == {} and report.updated == {}
    assert Role.objects.count() == 16
    assert tree_text() == before
    assert Role.objects.get(title="店长").summary == "人事修改过的主要职责"


def test_loading_with_update_restores_the_seed_values(seeded):
    Role.objects.filter(title="店长").update(summary="changed")
    load_seed(update=True)
    assert Role.objects.get(title="店长").summary.startswith("负责店铺的正常运营与维护")
    assert Role.objects.get(title="运营总监").duties.count() == 5
    assert tree_text() == EXPECTED_TREE

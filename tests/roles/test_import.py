"""Importing job descriptions: files, the import service, the command and the admin page."""

import html
import io
import re
import zipfile
from unittest import mock

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from roles.importer import sources
from roles.importer.errors import FileTooLarge, UnreadableFile
from roles.importer.parser import parse_cards
from roles.importer.service import import_cards
from roles.models import KPI, Department, Duty, Grade, Requirement, Role, Skill
from tests.factories import make_hr_user, make_manager, make_role, make_user, tree_text
from tests.pages import add_roles
from tests.queries import assert_constant_queries
from tests.roles.test_import_parser import SECTION

IMPORT_URL = "/admin/roles/import/"
CARD = (
    "直播运营职责描述部门电子商务部职级专员上级运营总监、店长下属无主要职责负责店铺直播的策划与执行。"
    "职责1、策划每周直播内容;2、复盘直播数据。工作经验有一年以上直播运营工作经验。"
    "教育程度大专以上学历,电子商务相关专业。技能要求1、熟悉淘宝直播后台。身体要求身体健康。"
)
HEADED = (
    "客服专员岗位职责:1、处理售前咨询2、处理售后问题任职要求:1、熟悉淘宝规则。\n\n"
    "考核:1.咨询转化率考核:(按月统计)2.好评率考核\n\n参考薪资:2200-5000元"
)


def cards(text):
    return parse_cards(text).cards


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Role, Role.history.model, Department, Grade, Duty, Skill, KPI, Requirement)
    }


def docx_bytes(paragraphs=(), rows=()):
    """A real .docx: paragraphs, then a table of `rows` (a row of one value spans the table)."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if rows:
        width = max(len(row) for row in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=False):
                cell.text = value
            if len(values) == 1:
                row.cells[0].merge(row.cells[-1])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


TABLE_CARD = [
    ["运营总监职责描述"],
    ["部门", "电子商务部", "职级", "运营总监"],
    ["上级", "总经理", "下属", "各个店铺店长及主管"],
    ["主要职责", "负责电子商务部的网络营销策略。"],
    ["职责", "1、制定网络营销部的营销策略;\n2、完成公司产品的销售任务。"],
    ["工作经验", "有三年以上淘宝运营工作经验。"],
    ["教育程度", "本科以上学历,电子商务、计算机相关专业。"],
    ["技能要求", "1、具备良好的分析能力。\n2、富于自律和团队精神。"],
    ["身体要求", "身体健康"],
]


# ----------------------------------------------------------------------------- files


def test_a_docx_card_in_a_table_is_read_cell_by_cell():
    card = parse_cards(sources.text_from_bytes("运营总监.docx", docx_bytes(rows=TABLE_CARD))).cards[0]
    assert (card.title, card.department, card.grade, card.superiors) == (
        "运营总监",
        "电子商务部",
        "运营总监",
        ["总经理"],
    )
    assert card.summary == "负责电子商务部的网络营销策略。"
    assert card.duties == ["制定网络营销部的营销策略", "完成公司产品的销售任务"]
    assert card.skills == ["具备良好的分析能力", "富于自律和团队精神"]
    assert (card.experience, card.physical) == ("有三年以上淘宝运营工作经验。", "身体健康")


def test_a_docx_of_paragraphs_is_read_in_order():
    data = docx_bytes(
        paragraphs=["客服专员", "岗位职责:", "1、处理售前咨询", "2、处理售后问题", "任职要求:", "1、熟悉淘宝规则"]
    )
    card = parse_cards(sources.text_from_bytes("jd.docx", data)).cards[0]
    assert (card.title, card.duties, card.skills) == ("客服专员", ["处理售前咨询", "处理售后问题"], ["熟悉淘宝规则"])


@pytest.mark.parametrize(
    "data",
    [
        b"this is not a zip file",
        b"",
        docx_bytes(paragraphs=["岗位职责:1、测试"])[:300],
    ],
)
def test_a_damaged_docx_is_a_clear_error(data):
    with translation.override("en"), pytest.raises(UnreadableFile) as error:
        sources.text_from_bytes("jd.docx", data)
    assert error.value.message == "This .docx file is damaged or is not a Word document."


def test_a_zip_that_is_not_a_word_document_is_a_clear_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with translation.override("en"), pytest.raises(UnreadableFile, match="damaged or is not a Word document"):
        sources.text_from_bytes("jd.docx", buffer.getvalue())


def test_a_docx_that_unpacks_to_too_much_is_refused(settings):
    settings.ROLE_IMPORT_MAX_BYTES = 60_000
    data = docx_bytes(paragraphs=["岗" * 500_000])  # 1.5 MB of text, unpacked
    assert len(data) < 60_000
    with pytest.raises(FileTooLarge):
        sources.text_from_bytes("big.docx", data)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("岗位职责:1、测试工作".encode(), "utf-8"),
        ("岗位职责:1、测试工作".encode("utf-8-sig"), "utf-8 with a BOM"),
        ("岗位职责:1、测试工作".encode("gb18030"), "GB18030"),
        ("岗位职责:1、测试工作".encode("utf-16"), "UTF-16 with a BOM"),
    ],
)
def test_text_files_are_read_in_the_usual_chinese_encodings(data, encoding):
    assert sources.text_from_bytes("jd.txt", data) == "岗位职责:1、测试工作", encoding


def test_other_files_are_refused_with_a_message():
    with translation.override("en"):
        with pytest.raises(UnreadableFile, match="Only .txt and .docx"):
            sources.text_from_bytes("jd.pdf", b"%PDF-1.7")
        with pytest.raises(UnreadableFile, match="save the document as .docx"):
            sources.text_from_bytes("jd.doc", b"\xd0\xcf\x11\xe0")
        with pytest.raises(UnreadableFile, match="not a text file"):
            sources.text_from_bytes("jd.txt", b"\x00\x01\x02\xff\xfe\x00")


# ----------------------------------------------------------------------------- the import service


@pytest.mark.django_db
def test_the_seed_section_imports_into_an_empty_catalogue_as_a_tree_of_drafts():
    with translation.override("en"):
        result = import_cards(cards(SECTION), source="细分表.txt")
    assert [o.action for o in result.outcomes] == ["created"] * 9
    assert tree_text() == "\n".join(
        [
            "运营总监",
            "  店长",
            "    客服主管",
            "    仓库主管",
            "      仓库员",
            "    美工主管",
            "    推广主管",
            "      推广专员",
            "    分销主管",
        ]
    )
    assert set(Role.objects.values_list("status", flat=True)) == {Role.Status.DRAFT}
    grades = dict(Role.objects.values_list("title", "grade__name"))
    assert grades == {
        "运营总监": "总监",
        "店长": "店长",
        "客服主管": "主管",
        "仓库主管": "主管",
        "美工主管": "主管",
        "推广主管": "主管",
        "分销主管": "主管",
        "推广专员": "专员",  # the card says 店长, a copy error
        "仓库员": "员",  # likewise
    }
    clerk = Role.objects.get(title="仓库员")
    assert "copy error" in clerk.source and "细分表.txt" in clerk.source
    assert result.unlinked == [("运营总监", ["总经理"])]
    director = Role.objects.select_related("requirement").get(title="运营总监")
    assert director.requirement.experience_years == 3
    assert director.requirement.education_level == "bachelor"
    assert (director.requirement.education_text, director.requirement.majors) == (
        "本科以上学历",
        "电子商务、计算机相关专业",
    )
    assert director.requirement.physical == "身体健康,年龄45岁以下。"
    assert list(director.duties.values_list("text", flat=True))[4] == "协调本部门内部以及与其他各部门之间的工作关系"
    assert director.skills.count() == 3


@pytest.mark.django_db
def test_importing_the_same_text_again_changes_nothing():
    import_cards(cards(SECTION))
    before = counts()
    result = import_cards(cards(SECTION))
    assert [o.action for o in result.outcomes] == ["unchanged"] * 9
    assert counts() == before


@pytest.mark.django_db
def test_a_changed_card_updates_its_draft_instead_of_adding_a_role(seeded):
    import_cards(cards(CARD))
    before = Role.objects.count()
    changed = CARD.replace("2、复盘直播数据。", "2、复盘直播数据并写周报。")
    with translation.override("en"):
        result = import_cards(cards(changed), source="直播运营.docx")
    assert [o.action for o in result.outcomes] == ["updated"]
    assert Role.objects.count() == before
    role = Role.objects.get(title="直播运营")
    assert list(role.duties.values_list("text", flat=True)) == ["策划每周直播内容", "复盘直播数据并写周报"]
    assert role.history.first().history_change_reason == "Updated by an import from 直播运营.docx"


@pytest.mark.django_db
def test_an_update_keeps_what_the_card_does_not_say(seeded):
    import_cards(cards(CARD))
    role = Role.objects.get(title="直播运营")
    role.requirement.other = "能适应晚班"
    role.requirement.save()
    import_cards(cards(CARD.replace("身体要求身体健康。", "").replace("复盘直播数据。", "复盘数据。")))
    role.requirement.refresh_from_db()
    assert role.requirement.physical == "身体健康。"
    assert role.requirement.other == "能适应晚班"


@pytest.mark.django_db
def test_a_card_matches_a_draft_in_a_team_of_its_department(seeded):
    team = Department.objects.get(name="客服组")  # a team of 电子商务部
    draft = make_role("直播运营", department=team, status=Role.Status.DRAFT, parent=Role.objects.get(title="店长"))
    result = import_cards(cards(CARD))
    assert result.outcomes[0].action == "updated"
    assert result.outcomes[0].role.pk == draft.pk
    assert Role.objects.get(pk=draft.pk).department == team
    assert Role.objects.filter(title="直播运营").count() == 1


@pytest.mark.django_db
def test_a_published_role_is_never_changed_by_an_import(seeded):
    before = list(Role.objects.get(title="推广专员").skills.values_list("text", flat=True))
    with translation.override("en"):
        result = import_cards(cards(SECTION))
    assert [o.action for o in result.outcomes] == ["skipped"] * 9
    assert "an import only changes drafts" in result.outcomes[7].messages[0]
    specialist = Role.objects.get(title="推广专员")
    assert specialist.status == Role.Status.PUBLISHED
    assert list(specialist.skills.values_list("text", flat=True)) == before  # 数据魔方, as the seed corrected it


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(seeded):
    before = counts()
    result = import_cards(cards(CARD + HEADED), dry_run=True)
    assert [o.action for o in result.outcomes] == ["created", "created"]
    assert result.dry_run
    assert counts() == before
    assert not Role.objects.filter(title__in=["直播运营", "客服专员"]).exists()


@pytest.mark.django_db
def test_superiors_are_linked_nearest_first_and_missing_ones_are_reported(seeded):
    result = import_cards(
        cards(CARD + "公关经理职责描述部门电子商务部职级经理上级董事长下属无主要职责负责公关。职责1、处理媒体关系。")
    )
    live, pr = result.outcomes
    assert live.role.parent == Role.objects.get(title="店长")  # 运营总监、店长: the nearest is 店长
    assert pr.role.parent is None
    assert result.unlinked == [("公关经理", ["董事长"])]


@pytest.mark.django_db
def test_a_card_without_a_department_goes_to_the_unassigned_department(seeded):
    with translation.override("en"):
        result = import_cards(cards(HEADED))
    role = result.outcomes[0].role
    assert role.department.name == "未分配部门"
    assert role.grade.name == "专员"  # from the title
    assert any("names no department" in m for m in result.outcomes[0].messages)
    assert list(role.kpis.values_list("name", "measurement")) == [("咨询转化率考核", "按月统计"), ("好评率考核", "")]
    assert "【参考薪资】2200-5000元" in role.source  # unrecognised text is kept with the role


@pytest.mark.django_db
def test_a_requirement_too_long_for_its_field_is_kept_in_other_requirements():
    long = "身体健康" * 60  # 240 characters; the field takes 200
    result = import_cards(cards(CARD.replace("身体要求身体健康。", f"身体要求{long}。")))
    requirement = result.outcomes[0].role.requirement
    assert requirement.physical == ""
    assert long in requirement.other


@pytest.mark.django_db
def test_a_grade_the_catalogue_does_not_know_is_created_for_hr_to_place(seeded):
    with translation.override("en"):
        result = import_cards(cards(CARD.replace("职级专员", "职级P6")))
    assert result.outcomes[0].role.grade.name == "P6"
    assert "set its level" in " ".join(result.outcomes[0].messages)


@pytest.mark.django_db
def test_the_importing_user_is_recorded_in_the_history():
    hr = make_hr_user()
    result = import_cards(cards(CARD), user=hr)
    assert result.outcomes[0].role.history.first().history_user == hr


@pytest.mark.django_db
def test_a_card_without_a_title_is_skipped_with_a_reason():
    with translation.override("en"):
        result = import_cards(cards("岗位职责:1、负责推广"))
    assert result.outcomes[0].action == "skipped"
    assert "no title" in result.outcomes[0].messages[0]
    assert not Role.objects.exists()


@pytest.mark.django_db
def test_a_role_given_twice_in_one_document_is_saved_once():
    with translation.override("en"):
        result = import_cards(cards(CARD + CARD.replace("复盘直播数据。", "复盘数据。")))
    assert [o.action for o in result.outcomes] == ["created", "updated"]
    assert "more than once" in " ".join(result.outcomes[1].messages)
    assert Role.objects.filter(title="直播运营").count() == 1


# ----------------------------------------------------------------------------- the command


@pytest.mark.django_db
def test_the_command_shows_what_it_recognised_and_a_dry_run_saves_nothing(tmp_path):
    path = tmp_path / "细分表.txt"
    path.write_text(SECTION, encoding="gb18030")
    out = io.StringIO()
    call_command("import_roles", str(path), "--dry-run", stdout=out)
    output = out.getvalue()
    assert "1. 运营总监" in output and "9. 仓库员" in output
    assert not Role.objects.exists()
    call_command("import_roles", str(path), stdout=io.StringIO())
    assert Role.objects.count() == 9


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("broken.docx", b"PK\x03\x04 not really", "damaged or is not a Word document"),
        ("notes.txt", "今天天气很好,我们去公园散步。".encode(), "No job description found"),
        ("missing.txt", None, "Cannot read the file"),
    ],
)
def test_the_command_fails_with_a_clear_message_on_a_bad_file(tmp_path, name, data, message):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("import_roles", str(path), stdout=io.StringIO())


@pytest.mark.django_db
def test_the_command_refuses_an_oversize_file_before_reading_it(tmp_path, settings):
    settings.ROLE_IMPORT_MAX_BYTES = 100
    path = tmp_path / "big.txt"
    path.write_text(SECTION, encoding="utf-8")
    with (
        mock.patch("roles.management.commands.import_roles.parse_cards") as parse,
        mock.patch("roles.importer.sources.text_from_bytes") as read,
        pytest.raises(CommandError, match="导入最多接受 100"),  # the command speaks the site language
    ):
        call_command("import_roles", str(path), stdout=io.StringIO())
    parse.assert_not_called()
    read.assert_not_called()


# ----------------------------------------------------------------------------- the admin page


def hidden(page, name):
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


def card_section(page, number):
    return re.search(rf'<section class="import-card" id="card-{number}">(.*?)</section>', page, re.S).group(1)


@pytest.mark.django_db
def test_hr_pastes_sees_a_preview_then_saves_drafts(seeded, hr_client):
    form = hr_client.get(IMPORT_URL).content.decode()
    assert 'name="text"' in form and 'name="file"' in form
    before = Role.objects.count()
    response = hr_client.post(IMPORT_URL, {"step": "preview", "text": CARD + HEADED})
    page = response.content.decode()
    assert response.status_code == 200
    assert Role.objects.count() == before  # nothing saved by the preview
    first, second = card_section(page, 1), card_section(page, 2)
    assert "直播运营" in first and "策划每周直播内容" in first and "熟悉淘宝直播后台" in first
    assert "import-action-created" in first
    unrecognised = re.search(r'class="import-unrecognised">(.*?)</div>', second, re.S).group(1)
    assert "参考薪资" in unrecognised and "<mark>2200-5000元</mark>" in unrecognised
    response = hr_client.post(
        IMPORT_URL,
        {"step": "save", "text": hidden(page, "text"), "source_name": hidden(page, "source_name"), "card": ["1", "2"]},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/roles/role/?status__exact=draft"
    saved = Role.objects.filter(title__in=["直播运营", "客服专员"])
    assert sorted(saved.values_list("status", flat=True)) == [Role.Status.DRAFT] * 2
    assert {r.history.first().history_user.username for r in saved} == {"hr"}
    assert Role.objects.get(title="直播运营").parent == Role.objects.get(title="店长")


@pytest.mark.django_db
def test_only_the_ticked_cards_are_saved(seeded, hr_client):
    page = hr_client.post(IMPORT_URL, {"step": "preview", "text": CARD + HEADED}).content.decode()
    hr_client.post(IMPORT_URL, {"step": "save", "text": hidden(page, "text"), "card": ["2"]})
    assert Role.objects.filter(title="客服专员").exists()
    assert not Role.objects.filter(title="直播运营").exists()


@pytest.mark.django_db
def test_the_preview_marks_published_roles_as_skipped_and_cannot_tick_them(seeded, hr_client):
    page = hr_client.post(IMPORT_URL, {"step": "preview", "text": SECTION}).content.decode()
    director = card_section(page, 1)
    assert "import-action-skipped" in director
    assert re.search(r'name="card" value="1"[^>]*disabled', director)


@pytest.mark.django_db
def test_hr_uploads_a_docx(seeded, hr_client):
    upload = SimpleUploadedFile("运营总监.docx", docx_bytes(rows=TABLE_CARD))
    page = hr_client.post(IMPORT_URL, {"step": "preview", "file": upload}).content.decode()
    assert "制定网络营销部的营销策略" in card_section(page, 1)
    assert hidden(page, "source_name") == "运营总监.docx"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "今天天气很好,我们去公园散步。"}, "No job description found"),
        (
            {"file": SimpleUploadedFile("jd.docx", b"not a docx")},
            "This .docx file is damaged or is not a Word document.",
        ),
        ({"text": ""}, "Paste the text of a job description or choose a file."),
    ],
)
def test_a_bad_paste_or_file_is_explained_on_the_form(seeded, hr_client, data, message):
    response = hr_client.post(IMPORT_URL, {"step": "preview", **data}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert html.escape(message) in page
    assert 'name="text"' in page  # the form again, to try once more


@pytest.mark.django_db
def test_an_oversize_upload_is_refused_before_parsing(seeded, hr_client, settings):
    settings.ROLE_IMPORT_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.txt", SECTION.encode())
    with mock.patch("roles.importer.views.parse_cards") as parse:
        page = hr_client.post(IMPORT_URL, {"step": "preview", "file": upload}, HTTP_ACCEPT_LANGUAGE="en").content
    parse.assert_not_called()
    assert "the import takes at most 100" in page.decode()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login(client):
    for response in (client.get(IMPORT_URL), client.post(IMPORT_URL, {"step": "save", "text": CARD, "card": "1"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert not Role.objects.exists()


@pytest.mark.django_db
def test_staff_who_may_not_add_roles_are_refused(seeded, client):
    client.force_login(make_manager())
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"step": "save", "text": CARD, "card": "1"}).status_code == 403
    assert not Role.objects.filter(title="直播运营").exists()


@pytest.mark.django_db
def test_logged_in_people_without_staff_status_are_sent_to_the_login(client):
    client.force_login(make_user("visitor"))
    assert client.get(IMPORT_URL).status_code == 302


@pytest.mark.django_db
def test_the_role_list_links_to_the_import_for_hr_only(seeded, hr_client, client):
    assert f'href="{IMPORT_URL}"' in hr_client.get("/admin/roles/role/").content.decode()
    client.force_login(make_manager())
    assert f'href="{IMPORT_URL}"' not in client.get("/admin/roles/role/").content.decode()


@pytest.mark.django_db
def test_the_preview_query_count_does_not_grow_with_the_catalogue(seeded, hr_client):
    data = {"step": "preview", "text": CARD + HEADED + SECTION[: SECTION.index("客服主管职责描述")]}

    def preview():
        assert hr_client.post(IMPORT_URL, data).status_code == 200

    assert_constant_queries(preview, lambda: add_roles(200))

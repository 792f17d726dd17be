"""The one read path (roles/reading.py): every output shows a visitor the same roles, titles and superiors."""

import io

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from orgchart.handbook import build_handbook
from orgchart.staffing import chart_nodes
from roles import services, workflow
from roles.models import Role
from roles.reading import Audience, RoleReader, snapshot_matches
from tests.factories import make_hr_user, make_role
from tests.pages import add_roles, login
from tests.pdf_tools import pdf_text, squeezed
from tests.queries import assert_constant_queries

APPROVED, WORKING = "客服主管", "客服经理待审"
WORKING_ONLY_WORD = "直播带货咨询"


def edit(slug, **changes):
    """HR edits a published role's working copy (through the one edit sequence); it goes back to draft."""
    role = Role.objects.get(slug=slug)
    for name, value in changes.items():
        setattr(role, name, value)
    workflow.save_edit(role, "test edit")
    workflow.after_edit(role.pk, make_hr_user(f"hr-{slug}"))
    return Role.objects.get(pk=role.pk)


@pytest.fixture
def under_edit(seeded):
    """客服主管 (under 店长, above 店铺客服) renamed in its working copy; its approved version stays live."""
    role = edit("cs-supervisor", title=WORKING, summary=f"负责{WORKING_ONLY_WORD}。")
    assert role.status == Role.Status.DRAFT and role.live_version.snapshot["title"] == APPROVED
    return role


def shows_approved(text):
    return APPROVED in text and WORKING not in text


def test_a_visitor_reads_the_approved_title_in_every_output(under_edit, client, tmp_path):
    assert shows_approved(client.get("/roles/cs-supervisor/").content.decode())
    assert shows_approved(client.get("/roles/store-cs/").content.decode())  # its superior
    assert shows_approved(client.get("/roles/store-manager/").content.decode())  # its subordinate
    assert shows_approved(client.get("/roles/").content.decode())
    assert shows_approved(client.get("/orgchart/").content.decode())
    nodes = {n["slug"]: n for n in chart_nodes(client.get("/orgchart/data.json").json())}
    assert nodes["cs-supervisor"]["title"] == APPROVED and nodes["cs-supervisor"]["draft"] is False
    assert shows_approved(client.get("/orgchart.svg").content.decode())

    api_list = client.get("/api/v1/roles/?page_size=100").json()["results"]
    [listed] = [r for r in api_list if r["slug"] == "cs-supervisor"]
    assert listed["title"] == APPROVED and listed["status"] == "published"
    detail = client.get(f"/api/v1/roles/{under_edit.pk}/").json()
    assert detail["title"] == APPROVED and detail["summary"] != under_edit.summary
    tree = {row["slug"]: row for row in client.get("/api/v1/tree/").json()}
    assert tree["cs-supervisor"]["title"] == APPROVED and tree["cs-supervisor"]["status"] == "published"

    assert shows_approved(squeezed(pdf_text(client.get("/roles/cs-supervisor.pdf").content)))
    assert shows_approved(squeezed(pdf_text(client.get("/roles/store-cs.pdf").content)))
    docx = Document(io.BytesIO(client.get("/roles/store-cs.docx").content))
    cells = [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    assert APPROVED in cells and WORKING not in "".join(cells)
    sheet = load_workbook(io.BytesIO(client.get("/roles.xlsx").content)).active
    assert shows_approved(" ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row))

    with (tmp_path / "handbook.pdf").open("wb") as handle:
        build_handbook(handle, language="zh-hans")
    assert shows_approved(squeezed(pdf_text((tmp_path / "handbook.pdf").read_bytes())))


def test_search_finds_what_a_visitor_reads_not_the_working_copy(under_edit, client):
    assert "/roles/cs-supervisor/" not in client.get(f"/roles/?q={WORKING_ONLY_WORD}").content.decode()
    assert client.get(f"/api/v1/roles/?q={WORKING_ONLY_WORD}").json()["count"] == 0
    found = client.get("/api/v1/roles/?q=客服主管").json()["results"]
    assert [r["slug"] for r in found if r["slug"] == "cs-supervisor"] == ["cs-supervisor"]

    login(client, "hr")  # staff search the working copy
    assert "/roles/cs-supervisor/" in client.get(f"/roles/?q={WORKING_ONLY_WORD}").content.decode()


def test_hr_reads_the_working_copy_and_the_admin_edits_it(under_edit, client):
    login(client, "hr")
    assert WORKING in client.get("/roles/cs-supervisor/").content.decode()
    assert WORKING in client.get(f"/admin/roles/role/{under_edit.pk}/change/").content.decode()
    nodes = {n["slug"]: n for n in chart_nodes(client.get("/orgchart/data.json").json())}
    assert nodes["cs-supervisor"]["title"] == WORKING


def test_a_hidden_draft_is_skipped_in_every_reporting_line(seeded, client):
    manager = Role.objects.get(slug="store-manager")
    draft = make_role("直播运营", parent=manager, slug="live-ops", status=Role.Status.DRAFT)
    below = make_role("直播助理", parent=draft, slug="live-assistant")
    role = RoleReader(Audience()).get(slug=below.slug)
    assert [link.title for link in role.reporting_line] == ["总经理", "运营总监", "店长"]
    assert role.superior.slug == "store-manager"
    subordinates = [link.slug for link in RoleReader(Audience()).get(slug="store-manager").subordinates]
    assert "live-assistant" in subordinates and "live-ops" not in subordinates
    detail = client.get(f"/api/v1/roles/{below.pk}/").json()
    assert detail["parent"] == manager.pk
    listed = {r["slug"]: r for r in client.get("/api/v1/roles/?page_size=100").json()["results"]}
    assert listed["live-assistant"]["parent"] == manager.pk and "live-ops" not in listed
    assert below.pk in client.get(f"/api/v1/roles/{manager.pk}/").json()["subordinates"]


def test_snapshot_search_matches_like_icontains():
    snapshot = {"title": "店铺客服", "code": "CS-01", "summary": "", "duties": ["回答买家咨询"], "skills": []}
    snapshot["requirement"] = {"majors": "电子商务", "physical": ""}
    assert snapshot_matches(snapshot, ["cs-01", "咨询"])
    assert snapshot_matches(snapshot, ["电子商务"])
    assert not snapshot_matches(snapshot, ["咨询", "仓库"])
    assert not snapshot_matches({**snapshot, "requirement": None}, ["电子商务"])


def add_roles_under_edit(count):
    """More roles, each published and then edited, so each one is read in its live version."""
    add_roles(count)
    for role in Role.objects.filter(title__startswith="客服", parent__isnull=False).exclude(
        slug__in=["store-cs", "cs-supervisor"]
    ):
        workflow.publish_loaded(role)
        edit(role.slug, title=f"{role.title}待审")


@pytest.mark.parametrize(
    "url",
    ["/roles/", "/roles/cs-supervisor/", "/orgchart/data.json", "/api/v1/roles/", "/api/v1/tree/", "/roles.xlsx"],
)
def test_reading_roles_in_their_live_version_costs_no_query_per_role(under_edit, client, url):
    assert_constant_queries(lambda: client.get(url), lambda: add_roles_under_edit(12))


# -- the precise single-role query agrees with reading whole trees, whatever the visibility


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 30), st.booleans()), min_size=1, max_size=14))
def test_one_roles_links_equal_those_read_with_its_whole_tree(seeded, shape):
    """Random roles under random superiors, some hidden drafts: the reporting line, superior and
    subordinates of each role read alone equal those read with all roles at once."""
    services.delete_roles(list(Role.objects.filter(slug__startswith="h-").values_list("pk", flat=True)))
    created = [Role.objects.get(slug="store-manager")]
    for n, (parent_index, hidden) in enumerate(shape):
        parent = created[parent_index % len(created)]
        status = Role.Status.DRAFT if hidden else Role.Status.PUBLISHED
        created.append(make_role(f"随机{n}", parent=parent, slug=f"h-{n}", status=status))
    reader = RoleReader(Audience())
    together = {role.pk: role for role in reader.load(reader.job_descriptions())}
    for role_id, role in together.items():
        alone = reader.get(pk=role_id)
        assert alone.reporting_line == role.reporting_line
        assert alone.superior == role.superior
        assert alone.subordinates == role.subordinates
    # Brute force: the nearest published superior, walking the stored parent links.
    parents = dict(Role.objects.values_list("pk", "parent_id"))
    public = set(Role.objects.published().values_list("pk", flat=True))
    for role_id, role in together.items():
        above = parents[role_id]
        while above is not None and above not in public:
            above = parents[above]
        assert (role.superior.pk if role.superior else None) == above

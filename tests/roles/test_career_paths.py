"""Career paths (晋升通道): Role.leads_to, the loop rule, where job descriptions and the matrix show them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html
from rest_framework.test import APIClient

from roles.career_paths import loop_back
from roles.models import Role
from roles.seed import load_seed
from tests.admin_forms import change_form_data, error_text
from tests.factories import make_hr_user, make_manager, make_role
from tests.pdf_tools import pdf_text, squeezed


def role(slug):
    return Role.objects.get(slug=slug)


# ----------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("role_id", "targets", "pairs", "expected"),
    [
        (1, [2], [], None),  # a first step up
        (1, [1], [], [1, 1]),  # to itself
        (1, [2], [(2, 1)], [1, 2, 1]),  # straight back
        (1, [2], [(2, 3), (3, 1)], [1, 2, 3, 1]),  # round three roles
        (1, [2, 4], [(4, 1), (2, 3), (3, 5), (5, 1)], [1, 4, 1]),  # the shortest loop is named
        (1, [2], [(2, 3), (3, 2)], None),  # a loop elsewhere is not this role's
        (1, [], [(1, 2), (2, 1)], None),  # the role's stored links are the ones replaced
        (1, [3], [(2, 1), (3, 4)], None),  # roles leading to it are no loop by themselves
    ],
)
def test_a_loop_back_to_the_role_is_found_and_spelled_out(role_id, targets, pairs, expected):
    assert loop_back(role_id, targets, pairs) == expected


def reaches(start, goal, graph):
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


@given(
    pairs=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=15),
    targets=st.lists(st.integers(0, 6), max_size=3),
)
def test_a_loop_is_found_exactly_when_a_target_leads_back_and_it_is_a_real_path(pairs, targets):
    graph = {}
    for start, end in pairs:
        if start != 0:
            graph.setdefault(start, []).append(end)
    loop = loop_back(0, targets, pairs)
    assert (loop is not None) == any(reaches(target, 0, graph) for target in targets)
    if loop is not None:
        graph[0] = targets
        assert loop[0] == loop[-1] == 0 and 0 not in loop[1:-1]
        assert all(b in graph.get(a, ()) for a, b in zip(loop, loop[1:], strict=False))


# ----------------------------------------------------------------------------- writing them


def test_the_seed_has_the_example_path_and_loading_it_again_changes_nothing(seeded):
    def paths():
        return sorted(Role.leads_to.through.objects.values_list("from_role__title", "to_role__title"))

    assert paths() == [("推广专员", "推广主管"), ("推广主管", "店长")]
    load_seed()
    assert paths() == [("推广专员", "推广主管"), ("推广主管", "店长")]


def test_the_role_form_refuses_a_path_back_to_the_role_naming_the_field(seeded, client):
    client.force_login(make_hr_user())
    manager = role("store-manager")
    url = f"/admin/roles/role/{manager.pk}/change/"
    data = change_form_data(client.get(url))
    data["leads_to"] = [str(role("promotion-specialist").pk)]
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["leads_to"] == ["晋升通道不能回到本岗位：店长 → 推广专员 → 推广主管 → 店长。"]
    assert "晋升通道不能回到本岗位" in error_text(response)
    assert not manager.leads_to.exists()


def test_the_role_form_saves_a_path_that_does_not_loop(seeded, client):
    client.force_login(make_hr_user())
    specialist = role("promotion-specialist")
    url = f"/admin/roles/role/{specialist.pk}/change/"
    data = change_form_data(client.get(url))
    data["leads_to"] = [str(role("promotion-supervisor").pk), str(role("operations-director").pk)]
    assert client.post(url, data).status_code == 302
    assert set(specialist.leads_to.values_list("slug", flat=True)) == {"promotion-supervisor", "operations-director"}


# ----------------------------------------------------------------------------- reading them


def career_paths_on(response):
    document = lxml_html.fromstring(response.content.decode())
    rows = document.find_class("career-paths")
    if not rows:
        return None
    [row] = rows
    assert row.xpath("./th")[0].text_content() == "晋升通道"
    return {a.text_content(): a.get("href") for a in row.xpath(".//a")}


def test_the_job_description_links_the_roles_it_leads_to(seeded, client):
    assert career_paths_on(client.get("/roles/promotion-specialist/")) == {"推广主管": "/roles/promotion-supervisor/"}
    assert career_paths_on(client.get("/roles/store-manager/")) is None  # the top of the path


def test_a_path_to_a_role_the_reader_may_not_read_is_left_out(seeded, client):
    draft = make_role("直播主管", slug="live-lead", status=Role.Status.DRAFT)
    role("promotion-specialist").leads_to.add(draft)
    assert career_paths_on(client.get("/roles/promotion-specialist/")) == {"推广主管": "/roles/promotion-supervisor/"}
    client.force_login(make_manager())
    assert career_paths_on(client.get("/roles/promotion-specialist/")) == {
        "推广主管": "/roles/promotion-supervisor/",
        "直播主管": "/roles/live-lead/",
    }


def test_the_job_description_as_of_a_past_day_shows_today_s_paths(seeded, client):
    paths = career_paths_on(client.get("/roles/promotion-specialist/?as_of=2025-06-01"))
    assert paths == {"推广主管": "/roles/promotion-supervisor/?as_of=2025-06-01"}


def test_the_pdf_shows_the_career_paths(seeded, client):
    response = client.get("/roles/promotion-specialist.pdf")
    assert response.status_code == 200
    assert "晋升通道推广主管" in squeezed(pdf_text(response.content))


def test_the_matrix_draws_the_paths_only_when_asked(seeded, client):
    def notes(url):
        document = lxml_html.fromstring(client.get(url).content.decode())
        return [
            (n.getparent().text_content().split("→")[0], n.text_content()) for n in document.find_class("path-note")
        ]

    plain = client.get("/roles/architecture/").content.decode()
    assert "显示晋升通道" in plain and "architecture.js" not in plain
    assert notes("/roles/architecture/") == []
    shown = client.get("/roles/architecture/?paths=1").content.decode()
    assert "隐藏晋升通道" in shown and "js/architecture.js" in shown
    titles = sorted(text for _cell, text in notes("/roles/architecture/?paths=1"))
    assert titles == ["→ 店长", "→ 推广主管"]


# ----------------------------------------------------------------------------- the API


def test_hr_writes_career_paths_through_the_api_and_a_loop_is_a_400_naming_the_field(seeded):
    api = APIClient()
    api.force_authenticate(make_hr_user())
    manager, specialist = role("store-manager"), role("promotion-specialist")
    refused = api.patch(f"/api/v1/roles/{manager.pk}/", {"leads_to": [specialist.pk]}, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["leads_to"]
    assert "店长 → 推广专员 → 推广主管 → 店长" in refused.json()["leads_to"][0]
    assert not manager.leads_to.exists()
    director = role("operations-director")
    saved = api.patch(f"/api/v1/roles/{manager.pk}/", {"leads_to": [director.pk]}, format="json")
    assert saved.status_code == 200 and saved.json()["leads_to"] == [director.pk]
    assert list(manager.leads_to.values_list("slug", flat=True)) == ["operations-director"]


def test_the_api_gives_only_the_paths_the_reader_may_read(seeded):
    draft = make_role("直播主管", slug="live-lead", status=Role.Status.DRAFT)
    specialist = role("promotion-specialist")
    specialist.leads_to.add(draft)
    supervisor = role("promotion-supervisor")
    api = APIClient()
    assert api.get(f"/api/v1/roles/{specialist.pk}/").json()["leads_to"] == [supervisor.pk]
    api.force_authenticate(make_manager())
    assert sorted(api.get(f"/api/v1/roles/{specialist.pk}/").json()["leads_to"]) == sorted([supervisor.pk, draft.pk])


def test_career_paths_are_not_part_of_a_version(seeded):
    """A path is architecture between roles, always today's: writing one makes no version and leaves a
    published job description published."""
    api = APIClient()
    api.force_authenticate(make_hr_user())
    manager = role("store-manager")
    versions = manager.versions.count()
    saved = api.patch(f"/api/v1/roles/{manager.pk}/", {"leads_to": [role("operations-director").pk]}, format="json")
    assert saved.status_code == 200 and saved.json()["status"] == "published"
    assert manager.versions.count() == versions
    assert "leads_to" not in manager.versions.first().snapshot

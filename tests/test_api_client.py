"""A client generated from the served schema drives the main story against gunicorn, as an integrator's would.

Payroll and portal integrations generate their clients from /api/schema/ (README "API"). Here the app runs
under gunicorn on a free loopback port (DEBUG off, a scratch SQLite database of its own, migrated and seeded
with the seed catalogue, an HR user with a token), whichever database the suite itself runs on. Its schema is
checked with openapi-spec-validator, openapi-python-client turns it into a package in a temporary folder
(nothing generated is committed), and the story is told through that package's typed functions only: list
and search roles, read one with its duties, create a role under 店长, move it, estimate a month's pay, read
the tree.
"""

import importlib
import json
import re
import subprocess
import sys
from decimal import Decimal

import httpx
import pytest
from openapi_spec_validator import validate

from tests.served import ROOT, served_app

PACKAGE = "roleatlas_api_client"
SEED = json.loads((ROOT / "fixtures" / "seed.json").read_text(encoding="utf-8"))
SEED_ROLES = {role["slug"]: role for role in SEED["roles"]}
MAKE_HR_USER = """
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from roles.apps import HR_GROUP
from roles.seed import load_seed
load_seed()
hr = User.objects.create_user("integration-hr", is_staff=True)
hr.groups.add(Group.objects.get(name=HR_GROUP))
print(Token.objects.create(user=hr).key)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn on the seeded catalogue: its base URL and an HR token."""
    with served_app(tmp_path_factory.mktemp("api-client-server"), MAKE_HR_USER, "/api/schema/") as (url, token, _log):
        yield url, token


@pytest.fixture(scope="module")
def schema(server, tmp_path_factory):
    """The schema as the running server serves it, saved to a file for the generator."""
    base_url, _token = server
    response = httpx.get(f"{base_url}/api/schema/", params={"format": "json"}, timeout=30)
    assert response.status_code == 200, response.text[:500]
    path = tmp_path_factory.mktemp("api-client-schema") / "schema.json"
    path.write_bytes(response.content)
    return path


@pytest.fixture(scope="module")
def api(schema, tmp_path_factory):
    """The package openapi-python-client generates from the schema, imported from a temporary folder."""
    folder = tmp_path_factory.mktemp("api-client-generated")
    config = folder / "config.json"
    # No metadata (pyproject.toml) and no ruff post-hooks: only the importable package, in about a second.
    config.write_text(json.dumps({"package_name_override": PACKAGE, "post_hooks": []}))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(schema),
            "--meta",
            "none",
            "--config",
            str(config),
            "--output-path",
            str(folder / PACKAGE),
            "--fail-on-warning",  # a warning means an operation or a model was left out of the client
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"openapi-python-client could not generate a client:\n{done.stdout}\n{done.stderr}"
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_the_served_schema_is_valid_openapi(schema):
    document = json.loads(schema.read_text(encoding="utf-8"))
    validate(document)  # raises OpenAPIValidationError naming the offending part
    assert document["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in document["paths"])


def test_request_bodies_are_json_only(schema):
    """One media type per request body. Given the same model under several (DRF's default parsers add form and
    multipart), openapi-python-client 0.29 writes a client whose every write sends multipart/form-data, which
    cannot carry the nested lists (duties, tiers), and whose modules do not import (`Unset` undefined); upstream
    issues 1276 and 1451 of openapi-generators/openapi-python-client."""
    document = json.loads(schema.read_text(encoding="utf-8"))
    several = {
        f"{method.upper()} {path}": sorted(operation["requestBody"]["content"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation and list(operation["requestBody"]["content"]) != ["application/json"]
    }
    assert not several, several


def ok(response, status=200):
    """The parsed body of a typed call that answered `status`; the raw answer in the message otherwise."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.parsed


def test_a_generated_client_tells_the_main_story(server, api):
    from roleatlas_api_client.api.departments import departments_list
    from roleatlas_api_client.api.grades import grades_list
    from roleatlas_api_client.api.roles import (
        roles_create,
        roles_list,
        roles_move_create,
        roles_pay_estimate_create,
        roles_retrieve,
    )
    from roleatlas_api_client.api.tree import tree_list
    from roleatlas_api_client.client import AuthenticatedClient, Client
    from roleatlas_api_client.models import (
        DutyRequest,
        MoveRequest,
        PayEstimateRequestRequest,
        PositionEnum,
        StaffedRoleDetailRequest,
    )

    base_url, token = server
    # An answer the schema does not declare raises errors.UnexpectedStatus instead of parsing to None.
    visitor = Client(base_url=base_url, raise_on_unexpected_status=True)
    hr = AuthenticatedClient(base_url=base_url, token=token, prefix="Token", raise_on_unexpected_status=True)

    # List: the published catalogue is public; the first page holds the whole seed.
    page = ok(roles_list.sync_detailed(client=visitor))
    assert page.count == len(SEED_ROLES)
    assert [role.title for role in page.results][:3] == ["总经理", "运营总监", "店长"]
    ids = {role.slug: role.id for role in page.results}

    # Search: every word of q in the title, the duties or the requirements.
    found = ok(roles_list.sync_detailed(client=hr, q="客服"))
    titles = {role.title for role in found.results}
    assert {"客服主管", "店铺客服", "分销客服"} <= titles
    assert "摄影" not in titles and found.count == len(found.results) < page.count

    # One role with its duties, in the seed's order.
    store_cs = ok(roles_retrieve.sync_detailed(client=hr, id=ids["store-cs"]))
    assert store_cs.title == "店铺客服"
    assert store_cs.parent == ids["cs-supervisor"]
    assert [duty.text for duty in store_cs.duties] == SEED_ROLES["store-cs"]["duties"]
    assert [duty.order for duty in store_cs.duties] == list(range(1, len(store_cs.duties) + 1))

    # Create a role under 店长, with its duties; the address comes from the title's pinyin.
    departments = {d.code: d.id for d in ok(departments_list.sync_detailed(client=hr)).results}
    grades = {g.code: g.id for g in ok(grades_list.sync_detailed(client=hr)).results}
    body = StaffedRoleDetailRequest(
        title="直播客服",
        department=departments["customer-service"],
        grade=grades["specialist"],
        parent=ids["store-manager"],
        summary="在直播间解答观众咨询。",
        duties=[DutyRequest(text="解答直播间观众的咨询"), DutyRequest(text="登记直播订单的售后问题")],
    )
    created = ok(roles_create.sync_detailed(client=hr, body=body), status=201)
    assert created.title == "直播客服" and created.slug == "zhibo-kefu"
    assert created.parent == ids["store-manager"]
    assert [duty.text for duty in created.duties] == ["解答直播间观众的咨询", "登记直播订单的售后问题"]

    # Move it under 客服主管; reading it again shows the new superior.
    move = MoveRequest(target=ids["cs-supervisor"], position=PositionEnum.LAST_CHILD)
    moved = ok(roles_move_create.sync_detailed(client=hr, id=created.id, body=move))
    assert moved.parent == ids["cs-supervisor"]
    assert ok(roles_retrieve.sync_detailed(client=hr, id=created.id)).parent == ids["cs-supervisor"]

    # A month's pay of 店铺客服 (the seed's example amounts: 2800 base, 600 full bonus, 0.5 % commission).
    facts = PayEstimateRequestRequest(performance_score="85", late_count=0, leave_count=0, sales_amount="100000")
    pay = ok(roles_pay_estimate_create.sync_detailed(client=hr, id=ids["store-cs"], body=facts))
    parts = [pay.base_salary, pay.attendance_bonus, pay.performance_bonus, pay.commission, pay.special_bonus]
    assert all(re.fullmatch(r"\d+\.\d\d", amount) for amount in [*parts, pay.total])
    assert (pay.base_salary, pay.attendance_bonus, pay.performance_bonus, pay.commission) == (
        "2800.00",
        "280.00",
        "600.00",
        "500.00",
    )
    assert pay.total == "4180.00" and Decimal(pay.total) == sum(Decimal(part) for part in parts)
    assert pay.attendance_bonus_cancelled is False and pay.reasons

    # The tree: the new role hangs under its new superior, which still hangs under 店长.
    nodes = {node.id: node for node in ok(tree_list.sync_detailed(client=hr))}
    assert nodes[created.id].title == "直播客服"
    assert nodes[created.id].parent == ids["cs-supervisor"]
    assert nodes[ids["cs-supervisor"]].parent == ids["store-manager"]

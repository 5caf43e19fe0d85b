"""``aios mcp --http`` signed in to through a real OpenID Connect provider on loopback
(nanoidp), beside the API keys: the token's person is who calls, with the role their groups
give at that request; a person in no mapped group is refused and nothing is written."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import anyio
import httpx
import pytest

from aios.api.auth import KeyRates
from aios.audit import open_trail
from aios.cli.mcp_server import open_server
from aios.cli.users import directory
from aios.loopback import serve
from aios.mcp import http
from aios.policy import load_policy
from aios.users.oidc.provider import open_provider
from tests.identity_provider import AUDIENCE, IdentityProvider, running_provider
from tests.mcp.conftest import data, over_http, received
from tests.settings import REPO


@pytest.fixture(scope="module")
def idp(tmp_path_factory) -> Iterator[IdentityProvider]:
    with running_provider(tmp_path_factory.mktemp("nanoidp") / "config") as provider:
        yield provider


@pytest.fixture
def url(demo_settings, idp, tmp_path) -> Iterator[str]:
    """The MCP server taking ``idp``'s tokens, its people named by ``sub`` (nanoidp's tokens
    carry no preferred_username)."""
    mapping = tmp_path / "identity.yaml"
    shutil.copy(REPO / "policies" / "identity.yaml", mapping)
    mapping.write_text(
        mapping.read_text().replace("username_claim: preferred_username", "username_claim: sub")
    )
    settings = demo_settings.model_copy(
        update={"oidc_issuer": idp.issuer, "oidc_audience": AUDIENCE, "identity_file": mapping}
    )
    people = directory(settings)
    policy = load_policy(settings.policy_file)
    provider = open_provider(settings, people, policy, open_trail(settings), "mcp")
    server = open_server(settings, http.user_of, "http")
    with serve(http.http_app(server, people, KeyRates("1000/minute"), provider)) as base:
        yield base + http.PATH


def test_a_providers_token_calls_as_the_person_with_their_groups_role(url, idp, demo_settings):
    idp.add_person("robin", ["aios-agents"])

    async def look_up(token: str) -> dict[str, object]:
        async with over_http(url, token) as client:
            found = await client.call_tool("crm.get_account", {"account_id": "ACC-1004"})
            assert not found.isError
            return data(found)

    account = anyio.run(look_up, idp.token("robin"))
    assert "ACC-1004" in str(account)
    calls = [
        r
        for r in open_trail(demo_settings).records()
        if r.kind == "call.received" and r.tool == "crm.get_account"
    ]
    assert [c.actor for c in calls] == ["robin"]
    [signed_in] = [r for r in open_trail(demo_settings).records() if r.kind == "user.signed_in"]
    assert (signed_in.actor, signed_in.arguments["role"]) == ("robin", "agent")


def test_a_person_in_no_mapped_group_is_refused_and_nothing_is_written(url, idp, demo_settings):
    idp.add_person("sasha", ["contractors"])
    hello = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    refused = httpx.post(url, json=hello, headers={"Authorization": f"Bearer {idp.token('sasha')}"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "no_role"
    assert directory(demo_settings).get("sasha") is None
    assert received(demo_settings) == []

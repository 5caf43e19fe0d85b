"""The API signed in to through a real OpenID Connect provider on loopback (nanoidp): its access
tokens are taken, every kind of bad token is refused, roles follow the provider's groups at
every request, and a person in no mapped group is refused with nothing written."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.assistant.factory import build_runtime
from aios.loopback import free_port
from aios.users.oidc.provider import open_provider
from aios.users.tables import ProviderIdentityRow, UserRow
from connectors.demo import _planted as planted
from connectors.erp.models import Customer
from tests.identity_provider import AUDIENCE, running_provider
from tests.settings import REPO

MAPPING = REPO / "policies" / "identity.yaml"
REFRESH_S = 30.0  # ProviderKeys' least time between two reads of the keys for an unknown kid
MAX_AGE_S = 600.0  # ProviderKeys' longest use of the keys it read


class Clock:
    """The keys' cache's clock, moved on by the tests instead of waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    with running_provider(tmp_path_factory.mktemp("nanoidp") / "config") as provider:
        yield provider


@pytest.fixture
def mapping(tmp_path):
    """The checked-in mapping, naming people by ``sub`` (nanoidp's tokens carry no
    preferred_username; its subject is the user name)."""
    path = tmp_path / "identity.yaml"
    shutil.copy(MAPPING, path)
    path.write_text(
        path.read_text().replace("username_claim: preferred_username", "username_claim: sub")
    )
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _api(demo_settings, embedder, issuer, mapping, clock):
    settings = demo_settings.model_copy(
        update={"oidc_issuer": issuer, "oidc_audience": AUDIENCE, "identity_file": mapping}
    )
    runtime = build_runtime(settings, embedder=embedder)
    trail = runtime.toolbox.trail
    provider = open_provider(settings, runtime.users, runtime.policy, trail, "api", clock=clock)
    return TestClient(create_app(runtime, open_api_store(settings), provider=provider))


@pytest.fixture
def api(demo_settings, embedder, idp, mapping, clock):
    return _api(demo_settings, embedder, idp.issuer, mapping, clock)


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _refused(api, token, status=401):
    answer = api.get("/v1/me", headers=_bearer(token))
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    return answer.json()["detail"]


def _say(api, token, text):
    session = api.post("/v1/sessions", headers=_bearer(token))
    assert session.status_code == 201, session.text
    turn = api.post(
        f"/v1/sessions/{session.json()['id']}/messages", json={"text": text}, headers=_bearer(token)
    )
    assert turn.status_code == 200, turn.text
    return {"session": session.json()["id"], **turn.json()}


def _segment(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _parts(token):
    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


def test_the_api_takes_the_providers_token_as_the_person_it_names(api, idp):
    idp.add_person("pat", ["aios-agents"])
    token = idp.token("pat")
    me = api.get("/v1/me", headers=_bearer(token))
    assert me.status_code == 200, me.text
    assert (me.json()["name"], me.json()["role"]) == ("pat", "agent")
    assert api.get("/v1/me", headers=_bearer(token)).json()["name"] == "pat"
    runtime = api.app.state.runtime
    with Session(runtime.users.engine) as session:
        [link] = session.exec(select(ProviderIdentityRow)).all()
    assert (link.issuer, link.subject, link.user_name) == (idp.issuer, "pat", "pat")
    # The token's first use is the sign-in, on the trail with who the provider says it is.
    [signed_in] = [r for r in runtime.toolbox.trail.records("api-sign-in") if r.actor == "pat"]
    assert signed_in.kind == "user.signed_in"
    assert signed_in.arguments["issuer"] == idp.issuer
    assert signed_in.arguments["subject"] == "pat"
    assert signed_in.arguments["groups"] == ["aios-agents"]
    assert signed_in.arguments["role"] == "agent"
    # An API key for a machine client works beside the provider.
    key = runtime.users.add_key("alice", "a script")[1]
    assert api.get("/v1/me", headers=_bearer(key)).json()["name"] == "alice"


def test_tokens_aios_does_not_take_are_refused_with_the_reason(api, idp):
    idp.add_person("quinn", ["aios-agents"])
    good = idp.token("quinn")
    header, claims = _parts(good)
    assert "expired" in _refused(api, idp.expired_token("quinn"))
    other_api = idp.token("quinn", resource="https://reports.intranet.example/")
    assert "not for this API" in _refused(api, other_api)
    # Asked for at another host name, the provider signs it with its own key as that issuer.
    elsewhere = idp.token("quinn", host="localhost")
    assert _parts(elsewhere)[0]["kid"] == header["kid"]
    assert "not issued by" in _refused(api, elsewhere)
    unsigned = f"{_segment({**header, 'alg': 'none'})}.{_segment(claims)}."
    assert "'none'" in _refused(api, unsigned)
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, forger, algorithm="RS256", headers={"kid": header["kid"]})
    assert "signature does not verify" in _refused(api, forged)
    # HS256 "signed" with the provider's public key, which anybody can read from its JWKS.
    public = json.dumps(idp.jwks()["keys"][0]).encode()
    signing_input = f"{_segment({**header, 'alg': 'HS256'})}.{_segment(claims)}"
    mac = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    confused = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    assert "'HS256'" in _refused(api, confused)
    assert api.get("/v1/me", headers=_bearer(good)).status_code == 200


def test_keys_rotate_in_and_out(api, idp, clock):
    idp.add_person("robin", ["aios-agents"])
    first = idp.token("robin")
    assert api.get("/v1/me", headers=_bearer(first)).status_code == 200
    idp.rotate_keys()
    second = idp.token("robin")
    # A key the cache does not hold is looked up again, but not at every token naming one.
    assert "does not publish" in _refused(api, second)
    clock.now += REFRESH_S
    assert api.get("/v1/me", headers=_bearer(second)).status_code == 200
    idp.rotate_keys()  # the first key is no longer published
    assert api.get("/v1/me", headers=_bearer(first)).status_code == 200  # cached a while
    clock.now += MAX_AGE_S
    assert "does not publish" in _refused(api, first)
    assert api.get("/v1/me", headers=_bearer(idp.token("robin"))).status_code == 200


def test_moving_a_person_to_finance_changes_what_they_may_do_without_a_restart(api, idp, rows):
    idp.add_person("sam", ["aios-agents"])
    ask = "set northfield packaging's credit limit to 8000, they asked for less exposure"
    as_agent = _say(api, idp.token("sam"), ask)
    assert as_agent["status"] != "awaiting_confirmation"
    assert "the agent role may not use erp.set_credit_limit" in json.dumps(as_agent["events"])
    idp.move("sam", ["aios-agents", "aios-finance"])
    token = idp.token("sam")
    assert api.get("/v1/me", headers=_bearer(token)).json()["role"] == "finance"
    as_finance = _say(api, token, ask)
    # Up to $10,000 finance sets it on its own word; no second person is asked.
    assert [e["type"] for e in as_finance["events"]][1] == "confirmation_required", as_finance
    pending = api.get(f"/v1/sessions/{as_finance['session']}/pending", headers=_bearer(token))
    shown = {"confirmation_id": pending.json()["id"], "args_hash": pending.json()["args_hash"]}
    done = api.post(
        f"/v1/sessions/{as_finance['session']}/decision",
        json={"answer": "approve", **shown},
        headers=_bearer(token),
    )
    assert done.json()["status"] == "completed", done.text
    [northfield] = [c for c in rows("erp", Customer) if c.account_id == planted.CREDIT_B_ACCOUNT]
    assert northfield.credit_limit_cents == 800_000
    idp.move("sam", ["aios-agents"])
    assert api.get("/v1/me", headers=_bearer(idp.token("sam"))).json()["role"] == "agent"


def test_a_person_in_no_mapped_group_is_refused_and_nothing_is_written(api, idp, mapping):
    idp.add_person("taylor", ["sales"])
    token = idp.token("taylor")
    refused = api.post("/v1/sessions", headers=_bearer(token))
    assert (refused.status_code, refused.json()["code"]) == (403, "no_role")
    assert "None of your groups (sales) gives a role in aios" in refused.json()["detail"]
    runtime = api.app.state.runtime
    with Session(runtime.users.engine) as session:
        assert session.get(UserRow, "taylor") is None
        assert session.exec(select(ProviderIdentityRow)).all() == []
    assert [r for r in runtime.toolbox.trail.records() if r.actor == "taylor"] == []
    # The mapping is read again when it changes: mapping sales lets them in, no restart.
    mapping.write_text(mapping.read_text() + "  sales: auditor\n")
    assert api.get("/v1/me", headers=_bearer(token)).json()["role"] == "auditor"


def test_groups_whose_roles_include_none_of_the_others_are_refused(api, idp):
    idp.add_person("uma", ["aios-finance", "aios-senior-agents"])
    detail = _refused(api, idp.token("uma"), 403)
    assert "finance and senior_agent" in detail


def test_a_provider_that_does_not_answer_is_503_and_api_keys_still_work(
    demo_settings, embedder, idp, mapping, clock, caplog
):
    nobody = f"http://127.0.0.1:{free_port()}"
    api = _api(demo_settings, embedder, nobody, mapping, clock)
    idp.add_person("vic", ["aios-agents"])
    token = idp.token("vic")
    for _ in range(2):
        down = api.get("/v1/me", headers=_bearer(token))
        assert (down.status_code, down.json()["code"]) == (503, "provider_unavailable")
        assert "use an API key" in down.json()["detail"]
    failed = [r.getMessage() for r in caplog.records if "identity provider failed" in r.message]
    # The second request is answered without asking the provider again.
    assert [("cannot read" in m, "trying again within 30 s" in m) for m in failed] == [
        (True, False),
        (False, True),
    ]
    key = api.app.state.runtime.users.add_key("alice", "a script")[1]
    assert api.get("/v1/me", headers=_bearer(key)).json()["name"] == "alice"

"""Web chat sign-in (issue 24.8): each user's own password, hashed with argon2id; the demo
password only for the demo operators; failed attempts throttled per user and per client,
across workers; a server beyond loopback with demo credentials refuses to start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from typer.testing import CliRunner

from aios.audit import AuditTrail, open_trail
from aios.audit.trail import AuditFilter
from aios.cli.main import app
from aios.db import open_database
from aios.policy import load_policy
from aios.users import UserDirectory
from aios.users.sign_in import SignIns, Throttle
from aios.users.tables import UserRow
from aios.web import login, wording
from aios.web.login import DemoLoginExposed, is_loopback, refuse_exposed_demo

runner = CliRunner()
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
"""argon2id with the least work: these tests are about who gets in, not about the cost."""


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def trail(demo_settings) -> AuditTrail:
    return open_trail(demo_settings)


@pytest.fixture
def directory(demo_settings) -> UserDirectory:
    roles = load_policy(demo_settings.policy_file).policy.roles
    return UserDirectory(open_database(demo_settings, "state"), roles, hasher=CHEAP)


def test_demo_operators_sign_in_with_the_demo_password_and_nothing_else(directory, trail):
    assert login.check(directory, trail, "alice", "demo").name == "alice"
    assert login.check(directory, trail, " Alice@example.com", "demo").name == "alice"
    assert login.check(directory, trail, "alice", "Demo") is None
    assert login.check(directory, trail, "mallory", "demo") is None
    with Session(directory.engine) as session:
        stored = session.get(UserRow, "alice").password_hash
    assert stored.startswith("$argon2id$") and "demo" not in stored


def test_a_user_added_later_has_no_password_until_one_is_set(directory, trail):
    directory.add("jo", "agent")
    assert login.check(directory, trail, "jo", "demo") is None
    assert login.check(directory, trail, "jo", "") is None
    set_it = runner.invoke(app, ["users", "set-password", "jo", "--stdin"], input="jo's long one\n")
    assert set_it.exit_code == 0, set_it.output
    assert login.check(directory, trail, "jo", "jo's long one").name == "jo"
    assert "jo" not in directory.with_demo_password()


def test_set_password_replaces_the_demo_password(directory, trail):
    assert "alice" in directory.with_demo_password()
    short = runner.invoke(app, ["users", "set-password", "alice", "--stdin"], input="short\n")
    assert short.exit_code != 0
    assert "at least" in short.output
    prompted = runner.invoke(
        app, ["users", "set-password", "alice"], input="correct horse\ncorrect horse\n"
    )
    assert prompted.exit_code == 0, prompted.output
    assert login.check(directory, trail, "alice", "demo") is None
    assert login.check(directory, trail, "alice", "correct horse").name == "alice"
    assert "alice" not in directory.with_demo_password()
    unknown = runner.invoke(app, ["users", "set-password", "mallory", "--stdin"], input="x" * 12)
    assert unknown.exit_code != 0


def test_seeding_again_keeps_a_password_of_ones_own(directory, demo_settings):
    from aios.demo import seed_demo

    directory.set_password("dave", "dave's own secret")
    seed_demo(demo_settings)
    assert directory.check_password("dave", "demo") is None
    assert directory.check_password("dave", "dave's own secret") is not None


def test_five_failures_lock_the_user_out_for_a_growing_delay(directory):
    clock = Clock()
    sign_ins = SignIns(directory, Throttle(), clock)
    for _ in range(4):
        assert sign_ins.attempt("alice", "guess", "10.0.0.1").locked_until is None
    fifth = sign_ins.attempt("alice", "guess", "10.0.0.2")
    assert fifth.locked_until == clock.now + timedelta(seconds=30)
    # Locked out: even the right password, from anywhere, is refused unchecked.
    assert sign_ins.attempt("alice", "demo", "10.0.0.3").user is None
    clock.now += timedelta(seconds=31)
    sixth = sign_ins.attempt("alice", "guess", "10.0.0.4")
    assert sixth.locked_until == clock.now + timedelta(seconds=60)  # doubled
    clock.now += timedelta(seconds=61)
    assert sign_ins.attempt("alice", "demo", "10.0.0.5").user.name == "alice"
    # Success forgets the user's failures: one more miss does not lock again.
    assert sign_ins.attempt("alice", "guess", "10.0.0.6").locked_until is None
    assert sign_ins.attempt("bob", "demo", "10.0.0.7").user.name == "bob"  # others unaffected


def test_one_client_guessing_many_users_is_locked_out(directory):
    sign_ins = SignIns(directory, Throttle(), Clock())
    for name in ("alice", "bob", "carol", "dave", "erin"):
        sign_ins.attempt(name, "guess", "203.0.113.9")
    assert sign_ins.attempt("frank", "demo", "203.0.113.9").user is None
    assert sign_ins.attempt("frank", "demo", "198.51.100.1").user.name == "frank"


def test_workers_count_the_same_failures(directory, demo_settings):
    clock = Clock()
    roles = directory.roles
    other = UserDirectory(open_database(demo_settings, "state"), roles, hasher=CHEAP)
    first, second = SignIns(directory, clock=clock), SignIns(other, clock=clock)
    for worker in (first, second, first, second):
        worker.attempt("erin", "guess", None)
    assert second.attempt("erin", "guess", None).locked_until is not None
    assert first.attempt("erin", "demo", None).user is None


def test_old_failures_are_forgotten(directory):
    clock = Clock()
    sign_ins = SignIns(directory, Throttle(), clock)
    for _ in range(4):
        sign_ins.attempt("carol", "guess", None)
    clock.now += timedelta(hours=2)
    assert sign_ins.attempt("carol", "guess", None).locked_until is None


def test_the_chat_throttles_by_the_requests_client_address(directory, trail):
    """``ClientAddress`` is what app.py puts in front of Chainlit's sign-in route."""

    def sign_in(request: Request) -> JSONResponse:
        user = login.check(directory, trail, request.query_params["u"], request.query_params["p"])
        return JSONResponse({"user": user.name if user else None})

    client = TestClient(login.ClientAddress(Starlette(routes=[Route("/", sign_in)])))
    for name in ("alice", "bob", "carol", "dave", "erin"):
        client.get("/", params={"u": name, "p": "guess"})
    # Every name was guessed once only; it is the client that is locked out.
    assert client.get("/", params={"u": "frank", "p": "demo"}).json() == {"user": None}
    assert directory.check_password("frank", "demo") is not None


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("", False),
        ("::", False),
        ("10.0.0.5", False),
        ("chat.example.com", False),
    ],
)
def test_what_counts_as_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_a_server_beyond_loopback_with_demo_passwords_refuses_to_start(directory, monkeypatch):
    refuse_exposed_demo("127.0.0.1", directory, allowed=False)
    with pytest.raises(DemoLoginExposed, match="AIOS_ALLOW_DEMO_LOGIN"):
        refuse_exposed_demo("0.0.0.0", directory, allowed=False)
    refuse_exposed_demo("0.0.0.0", directory, allowed=True)

    refused = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert refused.exit_code == 2
    assert "demo password" in refused.output and "alice" in refused.output

    for user in directory.with_demo_password():
        directory.set_password(user, f"{user}'s own password")
    refuse_exposed_demo("0.0.0.0", directory, allowed=False)


def test_the_sign_in_page_names_the_demo_users_while_they_have_the_demo_password(directory):
    hint = wording.demo_hint(directory, "demo")
    assert hint.startswith("Demo: sign in as alice, bob, carol, dave") and "password demo" in hint
    assert wording.demo_hint(directory, "not-the-demo-password") == ""  # never a wrong one
    for name in directory.with_demo_password():
        directory.set_password(name, f"{name}-own-password")
    assert wording.demo_hint(directory, "demo") == ""


def test_chainlit_words_are_laid_over_not_replaced():
    chainlit = {"auth": {"login": {"form": {"email": {"label": "Email address"}, "x": 1}}}}
    words = wording.laid_over(chainlit, wording.words("Demo: …"))
    form = words["auth"]["login"]["form"]
    assert form["email"]["label"] == "User name" and form["x"] == 1
    assert words["auth"]["login"]["errors"]["default"] == wording.WRONG_PASSWORD
    assert "LLM" not in words["chat"]["watermark"]


def test_the_chats_sign_ins_are_on_the_audit_trail(directory, trail):
    """The same entries as the voice page's (``SignInTrail``), with the client's address."""

    def sign_in(request: Request) -> JSONResponse:
        user = login.check(directory, trail, request.query_params["u"], request.query_params["p"])
        return JSONResponse({"user": user.name if user else None})

    def sign_out(request: Request) -> JSONResponse:
        login.signed_out(trail, request.query_params["u"])
        return JSONResponse({})

    routes = [Route("/in", sign_in), Route("/out", sign_out)]
    client = TestClient(login.ClientAddress(Starlette(routes=routes)))
    assert client.get("/in", params={"u": "Alice", "p": "not-it"}).json() == {"user": None}
    assert client.get("/in", params={"u": "alice", "p": "demo"}).json() == {"user": "alice"}
    client.get("/out", params={"u": "alice"})

    def recorded(kind: str) -> list:
        return trail.newest(AuditFilter(kind=kind), 10)

    [failed] = recorded("user.sign_in_failed")
    [signed_in] = recorded("user.signed_in")
    [signed_out] = recorded("user.signed_out")
    assert (failed.actor, signed_in.actor, signed_out.actor) == ("alice", "alice", "alice")
    for entry in (failed, signed_in, signed_out):
        assert entry.arguments["channel"] == "web"
        assert entry.arguments["client"] == "testclient"  # the address ClientAddress saw
        assert entry.session_id == login.SESSION
    assert signed_in.arguments["role"] == "agent"
    assert trail.verify().ok

"""The Slack app manifests in ``examples/`` grant exactly what the bot uses: the scopes, bot
events and interactivity ``aios.slack.manifest`` declares, which the bot registers its
listeners from and whose Web API methods are the ones ``aios.slack`` calls."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from aios.slack import manifest
from aios.slack.serve import EVENTS_PATH

REPO = Path(__file__).resolve().parents[2]
SOCKET_MODE = REPO / "examples" / "slack-manifest.yaml"
EVENTS_API = REPO / "examples" / "slack-manifest-events-api.yaml"
_CALL = re.compile(r"\bclient\.(\w+)\(")


def _read(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize("path", [SOCKET_MODE, EVENTS_API], ids=lambda p: p.name)
def test_a_manifest_grants_exactly_what_the_bot_uses(path: Path) -> None:
    app = _read(path)
    settings = app["settings"]
    assert app["oauth_config"]["scopes"]["bot"] == manifest.bot_scopes()
    assert settings["event_subscriptions"]["bot_events"] == manifest.bot_events()
    assert settings["interactivity"]["is_enabled"] is manifest.interactive()
    home = app["features"]["app_home"]
    # Direct messages reach the bot only when people may write in its Messages tab.
    direct = "message.im" in manifest.bot_events()
    assert home["messages_tab_enabled"] is direct
    assert home["messages_tab_read_only_enabled"] is False


def test_socket_mode_has_no_request_url_and_the_events_api_points_at_the_bot() -> None:
    socket, http = _read(SOCKET_MODE)["settings"], _read(EVENTS_API)["settings"]
    assert socket["socket_mode_enabled"] is True
    assert "request_url" not in socket["event_subscriptions"]
    assert "request_url" not in socket["interactivity"]
    assert http["socket_mode_enabled"] is False
    for where in (http["event_subscriptions"], http["interactivity"]):
        assert where["request_url"].startswith("https://")
        assert where["request_url"].endswith(EVENTS_PATH)


def test_the_declared_methods_are_the_ones_the_bot_calls() -> None:
    called = {
        method
        for source in (REPO / "aios" / "slack").glob("*.py")
        for method in _CALL.findall(source.read_text(encoding="utf-8"))
    }
    assert called == set(manifest.METHOD_SCOPES)


def test_the_readme_names_every_scope_and_event() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Slack") : readme.index("### Voice")]
    for granted in [*manifest.bot_scopes(), *manifest.bot_events()]:
        assert f"`{granted}`" in section, granted

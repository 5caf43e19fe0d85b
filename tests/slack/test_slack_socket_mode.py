"""Socket Mode: the same bot over Slack's WebSocket (a fake one on loopback), acking each
envelope, and taking a retried one once."""

from __future__ import annotations

import logging

from aios.slack.serve import build_bot
from tests.slack.conftest import SUPPORT, is_plan
from tests.slack.fake_slack import BOT_USER, TEAM


def _envelope(envelope_id, retry):
    event = {
        "type": "app_mention",
        "user": "UALICE",
        "text": f"<@{BOT_USER}> refund $9 on SO-1042",
        "ts": "1700000002.000100",
        "channel": SUPPORT,
    }
    body = {"team_id": TEAM, "type": "event_callback", "event_id": "EvSOCK", "event": event}
    return {
        "envelope_id": envelope_id,
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": retry,
        "retry_reason": "timeout" if retry else "",
        "payload": body,
    }


def test_a_mention_over_socket_mode(workspace, runtime, caplog):
    caplog.set_level(logging.INFO, logger="aios.slack.app")
    slack = workspace.slack
    # No signing secret is involved: Socket Mode's requests come over the app's own connection.
    runtime.settings = runtime.settings.model_copy(update={"slack_signing_secret": None})
    handler = build_bot(runtime, verify_requests=False).socket_mode("xapp-test")
    handler.connect()
    try:
        slack.envelopes.put(_envelope("env-1", 0))
        [question] = slack.wait(
            lambda: [c for c in slack.of("chat.postMessage") if "Please confirm" in c.text()]
        )
        assert question.args["thread_ts"] == "1700000002.000100"
        slack.envelopes.put(_envelope("env-2", 1))
        acks = slack.wait(lambda: slack.acks, count=2)
        assert [a["envelope_id"] for a in acks] == ["env-1", "env-2"]
        slack.wait(lambda: [r for r in caplog.records if "taken already" in r.getMessage()])
    finally:
        handler.close()
    plans = [c for c in slack.of("chat.postMessage") if is_plan(c)]
    assert len(plans) == 1

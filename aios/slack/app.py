"""The slack-bolt app: mentions and direct messages go to the one assistant, button clicks
become its decisions, and what comes back is drawn in the thread (``aios.slack.turn``).

A thin adapter: it maps the Slack account to an aios user (``aios users link-slack``) and
refuses anyone unlinked before anything runs; who may confirm or approve what is decided by
the assistant and its ledger alone. Slack gets its acknowledgement at once (bolt acks events
before the listener runs in its worker threads; the action listeners ack first) and the turn
runs after; a delivery is taken once, so a retry never makes a second turn.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any, Literal

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from aios.assistant.decisions import REFUSALS, Shown
from aios.assistant.events import ErrorEvent, Event
from aios.assistant.factory import Runtime
from aios.assistant.phrases import sentence
from aios.identity import User
from aios.slack import blocks, manifest
from aios.slack.approvals import ApprovalBoard
from aios.slack.post import Poster
from aios.slack.store import SlackStore, SlackThread
from aios.slack.text import escaped, plain
from aios.slack.turn import ThreadTurn
from aios.users.slack import SlackLinks

log = logging.getLogger(__name__)
Body = dict[str, Any]
_REFUSALS = {"not_allowed", "nothing_pending", "changed", "arguments_changed", *REFUSALS}
"""Error codes of a decision the assistant did not take: only the clicker hears of them."""


def session_for(team: str, channel: str, thread_ts: str | None) -> str:
    """One Slack thread, one conversation; a direct message's top level is one too."""
    return f"slack-{team}-{channel}-{thread_ts or 'dm'}"


class SlackAdapter:
    def __init__(
        self, runtime: Runtime, store: SlackStore, client: WebClient, approvers: str | None
    ) -> None:
        self.runtime, self.store = runtime, store
        self.poster = Poster(client)
        self.links = SlackLinks(runtime.users)
        self.board = ApprovalBoard(self.poster, store, runtime, approvers)

    def on_event(self, body: Body, event: Body, context: BoltContext) -> None:
        """A mention, or a message in a direct chat or in a thread aios is part of."""
        if event.get("subtype") or event.get("bot_id") or "user" not in event:
            return  # edits, joins, other bots: not someone asking
        team, channel, ts = str(body.get("team_id", "")), event["channel"], event["ts"]
        direct = event.get("channel_type") == "im"
        thread_ts = event.get("thread_ts") or (None if direct else ts)
        session_id = session_for(team, channel, thread_ts)
        if event["type"] == "message" and not direct and self.store.thread(session_id) is None:
            return  # channel chatter; a mention arrives as its own app_mention event
        if not self.store.claim(f"{team}:{channel}:{ts}"):
            log.info("slack message %s in %s was taken already; ignored", ts, channel)
            return
        user = self._user(event["user"], channel, thread_ts)
        if user is None:
            return
        text = plain(event.get("text", ""), context.bot_user_id)
        thread = self.store.open_thread(session_id, channel, thread_ts)
        self._play(
            thread, lambda: self.runtime.assistant.handle(session_id, user, text), by=user.name
        )

    def on_confirm(self, ack: Ack, body: Body, action: Body) -> None:
        """The requester's Approve or Reject on a confirmation (the assistant checks who)."""
        ack()
        value = blocks.DecisionValue.model_validate_json(action["value"])
        answer = _answer(action)
        clicker, channel, thread_ts = _where(body)
        thread = self.store.thread(value.session)
        user = self._user(clicker, channel, thread_ts)
        if user is None or thread is None:
            return
        # The core refuses a click on a confirmation that was replaced or decided meanwhile
        # (of two quick clicks, the second never answers what the first one's turn asks next);
        # only the clicker is told.
        shown = Shown(value.confirmation, value.args_hash)
        run = lambda: self.runtime.assistant.resume(  # noqa: E731
            value.session, user, answer, shown=shown
        )
        label = "Confirmed" if answer == "approve" else "Rejected"
        self._play(thread, run, refused_to=(clicker, channel), by=user.name, answered=label)

    def on_approval(self, ack: Ack, body: Body, action: Body) -> None:
        """An approver's decision on a four-eyes request, from the approvers' channel."""
        ack()
        clicker, channel, thread_ts = _where(body)
        user = self._user(clicker, channel, thread_ts)
        approval = self.runtime.ledger.get(action["value"])
        if user is None or approval is None:
            return
        thread = self.store.thread(approval.session_id)
        refused = self.runtime.ledger.refusal(approval, user)
        if refused is not None or thread is None:
            why = refused or "That request was not made in Slack; decide it where it was asked."
            self.poster.ephemeral(channel, clicker, thread_ts, escaped(why))
            return
        run = lambda: self.runtime.assistant.resume(  # noqa: E731
            approval.session_id, user, _answer(action), expected=approval.id
        )
        self._play(thread, run, refused_to=(clicker, channel), replies=False, by=user.name)
        self.board.refresh(approval.id)

    def on_choose(self, ack: Ack, body: Body, action: Body) -> None:
        """A clarification's option, taken as if its text were typed in the thread."""
        ack()
        clicker, channel, thread_ts = _where(body)
        team = str((body.get("team") or {}).get("id") or body["user"].get("team_id", ""))
        thread = self.store.thread(session_for(team, channel, thread_ts))
        user = self._user(clicker, channel, thread_ts)
        if user is None or thread is None:
            return
        text = str(action["value"])
        run = lambda: self.runtime.assistant.handle(thread.session_id, user, text)  # noqa: E731
        self._play(thread, run, by=user.name)

    def _user(self, slack_user: str, channel: str, thread_ts: str | None) -> User | None:
        """The aios user ``slack_user`` is linked to; None, and told so, when there is none."""
        user = self.links.user(slack_user)
        if user is None:
            self.poster.ephemeral(
                channel,
                slack_user,
                thread_ts,
                "You are not linked to an aios user, so nothing was done. Ask an aios admin to "
                f"run `aios users link-slack {escaped(slack_user)} YOUR_USERNAME`.",
            )
        return user

    def _play(
        self,
        thread: SlackThread,
        produce: Callable[[], Iterator[Event]],
        *,
        by: str,
        refused_to: tuple[str, str] | None = None,
        replies: bool = True,
        answered: str = "Answered in the thread",
    ) -> bool:
        """Run one turn of ``by``'s and draw its events in ``thread``; False when the assistant
        refused the decision it was given, which only the clicker (``refused_to``) is told. A
        confirmation the turn answered loses its buttons, marked ``answered`` by ``by``."""
        # One turn of a conversation at a time is the core's (aios.assistant.locks).
        before = self.store.thread(thread.session_id)
        asked = before.question_ts if before else None
        waiting = self.runtime.assistant.pending(thread.session_id) if asked else None
        waited = waiting.id if waiting else None
        events = produce()
        first = next(events, None)
        if refused_to and isinstance(first, ErrorEvent) and first.code in _REFUSALS:
            clicker, channel = refused_to
            told = escaped(sentence(first.message))
            self.poster.ephemeral(channel, clicker, thread.thread_ts, told)
            for _rest in events:
                pass
            return False
        turn = ThreadTurn(self.poster, self.store, self.board, thread, replies=replies)
        for event in itertools.chain([first] if first else [], events):
            turn.show(event)
        if asked is not None:
            self._settle_question(thread, asked, waited, answered, by)
        return True

    def _settle_question(
        self, thread: SlackThread, asked: str, waited: str | None, label: str, by: str
    ) -> None:
        """Redraw confirmation ``asked`` without its buttons if the turn answered it: what
        the session waits on (``waited`` before the turn) changed."""
        pending = self.runtime.assistant.pending(thread.session_id)
        if pending is not None and pending.id == waited:
            return
        if pending is not None:
            label = "Replaced by a newer confirmation"  # a correction asked again
        self.poster.update(thread.channel, asked, blocks.decided(label, by), label)
        now = self.store.thread(thread.session_id)
        if now is not None and now.question_ts == asked:
            self.store.save_question(thread.session_id, None)


def _answer(action: Body) -> Literal["approve", "reject"]:
    return "approve" if str(action["action_id"]).endswith("_approve") else "reject"


def _where(body: Body) -> tuple[str, str, str | None]:
    """Who clicked, in which channel, in which thread."""
    message = body.get("message") or {}
    return body["user"]["id"], body["channel"]["id"], message.get("thread_ts")


def create_app(adapter: SlackAdapter, client: WebClient, signing_secret: str | None) -> App:
    """The bolt app. With ``signing_secret`` (HTTP mode) bolt verifies each request's HMAC
    signature and refuses one older than five minutes."""
    app = App(
        client=client,
        signing_secret=signing_secret,
        request_verification_enabled=signing_secret is not None,
    )
    for event in manifest.EVENTS:
        app.event(event)(adapter.on_event)
    clicked = {
        blocks.CONFIRM: adapter.on_confirm,
        blocks.APPROVAL: adapter.on_approval,
        blocks.CHOOSE: adapter.on_choose,
    }
    for prefix in manifest.ACTIONS:
        app.action(_prefixed(prefix))(clicked[prefix])
    return app


def _prefixed(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(prefix)}_")

"""Four-eyes requests in the approvers' channel: posted once with exactly what would run and a
link back to the requester's thread, redrawn when the ledger changes (decided, escalated,
expired), and the requester told in their thread when it is settled."""

from __future__ import annotations

import logging
import threading

from aios.approvals import Approval, ApprovalStatus
from aios.assistant.arguments import shown_as_run
from aios.assistant.events import ConfirmationRequired, ShownArgument
from aios.assistant.factory import Runtime
from aios.slack import blocks
from aios.slack.post import Poster
from aios.slack.store import SlackApprovalPost, SlackStore, SlackThread

log = logging.getLogger(__name__)


def _shown(approval: Approval) -> str:
    return f"{approval.status.value}:{approval.required_role}:{approval.outcome is not None}"


class ApprovalBoard:
    def __init__(
        self, poster: Poster, store: SlackStore, runtime: Runtime, channel: str | None
    ) -> None:
        self.poster, self.store, self.runtime, self.channel = poster, store, runtime, channel

    def announce(self, event: ConfirmationRequired, thread: SlackThread) -> str | None:
        """Post ``event``'s request to the approvers' channel, once however often it is shown;
        the channel it is in, or None when no approvers' channel is configured."""
        assert event.approval_id is not None
        if (known := self.store.post(event.approval_id)) is not None:
            return known.channel
        approval = self.runtime.ledger.get(event.approval_id)
        if approval is None:
            return None
        ts = None
        if self.channel is not None:
            link = (
                self.poster.permalink(thread.channel, thread.thread_ts)
                if thread.thread_ts
                else None
            )
            text = blocks.fallback(
                f"{approval.requester} asks for approval: {approval.description}"
            )
            drawn = blocks.approval_request(approval, self._arguments(approval), link)
            ts = self.poster.post(self.channel, None, drawn, text)
        post = SlackApprovalPost(
            approval_id=approval.id,
            session_id=approval.session_id,
            channel=self.channel,
            ts=ts,
            shown=_shown(approval),
        )
        self.store.save_post(post)
        return self.channel

    def refresh(self, approval_id: str | None = None) -> None:
        """Bring the posts (one, or every one still watched) up to the ledger."""
        posts = [p for p in [self.store.post(approval_id)] if p] if approval_id else None
        for post in posts if posts is not None else self.store.watched_posts():
            approval = self.runtime.ledger.get(post.approval_id)
            if approval is None or post.settled:
                continue
            if _shown(approval) != post.shown and post.channel and post.ts:
                thread = self.store.thread(approval.session_id)
                link = None
                if thread is not None and thread.thread_ts:
                    link = self.poster.permalink(thread.channel, thread.thread_ts)
                text = blocks.fallback(f"{approval.id} {approval.status.value}")
                drawn = blocks.approval_request(approval, self._arguments(approval), link)
                self.poster.update(post.channel, post.ts, drawn, text)
            post.shown = _shown(approval)
            if approval.status is not ApprovalStatus.PENDING and approval.outcome is not None:
                self._tell_requester(approval)
                post.settled = True
            self.store.save_post(post)

    def _arguments(self, approval: Approval) -> list[ShownArgument]:
        """Every argument the request will run with, as the requester was shown them."""
        op = self.runtime.toolbox.connectors.registry.get(approval.tool)
        return shown_as_run(op, approval.arguments, approval.requester)

    def _tell_requester(self, approval: Approval) -> None:
        thread = self.store.thread(approval.session_id)
        requester = self.runtime.users.get(approval.requester)
        if thread is None or requester is None:
            return
        for notice in self.runtime.assistant.notices(approval.session_id, requester):
            shown = blocks.reply(notice)
            self.poster.post(thread.channel, thread.thread_ts, shown, blocks.fallback(notice.text))

    def watch(self, stop: threading.Event, every_s: float) -> None:
        """Until ``stop``: escalate and expire overdue requests, then redraw what changed,
        also what was decided in another channel (the web chat, the API)."""
        while not stop.is_set():
            try:
                self.runtime.assistant.sweep()
                self.refresh()
            except Exception:
                log.exception("approval watch failed; trying again later")
            stop.wait(every_s)

"""One turn's events in a Slack thread: the plan as one message whose steps update in place,
questions with buttons, replies with their sources."""

from __future__ import annotations

from pydantic import BaseModel

from aios.assistant.events import (
    ClarificationEvent,
    ConfirmationRequired,
    ErrorEvent,
    Event,
    MessageEvent,
    PlanEvent,
    StepFinished,
    StepStarted,
)
from aios.slack import blocks
from aios.slack.approvals import ApprovalBoard
from aios.slack.blocks import StepState
from aios.slack.post import Poster
from aios.slack.store import SlackStore, SlackThread


class PlanView(BaseModel):
    """The plan message as drawn: kept, so a later turn (a confirmation) updates its steps."""

    event: PlanEvent
    states: dict[int, StepState] = {}
    done: dict[int, str] = {}
    """What each finished step did, in its own words (``StepFinished.summary``)."""


class ThreadTurn:
    """Shows events in ``thread``. With ``replies=False`` what the assistant says is left out
    (an approver's decision: the requester is told through the ledger's notice, which carries
    it), while steps and further questions still show."""

    def __init__(
        self,
        poster: Poster,
        store: SlackStore,
        board: ApprovalBoard,
        thread: SlackThread,
        *,
        replies: bool = True,
    ) -> None:
        self.poster, self.store, self.board, self.thread = poster, store, board, thread
        self.replies = replies
        self.plan = PlanView.model_validate_json(thread.plan) if thread.plan else None
        self.plan_ts = thread.plan_ts

    def show(self, event: Event) -> None:
        if isinstance(event, PlanEvent):
            self.plan, self.plan_ts = PlanView(event=event), None
            self._draw_plan()
        elif isinstance(event, StepStarted | StepFinished):
            self._step(event)
        elif isinstance(event, ConfirmationRequired):
            self._question(event)
        elif isinstance(event, MessageEvent) and self.replies:
            self._say(blocks.reply(event), event.text)
        elif isinstance(event, ClarificationEvent):
            self._say(blocks.clarification(event), event.question)
        elif isinstance(event, ErrorEvent) and self.replies:
            self._say(blocks.error(event), event.message)

    def _step(self, event: StepStarted | StepFinished) -> None:
        if self.plan is None:
            return  # a step outside any plan we drew (a recovery): its outcome is said anyway
        state: StepState = "running" if isinstance(event, StepStarted) else "done"
        if isinstance(event, StepFinished) and not event.ok:
            state = "failed"
        elif isinstance(event, StepFinished) and event.summary:
            self.plan.done[event.index] = event.summary
        self.plan.states[event.index] = state
        self._draw_plan()

    def _draw_plan(self) -> None:
        assert self.plan is not None
        drawn = blocks.plan(self.plan.event, self.plan.states, self.plan.done)
        text = blocks.fallback(self.plan.event.understood)
        channel = self.thread.channel
        if self.plan_ts is None:
            self.plan_ts = self.poster.post(channel, self.thread.thread_ts, drawn, text)
        else:
            self.poster.update(channel, self.plan_ts, drawn, text)
        self.store.save_plan(self.thread.session_id, self.plan_ts, self.plan.model_dump_json())

    def _question(self, event: ConfirmationRequired) -> None:
        if event.approval_id is None:
            shown = blocks.confirmation(event, self.thread.session_id)
            ts = self.poster.post(
                self.thread.channel, self.thread.thread_ts, shown, blocks.fallback(event.text)
            )
            self.store.save_question(self.thread.session_id, ts)
            return
        where = self.board.announce(event, self.thread)
        self._say(blocks.four_eyes_waiting(event, where), event.text)

    def _say(self, shown: list[blocks.Block], text: str) -> None:
        self.poster.post(self.thread.channel, self.thread.thread_ts, shown, blocks.fallback(text))

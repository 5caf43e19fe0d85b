"""The one core service every channel uses: ``handle`` a message, ``resume`` a decision.

Both yield the typed events of ``aios.assistant.events``, ending with a ``DoneEvent``. State
lives in the graph's checkpointer and the approval ledger, so a conversation paused for a
confirmation survives a restart and resumes on the same session id, in this process or
another; a run that a crash cut short is finished before anything else happens in its session,
while one that failed with an error waits for the person to say *retry*.

One turn of a conversation runs at a time, across front ends and worker processes
(``aios.assistant.locks``), and a decision names the confirmation it answers as it was shown
(``aios.assistant.decisions``): the check and the decision happen under the same hold.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal

from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, StateSnapshot

from aios import observability
from aios.approvals import Approval, ApprovalLedger, ApprovalRefused, ApprovalStatus
from aios.approvals.summary import notice_text
from aios.assistant.branches import Branches, States
from aios.assistant.branches import config as branch_config
from aios.assistant.decisions import ALREADY_DECIDED, Shown, refusal
from aios.assistant.events import (
    EVENT_ADAPTER,
    ConfirmationRequired,
    DoneEvent,
    ErrorEvent,
    Event,
    MessageEvent,
)
from aios.assistant.locks import SessionBusy, SessionLocks
from aios.assistant.shown import shown_to
from aios.graph.state import Decision, TurnContext, TurnState
from aios.identity import User
from aios.learning.reports import report_of, said_in
from aios.learning.store import LearningStore
from aios.planner.acts import calls_off
from aios.policy.masking import Masker

log = logging.getLogger(__name__)

_YES = re.compile(
    r"^\s*(y|yes|yep|yeah|ok|okay|sure|confirm(ed)?|approve[d]?|go ahead|do it|proceed)"
    r"([\s,]+(confirm(ed)?|please|go ahead|do it))?\s*[.!]*\s*$",
    re.I,
)
_RETRY = re.compile(r"^\s*(retry|try (it )?again)\s*[.!]*\s*$", re.I)
_NO = re.compile(r"^\s*(n|no|nope|cancel|stop|reject(ed)?|abort|don'?t)\s*[.!]*\s*$", re.I)
Status = Literal["completed", "awaiting_confirmation", "needs_input", "failed", "cancelled"]
_STATUS: dict[str, Status] = {
    "completed": "completed",
    "answered": "completed",
    "needs_input": "needs_input",
    "failed": "failed",
    "denied": "failed",
    "cancelled": "cancelled",
    "expired": "cancelled",
}
SYSTEM = User(name="aios", role="system", display_name="aios (on a schedule)")
"""Who acts when nobody does: an approval that expired."""
_CHANGE = re.compile(r"^\s*(no\b|nope|actually|instead|rather|change|make it|cancel)", re.I)
_SETTLED = (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.EXPIRED)
STALE_S = 60.0
"""A run not paused whose last checkpoint is older than this died with its process."""
Answer = Literal["approve", "reject", "change"]
Graph = CompiledStateGraph[TurnState, TurnContext, TurnState, TurnState]


class Assistant:
    def __init__(
        self,
        graph: Graph,
        ledger: ApprovalLedger,
        masker: Masker | None = None,
        learning: LearningStore | None = None,
        *,
        locks: SessionLocks,
    ) -> None:
        self.graph = graph
        self.branches = Branches(graph)
        self.locks = locks
        self.ledger = ledger
        self.masker = masker
        self.learning = learning

    def handle(self, session_id: str, user: User, text: str) -> Iterator[Event]:
        """A message. While a confirmation is pending, "yes"/"no" decide it (the one shown
        last) and anything else is taken as a change to the request ("no, make it $40").
        While the requester's own four-eyes request waits on someone else, only "no" or a
        change about it touches it; anything else goes on beside it (``aios.assistant.branches``).
        After a run that failed, "retry" runs it again."""
        return self._locked(session_id, lambda: self._handle(session_id, user, text))

    def _handle(self, session_id: str, user: User, text: str) -> Iterator[Event]:
        states = self.branches.states(session_id)
        recovered = list(self._recovered(session_id, states))
        yield from recovered
        if recovered:
            states = self.branches.states(session_id)
        yield from self.notices(session_id, user)
        threads = [thread for thread, _ in states]
        active, state = states[-1]
        if _failed(state):
            yield from self._after_failure(state, session_id, active, user, text)
            return
        waiting = next(self.branches.waiting(session_id, states), None)
        if waiting is None:
            if (_YES.match(text) or _NO.match(text)) and state.values.get("asked"):
                # The confirmation this answers was decided (by another tab, worker, or a
                # quicker "yes"): never a plan of its own, never a second write.
                yield ErrorEvent(code="already_decided", message=ALREADY_DECIDED)
                yield DoneEvent(status="completed")
                return
            yield from self._run({"text": text}, session_id, active, user)
            return
        if recovered:
            # The message answered what was asked before recovery, not what is asked now.
            yield DoneEvent(status="awaiting_confirmation")
            return
        pending, thread = waiting.confirmation, waiting.thread
        pending = self._with_approver(pending)
        # A typed answer is bound to what waits now, read under the session's lock.
        shown = Shown.of(pending)
        waiting_on_others = pending.approval_id is not None and user.name == pending.requester
        decide = partial(self._decide, session_id, thread, user, shown=shown, waiting=pending)
        if _YES.match(text):
            yield from decide("approve")
        elif (
            _NO.match(text) or calls_off(text) or (waiting_on_others and _withdraws(pending, text))
        ):
            yield from decide("reject")
        elif not waiting_on_others or (_CHANGE.match(text) and _about(pending, text)):
            yield from decide("change", text)
        elif thread != active:
            yield from self._run({"text": text}, session_id, active, user)
        else:
            # Their request waits on someone else; the conversation goes on beside it.
            memory = state.values.get("memory") or {}
            branch = self.branches.branch(session_id, threads)
            yield from self._run({"text": text, "memory": memory}, session_id, branch, user)

    def resume(
        self,
        session_id: str,
        user: User,
        answer: Answer,
        text: str | None = None,
        *,
        shown: Shown | None = None,
        expected: str | None = None,
    ) -> Iterator[Event]:
        """A decision on the pending confirmation or approval, checked against who may give it.

        ``shown`` is the confirmation the decision answers, as it was shown (its id and the
        hash of its arguments): when anything else waits by the time it arrives (a correction
        replaced it, someone decided it), nothing is decided. Every front end passes it;
        without it (tests, the eval runner) the decision is on whatever waits now.
        ``expected`` names the approval request an approver decides, likewise."""
        return self._locked(
            session_id,
            lambda: self._decide(
                session_id,
                self._answered(session_id, shown, expected),
                user,
                answer,
                text,
                shown=shown,
                expected=expected,
            ),
        )

    def verify(self, session_id: str, shown: Shown) -> None:
        """Raise ``DecisionRefused`` unless ``shown`` is what waits now (a front end that must
        answer a refusal before the turn starts, such as the API's 409, asks first;
        ``resume`` checks again under the session's lock)."""
        thread = self._answered(session_id, shown, None)
        if (refused := refusal(self._pending_on(thread), shown)) is not None:
            raise refused

    def _answered(self, session_id: str, shown: Shown | None, expected: str | None) -> str:
        """The thread a decision is about: the one showing ``shown`` or filing ``expected``,
        else the newest one waiting (else the conversation's last, where nothing waits)."""
        waiting = list(self.branches.waiting(session_id))
        for each in waiting:
            if (shown is not None and each.confirmation.id == shown.confirmation_id) or (
                expected is not None and each.confirmation.approval_id == expected
            ):
                return each.thread
        return waiting[0].thread if waiting else self.branches.of(session_id)[-1]

    def _decide(
        self,
        session_id: str,
        thread: str,
        user: User,
        answer: Answer,
        text: str | None = None,
        *,
        shown: Shown | None = None,
        expected: str | None = None,
        waiting: ConfirmationRequired | None = None,
    ) -> Iterator[Event]:
        """``waiting`` is what waits on ``thread`` when the caller read it under the session's
        lock, after recovery (a typed answer); without it, both are done here."""
        if waiting is None:
            recovered = list(self._recovered(session_id))
            yield from recovered
            pending = self._pending_on(thread)
        else:
            recovered, pending = [], waiting
        if shown is not None and (refused := refusal(pending, shown)) is not None:
            yield ErrorEvent(code=refused.code, message=refused.message)
            yield DoneEvent(status="awaiting_confirmation" if pending else "completed")
            return
        if pending is None:
            yield ErrorEvent(
                code="nothing_pending", message="There is nothing waiting for a decision."
            )
            yield DoneEvent(status="failed")
            return
        if recovered or (expected is not None and expected != pending.approval_id):
            yield ErrorEvent(
                code="changed",
                message="What waits for a decision changed before yours arrived; nothing was "
                "decided. Look at it again.",
            )
            yield DoneEvent(status="awaiting_confirmation")
            return
        try:
            self._check(pending, user, answer, text)
        except ApprovalRefused as refused_by_ledger:
            yield ErrorEvent(code=refused_by_ledger.code, message=refused_by_ledger.message)
            yield DoneEvent(status="awaiting_confirmation")
            return
        decision: Decision = {"answer": answer, "user": user.name, "role": user.role}
        if text:
            decision["text"] = text
        if user.name == pending.requester and answer != "approve":
            self._turned_down(session_id, thread, user, changed=answer == "change")
        run = self._resumed(session_id, thread, user, decision)
        yield from self._reported(run, session_id, pending.approval_id)

    def _locked(self, session_id: str, run: Callable[[], Iterator[Event]]) -> Iterator[Event]:
        """``run``'s events while this process holds the session (``aios.assistant.locks``);
        one turn of a conversation at a time, across every front end and worker."""
        try:
            with self.locks.hold(session_id):
                yield from run()
        except SessionBusy as busy:
            yield ErrorEvent(code=busy.code, message=busy.message)
            yield DoneEvent(status="failed")

    def _after_failure(
        self, state: StateSnapshot, session_id: str, thread: str, user: User, text: str
    ) -> Iterator[Event]:
        """The last run stopped on an error (not a crash): it is run again only when the
        person says so; anything else sets it aside, and they are told."""
        values = state.values
        asked = str(values.get("text") or "your last request")
        if _RETRY.match(text):
            name = values.get("actor") or values.get("requester") or user.name
            role = values.get("actor_role") or values.get("requester_role") or user.role
            if user.name not in (name, values.get("requester")):
                yield ErrorEvent(
                    code="not_allowed", message=f"Only {name} can retry what they asked."
                )
                yield DoneEvent(status="failed")
                return
            yield MessageEvent(text=f"Trying again: “{asked}”.")
            run = self._run(None, session_id, thread, User(name=name, role=role))
            yield from self._reported(run, session_id, values.get("approval"))
            return
        yield MessageEvent(
            text=f"Your earlier request (“{asked}”) failed and was not finished; it was set "
            "aside. Ask again if you still want it."
        )
        yield from self._run({"text": text}, session_id, thread, user)

    def pending(self, session_id: str) -> ConfirmationRequired | None:
        """What the session waits on (the newest, when a four-eyes request waits beside a
        confirmation the person was asked since); for four-eyes, with the role asked now."""
        waiting = next(self.branches.waiting(session_id), None)
        return self._with_approver(waiting.confirmation) if waiting else None

    def _pending_on(self, thread: str) -> ConfirmationRequired | None:
        waiting = _waiting_in(self.branches.state(thread))
        return self._with_approver(waiting) if waiting else None

    def _with_approver(self, pending: ConfirmationRequired) -> ConfirmationRequired:
        approval = self.ledger.get(pending.approval_id) if pending.approval_id else None
        if approval is not None:
            return pending.model_copy(update={"approver_role": approval.required_role})
        return pending

    def recover(self, session_id: str, states: States | None = None) -> Iterator[Event]:
        """Finish what a crash or another process left half done in ``session_id``.

        A run cut short between its steps continues from its last checkpoint, as the person
        whose decision it was carrying out (a write that did reach the system is not repeated:
        its idempotency key is the same). A pause whose approval the ledger already decided
        resumes with that decision. ``states``: the conversation's threads, when read already.
        """
        for thread, state in self.branches.states(session_id) if states is None else states:
            yield from self._recover_thread(session_id, thread, state)

    def _recover_thread(
        self, session_id: str, thread: str, state: StateSnapshot
    ) -> Iterator[Event]:
        values = state.values
        if _failed(state):
            return  # it stopped on an error: the person is asked, not replayed to
        if state.next and not state.interrupts:
            name = values.get("actor") or values.get("requester")
            role = values.get("actor_role") or values.get("requester_role")
            if not name or not role:
                return  # it failed before it understood anything: nothing to finish
            log.warning("finishing an interrupted run in session %s (%s)", session_id, thread)
            run = self._run(None, session_id, thread, User(name=name, role=role))
            yield from self._reported(run, session_id, values.get("approval"))
            return
        pending = _waiting_in(state)
        approval = self.ledger.get(pending.approval_id) if pending and pending.approval_id else None
        if approval is None or approval.status is ApprovalStatus.PENDING:
            return
        user, decision = _ledger_decision(approval)
        yield from self._reported(
            self._resumed(session_id, thread, user, decision), session_id, approval.id
        )

    def _recovered(self, session_id: str, states: States | None = None) -> Iterator[Event]:
        """What recovery did, inside another turn's stream (which ends with its own done)."""
        return (e for e in self.recover(session_id, states) if not isinstance(e, DoneEvent))

    def sweep(self) -> list[Approval]:
        """Escalate overdue approvals, expire those past the top of the ladder, and carry out
        decided ones a crash left undone. A run that is not paused is finished only once its
        last checkpoint is older than ``STALE_S``: younger, it is someone's live turn."""
        changed = self.ledger.escalate_overdue()
        for approval in self.ledger.find():
            if approval.status in _SETTLED and approval.outcome is None:
                thread = self.branches.carrying(approval.session_id, approval.id)
                state = self.branches.state(thread)
                if state.interrupts or (state.next and _older_than(state.created_at, STALE_S)):
                    self._recover_held(approval.session_id)
                elif not state.next:
                    # Carried out, but the crash took what was said about it.
                    self.ledger.record_outcome(approval.id, "Carried out; see the conversation.")
        return changed

    def _recover_held(self, session_id: str) -> None:
        try:
            with self.locks.hold(session_id):
                for _event in self.recover(session_id):
                    pass
        except SessionBusy:
            log.info("session %s is busy; the next sweep recovers it", session_id)

    def _check(
        self, pending: ConfirmationRequired, user: User, answer: Answer, text: str | None
    ) -> None:
        """Raise ApprovalRefused unless ``user`` may give ``answer``; take it into the ledger
        (with ``text``, a rejection's reason)."""
        requester = pending.requester
        if pending.approval_id is None or user.name == requester:
            if user.name != requester:
                raise ApprovalRefused(
                    "not_allowed",
                    f"Only {requester}, who asked for this, can confirm or change it.",
                )
            if pending.approval_id is None:
                return
            if answer == "approve":
                raise ApprovalRefused(
                    "not_allowed",
                    f"This needs approval by someone else with the {pending.approver_role} role "
                    "(four-eyes); you cannot approve your own request.",
                )
            self.ledger.withdraw(pending.approval_id)
            return
        if answer == "change":
            raise ApprovalRefused(
                "not_allowed", f"Only {requester}, who asked for this, can change it."
            )
        self.ledger.decide(pending.approval_id, user, answer, pending.args, text)

    def _resumed(
        self, session_id: str, thread: str, user: User, decision: Decision
    ) -> Iterator[Event]:
        return self._run(Command(resume=decision), session_id, thread, user)

    def _reported(
        self, run: Iterator[Event], session_id: str, approval_id: str | None
    ) -> Iterator[Event]:
        """``run``'s events; when it carried out approvals someone else decided, what it said
        is kept in the ledger for the requester (``notices``). Without ``approval_id`` (the
        checkpoint had moved past it), the session's decided, unreported requests are meant."""
        said: list[str] = []
        for event in run:
            if isinstance(event, MessageEvent | ErrorEvent):
                said.append(event.message if isinstance(event, ErrorEvent) else event.text)
            yield event
        if approval_id is not None:
            found = self.ledger.get(approval_id)
            candidates = [found] if found else []
        else:
            candidates = self.ledger.find(session_id=session_id)
        for approval in candidates:
            if (
                approval.status in _SETTLED
                and approval.decided_by != approval.requester
                and approval.outcome is None
            ):
                self.ledger.record_outcome(approval.id, "\n\n".join(said) or "Done.")

    def take_notices(self, session_id: str, user: User) -> list[MessageEvent]:
        """``notices`` for a front end that asks between turns: taken under the session's
        lock, so they never land inside a turn; none while a turn runs (it tells them)."""
        try:
            with self.locks.hold(session_id):
                return list(self.notices(session_id, user))
        except SessionBusy:
            return []

    def notices(self, session_id: str, user: User) -> Iterator[MessageEvent]:
        """Tell the requester what happened to their approvals while they were away."""
        for approval in self.ledger.take_notifications(session_id, user.name):
            # The decision and what came of it, apart: "approved by dave, but it failed".
            text = notice_text(approval)
            # The outcome was worded for the approver, who may see more than the requester.
            yield MessageEvent(text=self.masker.mask_text(text, user.role) if self.masker else text)

    def _run(self, payload: Any, session_id: str, thread: str, user: User) -> Iterator[Event]:
        started = time.perf_counter()
        config = branch_config(thread)
        context = TurnContext(user=user, session_id=session_id)
        with observability.turn(session_id, user.name):
            try:
                for mode, chunk in self.graph.stream(
                    payload, config, context=context, stream_mode=["custom", "updates"]
                ):
                    if mode == "custom":
                        # Masked here, where every event leaves the core, for every front end.
                        event = EVENT_ADAPTER.validate_python(chunk)
                        yield shown_to(event, self.masker, user.role) if self.masker else event
                    elif isinstance(chunk, dict) and "__interrupt__" in chunk:
                        for pending in chunk["__interrupt__"]:
                            yield ConfirmationRequired.model_validate(pending.value)
            except Exception:
                # The checkpoint keeps everything up to the failed step, with its error: the
                # person decides whether it runs again (``_after_failure``).
                log.exception("turn failed in session %s", session_id)
                yield ErrorEvent(
                    code="internal_error",
                    message="Something went wrong on our side; nothing more was done. Say "
                    "*retry* to try it again.",
                )
                yield DoneEvent(status="failed")
                return
        state = self.graph.get_state(config)
        outcome = "waiting" if state.interrupts else str(state.values.get("outcome", "completed"))
        self._learn(payload, session_id, state.values, outcome, started)
        if state.interrupts:
            yield DoneEvent(status="awaiting_confirmation")
            return
        yield DoneEvent(status=_STATUS.get(outcome, "completed"))

    def _learn(
        self, payload: Any, session_id: str, values: Any, outcome: str, started: float
    ) -> None:
        """Tell the learning loop how the run went. It only proposes examples for people to
        review, so a failure to record it is logged and the turn goes on."""
        if self.learning is None:
            return
        decision = payload.resume if isinstance(payload, Command) else None
        # What the person waited for: the run that answered their message.
        latency = (time.perf_counter() - started) * 1000 if isinstance(payload, dict) else None
        try:
            self.learning.record(report_of(session_id, values, outcome, decision, latency))
        except Exception:
            log.exception("could not record the learning signals of session %s", session_id)

    def _turned_down(self, session_id: str, thread: str, user: User, *, changed: bool) -> None:
        if self.learning is None:
            return
        values = self.branches.state(thread).values
        try:
            self.learning.turned_down(
                session_id, user.name, str(values.get("turn")), said_in(values), changed=changed
            )
        except Exception:
            log.exception("could not record the learning signals of session %s", session_id)


def _ledger_decision(approval: Approval) -> tuple[User, Decision]:
    """The resume a decided approval stands for: who decided it, and how."""
    if approval.status is ApprovalStatus.EXPIRED:
        return SYSTEM, {"answer": "reject", "user": SYSTEM.name, "expired": True}
    user = User(name=approval.decided_by or SYSTEM.name, role=approval.decided_role or "system")
    answer: Literal["approve", "reject"] = (
        "approve" if approval.status is ApprovalStatus.APPROVED else "reject"
    )
    return user, {"answer": answer, "user": user.name, "role": user.role}


_MENTIONS = re.compile(r"\b(?:request|approval|make it|change it)\b", re.I)
_WITHDRAW = re.compile(
    r"^\s*(?:(?:no|ok|okay|actually|please|pls)[,\s]+)*(?:cancel|withdraw|drop|scrap|retract|"
    r"forget|pull|kill|stop)\b",
    re.I,
)
_VERBS = frozenset({"create", "set", "update", "add", "send", "change", "open", "close"})


def _withdraws(pending: ConfirmationRequired, text: str) -> bool:
    """Whether ``text`` withdraws the waiting request ("cancel the refund request")."""
    return bool(_WITHDRAW.match(text)) and _about(pending, text)


def _about(pending: ConfirmationRequired, text: str) -> bool:
    """Whether a change worded while a four-eyes request waits is about that request: it
    names it, its records, the kind of change it is ("the refund"), or "make it …". Anything
    else is the person's next piece of work, which goes on beside the request."""
    said = text.lower()
    named = [pending.approval_id or "", *(str(v) for v in pending.args.values())]
    kind = set(re.split(r"[._]", pending.tool.lower())[1:]) - _VERBS
    words = set(re.findall(r"[a-z]+", said))
    return (
        bool(_MENTIONS.search(text))
        or any(len(value) > 3 and value.lower() in said for value in named)
        or bool(kind & words)
    )


def _waiting_in(state: StateSnapshot) -> ConfirmationRequired | None:
    """The confirmation or approval a thread is paused on, as it was asked."""
    if not state.interrupts:
        return None
    return ConfirmationRequired.model_validate(state.interrupts[0].value)


def _failed(state: StateSnapshot) -> bool:
    """Whether the last run stopped on an error its node raised (a crash leaves no error)."""
    return bool(state.next) and not state.interrupts and any(t.error for t in state.tasks)


def _older_than(created_at: str | None, seconds: float) -> bool:
    if created_at is None:
        return True
    written = datetime.fromisoformat(created_at)
    return (datetime.now(UTC) - written).total_seconds() > seconds

"""Direct tool calls (``aios tools call``): one operation, outside a conversation, under the
same rules as a chat turn.

A direct call acts as a named user from the directory. The policy decides it exactly as the
gate decides a planned step (role grants, rules, defaults); every call leaves the rows a chat
turn would (``policy.decided``, ``confirmation.given``, ``tool.*``, ``approval.*``), through
the same toolbox. A call that needs four-eyes approval is filed on the approval ledger, and
carried out (``carry_out``) when someone else with the approver role approves it: there is
no conversation to resume, so the approver's decision runs it, as the approver on the
requester's behalf, like a resumed conversation does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Literal

from aios.approvals import (
    Approval,
    ApprovalLedger,
    ApprovalRefused,
    ApprovalStatus,
    Execution,
)
from aios.audit import AuditUnavailable
from aios.identity import User
from aios.policy import Decision, PolicyDecision, PolicyEngine, PolicyRequest
from aios.policy.masking import Masker
from aios.toolbox import Caller, Toolbox
from connectors.errors import ConnectorError, InvalidInput
from connectors.operation import Kind

SESSION_PREFIX = "direct-"
"""Sessions of direct calls start with this: their approvals have no conversation behind them."""

_ACTING_FIELDS = ("author",)
"""Arguments that name who acts: set from the caller, never taken from what was typed."""


_KEYED = uuid.UUID("6f0c3f0e-2d4b-4c1e-9a57-1b0d7e3c5a21")
"""Namespace of the sessions named by an idempotency key (uuid5)."""


class Status(StrEnum):
    DONE = "done"
    NEEDS_CONFIRMATION = "needs_confirmation"
    DECLINED = "declined"
    AWAITING_APPROVAL = "awaiting_approval"
    DENIED = "denied"


Confirm = Callable[[str, dict[str, Any], PolicyDecision], bool | None]
"""Asks the person, while the call waits, to confirm exactly ``tool`` with ``args``: True
they confirmed, False they declined, None they could not be asked (the call then ends as
needing confirmation, and nothing runs)."""


@dataclass(frozen=True)
class Via:
    """The channel a call came through and the client program on it, recorded as the call's
    first audit row (``call.received``): a trail that names who acted also names with what."""

    channel: str
    client: str
    transport: str
    connection: str
    request: str
    """The client's own id for the request, within its connection."""


@dataclass(frozen=True)
class Outcome:
    status: Status
    decision: PolicyDecision
    session_id: str
    args: dict[str, Any]
    result: dict[str, Any] | None = None
    approval: Approval | None = None
    recorded: bool = True
    """False when the system made the write but its success is not on the audit trail yet
    (``Toolbox.written``): it happened, and ``aios audit reconcile`` records it."""


def is_direct(session_id: str) -> bool:
    return session_id.startswith(SESSION_PREFIX)


class DirectCalls:
    def __init__(
        self,
        toolbox: Toolbox,
        policy: PolicyEngine,
        ledger: ApprovalLedger,
        masker: Masker | None = None,
    ) -> None:
        self.toolbox = toolbox
        self.policy = policy
        self.ledger = ledger
        self.masker = masker

    def call(
        self,
        user: User,
        tool: str,
        args: dict[str, Any],
        *,
        confirmed: bool = False,
        confirm: Confirm | None = None,
        idempotency_key: str | None = None,
        via: Via | None = None,
    ) -> Outcome:
        """Decide ``tool`` with ``args`` for ``user`` and do what the decision allows.

        ``confirmed`` is the caller's confirmation of exactly these arguments given in advance
        (``--yes``); otherwise a CONFIRM decision asks ``confirm``, and without an answer runs
        nothing. A call with an ``idempotency_key`` is one session, however often it is
        retried: its write happens once, and so does its request for approval. ConnectorError
        for an unknown tool, bad arguments, or the system's refusal (all of them audited)."""
        who = Caller(actor=user.name, session_id=session_for(idempotency_key), step="call")
        if via is not None:
            self.toolbox.record(who, "call.received", tool=tool, **asdict(via))
        op = self.toolbox.connectors.registry.get(tool)
        try:
            args = _acting_as(user, op.input_model.model_fields, args)
            op.check_args(args)
        except InvalidInput as exc:
            self.toolbox.record(who, "plan.rejected", tool=tool, reason=exc.message)
            raise
        # What the write would book, by the system's own rules (a refusal is raised here,
        # audited): the policy's rules on it (a cancelled order's total) read it, as in chat.
        booked = (self.toolbox.validate(tool, args, who) or {}) if op.kind is Kind.WRITE else {}
        decision = self.decide(user, tool, op.kind, args, booked)
        self.toolbox.record(
            who,
            "policy.decided",
            tool=tool,
            decision=decision,
            args=args,
            rule=decision.rule,
            reason=decision.reason,
        )

        def outcome(status: Status, **extra: Any) -> Outcome:
            return Outcome(status, decision, who.session_id, args, **extra)

        if decision.decision is Decision.DENY:
            return outcome(Status.DENIED)
        if decision.decision is Decision.APPROVE:
            return outcome(Status.AWAITING_APPROVAL, approval=self._file(who, tool, args, decision))
        if decision.decision is Decision.CONFIRM:
            answer = True if confirmed else confirm(tool, args, decision) if confirm else None
            if answer is None:
                return outcome(Status.NEEDS_CONFIRMATION)
            self.toolbox.record(
                who,
                "confirmation.given",
                tool=tool,
                decision=decision,
                answer="approve" if answer else "reject",
                by=user.name,
                args=args,
            )
            if not answer:
                return outcome(Status.DECLINED)
        if op.kind is Kind.READ:
            return outcome(Status.DONE, result=self.toolbox.read(tool, args, who))
        key = idempotency_key or f"cli-{uuid.uuid4()}"
        confirmed_by = user.name if decision.decision is Decision.CONFIRM else None
        written = self.toolbox.written(
            tool, args, who, idempotency_key=key, decision=decision, confirmed_by=confirmed_by
        )
        return outcome(Status.DONE, result=written.result, recorded=written.recorded)

    def decide(
        self,
        user: User,
        tool: str,
        kind: Kind,
        args: dict[str, Any],
        booked: dict[str, Any] | None = None,
    ) -> PolicyDecision:
        """The policy's decision, on what the gate would ask about a planned step. There is no
        planner, so no confidence; no lookup, so no account tier."""
        classes = self.masker.classes_in(args) if self.masker else []
        request = PolicyRequest(
            role=user.role,
            tool=tool,
            kind=kind.value,
            args=args,
            data_classes=classes,
            booked=booked or {},
        )
        return self.policy.decide(request)

    def decided(
        self,
        approval: Approval,
        approver: User,
        answer: Literal["approve", "reject"],
        reason: str | None = None,
    ) -> dict[str, Any] | None:
        """Take ``approver``'s decision on a direct call's request (a rejection with its
        ``reason``, if any); when approved, carry it out and return the system's answer.
        ApprovalRefused says why a decision is refused (the requester themselves, the wrong
        role, already decided); ConnectorError when the system refuses the write (recorded as
        the request's outcome too)."""
        if approval.status is not ApprovalStatus.PENDING and approval.outcome is not None:
            # Decided and carried out (or refused) before: a second decision does nothing.
            # Without an outcome the carrying out was cut short, and a retry finishes it.
            by = f" by {approval.decided_by}" if approval.decided_by else ""
            raise ApprovalRefused(
                "already_decided",
                f"Request {approval.id} was already {approval.status.value}{by}: "
                f"{approval.outcome}",
            )
        decided = self.ledger.decide(approval.id, approver, answer, approval.arguments, reason)
        who = Caller(
            actor=approver.name,
            session_id=approval.session_id,
            step="decide",
            on_behalf_of=approval.requester if approval.requester != approver.name else None,
        )
        verdict = PolicyDecision(
            decision=Decision.APPROVE,
            reason=approval.reason,
            approver_role=approval.required_role,
            policy_version=self.policy.version,
        )
        self.toolbox.record(
            who,
            "approval.decided",
            tool=approval.tool,
            decision=verdict,
            approval_id=approval.id,
            answer=answer,
            by=approver.name,
            role=approver.role,
            args=approval.arguments,
            # The audit row of a decision carries a rejection's reason, as the gate's does.
            **({"reason": decided.rejection_reason} if decided.rejection_reason else {}),
        )
        if decided.status is not ApprovalStatus.APPROVED:
            said = decided.decision()
            outcome = f"{said[:1].upper()}{said[1:]}. Nothing was changed."
            self.ledger.record_outcome(approval.id, outcome)
            return None
        try:
            written = self.toolbox.written(
                approval.tool,
                approval.arguments,
                who,
                # One request, one write: deciding it again (a retry) cannot book it twice.
                idempotency_key=f"cli-{approval.id}",
                decision=verdict,
                confirmed_by=approver.name,
                approval_id=approval.id,
            )
        except (ConnectorError, AuditUnavailable) as exc:
            message = exc.message if isinstance(exc, ConnectorError) else str(exc)
            self.ledger.record_outcome(approval.id, f"Failed: {message}. Nothing was changed.")
            self.ledger.record_execution(approval.id, Execution.FAILED)
            raise
        self.ledger.record_execution(approval.id, Execution.SUCCEEDED)
        if not written.recorded:
            self.ledger.record_outcome(
                approval.id,
                "Carried out, but not yet on the audit record (aios audit reconcile records it).",
            )
        else:
            self.ledger.record_outcome(approval.id, "Carried out.")
        return written.result

    def _file(
        self, who: Caller, tool: str, args: dict[str, Any], decision: PolicyDecision
    ) -> Approval:
        assert decision.approver_role is not None
        approval, created = self.ledger.open(
            session_id=who.session_id,
            turn="call",
            step_index=0,
            tool=tool,
            args=args,
            description=f"{tool} {_compact(args)}",
            reason=decision.reason,
            requester=who.actor,
            required_role=decision.approver_role,
        )
        if not created:
            return approval  # the same call retried: its request was filed, and recorded, once
        self.toolbox.record(
            who,
            "approval.requested",
            tool=tool,
            decision=decision,
            approval_id=approval.id,
            args=args,
            required_role=approval.required_role,
            due_at=approval.due_at.isoformat(),
        )
        return approval


def session_for(idempotency_key: str | None) -> str:
    """The session of a direct call: named by its key, so that a retry is the same call."""
    name = uuid.uuid5(_KEYED, idempotency_key) if idempotency_key else uuid.uuid4()
    return f"{SESSION_PREFIX}{name}"


def _acting_as(user: User, fields: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """``args`` with the fields that name who acts set to ``user``; another name is refused
    (a note must not be written in someone else's name)."""
    named = {name: user.name for name in _ACTING_FIELDS if name in fields}
    for name in named:
        if args.get(name) not in (None, user.name):
            raise InvalidInput(
                f"{name} is who acts, {user.name}; it cannot be {args[name]!r}", field=name
            )
    return {**args, **named}


def _compact(args: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in args.items())

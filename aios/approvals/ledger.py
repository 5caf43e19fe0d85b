"""The approval ledger: one table every channel reads and decides through.

An APPROVE decision opens a request here before the conversation pauses; a decision is
accepted only from someone other than the requester who holds the required role, and only
while the arguments still hash as they did when the request was made. The decision is taken
with a conditional update, so two approvers racing cannot both win.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aios.approvals.models import Approval, ApprovalRow, ApprovalStatus, Execution, args_hash
from aios.audit import AuditEvent, AuditTrail, AuditUnavailable
from aios.db import open_database
from aios.identity import User
from aios.limits import MAX_REASON_CHARS
from aios.migrations import upgrade
from aios.policy import PolicyEngine
from aios.settings import Settings
from connectors.clock import utc_now

log = logging.getLogger(__name__)
Answer = Literal["approve", "reject"]
_DECIDED = {"approve": ApprovalStatus.APPROVED, "reject": ApprovalStatus.REJECTED}


class ApprovalRefused(Exception):
    """A decision that may not be taken; the message says why, for the person who tried."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def approval_id(session_id: str, turn: str, step_index: int) -> str:
    """The same step of the same message always names the same approval (opening is idempotent)."""
    digest = hashlib.sha256(f"{session_id}:{turn}:{step_index}".encode()).hexdigest()
    return f"AP-{digest[:12].upper()}"


class ApprovalLedger:
    def __init__(
        self,
        engine: Engine,
        policy: PolicyEngine,
        clock: Callable[[], datetime] = utc_now,
        trail: AuditTrail | None = None,
    ) -> None:
        self.engine = engine
        self.policy = policy
        self.clock = clock
        self.rules = policy.policy.approvals
        self.trail = trail

    def create_tables(self) -> None:
        """Bring the state database, the ledger's table among its others, to its newest schema."""
        upgrade(self.engine, "state")

    def open(
        self,
        *,
        session_id: str,
        turn: str,
        step_index: int,
        tool: str,
        args: dict[str, object],
        description: str,
        reason: str,
        requester: str,
        required_role: str,
    ) -> tuple[Approval, bool]:
        """The pending request for this step, and whether this call created it."""
        ident = approval_id(session_id, turn, step_index)
        with Session(self.engine) as session:
            existing = session.get(ApprovalRow, ident)
            if existing is not None:
                return Approval.from_row(existing), False
            now = self.clock()
            row = ApprovalRow(
                id=ident,
                session_id=session_id,
                step_index=step_index,
                tool=tool,
                arguments=json.dumps(args, sort_keys=True, default=str),
                args_hash=args_hash(args),
                description=description,
                reason=reason,
                requester=requester,
                required_role=required_role,
                status=ApprovalStatus.PENDING,
                created_at=now,
                due_at=now + self._sla,
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                # The same step opened it a moment ago in another process: that one stands.
                session.rollback()
                raced = session.get(ApprovalRow, ident)
                assert raced is not None
                return Approval.from_row(raced), False
            session.refresh(row)
            return Approval.from_row(row), True

    def get(self, ident: str) -> Approval | None:
        with Session(self.engine) as session:
            row = session.get(ApprovalRow, ident)
            return Approval.from_row(row) if row else None

    def find(
        self,
        *,
        status: ApprovalStatus | None = None,
        session_id: str | None = None,
        requester: str | None = None,
    ) -> list[Approval]:
        query = select(ApprovalRow).order_by(col(ApprovalRow.created_at))
        if status is not None:
            query = query.where(ApprovalRow.status == status)
        if session_id is not None:
            query = query.where(ApprovalRow.session_id == session_id)
        if requester is not None:
            query = query.where(ApprovalRow.requester == requester)
        with Session(self.engine) as session:
            return [Approval.from_row(row) for row in session.exec(query)]

    def decidable_by(self, user: User) -> list[Approval]:
        """Pending requests ``user`` may approve: someone else's, needing a role they hold."""
        return [
            a for a in self.find(status=ApprovalStatus.PENDING) if self.refusal(a, user) is None
        ]

    def refusal(self, approval: Approval, user: User) -> str | None:
        """Why ``user`` may not decide ``approval``, or None when they may."""
        if approval.requester == user.name:
            return (
                f"This needs approval by someone else with the {approval.required_role} role "
                "(four-eyes); you cannot approve your own request."
            )
        if not self.policy.holds(user.role, approval.required_role):
            return f"Only a user with the {approval.required_role} role can approve this."
        return None

    def decide(
        self,
        ident: str,
        user: User,
        answer: Answer,
        args: dict[str, object],
        reason: str | None = None,
    ) -> Approval:
        """Take ``user``'s decision on exactly ``args``; ApprovalRefused says why not (and the
        refusal is audited: who tried what is as telling as who succeeded). A rejection keeps
        ``reason``, the approver's words for the requester; an approval has none to keep.

        Deciding again the same way is accepted (a retry after a crash); anything else on a
        decided request is refused.
        """
        try:
            return self._decide(ident, user, answer, args, reason)
        except ApprovalRefused as refused:
            found = self.get(ident)
            self._audit(
                "approval.refused",
                found,
                user.name,
                answer=answer,
                role=user.role,
                code=refused.code,
                reason=refused.message,
            )
            raise

    def _decide(
        self,
        ident: str,
        user: User,
        answer: Answer,
        args: dict[str, object],
        reason: str | None,
    ) -> Approval:
        approval = self.get(ident)
        if approval is None:
            raise ApprovalRefused("not_found", f"There is no approval request {ident}.")
        if approval.status is not ApprovalStatus.PENDING:
            if approval.decided_by == user.name and approval.status is _DECIDED[answer]:
                return approval
            raise ApprovalRefused("already_decided", _decided_text(approval))
        if why := self.refusal(approval, user):
            raise ApprovalRefused("not_allowed", why)
        if args_hash(args) != approval.args_hash:
            raise ApprovalRefused(
                "arguments_changed",
                "The request changed after approval was asked for; nothing was approved.",
            )
        why = ((reason or "").strip() or None) if answer == "reject" else None
        if why is not None and len(why) > MAX_REASON_CHARS:
            # Every front end's reason lands here (the web chat's is a free reply).
            raise ApprovalRefused(
                "invalid_reason",
                f"A reason may have at most {MAX_REASON_CHARS:,} characters; this one has "
                f"{len(why):,}. Nothing was decided: shorten it and reject again.",
            )
        self._transition(
            approval, _DECIDED[answer], decided_by=user.name, role=user.role, rejection_reason=why
        )
        decided = self.get(ident)
        assert decided is not None
        if decided.status is ApprovalStatus.PENDING:
            raise ApprovalRefused(
                "changed", f"Request {ident} escalated while you decided; look at it again."
            )
        if decided.decided_by != user.name or decided.status is not _DECIDED[answer]:
            raise ApprovalRefused("already_decided", _decided_text(decided))
        return decided

    def withdraw(self, ident: str) -> None:
        """The requester took the request back (cancelled or changed it); ApprovalRefused
        when an approver decided it first."""
        approval = self.get(ident)
        if approval is None:
            return
        self._transition(approval, ApprovalStatus.WITHDRAWN, decided_by=approval.requester)
        now = self.get(ident)
        if now is None or now.status is not ApprovalStatus.WITHDRAWN:
            raise ApprovalRefused("already_decided", _decided_text(now or approval))
        self.record_outcome(ident, "Withdrawn by the requester.")

    def escalate_overdue(self) -> list[Approval]:
        """Move every overdue request one role up the ladder, or expire it at the top.

        Returns the requests that changed, as they are now.
        """
        now = self.clock()
        changed = []
        for approval in self.find(status=ApprovalStatus.PENDING):
            if not approval.overdue(now):
                continue
            higher = self.rules.escalate_to.get(approval.required_role)
            if higher is None:
                self._transition(approval, ApprovalStatus.EXPIRED, decided_by=None)
            else:
                self._escalate(approval, higher, now)
            if (now_approval := self.get(approval.id)) is not None:
                changed.append(now_approval)
                kind = "approval.escalated" if higher else "approval.expired"
                self._audit(kind, now_approval, "aios", required_role=now_approval.required_role)
        return changed

    def record_outcome(self, ident: str, outcome: str) -> None:
        with Session(self.engine) as session:
            session.execute(
                update(ApprovalRow).where(col(ApprovalRow.id) == ident).values(outcome=outcome)
            )
            session.commit()

    def record_execution(self, ident: str, executed: Execution) -> None:
        """What came of running an approved request, apart from its decision."""
        with Session(self.engine) as session:
            session.execute(
                update(ApprovalRow).where(col(ApprovalRow.id) == ident).values(executed=executed)
            )
            session.commit()

    def take_notifications(self, session_id: str, requester: str) -> list[Approval]:
        """Decided requests of ``requester`` in ``session_id`` they were not told of; marks them."""
        told = []
        with Session(self.engine) as session:
            query = select(ApprovalRow).where(
                ApprovalRow.session_id == session_id,
                ApprovalRow.requester == requester,
                ApprovalRow.status != ApprovalStatus.PENDING,
                ApprovalRow.status != ApprovalStatus.WITHDRAWN,
                col(ApprovalRow.requester_notified).is_(False),
                col(ApprovalRow.outcome).is_not(None),
            )
            for row in list(session.exec(query)):
                # Only the process that flips the flag tells; a racing one finds it flipped.
                flipped = session.execute(
                    update(ApprovalRow)
                    .where(
                        col(ApprovalRow.id) == row.id,
                        col(ApprovalRow.requester_notified).is_(False),
                    )
                    .values(requester_notified=True)
                )
                if flipped.rowcount:  # type: ignore[attr-defined]
                    told.append(Approval.from_row(row))
            session.commit()
        return told

    def _audit(self, kind: str, approval: Approval | None, actor: str, **details: object) -> None:
        if self.trail is not None and approval is not None:
            _record(self.trail, kind, approval, actor, self.policy.version, **details)

    @property
    def _sla(self) -> timedelta:
        return timedelta(minutes=self.rules.due_within_minutes)

    def _transition(
        self,
        approval: Approval,
        status: ApprovalStatus,
        *,
        decided_by: str | None,
        role: str | None = None,
        rejection_reason: str | None = None,
    ) -> None:
        values = {"decided_by": decided_by, "decided_role": role, "decided_at": self.clock()}
        self._update_pending(approval, status=status, rejection_reason=rejection_reason, **values)

    def _escalate(self, approval: Approval, role: str, now: datetime) -> None:
        self._update_pending(
            approval, required_role=role, level=approval.level + 1, due_at=now + self._sla
        )

    def _update_pending(self, approval: Approval, **values: object) -> None:
        """Change ``approval`` only if it is still pending and unchanged since it was read:
        of two writers racing, the second changes nothing."""
        with Session(self.engine) as session:
            session.execute(
                update(ApprovalRow)
                .where(
                    col(ApprovalRow.id) == approval.id,
                    col(ApprovalRow.status) == ApprovalStatus.PENDING,
                    col(ApprovalRow.level) == approval.level,
                )
                .values(**values)
            )
            session.commit()


def _record(
    trail: AuditTrail, kind: str, approval: Approval, actor: str, version: str, **details: object
) -> None:
    event = AuditEvent(
        kind=kind,
        actor=actor,
        session_id=approval.session_id,
        step="ledger",
        tool=approval.tool,
        arguments=dict(details),
        approval_id=approval.id,
        policy_version=version,
    )
    try:
        trail.append(event)
    except AuditUnavailable:
        # A refusal or an escalation happens whether or not it can be recorded; only writes
        # wait for the trail.
        log.exception("could not audit %s of %s", kind, approval.id)


def _decided_text(approval: Approval) -> str:
    who = f" by {approval.decided_by}" if approval.decided_by else ""
    return f"Request {approval.id} was already {approval.status.value}{who}; nothing more was done."


def open_ledger(
    settings: Settings, policy: PolicyEngine, trail: AuditTrail | None = None
) -> ApprovalLedger:
    """The ledger in aios' state database, next to the audit trail it reports to."""
    return ApprovalLedger(open_database(settings, "state"), policy, trail=trail)

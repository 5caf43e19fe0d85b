"""Every tool call the assistant makes goes through here, and into the audit trail.

Audit first: a write is recorded as requested before it is sent, so a write with no audit
row cannot happen; if the trail cannot be written, ``AuditUnavailable`` stops the write. Its
outcome is recorded as soon as the system answers. Reads are recorded after they return, and
like decisions they are held (``AuditTrail.hold``): inside ``AuditTrail.together`` their rows
join the next append instead of costing a transaction and a head write each.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aios import observability
from aios.audit import AuditEvent, AuditTrail, AuditUnavailable
from aios.policy import PolicyDecision
from aios.policy.masking import Masker
from connectors.client import Connectors
from connectors.errors import ConnectorError, InvalidInput, SystemUnavailable
from connectors.operation import Kind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Caller:
    """Who calls, for whom, where: what every audit row of a call carries."""

    actor: str
    session_id: str
    step: str
    on_behalf_of: str | None = None


@dataclass(frozen=True)
class Written:
    """What came of a write the system made: its answer, and whether its success is on the
    audit trail (``recorded``) or only its request is, until it is reconciled."""

    result: dict[str, Any]
    recorded: bool
    idempotency_key: str


class Toolbox:
    """``masker``, when given, decides what personal data the trail stores in full;
    ``policy_version`` is written into every row that carries no decision of its own."""

    def __init__(
        self,
        connectors: Connectors,
        trail: AuditTrail,
        masker: Masker | None = None,
        policy_version: str | None = None,
    ) -> None:
        self.connectors = connectors
        self.trail = trail
        self.masker = masker
        self.policy_version = policy_version

    def read(self, tool: str, args: dict[str, Any], caller: Caller) -> dict[str, Any]:
        op = self.connectors.registry.get(tool)
        if op.kind is not Kind.READ:
            raise InvalidInput(f"{tool} changes data; it cannot be run as a lookup")
        try:
            with observability.tool_call(tool, op.kind.value):
                result = self.connectors.call(tool, args).model_dump(mode="json")
        except ConnectorError as exc:
            self._record(caller, "tool.failed", tool, args, result=exc.to_problem())
            raise
        self._record(caller, "tool.read", tool, args, result=result)
        return result

    def acting(self, tool: str, args: dict[str, Any], caller: Caller) -> dict[str, Any]:
        """``args`` with the fields naming who acts (a note's ``author``: ``ActingPerson`` on
        the operation's input) set to the person the call is for, whatever a planner or a
        client put there: on every path a write takes, the acting person is the caller."""
        person = caller.on_behalf_of or caller.actor
        return self.connectors.registry.get(tool).with_actor(args, person)

    def validate(self, tool: str, args: dict[str, Any], caller: Caller) -> dict[str, Any] | None:
        """What the write would book, checked by its system's own rules with nothing changed
        (``Connectors.validate``). A refusal (a rule, an unknown record) is recorded as
        ``tool.refused`` and raised; None when the system cannot be asked now: the write meets
        the same rules when it is sent."""
        args = self.acting(tool, args, caller)
        try:
            with observability.tool_call(tool, "validate"):
                return self.connectors.validate(tool, args).model_dump(mode="json")
        except SystemUnavailable:
            return None
        except ConnectorError as exc:
            self._record(caller, "tool.refused", tool, args, result=exc.to_problem())
            raise

    def write(
        self,
        tool: str,
        args: dict[str, Any],
        caller: Caller,
        *,
        idempotency_key: str,
        decision: PolicyDecision,
        confirmed_by: str | None = None,
        approval_id: str | None = None,
    ) -> dict[str, Any]:
        """The system's answer to the write; ``written`` also says whether it is on record."""
        return self.written(
            tool,
            args,
            caller,
            idempotency_key=idempotency_key,
            decision=decision,
            confirmed_by=confirmed_by,
            approval_id=approval_id,
        ).result

    def written(
        self,
        tool: str,
        args: dict[str, Any],
        caller: Caller,
        *,
        idempotency_key: str,
        decision: PolicyDecision,
        confirmed_by: str | None = None,
        approval_id: str | None = None,
    ) -> Written:
        args = self.acting(tool, args, caller)
        details = {"idempotency_key": idempotency_key, "confirmed_by": confirmed_by}
        requested = {**args, "_call": details}
        self._record(
            caller, "tool.requested", tool, requested, None, decision, approval_id, now=True
        )
        try:
            with observability.tool_call(tool, Kind.WRITE.value):
                result = self.connectors.call(tool, args, idempotency_key).model_dump(mode="json")
        except ConnectorError as exc:
            problem = exc.to_problem()
            self._record(
                caller, "tool.failed", tool, args, problem, decision, approval_id, now=True
            )
            raise
        try:
            self._record(
                caller, "tool.succeeded", tool, args, result, decision, approval_id, now=True
            )
        except AuditUnavailable:
            # The system made the change and its request is on the trail. Reporting a failure
            # now would invite the same change again under a new key; reporting plain success
            # would hide a gap in the record. The request without an outcome is the mark that
            # ``aios audit reconcile`` (aios.audit.reconcile) later fills from the system.
            log.exception(
                "%s succeeded (key %s) but its success could not be audited", tool, idempotency_key
            )
            return Written(result, recorded=False, idempotency_key=idempotency_key)
        return Written(result, recorded=True, idempotency_key=idempotency_key)

    def record(
        self,
        caller: Caller,
        kind: str,
        *,
        tool: str | None = None,
        decision: PolicyDecision | None = None,
        approval_id: str | None = None,
        **details: Any,
    ) -> None:
        """An audit row for something that is not a call: a decision, a confirmation."""
        self._record(caller, kind, tool, details, decision=decision, approval_id=approval_id)

    def _record(
        self,
        caller: Caller,
        kind: str,
        tool: str | None,
        args: dict[str, Any],
        result: Any = None,
        decision: PolicyDecision | None = None,
        approval_id: str | None = None,
        *,
        now: bool = False,
    ) -> None:
        """``now`` for a write's rows: what the system did must be on the trail before anything
        else happens, so they are appended at once (with what is held before them)."""
        if self.masker is not None:
            args, result = self.masker.for_audit(args), self.masker.for_audit(result)
        event = AuditEvent(
            kind=kind,
            actor=caller.actor,
            on_behalf_of=caller.on_behalf_of,
            session_id=caller.session_id,
            step=caller.step,
            tool=tool,
            arguments=args,
            result=result,
            policy_decision=decision.decision.value if decision else None,
            policy_version=decision.policy_version if decision else self.policy_version,
            approval_id=approval_id,
        )
        if now:
            self.trail.append(event)
        else:
            self.trail.hold(event)


@dataclass(frozen=True)
class BoundReader:
    """The planner's view of the toolbox: lookups only, audited as the caller's."""

    toolbox: Toolbox
    caller: Caller

    def read(self, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        return self.toolbox.read(tool, args, self.caller)

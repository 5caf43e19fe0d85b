"""The crash drill: kill the process at every point between an approval and the system's
acknowledgement, restart, and count what exists.

An agent asks for a $600 refund (four-eyes); a finance user decides it in a child process
(``python -m aios.safety.crash ANSWER POINT``) that SIGKILLs itself at POINT; a new runtime, as
a restarted process builds it, sweeps, and the requester writes again. The crash points wrap
the real components from outside, in the child only: the product has no hooks for them.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlmodel import select

from aios.approvals.ledger import ApprovalLedger
from aios.assistant.factory import build_runtime
from aios.audit import AuditTrail, open_trail
from aios.graph.nodes import Nodes
from aios.knowledge.embedder import Embedder
from aios.settings import Settings
from aios.toolbox import Toolbox
from aios.wiring import open_systems
from connectors.client import Connectors
from connectors.demo import _planted as planted
from connectors.erp.models import Refund

SESSION = "crash-drill"
REQUEST = f"refund $600 on {planted.PLATINUM_PAID_INVOICE}"
REQUESTER, APPROVER = "alice", "dave"
Answer = Literal["approve", "reject"]


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _after(owner: Any, name: str, when: Callable[..., bool] = lambda *a, **k: True) -> None:
    """Make ``owner.name`` die right after it returns, when ``when(*args)`` holds."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if when(*args, **kwargs):
            _die()
        return result

    setattr(owner, name, wrapped)


def _recorded(kind: str) -> Callable[..., bool]:
    """When the trail has just committed a row of ``kind`` (alone or with rows held before)."""
    return lambda _self, events, *a, **k: any(event.kind == kind for event in events)


POINTS: dict[str, Callable[[], None]] = {
    # the approver's decision is in the ledger; the conversation has not resumed
    "ledger_decided": lambda: _after(ApprovalLedger, "decide"),
    # the decision is held for the trail, not on it yet (its node has not returned)
    "decision_held": lambda: _after(
        Toolbox, "record", lambda _self, _caller, kind, *a, **k: kind == "approval.decided"
    ),
    # the decision is in the audit trail; the step has not started
    "decision_audited": lambda: _after(AuditTrail, "_commit", _recorded("approval.decided")),
    # the write is audited as requested; the system has not been called
    "write_requested": lambda: _after(AuditTrail, "_commit", _recorded("tool.requested")),
    # the system committed the refund; nobody heard back
    "system_committed": lambda: _after(
        Connectors, "call", lambda _self, tool, *a, **k: tool == "erp.create_refund"
    ),
    # the success is audited; the graph has not checkpointed the step
    "success_audited": lambda: _after(AuditTrail, "_commit", _recorded("tool.succeeded")),
    # the step finished; its checkpoint is not written
    "step_done": lambda: _after(Nodes, "act"),
}
CASES: list[tuple[Answer, str]] = [("approve", point) for point in POINTS] + [
    # a rejection never reaches the write, so only the points before it exist
    ("reject", "ledger_decided"),
    ("reject", "decision_held"),
    ("reject", "decision_audited"),
]


class CrashOutcome(BaseModel):
    answer: Answer
    point: str
    killed: bool = Field(description="The child really died at the point.")
    refunds: int = Field(description="Refunds of the request in the ERP afterwards.")
    ledger_status: str
    requester_told: bool
    still_paused: bool
    chain_intact: bool

    @property
    def held(self) -> bool:
        """Exactly once when approved, never when rejected; settled, told, chain intact."""
        return (
            self.killed
            and self.refunds == (1 if self.answer == "approve" else 0)
            and self.ledger_status == ("approved" if self.answer == "approve" else "rejected")
            and self.requester_told
            and not self.still_paused
            and self.chain_intact
        )


def crash_case(settings: Settings, embedder: Embedder, answer: Answer, point: str) -> CrashOutcome:
    """One run of the drill on ``settings``' (seeded, otherwise untouched) demo data."""
    runtime = build_runtime(settings, embedder=embedder)
    requester = runtime.users.get(REQUESTER)
    assert requester is not None, "seed the demo users first"
    asked = list(runtime.assistant.handle(SESSION, requester, REQUEST))
    if not any(e.type == "confirmation_required" for e in asked):
        raise RuntimeError(f"the drill's request did not ask for approval: {asked}")
    killed = _decide_and_die(settings, answer, point)

    restarted = build_runtime(settings, embedder=embedder)
    restarted.assistant.sweep()
    after = list(restarted.assistant.handle(SESSION, requester, "what can you do?"))
    [approval] = restarted.ledger.find(session_id=SESSION)
    told = [e for e in after if e.type == "message" and approval.id in e.text]
    return CrashOutcome(
        answer=answer,
        point=point,
        killed=killed,
        refunds=refunds_of_the_request(settings),
        ledger_status=approval.status.value,
        requester_told=len(told) == 1 and f"{approval.status.value} by {APPROVER}" in told[0].text,
        still_paused=restarted.assistant.pending(SESSION) is not None,
        chain_intact=open_trail(settings).verify().ok,
    )


def _decide_and_die(settings: Settings, answer: Answer, point: str) -> bool:
    paths = {
        "AIOS_DATA_DIR": settings.data_dir,
        "AIOS_SKILLS_DIR": settings.skills_dir,
        "AIOS_POLICY_FILE": settings.policy_file,
        "AIOS_MASKING_FILE": settings.masking_file,
        "AIOS_KNOWLEDGE_DIR": settings.knowledge_dir,
    }
    env = {**os.environ, **{k: str(v.resolve()) for k, v in paths.items()}}
    done = subprocess.run(
        [sys.executable, "-m", "aios.safety.crash", answer, point],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode == -signal.SIGKILL


def refunds_of_the_request(settings: Settings) -> int:
    """How many refunds of the drill's request the ERP holds."""
    erp = open_systems(settings)["erp"]
    try:
        with erp.session() as session:
            query = select(Refund).where(
                Refund.invoice_id == planted.PLATINUM_PAID_INVOICE, Refund.amount_cents == 60000
            )
            return len(list(session.exec(query)))
    finally:
        erp.engine.dispose()


def main() -> None:
    answer, point = sys.argv[1], sys.argv[2]
    POINTS[point]()
    runtime = build_runtime(Settings())
    approver = runtime.users.get(APPROVER)
    assert approver is not None and answer in ("approve", "reject")
    for event in runtime.assistant.resume(SESSION, approver, answer):  # type: ignore[arg-type]
        print(event.model_dump_json(), flush=True)


if __name__ == "__main__":
    main()

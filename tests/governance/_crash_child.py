"""A process in which dave decides alice's pending four-eyes refund, and dies on cue.

``python -m tests.governance._crash_child approve|reject POINT``: POINT names where the
process SIGKILLs itself (see POINTS). The crash points wrap the real components from outside;
the product has no hooks for them.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from aios.approvals.ledger import ApprovalLedger
from aios.assistant.factory import build_runtime
from aios.graph.nodes import Nodes
from aios.settings import Settings
from aios.toolbox import Toolbox
from connectors.client import Connectors

SESSION = "crash"
REQUEST = "refund $600 on INV-2131"


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
    return lambda _self, _caller, recorded, *a, **k: recorded == kind


POINTS: dict[str, Callable[[], None]] = {
    # the approver's decision is in the ledger; the conversation has not resumed
    "ledger_decided": lambda: _after(ApprovalLedger, "decide"),
    # the decision is in the audit trail; the step has not started
    "decision_audited": lambda: _after(Toolbox, "record", _recorded("approval.decided")),
    # the write is audited as requested; the system has not been called
    "write_requested": lambda: _after(Toolbox, "_record", _recorded("tool.requested")),
    # the system committed the refund; nobody heard back
    "system_committed": lambda: _after(
        Connectors, "call", lambda _self, tool, *a, **k: tool == "erp.create_refund"
    ),
    # the success is audited; the graph has not checkpointed the step
    "success_audited": lambda: _after(Toolbox, "_record", _recorded("tool.succeeded")),
    # the step finished; its checkpoint is not written
    "step_done": lambda: _after(Nodes, "act"),
}


def main() -> None:
    answer, point = sys.argv[1], sys.argv[2]
    POINTS[point]()
    runtime = build_runtime(Settings())
    dave = runtime.users.get("dave")
    assert dave is not None and answer in ("approve", "reject")
    for event in runtime.assistant.resume(SESSION, dave, answer):  # type: ignore[arg-type]
        print(event.model_dump_json(), flush=True)


if __name__ == "__main__":
    main()

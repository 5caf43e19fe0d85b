"""Readiness: whether this process can take turns now, check by check.

The stores and systems a turn writes to must answer; an empty knowledge base only degrades
answers (the assistant still works), so it shows without failing the probe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from aios.approvals import ApprovalStatus
from aios.assistant.factory import Runtime

# One cheap read per system, straight through the connectors: a probe is not audited work.
_PROBES = {"crm": "crm.find_accounts", "erp": "erp.find_products"}
PENDING = ApprovalStatus.PENDING


class Check(BaseModel):
    name: str
    ok: bool
    required: bool = Field(description="A failed required check makes the process not ready.")
    detail: str = ""


class Readiness(BaseModel):
    status: Literal["ready", "degraded", "not_ready"]
    checks: list[Check]


def _run(name: str, required: bool, probe: Callable[[], str]) -> Check:
    try:
        return Check(name=name, ok=True, required=required, detail=probe())
    except Exception as exc:  # a probe reports every failure; it must never raise
        return Check(name=name, ok=False, required=required, detail=f"{type(exc).__name__}: {exc}")


def readiness(runtime: Runtime) -> Readiness:
    connectors = runtime.toolbox.connectors

    def system(tool: str) -> Callable[[], str]:
        def probe() -> str:
            connectors.call(tool, {"limit": 1})
            return "answers"

        return probe

    def knowledge() -> str:
        chunks = runtime.knowledge.retriever.index.stats().chunks
        if chunks == 0:
            raise LookupError("no documents indexed: run `aios knowledge ingest`")
        return f"{chunks} chunks"

    checks = [
        _run("state", True, lambda: f"{len(runtime.users.all())} users"),
        _run("approvals", True, lambda: f"{len(runtime.ledger.find(status=PENDING))} pending"),
        *(_run(name, True, system(tool)) for name, tool in _PROBES.items()),
        _run("knowledge", False, knowledge),
    ]
    if any(c.required and not c.ok for c in checks):
        status: Literal["ready", "degraded", "not_ready"] = "not_ready"
    else:
        status = "ready" if all(c.ok for c in checks) else "degraded"
    return Readiness(status=status, checks=checks)

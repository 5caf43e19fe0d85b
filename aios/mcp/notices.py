"""Telling an open MCP session that a four-eyes request one of its calls filed was decided.

The client need not poll ``aios.approval_status``: while its session is open, each request it
filed is watched on the ledger (whichever worker or terminal decides it, the ledger is where the
decision lands, as the web chat learns of its own) and, once decided and carried out or not,
the session gets an MCP log message (``notifications/message``, logger ``aios.approvals``)
holding what the polling tool would answer. The watching lives as long as the session: the
server's lifespan, which the SDK enters once per session, holds it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any

import anyio
from anyio import to_thread
from anyio.abc import TaskGroup
from mcp.server.session import ServerSession

from aios.approvals import Approval, ApprovalLedger, ApprovalStatus
from aios.mcp.calls import Reply

LOGGER = "aios.approvals"
Told = Callable[[Approval, str], Reply]
"""What the requester (of a role) is told of a request: ``GovernedCalls.standing``."""


class Watch:
    """One session's watch over the requests its calls filed."""

    def __init__(self, group: TaskGroup, ledger: ApprovalLedger, told: Told, every_s: float):
        self._group = group
        self._ledger = ledger
        self._told = told
        self._every_s = every_s
        self._watched: set[str] = set()
        self.quiet = False
        """The client asked for warnings and worse only (``logging/setLevel``)."""

    def follow(self, session: ServerSession, approval_id: str, role: str) -> None:
        """Tell ``session`` when ``approval_id`` is decided (once, however often it is filed)."""
        if approval_id not in self._watched:
            self._watched.add(approval_id)
            self._group.start_soon(self._follow, session, approval_id, role)

    async def _follow(self, session: ServerSession, approval_id: str, role: str) -> None:
        while True:
            approval = await to_thread.run_sync(self._ledger.get, approval_id)
            if approval is None:
                return
            if _settled(approval):
                reply = await to_thread.run_sync(self._told, approval, role)
                data = reply.model_dump(mode="json", exclude_none=True)
                if self.quiet:
                    return
                # A client that went away polls, or asks aios, when it is back.
                with suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
                    await session.send_log_message("info", data, logger=LOGGER)
                return
            await anyio.sleep(self._every_s)


def watching(ledger: ApprovalLedger, told: Told, every_s: float = 2.0) -> Callable[[Any], Any]:
    """The server's lifespan: a ``Watch`` per session, ended with it."""

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[Watch]:
        async with anyio.create_task_group() as group:
            try:
                yield Watch(group, ledger, told, every_s)
            finally:
                group.cancel_scope.cancel()

    return lifespan


def _settled(approval: Approval) -> bool:
    """Decided, and for an approved one carried out (or failed): the outcome is known."""
    if approval.status is ApprovalStatus.PENDING:
        return False
    return approval.status is not ApprovalStatus.APPROVED or approval.outcome is not None

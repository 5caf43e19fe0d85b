"""The calls an MCP client made for the caller and holds for their confirmation: listed, and
confirmed or declined here as with ``aios mcp confirm`` or the web chat's buttons, through the
one ``PendingCalls.answer`` (answered once, whichever channel answers first; audited with the
``api`` channel)."""

from __future__ import annotations

import functools
from typing import Annotated

from fastapi import APIRouter, Query, Request

from aios.api.auth import Caller
from aios.api.errors import ApiError
from aios.api.models import HeldAnswerIn, HeldAnswerOut
from aios.assistant.factory import Runtime
from aios.audit import AuditUnavailable
from aios.direct import DirectCalls, Via
from aios.mcp.confirmations import Confirmation, ConfirmationRefused
from aios.mcp.pending import PendingCalls, open_pending
from connectors.errors import ConnectorError

PATH = "/v1/mcp/confirmations"


def confirmations_router(runtime: Runtime) -> APIRouter:
    # The runtime is read only when a route is called: the OpenAPI document is built without one.
    router = APIRouter(tags=["mcp confirmations"])

    @functools.cache
    def pending() -> PendingCalls:
        direct = DirectCalls(runtime.toolbox, runtime.policy, runtime.ledger, runtime.masker)
        return open_pending(runtime.settings, direct)

    @router.get(PATH)
    def held(
        user: Caller,
        every: Annotated[
            bool, Query(alias="all", description="Answered and expired ones too.")
        ] = False,
    ) -> list[Confirmation]:
        """The calls MCP clients made for the caller that wait for their confirmation, oldest
        first, each with its exact arguments."""
        return pending().confirmations.of(user.name, every=every)

    @router.post(PATH + "/{confirmation_id}/decision")
    def answer(
        confirmation_id: str, body: HeldAnswerIn, request: Request, user: Caller
    ) -> HeldAnswerOut:
        """Confirm (it runs now, exactly as held, once) or decline (nothing runs) a call held
        for the caller. Only the user it was made for may answer (404 for anyone else), and
        only once: 409 ``already_answered`` after an answer from any channel, 409 ``expired``
        after its expiry; 502 ``call_failed`` when the confirmed call's system refused it."""
        agent = request.headers.get("user-agent", "")[:200]
        connection = request.client.host if request.client else ""
        via = Via("api", agent, "http", connection, confirmation_id)
        try:
            held, done = pending().answer(user, confirmation_id, body.answer, via)
        except ConfirmationRefused as refused:
            raise _refusal(refused) from None
        except ConnectorError as exc:
            raise ApiError(502, "call_failed", f"{exc.code}: {exc.message}") from None
        except AuditUnavailable as exc:
            message = f"audit_unavailable: the audit trail cannot be written ({exc})"
            raise ApiError(502, "call_failed", message) from None
        return HeldAnswerOut(confirmation=held, result=pending().shown(done, user))

    return router


def _refusal(refused: ConfirmationRefused) -> ApiError:
    if refused.refusal == "invalid":
        return ApiError(422, "invalid_input", refused.message)
    if refused.refusal == "unknown":
        return ApiError(404, "not_found", refused.message)
    if refused.refusal == "expired":
        return ApiError(409, "expired", refused.message)
    return ApiError(409, "already_answered", refused.message)

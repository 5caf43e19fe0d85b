"""The HTTP API over the one assistant: sessions, messages (JSON or Server-Sent Events),
decisions, approvals, transcripts, knowledge search and audit under ``/v1``. Every route but
health and readiness needs an API key (``Authorization: Bearer aios_…``, from
``aios users add-key``) or, with a provider configured, an access token of the company's
identity provider; the caller's user and role drive everything the policy decides. Errors
are RFC 9457 problem+json with stable codes. ``/widget.js`` is the embeddable chat panel.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sse_starlette.sse import EventSourceResponse
from starlette.exceptions import HTTPException

from aios.api.auth import Caller, KeyRates
from aios.api.confirmations import confirmations_router
from aios.api.errors import ApiError, code_of, problem
from aios.api.idempotency import LEASE_S, Idempotency, Replay, recovered
from aios.api.metrics import ApiMetrics
from aios.api.models import (
    ApprovalDecisionIn,
    ApprovalsOut,
    DecisionIn,
    MessageIn,
    SessionOut,
    TranscriptItem,
    TurnOut,
)
from aios.api.readiness import Readiness, readiness
from aios.api.store import ApiStore
from aios.api.turns import Turns, server_sent
from aios.assistant.decisions import REFUSALS, DecisionRefused, Shown
from aios.assistant.events import ConfirmationRequired, ErrorEvent, Event
from aios.assistant.factory import Runtime
from aios.assistant.shown import kept_for
from aios.audit import AuditRecord
from aios.audit.trail import viewed
from aios.identity import User
from aios.knowledge.models import Citation
from aios.knowledge.retriever import QuestionError
from aios.learning.routes import learning_router
from aios.ops.queries import masked_for
from aios.ops.routes import ops_router
from aios.users.oidc.provider import Provider, open_provider
from aios.voice.calls import Sessions, calls_router
from aios.voice.routes import voice_router
from connectors.docs import serve_docs

WIDGET = Path(__file__).parent / "static" / "widget.js"
log = logging.getLogger(__name__)


def create_app(
    runtime: Runtime,
    store: ApiStore,
    *,
    idempotency_lease_s: float = LEASE_S,
    provider: Provider | None = None,
) -> FastAPI:
    """The API over ``runtime``; ``provider``, when given, replaces the identity provider the
    settings name (tests pass one with their own clock)."""
    app = FastAPI(
        title="aios API",
        version="1.0.0",
        description="The operator assistant for intranets and their services.",
        # Both of FastAPI's pages load from a CDN; /docs is served from local files instead,
        # and ReDoc, which no package ships, is left out rather than left blank.
        docs_url=None,
        redoc_url=None,
    )
    serve_docs(app)
    app.state.runtime = runtime
    app.state.rates = KeyRates(runtime.settings.api_rate_limit)
    if provider is None and runtime.settings.oidc_issuer is not None:
        provider = open_provider(
            runtime.settings, runtime.users, runtime.policy, runtime.toolbox.trail, "api"
        )
    app.state.provider = provider  # None: demo mode, API keys only
    metrics = ApiMetrics(runtime.ledger)
    masker = runtime.masker

    @app.middleware("http")
    async def _unexpected(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # Inside CORS, so a page still reads what went wrong (Starlette's own last-resort
        # handler sits outside every middleware and answers without CORS headers).
        try:
            return await call_next(request)
        except Exception:
            log.exception("unexpected error in %s %s", request.method, request.url.path)
            metrics.problems.labels("internal").inc()
            return problem(500, "internal", "Something went wrong on our side; nothing was lost.")

    app.add_middleware(
        CORSMiddleware,
        allow_origins=runtime.settings.api_cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "Accept", "Idempotency-Key"],
        expose_headers=["Retry-After"],
        max_age=600,
    )
    turns = Turns(store, metrics)
    idempotency = Idempotency(store, idempotency_lease_s)

    def owned(session_id: str, user: User) -> None:
        found = store.session(session_id)
        if found is None or found.owner != user.name:
            raise ApiError(404, "not_found", f"There is no session {session_id}.")

    async def play(
        request: Request,
        session_id: str,
        user: User,
        said: str | None,
        run: Callable[[], Iterator[Event]],
    ) -> Any:
        if _streams(request):
            return EventSourceResponse(server_sent(turns.events(session_id, user, said, run)))
        return await turns.take(session_id, user, said, run)

    def open_session(user: User) -> SessionOut:
        row = store.open_session(f"api-{uuid.uuid4().hex}", user.name)
        return SessionOut.model_validate(row, from_attributes=True)

    @app.exception_handler(HTTPException)
    async def _http_problem(_: Request, exc: HTTPException) -> JSONResponse:
        code = code_of(exc)
        metrics.problems.labels(code).inc()
        return problem(exc.status_code, code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        metrics.problems.labels("invalid_input").inc()
        return problem(422, "invalid_input", f"{where}: {first.get('msg')}")

    @app.get("/v1/health", tags=["operations"])
    def health() -> dict[str, str]:
        """Liveness; needs no key."""
        return {"status": "ok"}

    @app.get(
        "/v1/ready",
        tags=["operations"],
        responses={503: {"model": Readiness, "description": "A required check failed."}},
    )
    def ready() -> JSONResponse:
        """Readiness, check by check; needs no key. 503 when a store or system does not answer."""
        report = readiness(runtime)
        status = 503 if report.status == "not_ready" else 200
        return JSONResponse(report.model_dump(), status_code=status)

    @app.get(
        "/metrics",
        tags=["operations"],
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
    )
    def prometheus(_: Caller) -> Response:
        """Prometheus metrics (scrape with a key): turns, latency, tool calls, approvals."""
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    @app.get(
        "/widget.js",
        tags=["widget"],
        response_class=FileResponse,
        responses={200: {"content": {"application/javascript": {}}}},
    )
    def widget() -> FileResponse:
        """The chat panel an intranet page embeds with one script tag; it holds no data."""
        return FileResponse(WIDGET, media_type="application/javascript")

    app.add_api_route("/widget.js", widget, methods=["HEAD"], include_in_schema=False)

    @app.get("/v1/me", tags=["sessions"])
    def me(user: Caller) -> User:
        """Who the key stands for."""
        return user

    @app.post("/v1/sessions", status_code=201, tags=["sessions"])
    def create_session(user: Caller) -> SessionOut:
        """A new conversation, owned by the caller."""
        return open_session(user)

    @app.get("/v1/sessions", tags=["sessions"])
    def list_sessions(user: Caller) -> list[SessionOut]:
        return [
            SessionOut.model_validate(r, from_attributes=True) for r in store.sessions(user.name)
        ]

    @app.post(
        "/v1/sessions/{session_id}/messages",
        tags=["sessions"],
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def post_message(
        session_id: str,
        body: MessageIn,
        request: Request,
        user: Caller,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> TurnOut:
        """Say something; the turn's events come back as JSON, or as Server-Sent Events with
        ``Accept: text/event-stream``. A retry with the same ``Idempotency-Key`` gets the same
        turn, not a second one."""
        owned(session_id, user)
        run = lambda: runtime.assistant.handle(session_id, user, body.text)  # noqa: E731
        if idempotency_key is None:
            return await play(request, session_id, user, body.text, run)  # type: ignore[no-any-return]
        claimed = idempotency.claim(user.name, idempotency_key, session_id, body.text)
        if isinstance(claimed, Replay):
            if _streams(request):
                return EventSourceResponse(server_sent(None, claimed.turn.events))  # type: ignore[return-value]
            return claimed.turn
        # A turn taken over from a process that died: what that process had sent comes first.
        lease, sent = claimed.lease, list(claimed.lease.events)
        said: str | None = body.text
        if claimed.recovering:
            said = None if sent else body.text
            run = lambda: recovered(  # noqa: E731
                sent,
                lambda: runtime.assistant.recover(session_id),
                lambda: runtime.assistant.pending(session_id),
                lambda: runtime.assistant.handle(session_id, user, body.text),
            )
        if _streams(request):
            events = turns.events(session_id, user, said, run, lease)
            return EventSourceResponse(server_sent(events, sent))  # type: ignore[return-value]
        await turns.take(session_id, user, said, run, lease)
        return lease.turn

    @app.get("/v1/sessions/{session_id}/pending", tags=["sessions"])
    def pending(session_id: str, user: Caller) -> ConfirmationRequired | None:
        """What the session waits for, if anything."""
        owned(session_id, user)
        return runtime.assistant.pending(session_id)

    @app.post(
        "/v1/sessions/{session_id}/decision",
        tags=["sessions"],
        responses={409: {"description": "That confirmation was replaced or already decided."}},
    )
    async def decide(session_id: str, body: DecisionIn, request: Request, user: Caller) -> TurnOut:
        """Confirm, reject or change what the session waits for (the requester only), naming
        the confirmation as it was shown: one that was replaced or decided meanwhile is
        refused with 409 (``replaced``, ``already_decided``) and nothing is done."""
        owned(session_id, user)
        shown = Shown(body.confirmation_id, body.args_hash)
        try:
            await asyncio.to_thread(runtime.assistant.verify, session_id, shown)
        except DecisionRefused as stale:
            raise ApiError(409, stale.code, stale.message) from None
        run = lambda: runtime.assistant.resume(  # noqa: E731
            session_id, user, body.answer, body.text, shown=shown
        )
        turn = await play(request, session_id, user, None, run)
        if isinstance(turn, TurnOut) and (refused := _refused(turn)) is not None:
            raise ApiError(409, refused.code, refused.message)  # replaced after the check
        return turn  # type: ignore[no-any-return]

    @app.get("/v1/sessions/{session_id}/transcript", tags=["sessions"])
    def transcript(session_id: str, user: Caller) -> list[TranscriptItem]:
        owned(session_id, user)
        return [
            # Masked again for the reader: a turn decided by an approver was kept as the
            # approver's role sees it, and rows kept before masking was applied to every event.
            TranscriptItem(
                actor=e.actor,
                said=e.said,
                event=kept_for(json.loads(e.event), masker, user.role),
                at=e.at,
            )
            for e in store.transcript(session_id)
        ]

    @app.get("/v1/sessions/{session_id}/audit", tags=["sessions"])
    def session_audit(session_id: str, user: Caller) -> list[AuditRecord]:
        """A session's audit records, oldest first, personal data masked for the caller's role.
        The policy's audit readers read any session; everyone else only their own."""
        if user.role not in runtime.policy.policy.audit_readers:
            owned(session_id, user)
        records = runtime.toolbox.trail.records(session_id)
        return list(viewed(records, masked_for(runtime, user.role)))

    @app.get("/v1/knowledge/search", tags=["knowledge"])
    def search_knowledge(
        user: Caller,
        q: Annotated[str, Query(description="The question.", max_length=2000)],
        k: Annotated[int, Query(ge=1, le=20, description="How many passages.")] = 5,
    ) -> list[Citation]:
        """The company's documents that answer ``q``, best first, each as a citation."""
        try:
            hits = runtime.knowledge.retriever.search(q, k)
        except QuestionError as exc:
            raise ApiError(422, "invalid_input", f"q: {exc}") from None
        return [
            h.citation.model_copy(
                update={"snippet": masker.mask_text(h.citation.snippet, user.role)}
            )
            for h in hits
        ]

    @app.get("/v1/approvals", tags=["approvals"])
    def approvals(user: Caller) -> ApprovalsOut:
        """Four-eyes requests the caller may decide, and the caller's own."""
        ledger = runtime.ledger
        return ApprovalsOut(
            waiting=ledger.decidable_by(user), mine=ledger.find(requester=user.name)
        )

    @app.post("/v1/approvals/{approval_id}/decision", tags=["approvals"])
    async def decide_approval(
        approval_id: str, body: ApprovalDecisionIn, request: Request, user: Caller
    ) -> TurnOut:
        """Approve or reject someone else's request; their conversation then carries it out.
        A rejection may give a ``reason``: kept on the request and told to the requester."""
        approval = runtime.ledger.get(approval_id)
        if approval is None:
            raise ApiError(404, "not_found", f"There is no approval request {approval_id}.")
        if (refused := runtime.ledger.refusal(approval, user)) is not None:
            raise ApiError(403, "not_allowed", refused)
        session_id = approval.session_id
        run = lambda: runtime.assistant.resume(  # noqa: E731
            session_id, user, body.answer, body.reason, expected=approval_id
        )
        return await play(request, session_id, user, None, run)  # type: ignore[no-any-return]

    # The speech models load on the first voice request, not here.
    app.include_router(voice_router(runtime.settings))
    # A call's turns are the message route's: the same ownership, transcript and metrics.
    app.include_router(
        calls_router(runtime, Sessions(open=open_session, owned=owned, turn=turns.take))
    )
    app.include_router(confirmations_router(runtime))
    app.include_router(ops_router(runtime))
    app.include_router(learning_router(runtime))
    return app


def _refused(turn: TurnOut) -> ErrorEvent | None:
    first = turn.events[0] if turn.events else None
    if isinstance(first, ErrorEvent) and first.code in REFUSALS:
        return first
    return None


def _streams(request: Request) -> bool:
    return "text/event-stream" in request.headers.get("accept", "")

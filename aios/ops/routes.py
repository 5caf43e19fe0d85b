"""The operations view's routes: its page, and the JSON it shows, for overseeing roles only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from aios.api.auth import Caller
from aios.api.errors import ApiError
from aios.assistant.factory import Runtime
from aios.audit import AuditRecord
from aios.identity import User
from aios.ops.models import ActivityOut, PlannersOut, SkillsOut, WorkOut
from aios.ops.queries import AuditQuery, activity, planners, search_audit, skills, work

STATIC = Path(__file__).parent / "static"
OPS_ROLES = frozenset({"manager", "auditor", "admin"})
"""Who oversees the work of others (issue 10); agents see their own work in their channels."""
_PAGE: dict[int | str, dict[str, Any]] = {200: {"content": {"text/html": {}}}}
_SCRIPT: dict[int | str, dict[str, Any]] = {200: {"content": {"application/javascript": {}}}}
Hours = Annotated[int, Query(ge=1, le=168, description="How many hours back.")]


def ops_router(runtime: Runtime) -> APIRouter:
    # The runtime is read only when a route is called: the OpenAPI document is built without one.
    router = APIRouter(tags=["operations"])

    @router.get("/v1/ops/work")
    def ops_work(user: Caller) -> WorkOut:
        """Approvals pending with their SLA clock, confirmations waiting, writes without an
        outcome, recent failed steps, cases near their SLA."""
        oversees(user)
        return work(runtime, user.role)

    @router.get("/v1/ops/activity")
    def ops_activity(user: Caller, hours: Hours = 24) -> ActivityOut:
        """Turns, writes and latency percentiles per hour, and approvals by outcome, for the
        page's charts."""
        oversees(user)
        return activity(runtime, hours)

    @router.get("/v1/ops/skills")
    def ops_skills(user: Caller, hours: Hours = 24) -> SkillsOut:
        """The per-skill table: runs, successes, corrections, rejections, median latency."""
        oversees(user)
        return skills(runtime, hours)

    @router.get("/v1/ops/planners")
    def ops_planners(user: Caller, hours: Hours = 24) -> PlannersOut:
        """The share of turns each planner decided (embedded or the model), with the model's
        tokens and cost, and how often the model gave no usable answer."""
        oversees(user)
        return planners(runtime, hours)

    @router.get("/v1/ops/audit")
    def ops_audit(user: Caller, query: Annotated[AuditQuery, Query()]) -> list[AuditRecord]:
        """Audit records of every session, newest first, masked for the caller's role."""
        oversees(user)
        return search_audit(runtime, query, user.role)

    @router.get("/ops", response_class=FileResponse, responses=_PAGE)
    def page() -> FileResponse:
        """The operations page; it holds no data and asks for an API key."""
        return FileResponse(STATIC / "ops.html", media_type="text/html")

    @router.get("/ops/ops.js", response_class=FileResponse, responses=_SCRIPT)
    def script() -> FileResponse:
        return FileResponse(STATIC / "ops.js", media_type="application/javascript")

    return router


def oversees(user: User) -> None:
    if user.role not in OPS_ROLES:
        raise ApiError(
            403,
            "not_allowed",
            f"The operations view is for {', '.join(sorted(OPS_ROLES))}; you are {user.role}.",
        )

"""Reviewing learnt examples over HTTP: the overseers see the candidates, a skill's owners
accept or dismiss them (the operations page's "Learning: candidates" panel)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import Field

from aios.api.auth import Caller
from aios.api.errors import ApiError
from aios.assistant.factory import Runtime
from aios.identity import User
from aios.learning.models import Example, Status
from aios.learning.review import ReviewRefused
from aios.ops.routes import OPS_ROLES, oversees

STATUS_OF = {
    "not_found": 404,
    "not_allowed": 403,
    "already_reviewed": 409,
    "unknown_skill": 409,  # the skill was removed since: the example has nowhere to go
    "never_matches": 422,
}
"""The HTTP status of each ReviewRefused code."""
ExampleId = Annotated[str, Path(max_length=16, description="e.g. LX-3F2A9C1B7D.")]


class CandidateOut(Example):
    may_review: bool = Field(
        description="The caller's role owns the example's skill, so may accept or dismiss it."
    )


def learning_router(runtime: Runtime) -> APIRouter:
    # The runtime is read only when a route is called: the OpenAPI document is built without one.
    router = APIRouter(tags=["learning"])

    def shown(example: Example, user: User) -> CandidateOut:
        may_review = runtime.reviews.may_review(user, example.skill)
        return CandidateOut(**example.model_dump(), may_review=may_review)

    def decided(decide: Callable[[str, User], Example], ident: str, user: User) -> CandidateOut:
        try:
            return shown(decide(ident, user), user)
        except ReviewRefused as refused:
            raise ApiError(STATUS_OF[refused.code], refused.code, refused.message) from None

    @router.get("/v1/learning/candidates")
    def candidates(
        user: Caller,
        skill: Annotated[str | None, Query(max_length=64, description="e.g. cancel_order.")] = None,
        status: Annotated[Status, Query(description="Where they stand.")] = "candidate",
        limit: Annotated[int, Query(ge=1, le=500, description="Most examples.")] = 200,
    ) -> list[CandidateOut]:
        """Learnt examples, the most telling first: corrections, rejections, then the
        confirmations the planner was least sure of. Overseers see every skill's; a skill's
        owners (finance owns refunds) see those they may review."""
        if not runtime.reviews.owns_any(user):
            oversees(user)
        found = runtime.learning.examples(status, skill, limit)
        if user.role not in OPS_ROLES:
            found = [e for e in found if runtime.reviews.may_review(user, e.skill)]
        return [shown(e, user) for e in found]

    @router.post("/v1/learning/candidates/{example_id}/accept")
    def accept(example_id: ExampleId, user: Caller) -> CandidateOut:
        """Take a candidate into its skill (its owners only, audited as learning.accepted):
        the planner uses it from its next message on, in every worker."""
        return decided(runtime.reviews.accept, example_id, user)

    @router.post("/v1/learning/candidates/{example_id}/dismiss")
    def dismiss(example_id: ExampleId, user: Caller) -> CandidateOut:
        """Drop a candidate, or take back one accepted before (its skill's owners only,
        audited as learning.dismissed)."""
        return decided(runtime.reviews.dismiss, example_id, user)

    return router

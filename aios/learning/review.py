"""Accepting and dismissing learnt examples: by a skill's owners only, each decision audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from aios.audit import AuditEvent, AuditTrail
from aios.identity import User
from aios.learning.models import Example
from aios.learning.store import LearningStore
from aios.planner.skills import Skill
from aios.policy import PolicyEngine

Reviewed = Literal["accepted", "dismissed"]


class ReviewRefused(Exception):
    """A review decision that may not be taken; the message says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Reviews:
    def __init__(
        self,
        store: LearningStore,
        policy: PolicyEngine,
        trail: AuditTrail,
        skills: Sequence[Skill],
    ) -> None:
        self.store = store
        self.policy = policy
        self.trail = trail
        self.skills = {skill.name: skill for skill in skills}

    def may_review(self, user: User, skill: str) -> bool:
        return user.role in self.policy.policy.owners_of(skill)

    def owns_any(self, user: User) -> bool:
        """Whether ``user``'s role owns any skill, so has candidates to review."""
        return any(user.role in roles for roles in self.policy.policy.skill_owners.values())

    def accept(self, ident: str, user: User) -> Example:
        """Take the example into its skill: the planner uses it from its next message on."""
        example = self._reviewable(ident, user, "candidate")
        skill = self.skills.get(example.skill)
        if skill is None:
            raise ReviewRefused("unknown_skill", f"There is no skill {example.skill} any more.")
        if example.kind != "rejected" and not skill.accepts(example.text):
            raise ReviewRefused(
                "never_matches",
                f"{example.skill} needs one of the words {', '.join(skill.requires)}, and "
                f"{example.text!r} has none: it could never match. Add the word to the skill's "
                "`requires` first if it should.",
            )
        return self._decide(example, user, "accepted")

    def dismiss(self, ident: str, user: User) -> Example:
        """Drop a candidate, or take back an example accepted before."""
        return self._decide(
            self._reviewable(ident, user, "candidate", "accepted"), user, "dismissed"
        )

    def _reviewable(self, ident: str, user: User, *statuses: str) -> Example:
        example = self.store.get(ident)
        if example is None:
            raise ReviewRefused("not_found", f"There is no learnt example {ident}.")
        if not self.may_review(user, example.skill):
            owners = ", ".join(self.policy.policy.owners_of(example.skill)) or "nobody"
            raise ReviewRefused(
                "not_allowed",
                f"Examples of {example.skill} are reviewed by {owners}; you are {user.role}.",
            )
        if example.status not in statuses:
            raise ReviewRefused(
                "already_reviewed",
                f"{ident} was already {example.status} by {example.reviewed_by}.",
            )
        return example

    def _decide(self, example: Example, user: User, status: Reviewed) -> Example:
        # On the trail before it takes effect: when the trail cannot record who changed the
        # planner (AuditUnavailable), the planner does not change.
        self.trail.append(
            AuditEvent(
                kind=f"learning.{status}",
                actor=user.name,
                session_id=f"review-{example.id}",
                step="review",
                arguments={
                    "example_id": example.id,
                    "learnt_in": example.session_id,
                    "skill": example.skill,
                    "example_kind": example.kind,
                    "was": example.was,
                    "text": example.text,
                    "role": user.role,
                },
                policy_version=self.policy.version,
            )
        )
        return self.store.review(example.id, status, user.name)

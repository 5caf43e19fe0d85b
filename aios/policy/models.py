"""The policy file's shape, and what a decision looks like."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from aios.policy.decision import Decision
from aios.policy.totals import PastWrite, TotalCheck, TotalRule

__all__ = ["Decision", "PastWrite", "TotalCheck", "TotalRule"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoleGrant(_Strict):
    tools: list[str] = Field(description="Tool name patterns (fnmatch) this role may use.")
    inherits: list[str] = Field(default_factory=list, description="Roles whose grants it has.")


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    tools: list[str] = Field(default_factory=lambda: ["*"], description="Tool patterns.")
    kinds: list[str] | None = Field(None, description="Only for these kinds: read, write.")
    roles: list[str] | None = Field(None, description="Only for callers with these roles.")
    tiers: list[str] | None = Field(None, description="Only for accounts of these tiers.")
    arg_over: dict[str, Decimal] = Field(
        default_factory=dict, description="Matches when every named argument exceeds its value."
    )
    booked_over: dict[str, Decimal] = Field(
        default_factory=dict,
        description="Matches when every named value of what the write would book (the system's "
        "own validation, e.g. the total of the order a cancellation cancels) exceeds its value.",
    )
    confidence_below: float | None = Field(
        None, ge=0, le=1, description="Matches when the planner was less sure than this."
    )
    data_classes: list[str] | None = Field(
        None, description="Matches when the arguments carry personal data of one of these classes."
    )
    decision: Decision
    approver_role: str | None = None
    reason: str = Field(min_length=3, description="Shown to the user with the decision.")

    @model_validator(mode="after")
    def _approver_only_with_approve(self) -> Rule:
        if (self.decision is Decision.APPROVE) != (self.approver_role is not None):
            raise ValueError("approver_role is required with decision approve, and only then")
        return self


class Defaults(_Strict):
    read: Decision = Decision.ALLOW
    write: Decision = Decision.CONFIRM


class ApprovalRules(_Strict):
    due_within_minutes: int = Field(
        240, gt=0, description="How long an approver has before the request escalates."
    )
    escalate_to: dict[str, str] = Field(
        default_factory=dict,
        description="Role -> the role an overdue request moves to; at the top it expires.",
    )


class PolicyFile(_Strict):
    version: str = Field(min_length=1, description="Written into every audit row.")
    roles: dict[str, RoleGrant]
    defaults: Defaults = Defaults()
    rules: list[Rule] = Field(default_factory=list, description="First match wins.")
    totals: list[TotalRule] = Field(
        default_factory=list,
        description="Rules on running sums of writes; the strictest applicable decision wins.",
    )
    approvals: ApprovalRules = ApprovalRules()
    audit_readers: list[str] = Field(
        default_factory=list,
        description="Roles that read every session's audit trail; others only their own.",
    )
    skill_owners: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Skill -> the roles that accept learnt examples into it; "*" for the rest.',
    )

    def owners_of(self, skill: str) -> list[str]:
        return self.skill_owners.get(skill, self.skill_owners.get("*", []))

    @model_validator(mode="after")
    def _roles_exist(self) -> PolicyFile:
        known = set(self.roles)
        if missing := set(self.audit_readers) - known:
            raise ValueError(f"audit_readers names unknown roles {sorted(missing)}")
        for skill, owners in self.skill_owners.items():
            if missing := set(owners) - known:
                raise ValueError(f"skill_owners of {skill} names unknown roles {sorted(missing)}")
        for name, grant in self.roles.items():
            if missing := set(grant.inherits) - known:
                raise ValueError(f"role {name} inherits unknown roles {sorted(missing)}")
        for rule in self.rules:
            named = set(rule.roles or []) | ({rule.approver_role} if rule.approver_role else set())
            if missing := named - known:
                raise ValueError(f"rule {rule.id} names unknown roles {sorted(missing)}")
        for total in self.totals:
            if total.approver_role is not None and total.approver_role not in known:
                raise ValueError(f"totals rule {total.id} names unknown role {total.approver_role}")
        ids = [r.id for r in self.rules] + [t.id for t in self.totals]
        if repeated := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"rule ids are used twice: {repeated}")
        ladder = self.approvals.escalate_to
        if missing := (set(ladder) | set(ladder.values())) - known:
            raise ValueError(f"approvals.escalate_to names unknown roles {sorted(missing)}")
        for start in ladder:
            seen, role = {start}, ladder[start]
            while role in ladder:
                if role in seen:
                    raise ValueError(f"approvals.escalate_to loops through {role}")
                seen.add(role)
                role = ladder[role]
        return self


class PolicyRequest(BaseModel):
    """Everything a decision may depend on. The planner's words are not in it."""

    role: str
    tool: str
    kind: str = Field(description="read or write")
    args: dict[str, Any] = Field(default_factory=dict)
    account_tier: str | None = None
    confidence: float | None = None
    data_classes: list[str] = Field(
        default_factory=list, description="Classes of personal data in the arguments (masking)."
    )
    # What running totals (``totals:`` rules) are worked out from; empty for a lone call.
    operator: str | None = Field(None, description="Who the write is done for.")
    booked: dict[str, Any] = Field(
        default_factory=dict,
        description="What the write would book, from the system's validation (its account_id).",
    )
    pending: list[dict[str, Any]] = Field(
        default_factory=list,
        description="The plan's later writes of the same tool, with what each would book.",
    )
    history: list[PastWrite] = Field(
        default_factory=list, description="Earlier writes that succeeded, from the audit trail."
    )
    now: datetime | None = Field(None, description="When the decision is made; windows end here.")


class PolicyDecision(BaseModel):
    decision: Decision
    reason: str
    rule: str | None = Field(None, description="The rule that decided, or None for a default.")
    approver_role: str | None = None
    policy_version: str


class RuleCheck(BaseModel):
    rule: str
    matched: bool
    why_not: str | None = Field(None, description="The first condition the request failed.")


class Explanation(BaseModel):
    """Why a request gets its decision: what ``aios policy check`` prints."""

    request: PolicyRequest
    decision: PolicyDecision
    rules: list[RuleCheck] = Field(description="Rules checked in order, up to the deciding one.")
    totals: list[TotalCheck] = Field(
        default_factory=list, description="Every totals rule on this tool, worked out."
    )

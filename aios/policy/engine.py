"""Decides what may run. Code enforces it; the model never decides what is allowed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from aios.config_files import load_yaml_model
from aios.policy.decision import STRICTNESS
from aios.policy.models import (
    Decision,
    Explanation,
    PolicyDecision,
    PolicyFile,
    PolicyRequest,
    Rule,
    RuleCheck,
    TotalCheck,
    TotalRule,
)
from aios.policy.totals import check_total

DEFAULT_REASONS = {
    Decision.ALLOW: "{calls} run without asking (the policy's default).",
    Decision.CONFIRM: "{calls} are confirmed before they run (the policy's default).",
    Decision.APPROVE: "{calls} need a second person's approval (the policy's default).",
    Decision.DENY: "{calls} are not allowed (the policy's default).",
}
"""Why a call no rule covers is decided as it is, in words a person reads on a confirmation."""


def load_policy(path: Path) -> PolicyEngine:
    return PolicyEngine(load_yaml_model(path, PolicyFile))


def _matches(patterns: list[str], tool: str) -> bool:
    return any(fnmatchcase(tool, pattern) for pattern in patterns)


def _exceeds(value: Any, limit: Decimal) -> bool:
    try:
        return Decimal(str(value)) > limit
    except (InvalidOperation, ValueError):
        # An argument that is not a number cannot prove it is under the limit.
        return True


class PolicyEngine:
    def __init__(self, policy: PolicyFile) -> None:
        self.policy = policy
        self.version = policy.version

    def granted(self, role: str) -> list[str]:
        """Every tool pattern ``role`` may use, inherited grants included."""
        return list(_granted(self.policy, role))

    def holds(self, role: str, required: str) -> bool:
        """Whether ``role`` is ``required`` or inherits it (a manager holds finance)."""
        return required in _lineage(self.policy, role)

    def decide(self, request: PolicyRequest) -> PolicyDecision:
        """The per-call rules' decision, made stricter by any running total above its limit."""
        decision = self._per_call(request)
        if decision.decision is Decision.DENY or request.kind != "write":
            return decision
        for rule, checked in self._totals(request):
            if checked.matched:
                decision = self._stricter(
                    decision,
                    self._result(
                        rule.decision, _with_total(rule, checked), rule.id, rule.approver_role
                    ),
                )
        return decision

    def totals_for(self, tool: str) -> list[TotalRule]:
        """The totals rules that count ``tool``'s writes."""
        return [rule for rule in self.policy.totals if _matches(rule.tools, tool)]

    def _totals(self, request: PolicyRequest) -> list[tuple[TotalRule, TotalCheck]]:
        now = request.now or datetime.now(UTC)
        current = {**request.args, **request.booked}
        return [
            (
                rule,
                check_total(
                    rule,
                    current=current,
                    operator=request.operator,
                    pending=request.pending,
                    history=request.history,
                    now=now,
                    matches=lambda tool, rule=rule: _matches(rule.tools, tool),
                ),
            )
            for rule in self.totals_for(request.tool)
        ]

    def _stricter(self, held: PolicyDecision, other: PolicyDecision) -> PolicyDecision:
        """The stricter of two decisions; of two approvals, the one by the role that holds
        the other's (a manager's over finance's), else the first."""
        if STRICTNESS[other.decision] != STRICTNESS[held.decision]:
            return other if STRICTNESS[other.decision] > STRICTNESS[held.decision] else held
        higher, lower = other.approver_role, held.approver_role
        if higher and lower and self.holds(higher, lower) and not self.holds(lower, higher):
            return other
        return held

    def _per_call(self, request: PolicyRequest) -> PolicyDecision:
        if request.role not in self.policy.roles:
            return self._result(Decision.DENY, f"unknown role {request.role!r}")
        if not _matches(self.granted(request.role), request.tool):
            return self._result(
                Decision.DENY, f"the {request.role} role may not use {request.tool}", "rbac"
            )
        for rule in self.policy.rules:
            if _mismatch(rule, request) is None:
                return self._result(rule.decision, rule.reason, rule.id, rule.approver_role)
        default = (
            self.policy.defaults.write if request.kind == "write" else self.policy.defaults.read
        )
        calls = "Changes" if request.kind == "write" else "Lookups"
        return self._result(default, DEFAULT_REASONS[default].format(calls=calls))

    def explain(self, request: PolicyRequest) -> Explanation:
        """The decision, and for every rule up to the deciding one why it did or did not match."""
        decision = self.decide(request)
        checked = []
        if decision.rule != "rbac" and request.role in self.policy.roles:
            for rule in self.policy.rules:
                why_not = _mismatch(rule, request)
                checked.append(RuleCheck(rule=rule.id, matched=why_not is None, why_not=why_not))
                if why_not is None:
                    break
        totals = [] if request.kind != "write" else [c for _, c in self._totals(request)]
        return Explanation(request=request, decision=decision, rules=checked, totals=totals)

    def _result(
        self,
        decision: Decision,
        reason: str,
        rule: str | None = None,
        approver_role: str | None = None,
    ) -> PolicyDecision:
        return PolicyDecision(
            decision=decision,
            reason=reason,
            rule=rule,
            approver_role=approver_role,
            policy_version=self.version,
        )


def _with_total(rule: TotalRule, checked: TotalCheck) -> str:
    """The rule's reason with the sum that triggered it, so the approver sees the series."""
    parts = [f"{_money(checked.this_call)} now"]
    if checked.rest_of_plan:
        parts.append(f"{_money(checked.rest_of_plan)} more in this request")
    if checked.earlier:
        refs = f" ({', '.join(checked.earlier_refs)})" if checked.earlier_refs else ""
        parts.append(f"{_money(checked.earlier)} earlier{refs}")
    on = f" for {checked.key}" if checked.key else ""
    return f"{rule.reason} Total{on}: {_money(checked.total)} = {' + '.join(parts)}."


def _money(value: Decimal) -> str:
    # Totals rules sum money arguments (``sum: amount``).
    return f"${value:,.2f}"


def _mismatch(rule: Rule, request: PolicyRequest) -> str | None:
    """The first condition of ``rule`` that ``request`` fails, or None when the rule applies."""
    if not _matches(rule.tools, request.tool):
        return f"tool is not one of {rule.tools}"
    if rule.kinds is not None and request.kind not in rule.kinds:
        return f"kind is not one of {rule.kinds}"
    if rule.roles is not None and request.role not in rule.roles:
        return f"role is not one of {rule.roles}"
    if rule.tiers is not None and request.account_tier not in rule.tiers:
        return f"account tier is not one of {rule.tiers}"
    if rule.confidence_below is not None and (
        request.confidence is None or request.confidence >= rule.confidence_below
    ):
        return f"confidence is not below {rule.confidence_below}"
    if rule.data_classes is not None and not set(rule.data_classes) & set(request.data_classes):
        return f"arguments carry none of {rule.data_classes}"
    for name, limit in rule.arg_over.items():
        if name not in request.args or not _exceeds(request.args[name], limit):
            return f"{name} does not exceed {limit}"
    # When the system could not be asked (nothing booked), a value cannot prove it is under.
    for name, limit in rule.booked_over.items() if request.booked else ():
        if name not in request.booked or not _exceeds(request.booked[name], limit):
            return f"what it would book: {name} does not exceed {limit}"
    return None


def _lineage(policy: PolicyFile, role: str) -> set[str]:
    """``role`` and every role it inherits from, however deep (cycles end the walk)."""
    found: set[str] = set()
    todo = [role] if role in policy.roles else []
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo += policy.roles[current].inherits
    return found


def _granted(policy: PolicyFile, role: str, seen: frozenset[str] = frozenset()) -> list[str]:
    grant = policy.roles.get(role)
    if grant is None or role in seen:
        return []
    patterns = list(grant.tools)
    for parent in grant.inherits:
        patterns += _granted(policy, parent, seen | {role})
    return patterns

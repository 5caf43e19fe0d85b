"""Policy decisions: ALLOW, CONFIRM, APPROVE or DENY, read from ``policies/*.yaml``."""

from aios.policy.engine import PolicyEngine, load_policy
from aios.policy.models import Decision, PolicyDecision, PolicyRequest

__all__ = ["Decision", "PolicyDecision", "PolicyEngine", "PolicyRequest", "load_policy"]

"""The four decisions a policy gives (its own module: rules and totals both name them)."""

from __future__ import annotations

from enum import StrEnum


class Decision(StrEnum):
    ALLOW = "allow"
    CONFIRM = "confirm"  # the requester confirms exactly what will run
    APPROVE = "approve"  # a different person holding ``approver_role`` approves
    DENY = "deny"


# How strict each decision is: where several rules apply, the strictest wins.
STRICTNESS = {Decision.ALLOW: 0, Decision.CONFIRM: 1, Decision.APPROVE: 2, Decision.DENY: 3}

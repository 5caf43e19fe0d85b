"""The approval ledger: four-eyes requests, who may decide them, their SLA and escalation."""

from aios.approvals.ledger import ApprovalLedger, ApprovalRefused, open_ledger
from aios.approvals.models import Approval, ApprovalStatus, Execution, args_hash

__all__ = [
    "Approval",
    "ApprovalLedger",
    "ApprovalRefused",
    "ApprovalStatus",
    "Execution",
    "args_hash",
    "open_ledger",
]

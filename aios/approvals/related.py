"""What an approver sees beside a request: the customer's earlier refunds on the same invoice.

Read through the connectors as the approver (``DirectCalls``: their role's grants, the policy,
the audit trail) and masked for their role, as any lookup of theirs would be; never from a
system's database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aios.approvals.models import Approval
from aios.direct import DirectCalls, Status
from aios.identity import User
from aios.policy.masking import Masker
from connectors.errors import ConnectorError
from connectors.money import shown

LOOKUP = "erp.get_invoice"
"""The lookup that lists an invoice's refunds (credit notes)."""


@dataclass(frozen=True)
class EarlierRefunds:
    """The refunds already booked on the invoice a request refunds against, as the approver
    may see them; ``unavailable`` says why they cannot be shown instead."""

    invoice_id: str
    refunds: list[dict[str, Any]] = field(default_factory=list)
    unavailable: str | None = None

    def lines(self) -> list[str]:
        """Each refund in words, oldest first: "CN-4011 on 2026-11-30: $45.00, damaged"."""
        return [
            f"{r.get('id')} on {str(r.get('created_at'))[:10]}: "
            f"{shown(Decimal(str(r.get('amount'))))}, {r.get('reason')}"
            for r in self.refunds
        ]


class Related:
    def __init__(self, direct: DirectCalls, masker: Masker) -> None:
        self.direct = direct
        self.masker = masker

    def refunds(self, approval: Approval, viewer: User) -> EarlierRefunds | None:
        """The earlier refunds on ``approval``'s invoice, read as ``viewer``; None when the
        request names no invoice."""
        invoice = approval.arguments.get("invoice_id")
        if not isinstance(invoice, str):
            return None
        try:
            done = self.direct.call(viewer, LOOKUP, {"invoice_id": invoice})
        except ConnectorError as failed:
            return EarlierRefunds(invoice, unavailable=failed.message)
        if done.status is not Status.DONE or done.result is None:
            return EarlierRefunds(invoice, unavailable=done.decision.reason)
        shown: dict[str, Any] = self.masker.shown(done.result, viewer.role)
        return EarlierRefunds(invoice, refunds=list(shown.get("refunds") or []))

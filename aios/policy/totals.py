"""Running totals: a rule on the sum of a kind of write, not on one call.

A threshold on each call alone is avoided by splitting: two refunds of $450 on one invoice stay
under the $500 four-eyes line each. A ``totals`` rule adds up the named argument over the write
being decided, the plan's other writes of the same tools that have not run yet, and the earlier
writes on the same record (invoice, customer) or by the same operator within a window, and
decides when that sum is above its limit. The history is handed in (``PolicyRequest.history``):
the engine reads no store, so a decision is a function of its request.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from aios.policy.decision import Decision


class Per(StrEnum):
    """What a total is kept for."""

    INVOICE = "invoice"  # the ``invoice_id`` of the write
    CUSTOMER = "customer"  # its ``account_id`` (from its arguments or what it would book)
    OPERATOR = "operator"  # the person the write is done for


# The value of a write that names its record, for the totals kept per record.
RECORD_FIELD = {Per.INVOICE: "invoice_id", Per.CUSTOMER: "account_id"}


class Window(StrEnum):
    """How far back earlier writes count."""

    EVER = "ever"
    DAY = "day"  # the last 24 hours: a calendar day would reset at midnight, mid-series


WINDOW_SPAN: dict[Window, timedelta | None] = {Window.EVER: None, Window.DAY: timedelta(hours=24)}


class TotalRule(BaseModel):
    """``policies/actions.yaml`` ``totals:`` entry. Every rule whose total is above its limit
    applies, and the strictest decision of them and of the per-call rules wins."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    tools: list[str] = Field(min_length=1, description="Tool patterns whose writes are summed.")
    sum: str = Field(min_length=1, description="The argument summed, e.g. amount.")
    per: Per = Field(description="invoice, customer or operator.")
    window: Window = Field(description="ever, or day (the last 24 hours).")
    above: Decimal = Field(ge=0, description="Applies when the total exceeds this.")
    decision: Decision
    approver_role: str | None = None
    reason: str = Field(min_length=3, description="Shown to the user with the decision.")

    @model_validator(mode="after")
    def _a_decision_worth_a_rule(self) -> TotalRule:
        if self.decision is Decision.ALLOW:
            raise ValueError("a totals rule that allows changes nothing; use confirm or stricter")
        if (self.decision is Decision.APPROVE) != (self.approver_role is not None):
            raise ValueError("approver_role is required with decision approve, and only then")
        return self


class PastWrite(BaseModel):
    """A write that happened: what a total counts, and what a confirmation recalls."""

    tool: str
    values: dict[str, Any] = Field(description="Its arguments and what it booked, together.")
    operator: str = Field(description="Who it was done for.")
    at: datetime
    ref: str | None = Field(None, description="What the system called it, e.g. CN-4011.")


class TotalCheck(BaseModel):
    """One totals rule worked out for a request: what ``aios policy check`` prints."""

    rule: str
    per: str
    key: str | None = Field(description="The invoice, customer or operator summed over.")
    this_call: Decimal
    rest_of_plan: Decimal
    earlier: Decimal
    earlier_refs: list[str] = Field(default_factory=list)
    total: Decimal
    above: Decimal
    matched: bool


def amount(value: Any) -> Decimal:
    """A summed value as a number; what is not a number adds nothing (the write itself was
    checked against its schema before policy is asked, so only history can be malformed)."""
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except (InvalidOperation, ValueError):
        return Decimal(0)


def key_of(per: Per, values: dict[str, Any], operator: str | None) -> str | None:
    if per is Per.OPERATOR:
        return operator
    found = values.get(RECORD_FIELD[per])
    return str(found) if found is not None else None


def check_total(
    rule: TotalRule,
    *,
    current: dict[str, Any],
    operator: str | None,
    pending: list[dict[str, Any]],
    history: list[PastWrite],
    now: datetime,
    matches: Any,
) -> TotalCheck:
    """The total ``rule`` keeps for the write ``current`` (its arguments and what it would
    book). ``matches(tool)`` says whether a past write's tool is one ``rule`` sums."""
    key = key_of(rule.per, current, operator)
    # A plan's other writes are counted unless they name a different record: one whose record
    # is not known yet cannot prove it is elsewhere.
    rest = sum(
        (
            amount(p.get(rule.sum))
            for p in pending
            if (other := key_of(rule.per, p, operator)) is None or key is None or other == key
        ),
        Decimal(0),
    )
    span = WINDOW_SPAN[rule.window]
    since = now - span if span is not None else None
    counted = [
        w
        for w in history
        if key is not None
        and matches(w.tool)
        and key_of(rule.per, w.values, w.operator) == key
        and (since is None or w.at >= since)
    ]
    earlier = sum((amount(w.values.get(rule.sum)) for w in counted), Decimal(0))
    this_call = amount(current.get(rule.sum))
    total = this_call + rest + earlier
    return TotalCheck(
        rule=rule.id,
        per=rule.per.value,
        key=key,
        this_call=this_call,
        rest_of_plan=rest,
        earlier=earlier,
        earlier_refs=[w.ref for w in counted if w.ref],
        total=total,
        above=rule.above,
        matched=total > rule.above,
    )

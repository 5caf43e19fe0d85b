from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from connectors._lookup import get_or_404
from connectors.erp.models import Customer
from connectors.errors import RuleViolation
from connectors.money import Money, from_cents, shown, to_cents
from connectors.operation import Kind, Risk, SystemContext, operation


class SetCreditLimitInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    account_id: str = Field(max_length=50, description="The customer's account id, e.g. ACC-1001.")
    # "minimum" is advertised in the schema but not enforced by validation: a negative limit is a
    # business rule, refused below as a RuleViolation that says what the lowest limit is.
    credit_limit: Money = Field(
        description="The new credit limit in the customer's currency; 0 or more "
        "(0 means prepayment only).",
        json_schema_extra={"minimum": 0},
    )
    reason: str = Field(
        min_length=3, max_length=500, description="Why the limit changes, for the record."
    )


class CreditLimitChange(BaseModel):
    account_id: str
    currency: str
    old_credit_limit: Money
    new_credit_limit: Money
    reason: str


def _done(args: SetCreditLimitInput, change: CreditLimitChange) -> str:
    old, new = shown(change.old_credit_limit), shown(change.new_credit_limit)
    return f"Changed the credit limit of {change.account_id} from {old} to {new}"


@operation("erp", Kind.WRITE, Risk.HIGH, done=_done)
def set_credit_limit(ctx: SystemContext, args: SetCreditLimitInput) -> CreditLimitChange:
    """Set a customer's credit limit; returns the old and the new limit.

    Refused when the new limit is negative (0 is the lowest: prepayment only) or equal to the
    current one. Who may raise a limit, and by how much, is for the approval policy to decide.
    """
    customer = get_or_404(ctx.session, Customer, args.account_id, "customer")
    if args.credit_limit < 0:
        raise RuleViolation(
            f"a credit limit cannot be negative ({args.credit_limit}); "
            "0 is the lowest, meaning prepayment only",
            minimum="0.00",
            requested=str(args.credit_limit),
        )
    old_cents, new_cents = customer.credit_limit_cents, to_cents(args.credit_limit)
    if new_cents == old_cents:
        raise RuleViolation(
            f"the credit limit of {customer.account_id} is already "
            f"{customer.currency} {from_cents(old_cents)}; nothing to change",
            credit_limit=str(from_cents(old_cents)),
        )
    customer.credit_limit_cents = new_cents
    ctx.session.flush()
    return CreditLimitChange(
        account_id=customer.account_id,
        currency=customer.currency,
        old_credit_limit=from_cents(old_cents),
        new_credit_limit=from_cents(new_cents),
        reason=args.reason,
    )

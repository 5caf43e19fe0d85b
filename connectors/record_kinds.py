"""The kinds of record the systems hold, and the shape of their ids (SO-1042, INV-2038).

Declared once, beside the operations that issue and take the ids: the systems number new
records by it, and the planner reads ids out of what people type by it, so a new kind of
record (or a new prefix) is one line here rather than a regex to find in the planner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordKind:
    name: str
    """What skills and the planner call it: a slot type ("order"), a key of found ids."""
    prefix: str
    """Its ids are the prefix, a dash and a number: SO-1042."""
    system: str
    """The system that holds and numbers it."""
    first: int
    """The number of the first record of this kind."""
    noun: str
    """What a person calls one ("credit note" for a refund)."""
    named_by_noun: bool = False
    """Whether people name one by its noun and bare number: "order 1042" is SO-1042."""
    also_called: tuple[str, ...] = ()
    """Other words people use for one: a case is a "ticket" or a "complaint"."""
    read_by: str = ""
    """The operation that reads one by its id (given as ``id_field``); empty when none does."""
    read_from: str = ""
    """The field of that operation's result that holds the record (when a list, its first
    item); empty when the result is the record itself."""
    listed_by: str = ""
    """The operation that lists a customer's records of this kind newest first (by
    ``account_id``, under the field ``plural``); empty when none does."""

    @property
    def words(self) -> tuple[str, ...]:
        """Every word people call one by, its noun first."""
        return (self.noun, *self.also_called)

    @property
    def id_field(self) -> str:
        """The name operations give an input field that takes one: ``order_id``."""
        return f"{self.name}_id"

    @property
    def plural(self) -> str:
        return f"{self.name}s"

    def id(self, number: int) -> str:
        return f"{self.prefix}-{number}"

    def record_in(self, found: dict[str, Any] | None) -> dict[str, Any] | None:
        """The record in what ``read_by`` returned, or None when it holds none."""
        if found is None or not self.read_from:
            return found
        held = found[self.read_from]
        if isinstance(held, list):
            return dict(held[0]) if held else None
        # Figures the operation works out beside the record belong with it: an invoice's
        # refundable amount. Lists beside it (its payments, an account's notes) do not.
        beside = {k: v for k, v in found.items() if k != self.read_from and not isinstance(v, list)}
        return {**held, **beside}


RECORD_KINDS = (
    RecordKind(
        "account",
        "ACC",
        "crm",
        1001,
        "account",
        named_by_noun=True,
        read_by="crm.get_account",
        read_from="account",
    ),
    RecordKind(
        "contact",
        "CON",
        "crm",
        1001,
        "contact",
        read_by="crm.find_contacts",
        read_from="contacts",
    ),
    RecordKind(
        "case",
        "CS",
        "crm",
        1001,
        "case",
        named_by_noun=True,
        also_called=("ticket", "complaint", "issue"),
        read_by="crm.get_case",
    ),
    RecordKind(
        "order",
        "SO",
        "erp",
        1001,
        "order",
        named_by_noun=True,
        read_by="erp.get_order",
        listed_by="erp.find_orders",
    ),
    RecordKind(
        "invoice",
        "INV",
        "erp",
        2001,
        "invoice",
        named_by_noun=True,
        also_called=("bill",),
        read_by="erp.get_invoice",
        read_from="invoice",
        listed_by="erp.find_invoices",
    ),
    RecordKind("payment", "PAY", "erp", 3001, "payment"),
    RecordKind("refund", "CN", "erp", 4001, "credit note"),
)


def kind_named(name: str) -> RecordKind:
    return next(kind for kind in RECORD_KINDS if kind.name == name)

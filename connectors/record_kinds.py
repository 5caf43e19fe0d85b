"""The kinds of record the systems hold, and the shape of their ids (SO-1042, INV-2038).

Declared once, beside the operations that issue and take the ids: the systems number new
records by it, and the planner reads ids out of what people type by it, so a new kind of
record (or a new prefix) is one line here rather than a regex to find in the planner.
"""

from __future__ import annotations

from dataclasses import dataclass


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

    @property
    def words(self) -> tuple[str, ...]:
        """Every word people call one by, its noun first."""
        return (self.noun, *self.also_called)

    @property
    def id_field(self) -> str:
        """The name operations give an input field that takes one: ``order_id``."""
        return f"{self.name}_id"

    def id(self, number: int) -> str:
        return f"{self.prefix}-{number}"


RECORD_KINDS = (
    RecordKind("account", "ACC", "crm", 1001, "account", named_by_noun=True),
    RecordKind("contact", "CON", "crm", 1001, "contact"),
    RecordKind(
        "case",
        "CS",
        "crm",
        1001,
        "case",
        named_by_noun=True,
        also_called=("ticket", "complaint", "issue"),
    ),
    RecordKind("order", "SO", "erp", 1001, "order", named_by_noun=True),
    RecordKind("invoice", "INV", "erp", 2001, "invoice", named_by_noun=True, also_called=("bill",)),
    RecordKind("payment", "PAY", "erp", 3001, "payment"),
    RecordKind("refund", "CN", "erp", 4001, "credit note"),
)


def kind_named(name: str) -> RecordKind:
    return next(kind for kind in RECORD_KINDS if kind.name == name)

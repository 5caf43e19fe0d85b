"""A step's arguments as a person reads them before confirming it: every field the operation
will be sent, labelled from the operation's own field descriptions, money as money."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic.fields import FieldInfo

from aios.assistant.events import ShownArgument
from connectors.money import shown
from connectors.operation import Operation

_CLAUSE = re.compile(r",? e\.g\.|[:;(]|, |\. ")


def shown_arguments(op: Operation[Any, Any], args: dict[str, Any]) -> list[ShownArgument]:
    """Each argument of ``args`` that will be sent (left-out optional fields are not), in the
    order the operation declares them. ``args`` must already be valid for ``op``."""
    typed = op.check_args(args)
    shown_args = []
    for name, field in op.input_model.model_fields.items():
        value = getattr(typed, name)
        if value is None:
            continue
        shown_args.append(ShownArgument(name=name, label=label(field, name), value=words(value)))
    return shown_args


def shown_as_run(op: Operation[Any, Any], args: dict[str, Any], person: str) -> list[ShownArgument]:
    """``shown_arguments`` of ``args`` as they will run for ``person``: who acts is filled in
    from them, whatever the plan said (``Operation.with_actor``)."""
    return shown_arguments(op, op.with_actor(args, person))


def label(field: FieldInfo, name: str) -> str:
    """The field's title if it has one, else the first clause of its description ("The paid
    invoice to refund against, e.g. INV-2001." reads "The paid invoice to refund against")."""
    text = field.title or _CLAUSE.split(field.description or "", maxsplit=1)[0].strip(" .")
    text = text or name.replace("_", " ")
    return text[:1].upper() + text[1:]


def words(value: Any) -> str:
    if isinstance(value, Decimal):
        return shown(value)  # the systems hold money as two-place decimals, nothing else
    if isinstance(value, Enum):
        return str(value.value).replace("_", " ")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(words(v) for v in value)
    return str(value)

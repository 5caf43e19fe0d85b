"""How an operation is declared: once, typed, with its JSON schema derived.

An operation is a plain function ``(ctx, args) -> result`` where ``args`` and ``result`` are
pydantic models. The decorator reads the models from the type hints and the description from
the docstring, and refuses an input field without a description: the schema is what a planner
(or an LLM) sees, so an undocumented parameter is a bug.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar, get_type_hints

from pydantic import BaseModel, GetJsonSchemaHandler, ValidationError
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from sqlmodel import Session

from connectors.errors import InvalidInput


class Kind(StrEnum):
    READ = "read"
    WRITE = "write"


class Risk(StrEnum):
    """How much harm a wrong call can do; policies key confirmations on it."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class SystemContext:
    """What an operation gets to do its work: a transaction and the time.

    Operations add and change rows but never commit: the system commits once the operation
    and its idempotency record are both in the transaction.
    """

    session: Session
    now: datetime


class _ActingPerson:
    """Marks an input field that names who acts (the ``author`` of a note): such a field is
    the caller's to fill, never a planner's. ``Operation.acting_fields`` finds the fields,
    aios' toolbox overwrites them with the authenticated user, and the JSON schema says so."""

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found["x-set-by"] = "caller"
        return found

    def __repr__(self) -> str:
        return "ActingPerson"


# ``author: ActingPerson = Field(description=...)``: who acts, set from the caller.
ACTING_PERSON = _ActingPerson()
ActingPerson = Annotated[str, ACTING_PERSON]

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)


@dataclass(frozen=True)
class Operation(Generic[In, Out]):
    system: str
    name: str
    kind: Kind
    risk: Risk
    description: str
    input_model: type[In]
    output_model: type[Out]
    run: Callable[[SystemContext, In], Out]
    done: Callable[[In, Out], str] | None = None
    """What a write did, in words for a person ("Added a note to case CS-1007 (note 105)")."""

    @property
    def tool_name(self) -> str:
        return f"{self.system}.{self.name}"

    @property
    def acting_fields(self) -> list[str]:
        """The input fields that name who acts (``ActingPerson``): set from the caller."""
        fields = self.input_model.model_fields
        return [name for name, field in fields.items() if ACTING_PERSON in field.metadata]

    def with_actor(self, args: dict[str, Any], person: str) -> dict[str, Any]:
        """``args`` with every field naming who acts set to ``person``, whatever it said."""
        return {**args, **dict.fromkeys(self.acting_fields, person)}

    def input_schema(self) -> dict[str, Any]:
        return self.input_model.model_json_schema()

    def output_schema(self) -> dict[str, Any]:
        return self.output_model.model_json_schema()

    def prepare(self, args: BaseModel | dict[str, Any], idempotency_key: str | None) -> In:
        """Validate a call before it runs: typed arguments, and a key on every write."""
        if self.kind is Kind.WRITE and not idempotency_key:
            raise InvalidInput(f"{self.tool_name} changes data and needs an idempotency key")
        return self.check_args(args)

    def check_args(self, args: BaseModel | dict[str, Any]) -> In:
        """``args`` as this operation's typed input; InvalidInput naming the first bad field."""
        if isinstance(args, self.input_model):
            return args
        raw = args.model_dump() if isinstance(args, BaseModel) else args
        try:
            return self.input_model.model_validate(raw)
        except ValidationError as exc:
            errors = exc.errors(include_url=False, include_context=False)
            first = errors[0]
            where = ".".join(str(p) for p in first["loc"]) or "arguments"
            raise InvalidInput(
                f"invalid arguments for {self.tool_name}: {where}: {first['msg']}", errors=errors
            ) from None

    def said(self, args: dict[str, Any], result: Any) -> str:
        """What a call did, in words: the write's own sentence (``done``), or for a lookup
        what it found. Every front end shows this line rather than phrasing it itself."""
        typed_args = self.check_args(args)
        if self.done is not None:
            return self.done(typed_args, self.output_model.model_validate(result))
        found = [(name, value) for name, value in (result or {}).items() if isinstance(value, list)]
        if found:
            name, records = found[0]
            noun = name.replace("_", " ")
            if not records:
                return f"Found no {noun}"
            return f"Found {len(records)} {noun.removesuffix('s') if len(records) == 1 else noun}"
        named = [str(v) for v in typed_args.model_dump().values() if isinstance(v, str) and v]
        return f"Looked up {named[0]}" if named else f"Looked up {self.name.replace('_', ' ')}"

    def describe(self) -> dict[str, Any]:
        """The tool card a planner or an API client sees."""
        return {
            "name": self.tool_name,
            "kind": self.kind.value,
            "risk": self.risk.value,
            "description": self.description,
            "input_schema": self.input_schema(),
            "output_schema": self.output_schema(),
        }


def operation(
    system: str,
    kind: Kind,
    risk: Risk = Risk.NONE,
    *,
    done: Callable[[Any, Any], str] | None = None,
) -> Callable[[Callable[[SystemContext, In], Out]], Operation[In, Out]]:
    """Declare ``fn`` as the operation ``system.<fn name>``; a write says what it did with
    ``done(args, result)``."""

    def declare(fn: Callable[[SystemContext, In], Out]) -> Operation[In, Out]:
        hints = get_type_hints(fn)
        params = list(inspect.signature(fn).parameters)
        if len(params) != 2:
            raise TypeError(f"{fn.__qualname__}: an operation takes (ctx, args)")
        input_model, output_model = hints[params[1]], hints["return"]
        for model in (input_model, output_model):
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                raise TypeError(f"{fn.__qualname__}: {model!r} is not a pydantic model")
        undocumented = [n for n, f in input_model.model_fields.items() if not f.description]
        if undocumented:
            raise TypeError(
                f"{fn.__qualname__}: input fields without a description: {undocumented}"
            )
        doc = inspect.getdoc(fn)
        if not doc:
            raise TypeError(f"{fn.__qualname__}: an operation needs a docstring")
        if kind is Kind.WRITE and done is None:
            # A person is told what a change did in words, never as "done: 105".
            raise TypeError(f"{fn.__qualname__}: a write needs done= to say what it did")
        return Operation(
            system=system,
            name=fn.__name__,
            kind=kind,
            risk=risk,
            description=doc,
            input_model=input_model,
            output_model=output_model,
            run=fn,
            done=done,
        )

    return declare

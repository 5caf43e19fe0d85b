"""Skill templates, rendered in Jinja's sandbox.

Skill files are data written by people; the sandbox keeps a template from reaching anything
but the values handed to it. Text from users and systems is passed in as values, never
rendered as a template itself, so it cannot smuggle in instructions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_LENIENT = ImmutableSandboxedEnvironment(autoescape=False)


def _money(value: Any) -> str:
    try:
        return f"${Decimal(str(value)):,.2f}"
    except ArithmeticError:
        return str(value)


for env in (_ENV, _LENIENT):
    env.filters["money"] = _money


def check_template(source: str) -> None:
    try:
        _ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise ValueError(f"template error on its line {exc.lineno}: {exc.message}") from None


def render(source: str, values: dict[str, Any], *, strict: bool = True) -> str:
    """Render ``source``; strict mode raises on a missing value instead of printing nothing."""
    return _compiled(source, strict).render(**values).strip()


@lru_cache(maxsize=4096)
def _compiled(source: str, strict: bool) -> Template:
    # Sources come from skill files, a bounded set; compiling them (from_string does, each
    # time) cost about 7 ms of CPU a turn, at several templates a turn.
    return (_ENV if strict else _LENIENT).from_string(source)


def truthy(source: str, values: dict[str, Any]) -> bool:
    return render(source, values, strict=False).lower() not in ("", "false", "none", "0", "[]")


@dataclass(frozen=True)
class Outcome:
    """One thing a template can render as: a ``constant``, a value (``name``, or its
    ``attr``: ``invoice.id``), or, with neither set, something it computes."""

    constant: str | None = None
    name: str | None = None
    attr: str | None = None


def names_in(source: str) -> set[str]:
    """The values ``source`` reads (``{{ invoice.id }}`` reads ``invoice``)."""
    return meta.find_undeclared_variables(_ENV.parse(source))


def outcomes(source: str) -> list[Outcome] | None:
    """What ``source`` can render as, when it is plain text or one expression that picks
    among constants and values ("20", "{{ tier or '' }}", "{{ 'true' if x else 'false' }}");
    None when it mixes text with values, which is checked only when it runs."""
    expression = _expression(source)
    if isinstance(expression, str):
        return [Outcome(constant=expression)]
    return None if expression is None else _outcomes(expression)


def may_be_empty(source: str, missing: Callable[[str], bool]) -> bool:
    """Whether ``source`` can render nothing, given which values may be ``missing``."""
    expression = _expression(source)
    if isinstance(expression, str):
        return not expression
    if expression is None:
        return any(missing(name) for name in names_in(source))
    return _empty(expression, missing)


def _expression(source: str) -> nodes.Expr | str | None:
    """The one expression ``source`` outputs, its text if it has none, or None."""
    body = _ENV.parse(source).body
    if len(body) != 1 or not isinstance(body[0], nodes.Output):
        return None
    parts = [
        n for n in body[0].nodes if not (isinstance(n, nodes.TemplateData) and not n.data.strip())
    ]
    if all(isinstance(n, nodes.TemplateData) for n in parts):
        return "".join(n.data for n in parts if isinstance(n, nodes.TemplateData)).strip()
    return parts[0] if len(parts) == 1 else None


def _outcomes(expression: nodes.Expr | None) -> list[Outcome]:
    match expression:
        case None:  # "{{ x if y }}" renders nothing when y is false
            return [Outcome(constant="")]
        case nodes.Const(value=value):
            return [Outcome(constant="" if value is None else str(value))]
        case nodes.Name(name=name):
            return [Outcome(name=name)]
        case nodes.Getattr(node=nodes.Name(name=name), attr=attr):
            return [Outcome(name=name, attr=attr)]
        case nodes.CondExpr(expr1=chosen, expr2=otherwise):
            return _outcomes(chosen) + _outcomes(otherwise)
        case nodes.Or(left=left, right=right):
            return _outcomes(left) + _outcomes(right)
    return [Outcome()]


def _empty(expression: nodes.Expr | None, missing: Callable[[str], bool]) -> bool:
    match expression:
        case None:
            return True
        case nodes.Const(value=value):
            return value in (None, "")
        case nodes.Name(name=name):
            return missing(name)
        case nodes.CondExpr(expr1=chosen, expr2=otherwise):
            return _empty(chosen, missing) or _empty(otherwise, missing)
        case nodes.Or(left=left, right=right):
            # "{{ priority or 'normal' }}" is empty only when both sides are.
            return _empty(left, missing) and _empty(right, missing)
    names = {n.name for n in expression.find_all(nodes.Name)}
    return any(missing(name) for name in names)

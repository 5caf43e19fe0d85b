"""Skill templates, rendered in Jinja's sandbox.

Skill files are data written by people; the sandbox keeps a template from reaching anything
but the values handed to it. Text from users and systems is passed in as values, never
rendered as a template itself, so it cannot smuggle in instructions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError
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
    env = _ENV if strict else _LENIENT
    return env.from_string(source).render(**values).strip()


def truthy(source: str, values: dict[str, Any]) -> bool:
    return render(source, values, strict=False).lower() not in ("", "false", "none", "0", "[]")

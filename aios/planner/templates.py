"""Skill templates, rendered in Jinja's sandbox.

Skill files are data written by people; the sandbox keeps a template from reaching anything
but the values handed to it. Text from users and systems is passed in as values, never
rendered as a template itself, so it cannot smuggle in instructions.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError
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

"""How ``--help`` names the values options and arguments take, as Click always has: a flag
takes none, so shows none; a value is TEXT, INTEGER, PATH, a choice ``[socket|http]``; an
argument reads PATHS... in the usage line.

Typer 0.29 labels each with its Python annotation instead (``<bool>`` on a flag,
``<list[Path]>``, ``<str>``) and writes a required argument as ``{name}`` in the usage line,
which reads as a template left unfilled. It has no setting for either, so ``plain_help()``
replaces the two methods once, as the CLI is built (``aios.cli.main``).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperOption

_NAMES = {
    "str": "TEXT",
    "int": "INTEGER",
    "int range": "INTEGER",
    "float": "FLOAT",
    "float range": "FLOAT",
    "bool": "BOOLEAN",
}


def value_name(param: TyperOption | TyperArgument, ctx: Any) -> str | None:
    """What ``param`` shows for the value it takes; None for a flag, which takes none."""
    if isinstance(param, TyperOption) and (param.is_flag or param.count):
        return None
    label = param.display_type(ctx).removeprefix("<").removesuffix(">")
    element = label.removeprefix("list[").removesuffix("]")
    if "|" in element:
        return f"[{element}]"  # a choice: its values, as typed
    return _NAMES.get(element, element.upper())


def _option_value(self: TyperOption, ctx: Any) -> str | None:
    if self.metavar is not None:
        return self.metavar
    name = value_name(self, ctx)
    return f"{name}..." if name and self.nargs != 1 else name


def _argument_usage(self: TyperArgument, ctx: Any) -> list[str]:
    name = self.display_name_raw.upper()
    if not self.required:
        name = f"[{name}]"
    return [f"{name}..." if self.nargs != 1 else name]


def plain_help() -> None:
    """Make every aios command's help name values as Click does (see above)."""
    TyperOption.display_type_rich = _option_value  # type: ignore[method-assign]
    TyperArgument.display_type_rich = value_name  # type: ignore[method-assign,assignment]
    TyperArgument.get_usage_pieces = _argument_usage  # type: ignore[method-assign]

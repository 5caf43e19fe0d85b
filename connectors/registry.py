"""Every operation of every system, as tools named ``system.operation``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from connectors.errors import InvalidInput
from connectors.operation import Operation
from connectors.record_kinds import RECORD_KINDS, RecordKind


class Registry:
    def __init__(self, operations: Iterable[Operation[Any, Any]]) -> None:
        self._ops: dict[str, Operation[Any, Any]] = {}
        for op in operations:
            if op.tool_name in self._ops:
                raise ValueError(f"operation {op.tool_name} declared twice")
            self._ops[op.tool_name] = op

    def __iter__(self) -> Iterator[Operation[Any, Any]]:
        return iter(sorted(self._ops.values(), key=lambda op: op.tool_name))

    def __len__(self) -> int:
        return len(self._ops)

    def __contains__(self, tool_name: object) -> bool:
        return tool_name in self._ops

    def get(self, tool_name: str) -> Operation[Any, Any]:
        try:
            return self._ops[tool_name]
        except KeyError:
            raise InvalidInput(f"unknown tool {tool_name!r}", known=sorted(self._ops)) from None

    def for_system(self, system: str) -> list[Operation[Any, Any]]:
        return [op for op in self if op.system == system]

    @property
    def systems(self) -> list[str]:
        return sorted({op.system for op in self._ops.values()})

    @property
    def record_kinds(self) -> list[RecordKind]:
        """The kinds of record its systems hold, and the shape of their ids."""
        return [kind for kind in RECORD_KINDS if kind.system in self.systems]


def default_registry() -> Registry:
    from connectors import crm, erp

    return Registry([*crm.OPERATIONS, *erp.OPERATIONS])

"""The one way aios reaches the systems: ``Connectors.call("erp.create_refund", args, key)``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from connectors.idempotency import WriteLookup
from connectors.registry import Registry
from connectors.transport import Transport


class Connectors:
    def __init__(self, registry: Registry, transport: Transport) -> None:
        self.registry = registry
        self.transport = transport

    def call(
        self,
        tool_name: str,
        args: BaseModel | dict[str, Any],
        idempotency_key: str | None = None,
    ) -> BaseModel:
        """Validate ``args`` here (a typo never reaches a system) and run the operation."""
        op = self.registry.get(tool_name)
        parsed = op.prepare(args, idempotency_key)
        return self.transport.invoke(op, parsed, idempotency_key)

    def validate(self, tool_name: str, args: BaseModel | dict[str, Any]) -> BaseModel:
        """What ``tool_name`` would return for ``args`` by its system's own rules, nothing
        changed: a RuleViolation or NotFound here is what sending it would meet."""
        op = self.registry.get(tool_name)
        return self.transport.validate(op, op.check_args(args))

    def find_write(self, tool_name: str, idempotency_key: str) -> WriteLookup:
        """Whether the system of ``tool_name`` made a write with ``idempotency_key``."""
        system = self.registry.get(tool_name).system
        return self.transport.find_write(system, idempotency_key)

    def close(self) -> None:
        self.transport.close()

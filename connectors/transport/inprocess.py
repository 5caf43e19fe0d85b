"""Calls the system's ``execute`` directly: the default, one process, no network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from connectors.errors import SystemUnavailable
from connectors.idempotency import WriteLookup
from connectors.operation import Operation
from connectors.system import System


class InProcessTransport:
    def __init__(self, systems: Mapping[str, System]) -> None:
        self.systems = dict(systems)

    def invoke(
        self, op: Operation[Any, Any], args: BaseModel, idempotency_key: str | None
    ) -> BaseModel:
        system = self.systems.get(op.system)
        if system is None:
            raise SystemUnavailable(f"system {op.system!r} is not configured")
        return system.execute(op.name, args, idempotency_key)

    def validate(self, op: Operation[Any, Any], args: BaseModel) -> BaseModel:
        system = self.systems.get(op.system)
        if system is None:
            raise SystemUnavailable(f"system {op.system!r} is not configured")
        return system.validate(op.name, args)

    def find_write(self, system: str, key: str) -> WriteLookup:
        found = self.systems.get(system)
        if found is None:
            raise SystemUnavailable(f"system {system!r} is not configured")
        return found.find_write(key)

    def close(self) -> None:
        for system in self.systems.values():
            system.engine.dispose()

"""How a connector call reaches its system. Both transports honour one contract."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel

from connectors.idempotency import WriteLookup
from connectors.operation import Operation


class Transport(Protocol):
    def invoke(
        self, op: Operation[Any, Any], args: BaseModel, idempotency_key: str | None
    ) -> BaseModel:
        """Run ``op`` on its system and return its typed result, or raise a ConnectorError."""
        ...

    def validate(self, op: Operation[Any, Any], args: BaseModel) -> BaseModel:
        """What ``op`` would return, checked by the system's own rules, with nothing changed
        (``System.validate``); raises the ConnectorError the call itself would raise."""
        ...

    def find_write(self, system: str, key: str) -> WriteLookup:
        """What ``system``'s idempotency store holds for ``key`` (``System.find_write``)."""
        ...

    def close(self) -> None: ...

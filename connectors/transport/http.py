"""Calls a system's HTTP API (ours, or a real CRM/ERP serving the same contract).

Transient failures (connection errors, timeouts, 5xx) are retried with exponential backoff;
a 4xx is the caller's problem and never retried. Retrying a write is safe because every write
carries its idempotency key, which the system honours.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import BaseModel
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from connectors.errors import ConnectorError, SystemUnavailable, error_from_problem
from connectors.idempotency import WriteLookup
from connectors.operation import Operation


def _is_transient(exc: BaseException) -> bool:
    return isinstance(exc, ConnectorError) and exc.transient


class HttpTransport:
    def __init__(
        self,
        base_urls: Mapping[str, str],
        *,
        timeout_s: float = 10.0,
        retries: int = 3,
        backoff_s: float = 0.2,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_urls = {name: url.rstrip("/") for name, url in base_urls.items()}
        self.retries = retries
        self.backoff_s = backoff_s
        self.client = client or httpx.Client(timeout=timeout_s)

    def invoke(
        self, op: Operation[Any, Any], args: BaseModel, idempotency_key: str | None
    ) -> BaseModel:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return self._call(op, args, headers, "")

    def validate(self, op: Operation[Any, Any], args: BaseModel) -> BaseModel:
        # Nothing happens on the system, so retrying is always safe.
        return self._call(op, args, {}, "/validate")

    def find_write(self, system: str, key: str) -> WriteLookup:
        # A read: retrying is always safe. A system without the route answers 404 without
        # our problem body, an error here, never taken for "no such write".
        base = self.base_urls.get(system)
        if base is None:
            raise SystemUnavailable(f"no base URL configured for system {system!r}")
        retrying = Retrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=wait_exponential_jitter(
                multiplier=self.backoff_s, max=10 * self.backoff_s, jitter=self.backoff_s
            ),
            retry=retry_if_exception(_is_transient),
            reraise=True,
        )
        found = retrying(self._get, f"{base}/v1/writes/{quote(key, safe='')}")
        return WriteLookup.model_validate(found)

    def _call(
        self, op: Operation[Any, Any], args: BaseModel, headers: dict[str, str], suffix: str
    ) -> BaseModel:
        base = self.base_urls.get(op.system)
        if base is None:
            raise SystemUnavailable(f"no base URL configured for system {op.system!r}")
        url = f"{base}/v1/operations/{op.name}{suffix}"
        body = args.model_dump(mode="json")
        retrying = Retrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=wait_exponential_jitter(
                multiplier=self.backoff_s, max=10 * self.backoff_s, jitter=self.backoff_s
            ),
            retry=retry_if_exception(_is_transient),
            reraise=True,
        )
        response = retrying(self._post, url, body, headers)
        return op.output_model.model_validate(response)  # type: ignore[no-any-return]

    def _post(self, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
        return self._send(lambda: self.client.post(url, json=body, headers=headers), url)

    def _get(self, url: str) -> Any:
        return self._send(lambda: self.client.get(url), url)

    def _send(self, request: Callable[[], httpx.Response], url: str) -> Any:
        try:
            response = request()
        except httpx.TimeoutException as exc:
            raise SystemUnavailable(f"{url} did not answer in time", url=url) from exc
        except httpx.TransportError as exc:
            raise SystemUnavailable(f"{url} is unreachable: {exc}", url=url) from exc
        if response.is_success:
            return response.json()
        try:
            problem = response.json()
        except ValueError:
            problem = {"detail": response.text[:500] or response.reason_phrase}
        if not isinstance(problem, dict):
            problem = {"detail": str(problem)[:500]}
        raise error_from_problem(problem, response.status_code)

    def close(self) -> None:
        self.client.close()

"""The HTTP transport retries what may succeed next time, and nothing else."""

from __future__ import annotations

import httpx
import pytest

from aios.loopback import free_port
from connectors.errors import IdempotencyConflict, InvalidInput, RuleViolation, SystemUnavailable
from connectors.registry import default_registry
from connectors.transport.http import HttpTransport

REFUND = default_registry().get("erp.create_refund")
ARGS = REFUND.prepare({"invoice_id": "INV-2001", "amount": "45", "reason": "damaged"}, "key-1")
OK = {
    "id": "CN-4001",
    "invoice_id": "INV-2001",
    "order_id": "SO-1042",
    "account_id": "ACC-1001",
    "amount": "45.00",
    "reason": "damaged",
    "created_at": "2026-11-20T12:00:00Z",
}


def _transport(responses: list[httpx.Response | Exception], seen: list[httpx.Request], retries=3):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = responses.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    client = httpx.Client(transport=httpx.MockTransport(handler))
    return HttpTransport(
        {"erp": "http://erp.test"}, retries=retries, backoff_s=0.001, client=client
    )


def test_503_is_retried_until_success_with_the_same_idempotency_key():
    seen: list[httpx.Request] = []
    transport = _transport(
        [httpx.Response(503), httpx.Response(503), httpx.Response(200, json=OK)], seen
    )
    result = transport.invoke(REFUND, ARGS, "key-1")
    assert result.id == "CN-4001"
    assert len(seen) == 3
    assert {r.headers["Idempotency-Key"] for r in seen} == {"key-1"}
    assert seen[0].url.path == "/v1/operations/create_refund"


def test_timeouts_and_connection_errors_are_retried():
    seen: list[httpx.Request] = []
    flaky = [httpx.ReadTimeout("slow"), httpx.ConnectError("down"), httpx.Response(200, json=OK)]
    assert _transport(flaky, seen).invoke(REFUND, ARGS, "key-1").id == "CN-4001"
    assert len(seen) == 3


def test_retries_give_up_with_system_unavailable():
    seen: list[httpx.Request] = []
    transport = _transport([httpx.Response(503)] * 3, seen, retries=2)
    with pytest.raises(SystemUnavailable):
        transport.invoke(REFUND, ARGS, "key-1")
    assert len(seen) == 3


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (400, "invalid_input", InvalidInput),
        (409, "idempotency_conflict", IdempotencyConflict),
        (422, "rule_violation", RuleViolation),
    ],
)
def test_client_errors_are_never_retried(status, code, error):
    seen: list[httpx.Request] = []
    problem = {"code": code, "detail": "no", "status": status}
    transport = _transport([httpx.Response(status, json=problem)], seen)
    with pytest.raises(error, match="no"):
        transport.invoke(REFUND, ARGS, "key-1")
    assert len(seen) == 1


def test_a_foreign_error_body_still_gives_a_typed_error():
    seen: list[httpx.Request] = []
    transport = _transport([httpx.Response(400, text="<html>bad gateway config</html>")], seen)
    with pytest.raises(InvalidInput, match="bad gateway config"):
        transport.invoke(REFUND, ARGS, "key-1")


def test_a_system_that_is_down_is_reported_as_unavailable():
    transport = HttpTransport(
        {"erp": f"http://127.0.0.1:{free_port()}"}, retries=1, backoff_s=0.001
    )
    with pytest.raises(SystemUnavailable, match="unreachable"):
        transport.invoke(REFUND, ARGS, "key-1")


def test_a_system_without_the_write_lookup_is_an_error_not_a_missing_write():
    """A 404 without our problem body (a system that lacks the route) must never read as
    "no such write": reconciling would then record a write that happened as never made."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"detail": "Not Found"})

    client = httpx.Client(transport=httpx.MockTransport(answer))
    transport = HttpTransport({"erp": "http://erp.test"}, retries=0, client=client)
    with pytest.raises(InvalidInput):  # what a 404 without a code reads as
        transport.find_write("erp", "k-1")

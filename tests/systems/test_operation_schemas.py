"""Every operation declares a schema a planner can read, and the HTTP API derives from it."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from connectors import crm, erp
from connectors.operation import Kind
from connectors.registry import default_registry
from connectors.server import create_app
from connectors.system import System

REGISTRY = default_registry()


def test_the_registry_holds_every_operation_of_both_systems() -> None:
    assert {op.tool_name for op in REGISTRY} == {
        *(f"crm.{op.name}" for op in crm.OPERATIONS),
        *(f"erp.{op.name}" for op in erp.OPERATIONS),
    }
    assert len(REGISTRY) == len(crm.OPERATIONS) + len(erp.OPERATIONS) == 23


@pytest.mark.parametrize("op", list(REGISTRY), ids=lambda op: op.tool_name)
def test_every_operation_describes_itself(op: object) -> None:
    card = op.describe()  # type: ignore[attr-defined]

    json.dumps(card)
    assert card["description"].strip()
    properties = card["input_schema"].get("properties", {})
    assert all(spec.get("description") for spec in properties.values())
    if "limit" in properties:
        assert (properties["limit"]["default"], properties["limit"]["maximum"]) == (20, 200)
    if card["kind"] == Kind.READ:
        assert card["risk"] == "none"


def test_the_http_api_derives_for_both_systems(crm: System, erp: System) -> None:
    for system in (crm, erp):
        paths = create_app(system).openapi()["paths"]
        assert {f"/v1/operations/{name}" for name in system.operations} <= set(paths)


def test_over_http_a_result_and_a_refusal_keep_their_shape(erp: System) -> None:
    client = TestClient(create_app(erp))

    found = client.post("/v1/operations/get_customer", json={"account_id": "ACC-1001"})
    assert found.status_code == 200
    assert found.json()["credit_available"] == "94400.00"

    refused = client.post(
        "/v1/operations/set_credit_limit",
        json={"account_id": "ACC-1001", "credit_limit": "-5", "reason": "testing"},
        headers={"Idempotency-Key": "http-1"},
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "rule_violation"
    assert "cannot be negative" in refused.json()["detail"]

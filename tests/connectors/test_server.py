"""The systems' HTTP API: derived from the operations, errors as problem+json."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from connectors.registry import default_registry
from connectors.server import create_app


def test_every_operation_has_a_typed_route_in_the_openapi_document(systems):
    for name, system in systems.items():
        spec = TestClient(create_app(system)).get("/openapi.json").json()
        for op in default_registry().for_system(name):
            route = spec["paths"][f"/v1/operations/{op.name}"]["post"]
            schema_ref = route["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert schema_ref.endswith(op.input_model.__name__)


def test_operations_listing_carries_derived_schemas(systems):
    listed = TestClient(create_app(systems["erp"])).get("/v1/operations").json()
    refund = next(card for card in listed if card["name"] == "erp.create_refund")
    assert refund["kind"] == "write"
    assert refund["risk"] == "high"
    assert set(refund["input_schema"]["required"]) == {"invoice_id", "amount", "reason"}


def test_errors_are_problem_json_with_stable_codes(systems):
    client = TestClient(create_app(systems["erp"]))
    bad_body = client.post("/v1/operations/create_refund", content=b"{not json")
    assert bad_body.status_code == 400
    assert bad_body.headers["content-type"] == "application/problem+json"
    assert bad_body.json()["code"] == "invalid_input"

    missing = client.post(
        "/v1/operations/create_refund",
        json={"invoice_id": "INV-404", "amount": "5", "reason": "broken"},
        headers={"Idempotency-Key": "k"},
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert missing.json()["type"] == "urn:aios:error:not_found"


def test_health(systems):
    assert TestClient(create_app(systems["crm"])).get("/health").json() == {
        "status": "ok",
        "system": "crm",
    }


def test_the_docs_page_loads_its_assets_from_the_server_itself(systems):
    client = TestClient(create_app(systems["crm"]))
    page = client.get("/docs")
    assert page.status_code == 200 and "aios stub CRM" in page.text
    loaded = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text)
    assert "/docs/assets/swagger-ui-bundle.js" in loaded
    assert [url for url in loaded if "://" in url] == []  # no CDN: it works offline
    for url in loaded:
        served = client.get(url)
        assert served.status_code == 200 and served.content, url
    assert "SwaggerUIBundle" in client.get("/docs/assets/swagger-ui-bundle.js").text
    assert client.get("/redoc").status_code == 404  # a page that would stay blank is not served

"""A system served as an HTTP JSON API: one typed route per operation, derived from it.

``POST /v1/operations/{name}`` takes the operation's input model as JSON (and an
``Idempotency-Key`` header for writes) and returns its output model; errors are RFC 9457
problem+json carrying the same codes the in-process transport raises.
``POST /v1/operations/{name}/validate`` checks the same call by the same rules and answers what
it would return, changing nothing (``System.validate``).
``GET /v1/writes/{key}`` answers whether a write with that idempotency key was made.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from connectors.docs import serve_docs
from connectors.errors import ConnectorError, InvalidInput
from connectors.idempotency import WriteLookup
from connectors.operation import Operation
from connectors.system import System

PROBLEM = "application/problem+json"


def _problem(error: ConnectorError) -> JSONResponse:
    return JSONResponse(error.to_problem(), status_code=error.status, media_type=PROBLEM)


def _route(system: System, op: Operation[Any, Any]) -> Any:
    def endpoint(args: BaseModel, idempotency_key: str | None = Header(None)) -> Any:
        return system.execute(op.name, args, idempotency_key)

    # FastAPI reads the body model and response model from the annotations.
    endpoint.__annotations__ = {
        "args": op.input_model,
        "idempotency_key": str | None,
        "return": op.output_model,
    }
    endpoint.__name__ = op.name
    endpoint.__doc__ = op.description
    return endpoint


def _validate_route(system: System, op: Operation[Any, Any]) -> Any:
    def endpoint(args: BaseModel) -> Any:
        return system.validate(op.name, args)

    endpoint.__annotations__ = {"args": op.input_model, "return": op.output_model}
    endpoint.__name__ = f"validate_{op.name}"
    endpoint.__doc__ = (
        f"Check a call of {op.name} by the system's own rules and answer what it would return;"
        " nothing is changed. Errors are those the call itself would meet."
    )
    return endpoint


def create_app(system: System) -> FastAPI:
    app = FastAPI(
        title=f"aios stub {system.name.upper()}",
        version="1",
        description=f"The {system.name.upper()} system aios works on, as a JSON API.",
        # FastAPI's pages load from a CDN: /docs is served from local files instead, and
        # ReDoc, which no package ships, is left out rather than left blank.
        docs_url=None,
        redoc_url=None,
    )
    serve_docs(app)

    @app.exception_handler(ConnectorError)
    async def connector_error(_request: Request, exc: ConnectorError) -> JSONResponse:
        return _problem(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        return _problem(InvalidInput("invalid request", errors=errors))

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "system": system.name}

    @app.get("/v1/operations")
    def operations() -> list[dict[str, Any]]:
        return [op.describe() for op in system.operations.values()]

    @app.get("/v1/writes/{key:path}", tags=["idempotency"], responses={503: {}})
    def find_write(key: str) -> WriteLookup:
        """Whether a write with this idempotency key was made, and what it answered: how a
        caller that lost track of a write's outcome (aios audit reconcile) learns it."""
        return system.find_write(key)

    for op in system.operations.values():
        app.post(
            f"/v1/operations/{op.name}",
            summary=op.description.splitlines()[0],
            tags=[op.kind.value],
            responses={400: {}, 404: {}, 409: {}, 422: {}, 503: {}},
        )(_route(system, op))
        app.post(
            f"/v1/operations/{op.name}/validate",
            summary=f"Check {op.name} without changing anything",
            tags=["validate"],
            responses={400: {}, 404: {}, 422: {}, 503: {}},
        )(_validate_route(system, op))
    return app

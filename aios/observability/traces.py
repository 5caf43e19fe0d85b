"""OpenTelemetry traces of a turn: one span per turn, per graph step inside it, and per
connector call inside the step that made it; and the log context that goes with them.

Nothing is exported unless the environment asks, with OpenTelemetry's own variables:
``OTEL_TRACES_EXPORTER`` (``otlp``, ``console``; ``none`` is off) or an OTLP endpoint
(``OTEL_EXPORTER_OTLP_ENDPOINT``, ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``), with
``OTEL_EXPORTER_OTLP_PROTOCOL`` (``http/protobuf`` or ``grpc``) and the rest of the
exporter's variables read by the exporter itself. Otherwise no provider, processor or thread
is made and a span costs a check of one variable.

Spans carry names, ids and outcomes, never a call's arguments or an error's message: both
may hold customers' personal data.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import Span, StatusCode, Tracer
from opentelemetry.util.types import Attributes
from structlog.contextvars import bind_contextvars, reset_contextvars

log = logging.getLogger(__name__)

OUTCOME = "aios.outcome"
"""ok, failed or paused (a step waiting for a person's decision)."""
ERROR_TYPE = "error.type"
"""A failure's stable code (``not_found``, ``rule_violation``, …) or its exception's class."""

_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
_OFF: AbstractContextManager[Span] = nullcontext(trace.INVALID_SPAN)
_tracer: Tracer | None = None
_resolved = False
_lock = threading.Lock()
_turn: ContextVar[dict[str, str] | None] = ContextVar("aios_turn", default=None)


def configure_tracing() -> bool:
    """Set tracing up from the environment, once per process; True when spans are exported.

    A process calls it as it starts, so that a wrong variable stops it there; a process that
    does not (a uvicorn worker) sets up the same at its first span."""
    global _resolved
    with _lock:
        if not _resolved:
            exporters = _exporters()
            if exporters:
                provider = TracerProvider(resource=_resource())
                for exporter in exporters:
                    # Export happens on the processor's thread, never in the turn.
                    provider.add_span_processor(BatchSpanProcessor(exporter))
                trace.set_tracer_provider(provider)
                use_provider(provider)
            _resolved = True
    return _tracer is not None


def use_provider(provider: TracerProvider | None) -> None:
    """Record aios' spans with ``provider`` from now on; None: record none."""
    global _tracer, _resolved
    _tracer = provider.get_tracer("aios") if provider else None
    _resolved = True


@contextmanager
def turn(session_id: str, user: str) -> Iterator[None]:
    """A turn of ``session_id``: its span, and the ids its log lines carry."""
    ids = {"session_id": session_id, "turn": uuid.uuid4().hex[:16]}
    tokens = bind_contextvars(**ids, user=user)
    ids_token = _turn.set({f"aios.{key}": value for key, value in ids.items()})
    try:
        with _span("turn", {**_turn_ids(), "aios.user": user}):
            yield
    finally:
        _turn.reset(ids_token)
        reset_contextvars(**tokens)


@contextmanager
def step(name: str) -> Iterator[Span]:
    """A graph step, inside its turn; the span, for the outcome the step reports."""
    tokens = bind_contextvars(step=name)
    try:
        with _span(f"step {name}", {**_turn_ids(), "aios.step": name}) as span:
            yield span
    finally:
        reset_contextvars(**tokens)


@contextmanager
def tool_call(tool: str, kind: str) -> Iterator[None]:
    """A connector call, inside the step that makes it; logged with its outcome and time."""
    started = time.perf_counter()
    code: str | None = None
    with _span(f"tool {tool}", {"aios.tool": tool, "aios.tool.kind": kind}):
        try:
            yield
        except Exception as exc:
            code = _code(exc)
            raise
        finally:
            log.info(
                "tool call",
                extra={
                    "tool": tool,
                    "kind": kind,
                    "outcome": "failed" if code else "ok",
                    "error_code": code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )


def _span(name: str, attributes: Attributes) -> AbstractContextManager[Span]:
    if not _resolved:
        configure_tracing()
    return _OFF if _tracer is None else _recorded(_tracer, name, attributes)


@contextmanager
def _recorded(tracer: Tracer, name: str, attributes: Attributes) -> Iterator[Span]:
    with tracer.start_as_current_span(
        name, attributes=attributes, record_exception=False, set_status_on_exception=False
    ) as span:
        try:
            yield span
        except Exception as exc:
            if _paused(exc):
                span.set_attribute(OUTCOME, "paused")
                raise
            span.set_attributes({OUTCOME: "failed", ERROR_TYPE: _code(exc)})
            span.set_status(StatusCode.ERROR)
            raise
        span.set_attribute(OUTCOME, "ok")


def _paused(exc: Exception) -> bool:
    """Whether ``exc`` is a LangGraph interrupt: the turn waits for an answer, it did not fail.
    Only a process that has loaded LangGraph can raise one, so this asks without importing it
    (commands that never run the graph start without it)."""
    errors = sys.modules.get("langgraph.errors")
    return errors is not None and isinstance(exc, errors.GraphInterrupt)


def _turn_ids() -> dict[str, str]:
    return _turn.get() or {}


def _code(exc: Exception) -> str:
    code = getattr(exc, "code", None)  # a ConnectorError's stable code
    return code if isinstance(code, str) else type(exc).__name__


def _exporters() -> list[SpanExporter]:
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    names = [n.strip().lower() for n in os.environ.get("OTEL_TRACES_EXPORTER", "").split(",")]
    names = [n for n in names if n]
    if not names and any(os.environ.get(v) for v in _ENDPOINTS):
        names = ["otlp"]
    return [_exporter(name) for name in names if name != "none"]


def _exporter(name: str) -> SpanExporter:
    # Imported here: an exporter's modules (grpc above all) cost time that tracing-off skips.
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    if name != "otlp":
        raise ValueError(f"OTEL_TRACES_EXPORTER={name!r}: aios exports traces by otlp or console")
    protocol = os.environ.get(
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
    )
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    if protocol not in (None, "http/protobuf"):
        raise ValueError(f"OTLP protocol {protocol!r}: aios speaks http/protobuf or grpc")
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
        OTLPSpanExporter as HttpSpanExporter,
    )

    return HttpSpanExporter()


def _resource() -> Resource:
    """The environment's resource (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES), named aios
    unless it names itself."""
    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: "aios"}))
    return resource

"""What a running aios tells its operators: structured logs and, when an exporter is
configured, OpenTelemetry traces. Prometheus metrics are the API's (``aios.api.metrics``,
scraped at ``/metrics``)."""

from __future__ import annotations

from typing import Any

from aios.observability.logs import configure_logging, logging_config
from aios.observability.traces import configure_tracing, step, tool_call, turn, use_provider
from aios.settings import Settings


def configure(settings: Settings, *, server: bool) -> dict[str, Any]:
    """Set this process's logs and traces up as it starts. Returns the logging config, for
    uvicorn to apply again in the worker processes it starts (``log_config=``)."""
    configure_logging(settings, server=server)
    configure_tracing()
    return logging_config(settings, server=server)


__all__ = [
    "configure",
    "configure_logging",
    "configure_tracing",
    "logging_config",
    "step",
    "tool_call",
    "turn",
    "use_provider",
]

"""Log lines as structured events: one JSON object a line for a server whose logs are
collected, readable lines for a terminal (``log_format`` chooses either way). aios logs through
the standard library (``logging.getLogger(__name__)``); structlog renders every record, its own
and the libraries', adding what the turn is about: the session, turn, user and graph step bound
in ``aios.observability.traces``, and the trace and span ids when a trace is being recorded."""

from __future__ import annotations

import logging.config
import sys
from typing import Any, Literal, TextIO

import structlog
from opentelemetry import trace
from structlog.typing import EventDict, Processor, WrappedLogger

from aios.settings import Settings

Format = Literal["json", "console"]

# uvicorn's loggers keep their own handlers unless told otherwise; handing them to the root
# keeps one format on the stream.
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
_OURS = ("aios", "connectors")


def configure_logging(settings: Settings, *, server: bool) -> None:
    """Route every log record of this process through structlog onto stderr."""
    logging.config.dictConfig(logging_config(settings, server=server))


def logging_config(settings: Settings, *, server: bool) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` of ``configure_logging``: also what uvicorn applies in
    each worker process it starts (``uvicorn.run(log_config=…)``), where nothing else runs."""
    # A server started by hand on a terminal is read by the person who started it; one whose
    # stderr is a file, a pipe or a journal is read by a log collector.
    collected = server and not sys.stderr.isatty()
    fmt: Format = settings.log_format or ("json" if collected else "console")
    ours = settings.log_level or ("INFO" if server else "WARNING")
    # What libraries report at INFO (alembic's migration context, a model being loaded, the
    # web framework's own address line) is for a collector, not for a person at a terminal.
    libraries = settings.log_level or ("INFO" if collected else "WARNING")
    return {
        "version": 1,
        # Modules made their loggers at import, long before this runs.
        "disable_existing_loggers": False,
        "formatters": {"structlog": {"()": f"{__name__}.formatter", "fmt": fmt}},
        "handlers": {"stderr": {"class": f"{__name__}.StderrHandler", "formatter": "structlog"}},
        "root": {"handlers": ["stderr"], "level": libraries},
        "loggers": {
            **{name: {"handlers": [], "propagate": True} for name in _SERVER_LOGGERS},
            **{name: {"level": ours} for name in _OURS},
        },
    }


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to ``sys.stderr`` as it is when a line comes, not as it was when logging was set
    up: whoever swapped it since (a test runner, a daemon closing the terminal's) gets the
    lines, and a stream closed since does not turn each line into a logging error."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _ignored: TextIO) -> None:
        pass


def formatter(fmt: Format) -> structlog.stdlib.ProcessorFormatter:
    renderer: list[Processor] = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
        if fmt == "json"
        else [structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())]
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.ExtraAdder(),
            _without_colour,
            _trace_ids,
        ],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
    )


def _without_colour(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    event.pop("color_message", None)  # uvicorn's copy of the message, with terminal colours
    return event


def _trace_ids(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    span = trace.get_current_span().get_span_context()
    if span.is_valid:
        event["trace_id"] = trace.format_trace_id(span.trace_id)
        event["span_id"] = trace.format_span_id(span.span_id)
    return event

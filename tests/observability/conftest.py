"""Spans and log lines of real turns, caught in memory."""

from __future__ import annotations

import io
import json
import logging

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from aios import observability
from aios.observability.logs import formatter


@pytest.fixture
def spans():
    """aios' spans, exported as they end, for the test to read."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    observability.use_provider(provider)
    yield exporter
    observability.use_provider(None)


@pytest.fixture
def json_lines():
    """The process's log records, rendered as a server renders them: ``json_lines()`` reads
    them back, one dict a line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("json"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def hex_trace(span: ReadableSpan) -> str:
    return f"{span.context.trace_id:032x}"


def hex_span(span: ReadableSpan) -> str:
    return f"{span.context.span_id:016x}"

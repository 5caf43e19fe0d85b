"""How a process sets its logs and traces up from the environment, each in a fresh process:
nothing is exported unless an exporter is configured; when one is, the spans leave the process
and the log lines name the same trace."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.settings import REPO

# What a server does as it starts, then one connector call in a step of a turn; last, what
# the process knows about its tracing, on a line of its own.
A_TURN = """
import json, threading

from opentelemetry import trace

from aios import observability
from aios.settings import Settings

observability.configure(Settings(), server=True)
exported = observability.configure_tracing()
with observability.turn("s-1", "alice"), observability.step("act") as step:
    recording = step.is_recording()
    with observability.tool_call("erp.create_refund", "write"):
        pass
facts = {
    "exported": exported,
    "recording": recording,
    "provider": type(trace.get_tracer_provider()).__name__,
    "threads": sorted(t.name for t in threading.enumerate()),
}
print("facts:", json.dumps(facts))
"""


def _facts(stdout: str) -> tuple[dict, str]:
    """What the process printed about itself, and everything else it printed."""
    (facts,) = [line for line in stdout.splitlines() if line.startswith("facts: ")]
    return json.loads(facts.removeprefix("facts: ")), stdout.replace(facts, "")


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "AIOS_LOG_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**clean, **env},
        timeout=60,
        check=False,
    )


def test_without_an_exporter_nothing_is_set_up_to_export():
    done = _run(A_TURN)
    assert done.returncode == 0, done.stderr
    facts, _ = _facts(done.stdout)
    assert facts["exported"] is False and facts["recording"] is False
    assert facts["provider"] == "ProxyTracerProvider"  # OpenTelemetry's untouched default
    assert facts["threads"] == ["MainThread"]  # no span processor waiting to send
    (line,) = [json.loads(line) for line in done.stderr.splitlines() if '"tool call"' in line]
    assert line["session_id"] == "s-1" and line["step"] == "act"
    assert "trace_id" not in line


def test_an_exporter_from_the_environment_gets_the_spans_and_logs_name_their_trace():
    done = _run(A_TURN, OTEL_TRACES_EXPORTER="console", OTEL_SERVICE_NAME="aios-test")
    assert done.returncode == 0, done.stderr
    facts, printed = _facts(done.stdout)
    assert facts["exported"] is True and facts["recording"] is True
    assert facts["provider"] == "TracerProvider"
    spans = _json_objects(printed)
    assert [s["name"] for s in spans] == ["tool erp.create_refund", "step act", "turn"]
    assert {s["resource"]["attributes"]["service.name"] for s in spans} == {"aios-test"}
    (trace_id,) = {s["context"]["trace_id"] for s in spans}
    (line,) = [json.loads(line) for line in done.stderr.splitlines() if '"tool call"' in line]
    assert "0x" + line["trace_id"] == trace_id
    assert "0x" + line["span_id"] == spans[0]["context"]["span_id"]
    assert line["session_id"] == "s-1" and line["user"] == "alice"


def test_an_exporter_aios_does_not_know_stops_the_process_at_start():
    done = _run(A_TURN, OTEL_TRACES_EXPORTER="zipkin")
    assert done.returncode != 0
    assert "OTEL_TRACES_EXPORTER='zipkin'" in done.stderr


def _json_objects(text: str) -> list[dict]:
    """The console exporter's spans: indented JSON objects, one after another."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while (at := text.find("{", at)) != -1:
        span, at = decoder.raw_decode(text, at)
        found.append(span)
    return found

"""A conversation paused for a confirmation survives the death of its process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from connectors.erp.models import Refund

SCRIPT = textwrap.dedent(
    """
    import os, sys
    from aios.assistant.factory import build_runtime
    from aios.identity import demo_users
    from aios.settings import Settings

    runtime = build_runtime(Settings())
    user = demo_users()[sys.argv[1]]
    for event in runtime.assistant.handle("paused", user, sys.argv[2]):
        print(event.type, flush=True)
    if sys.argv[3] == "hang":
        print("waiting", flush=True)
        sys.stdin.read()  # killed here, holding the paused conversation
    """
)


def _start(settings, *args):
    env = {**os.environ, "AIOS_DATA_DIR": str(settings.data_dir)}
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *args],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=settings.skills_dir.parent,
    )


def test_confirmation_survives_sigkill_and_resumes_in_a_new_process(demo_settings, rows):
    before = len(rows("erp", Refund))
    first = _start(demo_settings, "alice", "refund $12.34 on SO-1042", "hang")
    seen = []
    for line in first.stdout:
        seen.append(line.strip())
        if line.strip() == "waiting":
            break
    assert seen[:3] == ["plan", "confirmation_required", "done"]
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert len(rows("erp", Refund)) == before

    second = _start(demo_settings, "alice", "yes", "exit")
    out, _ = second.communicate(timeout=120)
    assert second.returncode == 0, out
    assert out.split() == ["step_started", "step_finished", "message", "done"]
    made = [r for r in rows("erp", Refund) if r.amount_cents == 1234]
    assert len(made) == 1

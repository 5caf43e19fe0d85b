"""A separate process appending to a shared trail: ``python -m tests.audit._writer URL HEAD
SESSION COUNT GO``. Creates ``GO.SESSION`` once ready, then waits for the file ``GO``, so that
the test can start all writers at the same moment and they contend from the first append."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from aios.audit import AuditTrail, FileHeadStore
from aios.db import make_engine
from tests.audit.conftest import event


def main(url: str, head: str, session: str, count: int, go: str) -> None:
    trail = AuditTrail(make_engine(url), FileHeadStore(Path(head)))
    Path(f"{go}.{session}").touch()
    deadline = time.monotonic() + 60
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    for i in range(count):
        trail.append(event(i, session_id=session))


if __name__ == "__main__":
    url, head, session, count, go = sys.argv[1:]
    main(url, head, session, int(count), go)

"""Where the chain's newest (seq, hash) is kept outside the table, so deleting the newest rows
(truncation, which leaves a shorter but perfectly linked chain) is still detected."""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from aios.audit.models import ChainHead


class HeadStore(Protocol):
    """Keeps the newest chain head. ``write`` must never move the head backwards."""

    def read(self) -> ChainHead | None:
        """The saved head, None when none was saved; ValueError when it is unreadable."""
        ...

    def write(self, head: ChainHead) -> None:
        """Save ``head`` unless a newer one is saved already; OSError when it cannot."""
        ...


class FileHeadStore:
    """A small JSON file replaced atomically (temp file, fsync, rename).

    Writers from several threads or processes (on one host) take an exclusive lock on a sidecar
    file, because appends write the head after their commit and may finish out of order: without
    the lock and the "only forwards" rule an older head could overwrite a newer one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock_path = path.with_name(path.name + ".lock")

    def read(self) -> ChainHead | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            return ChainHead.model_validate_json(text)
        except ValidationError as exc:
            raise ValueError(f"unreadable chain head {self.path}: {exc}") from exc

    def write(self, head: ChainHead) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            try:
                current = self.read()
            except ValueError:
                current = None  # a damaged head is replaced; verify reports it until then
            if current is not None and current.seq >= head.seq:
                return
            self._replace(head.model_dump_json())

    def _replace(self, text: str) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())  # a crash must leave the old head or the new, not half
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

"""Where the chain's newest (seq, hash) is kept outside the table, so deleting the newest rows
(truncation, which leaves a shorter but perfectly linked chain) is still detected.

With a key (``AIOS_AUDIT_KEY``) the head is signed (HMAC-SHA256 over seq and hash): someone
who can rewrite the table and the head file, but does not hold the key, can recompute every
row's hash but not the head's signature, so a rewrite of both together is detected too.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
import tempfile
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from aios.audit.models import ChainHead


class HeadForged(ValueError):
    """The saved head's signature is missing or wrong under the key verify holds."""


def signature(head: ChainHead, key: bytes) -> str:
    return hmac.new(key, f"{head.seq}:{head.hash}".encode(), hashlib.sha256).hexdigest()


class HeadStore(Protocol):
    """Keeps the newest chain head. ``write`` must never move the head backwards."""

    signed: bool
    """Whether heads are signed and their signatures checked on ``read``."""

    def read(self) -> ChainHead | None:
        """The saved head, None when none was saved; ValueError when it is unreadable
        (HeadForged when it is signed wrongly, or not at all, under the store's key)."""
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

    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = path
        self._lock_path = path.with_name(path.name + ".lock")
        self._key = key
        self.signed = key is not None

    def read(self) -> ChainHead | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            head = ChainHead.model_validate_json(text)
        except ValidationError as exc:
            raise ValueError(f"unreadable chain head {self.path}: {exc}") from exc
        if self._key is not None and not hmac.compare_digest(
            head.mac or "", signature(head, self._key)
        ):
            state = "is not signed" if head.mac is None else "has a signature that does not match"
            raise HeadForged(
                f"the saved chain head {state} under AIOS_AUDIT_KEY: it was written without the "
                "key (before the key was set, or by someone rewriting the trail and its head)"
            )
        return head

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
            if self._key is not None:
                head = head.model_copy(update={"mac": signature(head, self._key)})
            self._replace(head.model_dump_json(exclude_none=True))

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

"""The tamper-evident audit trail: an append-only, hash-chained table of what aios did.

Each row seals its content and the previous row's hash (SHA-256 over canonical JSON), and the
newest (seq, hash) is also kept outside the table, so editing, deleting, reordering or
truncating rows is detected by ``AuditTrail.verify``.
"""

from __future__ import annotations

from aios.audit.errors import AuditUnavailable
from aios.audit.export import ExportFormat
from aios.audit.head import FileHeadStore, HeadStore
from aios.audit.models import AuditEvent, AuditRecord, Break, ChainHead, VerifyReport
from aios.audit.trail import AuditTrail, flush_held
from aios.db import make_engine
from aios.settings import Settings

__all__ = [
    "AuditEvent",
    "AuditRecord",
    "AuditTrail",
    "AuditUnavailable",
    "Break",
    "ChainHead",
    "ExportFormat",
    "FileHeadStore",
    "HeadStore",
    "VerifyReport",
    "flush_held",
    "open_trail",
]


def open_trail(settings: Settings) -> AuditTrail:
    """The trail every front end uses: the state database, the head file in the data directory."""
    data_dir = settings.ensure_data_dir()
    key = settings.audit_key.get_secret_value().encode() if settings.audit_key else None
    trail = AuditTrail(
        make_engine(settings.db_url("state")), FileHeadStore(data_dir / "audit.head", key)
    )
    trail.create_tables()
    return trail

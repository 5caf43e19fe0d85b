"""The audit trail's one run-time failure, typed so a tool invoker can refuse to act on it."""

from __future__ import annotations


class AuditUnavailable(Exception):
    """The trail could not be read or written (database down, read-only, table gone, disk full).

    A caller about to change a business system must not go ahead: an unaudited write is exactly
    what the trail exists to prevent.
    """

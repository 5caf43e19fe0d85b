"""The systems' clock: timezone-aware UTC (SQLModel refuses naive datetimes and returns UTC)."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)

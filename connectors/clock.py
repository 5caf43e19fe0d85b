"""The systems' clock: timezone-aware UTC (SQLModel refuses naive datetimes and returns UTC)."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` with its zone: SQLite hands datetimes back without it; they were stored as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment

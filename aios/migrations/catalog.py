"""Which tables live in which database: the models each migration history must reproduce."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import MetaData, Table
from sqlmodel import SQLModel


def tables(database: str) -> list[Table]:
    """The model tables of ``database`` (state, crm or erp)."""
    # Imported here, not at the top: the stores import aios.db, which runs the migrations.
    from aios.api.store import ApiSession, IdempotentTurn, TranscriptEntry
    from aios.approvals.models import ApprovalRow
    from aios.audit.table import AuditRow, AuditStartRow
    from aios.learning.tables import ExampleRow, ObservationRow, SkillRunRow
    from aios.mcp.confirmations import ConfirmationRow
    from aios.slack.store import SlackApprovalPost, SlackDelivery, SlackThread
    from aios.users.slack import SlackLinkRow
    from aios.users.tables import (
        ApiKeyRow,
        ApiKeyScopeRow,
        ProviderIdentityRow,
        SignInFailureRow,
        UserRow,
    )
    from connectors import crm, erp
    from connectors.idempotency import IdempotencyRecord

    models: dict[str, list[type[SQLModel]]] = {
        "state": [
            UserRow,
            ApiKeyRow,
            ApiKeyScopeRow,
            SignInFailureRow,
            SlackLinkRow,
            ProviderIdentityRow,
            ApprovalRow,
            AuditRow,
            AuditStartRow,
            ApiSession,
            TranscriptEntry,
            IdempotentTurn,
            SlackThread,
            SlackDelivery,
            SlackApprovalPost,
            ExampleRow,
            SkillRunRow,
            ObservationRow,
            ConfirmationRow,
        ],
        "crm": [*crm.TABLES, IdempotencyRecord],
        "erp": [*erp.TABLES, IdempotencyRecord],
    }
    return [model.__table__ for model in models[database]]  # type: ignore[attr-defined]


def metadata(database: str) -> MetaData:
    """A MetaData holding only ``database``'s tables, to compare a database against."""
    target = MetaData()
    for table in tables(database):
        table.to_metadata(target)
    return target


def only_ours(database: str) -> Callable[[str | None, str, object], bool]:
    """Alembic's ``include_name`` filter that sees only ``database``'s tables: the CRM and ERP
    may share one database with each other and with aios' state, each with its own history."""
    names = {table.name for table in tables(database)}

    def include(name: str | None, type_: str, _parents: object) -> bool:
        return type_ != "table" or name in names

    return include

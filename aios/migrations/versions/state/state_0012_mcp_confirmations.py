"""MCP calls held for their user's confirmation, kept where every worker (and a restarted one)
can take the answer, once.

Revision ID: state_0012
Revises: state_0011
Create Date: 2026-12-07 16:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "state_0012"
down_revision: str | Sequence[str] | None = "state_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mcp_confirmations",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("user_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("tool", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("arguments", sa.Text(), nullable=False),
        sa.Column("args_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("decided_via", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mcp_confirmations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mcp_confirmations_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mcp_confirmations_user_name"), ["user_name"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("mcp_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mcp_confirmations_user_name"))
        batch_op.drop_index(batch_op.f("ix_mcp_confirmations_status"))
    op.drop_table("mcp_confirmations")

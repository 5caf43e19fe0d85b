"""An MCP call confirmed for its user is carried out under a lease (which worker took it, until
when), so a worker that dies before the write leaves it to be taken over, not stuck.

Revision ID: state_0013
Revises: state_0012
Create Date: 2026-12-07 18:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "state_0013"
down_revision: str | Sequence[str] | None = "state_0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mcp_confirmations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("taken_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )
        batch_op.add_column(
            sa.Column("lease_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("mcp_confirmations", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("taken_by")

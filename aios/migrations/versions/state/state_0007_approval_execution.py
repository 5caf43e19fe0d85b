"""An approval keeps what came of running it apart from its decision: an approved refund the
ERP then refuses is approved and failed, not done.

Revision ID: state_0007
Revises: state_0004
Create Date: 2026-12-07 04:05:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "state_0007"
# Branches trust-api (state_0005) and trust-cli (state_0006) revise state_0004 as well: once
# they are merged, this follows the last of them.
down_revision: str | Sequence[str] | None = "state_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("executed", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_column("executed")

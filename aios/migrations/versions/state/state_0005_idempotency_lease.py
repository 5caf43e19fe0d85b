"""An Idempotency-Key's claim carries a lease (who runs the turn, until when) and the events so
far, so a claim whose process died is taken over instead of answering "in progress" forever.

Revision ID: state_0005
Revises: state_0004
Create Date: 2026-12-07 04:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "state_0005"
down_revision: str | Sequence[str] | None = "state_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_idempotency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("lease_until", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("progress", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_idempotency", schema=None) as batch_op:
        batch_op.drop_column("progress")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("owner")

"""Slack threads remember the confirmation whose buttons are still live.

Revision ID: state_0003
Revises: state_0002
Create Date: 2026-12-01 14:32:38.546902

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "state_0003"
down_revision: str | Sequence[str] | None = "state_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("slack_threads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("question_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("slack_threads", schema=None) as batch_op:
        batch_op.drop_column("question_ts")

"""An approval keeps the approver's reason for rejecting it, apart from the outcome text.

Revision ID: state_0011
Revises: state_0010
Create Date: 2026-12-09 04:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "state_0011"
down_revision: str | Sequence[str] | None = "state_0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A directory made by create_all before migrations existed, from models that already had
    # the column, has it (as in state_0008).
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("approvals")}
    if "rejection_reason" in have:
        return
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rejection_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_column("rejection_reason")

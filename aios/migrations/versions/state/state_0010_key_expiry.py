"""API keys that end by themselves: the short-lived key a page's sign-in hands out.

Revision ID: state_0010
Revises: state_0009
Create Date: 2026-12-08 04:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "state_0010"
down_revision: str | Sequence[str] | None = "state_0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A directory made by create_all before migrations existed, from models that already had
    # the column, has it (as in state_0008).
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("api_key_scopes")}
    if "expires_at" in have:
        return
    with op.batch_alter_table("api_key_scopes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("api_key_scopes", schema=None) as batch_op:
        batch_op.drop_column("expires_at")

"""Web chat sign-in: a password hash per user (argon2id), which users carry the demo
password, and the failed sign-ins that throttle guessing.

Revision ID: state_0008
Revises: state_0005
Create Date: 2026-12-07 04:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "state_0008"
down_revision: str | Sequence[str] | None = "state_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A directory made before migrations existed (create_all, adopted by the baseline) from
    # models that already had these columns has them.
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("users")}
    with op.batch_alter_table("users", schema=None) as batch_op:
        if "password_hash" not in have:
            batch_op.add_column(
                sa.Column(
                    "password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True
                )
            )
        if "demo_password" not in have:
            batch_op.add_column(
                sa.Column("demo_password", sa.Boolean(), nullable=False, server_default=sa.false())
            )
    op.create_table(
        "sign_in_failures",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("sign_in_failures")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("demo_password")
        batch_op.drop_column("password_hash")

"""The learning loop: learnt examples, open observations and the per-skill runs.

Revision ID: state_0002
Revises: state_0001
Create Date: 2026-12-01 14:04:49.935874

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "state_0002"
down_revision: str | Sequence[str] | None = "state_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "learning_examples",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("skill", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("was", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("reviewed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("learning_examples", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learning_examples_skill"), ["skill"], unique=False)
        batch_op.create_index(batch_op.f("ix_learning_examples_status"), ["status"], unique=False)

    op.create_table(
        "learning_observations",
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("turn", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("user", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("was", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("settled", sa.Boolean(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("session_id"),
    )
    op.create_table(
        "skill_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("turn", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("skill", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.Column("rejected", sa.Boolean(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "turn", "part"),
    )
    with op.batch_alter_table("skill_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skill_runs_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_skill_runs_skill"), ["skill"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("skill_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skill_runs_skill"))
        batch_op.drop_index(batch_op.f("ix_skill_runs_at"))

    op.drop_table("skill_runs")
    op.drop_table("learning_observations")
    with op.batch_alter_table("learning_examples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_examples_status"))
        batch_op.drop_index(batch_op.f("ix_learning_examples_skill"))

    op.drop_table("learning_examples")

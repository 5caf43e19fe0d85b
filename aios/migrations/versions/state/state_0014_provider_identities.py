"""People of the company's identity provider linked to users of the directory, by the
provider's issuer and subject.

Revision ID: state_0014
Revises: state_0013
Create Date: 2026-12-07 18:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "state_0014"
down_revision: str | Sequence[str] | None = "state_0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "provider_identities",
        sa.Column("issuer", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("user_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("linked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_name"], ["users.name"]),
        sa.PrimaryKeyConstraint("issuer", "subject"),
    )
    with op.batch_alter_table("provider_identities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provider_identities_user_name"), ["user_name"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("provider_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_identities_user_name"))
    op.drop_table("provider_identities")

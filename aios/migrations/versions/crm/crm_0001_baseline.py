"""The crm database as it was when aios adopted migrations.

Revision ID: crm_0001
Revises:
Create Date: 2026-12-01 11:30:38.308790

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from aios.migrations._baseline import absent, drop_enums

# revision identifiers, used by Alembic.
revision: str = "crm_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if absent("accounts"):
        op.create_table(
            "accounts",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column(
                "tier", sa.Enum("PLATINUM", "GOLD", "SILVER", "BRONZE", name="tier"), nullable=False
            ),
            sa.Column("industry", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("region", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column(
                "status",
                sa.Enum("ACTIVE", "PROSPECT", "ON_HOLD", "CHURNED", name="accountstatus"),
                nullable=False,
            ),
            sa.Column("credit_rating", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("accounts", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_accounts_name"), ["name"], unique=False)

    if absent("idempotency_keys"):
        op.create_table(
            "idempotency_keys",
            sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
            sa.Column("operation", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("args_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("result_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )
    if absent("cases"):
        op.create_table(
            "cases",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("account_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column(
                "status",
                sa.Enum(
                    "NEW", "OPEN", "PENDING", "ESCALATED", "RESOLVED", "CLOSED", name="casestatus"
                ),
                nullable=False,
            ),
            sa.Column(
                "priority",
                sa.Enum("LOW", "NORMAL", "HIGH", "URGENT", name="priority"),
                nullable=False,
            ),
            sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("escalation_level", sa.Integer(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("sla_due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
            sa.Column("order_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["accounts.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("cases", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_cases_account_id"), ["account_id"], unique=False)

    if absent("contacts"):
        op.create_table(
            "contacts",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("account_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("is_primary", sa.Boolean(), nullable=False),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["accounts.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("contacts", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_contacts_account_id"), ["account_id"], unique=False
            )

    if absent("notes"):
        op.create_table(
            "notes",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("account_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("case_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("author", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["accounts.id"],
            ),
            sa.ForeignKeyConstraint(
                ["case_id"],
                ["cases.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("notes", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_notes_account_id"), ["account_id"], unique=False)
            batch_op.create_index(batch_op.f("ix_notes_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notes_case_id"))
        batch_op.drop_index(batch_op.f("ix_notes_account_id"))

    op.drop_table("notes")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_account_id"))

    op.drop_table("contacts")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_account_id"))

    op.drop_table("cases")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_name"))

    op.drop_table("accounts")
    drop_enums("tier", "accountstatus", "casestatus", "priority")

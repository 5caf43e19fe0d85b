"""The erp database as it was when aios adopted migrations.

Revision ID: erp_0001
Revises:
Create Date: 2026-12-01 11:30:48.741207

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from aios.migrations._baseline import absent, drop_enums

# revision identifiers, used by Alembic.
revision: str = "erp_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if absent("customers"):
        op.create_table(
            "customers",
            sa.Column("account_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("credit_limit_cents", sa.Integer(), nullable=False),
            sa.Column("payment_terms_days", sa.Integer(), nullable=False),
            sa.Column("billing_address", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("billing_email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.PrimaryKeyConstraint("account_id"),
        )
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
    if absent("products"):
        op.create_table(
            "products",
            sa.Column("sku", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("category", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("price_cents", sa.Integer(), nullable=False),
            sa.Column("stock", sa.Integer(), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.PrimaryKeyConstraint("sku"),
        )
        with op.batch_alter_table("products", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_products_name"), ["name"], unique=False)

    if absent("sales_orders"):
        op.create_table(
            "sales_orders",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("account_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column(
                "status",
                sa.Enum(
                    "PENDING", "CONFIRMED", "SHIPPED", "DELIVERED", "CANCELLED", name="orderstatus"
                ),
                nullable=False,
            ),
            sa.Column("ordered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("shipped_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
            sa.Column("delivered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
            sa.Column("cancelled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
            sa.Column("shipping_address", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("total_cents", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["customers.account_id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("sales_orders", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_sales_orders_account_id"), ["account_id"], unique=False
            )

    if absent("invoices"):
        op.create_table(
            "invoices",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("account_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("order_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column(
                "status",
                sa.Enum("OPEN", "PAID", "OVERDUE", "VOID", name="invoicestatus"),
                nullable=False,
            ),
            sa.Column("amount_cents", sa.Integer(), nullable=False),
            sa.Column("paid_cents", sa.Integer(), nullable=False),
            sa.Column("issued_on", sa.Date(), nullable=False),
            sa.Column("due_on", sa.Date(), nullable=False),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["customers.account_id"],
            ),
            sa.ForeignKeyConstraint(
                ["order_id"],
                ["sales_orders.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("invoices", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_invoices_account_id"), ["account_id"], unique=False
            )
            batch_op.create_index(batch_op.f("ix_invoices_order_id"), ["order_id"], unique=False)

    if absent("order_lines"):
        op.create_table(
            "order_lines",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("order_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("sku", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("quantity", sa.Integer(), nullable=False),
            sa.Column("unit_price_cents", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["order_id"],
                ["sales_orders.id"],
            ),
            sa.ForeignKeyConstraint(
                ["sku"],
                ["products.sku"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("order_lines", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_order_lines_order_id"), ["order_id"], unique=False)

    if absent("outbox"):
        op.create_table(
            "outbox",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("account_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("invoice_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("to", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["customers.account_id"],
            ),
            sa.ForeignKeyConstraint(
                ["invoice_id"],
                ["invoices.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("outbox", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_outbox_account_id"), ["account_id"], unique=False)

    if absent("payments"):
        op.create_table(
            "payments",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("invoice_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("account_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("amount_cents", sa.Integer(), nullable=False),
            sa.Column("method", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["customers.account_id"],
            ),
            sa.ForeignKeyConstraint(
                ["invoice_id"],
                ["invoices.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("payments", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_payments_account_id"), ["account_id"], unique=False
            )
            batch_op.create_index(
                batch_op.f("ix_payments_invoice_id"), ["invoice_id"], unique=False
            )

    if absent("refunds"):
        op.create_table(
            "refunds",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("invoice_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("order_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("account_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("amount_cents", sa.Integer(), nullable=False),
            sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["customers.account_id"],
            ),
            sa.ForeignKeyConstraint(
                ["invoice_id"],
                ["invoices.id"],
            ),
            sa.ForeignKeyConstraint(
                ["order_id"],
                ["sales_orders.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("refunds", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_refunds_account_id"), ["account_id"], unique=False)
            batch_op.create_index(batch_op.f("ix_refunds_invoice_id"), ["invoice_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refunds_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_refunds_account_id"))

    op.drop_table("refunds")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_payments_account_id"))

    op.drop_table("payments")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_account_id"))

    op.drop_table("outbox")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_lines_order_id"))

    op.drop_table("order_lines")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_order_id"))
        batch_op.drop_index(batch_op.f("ix_invoices_account_id"))

    op.drop_table("invoices")
    with op.batch_alter_table("sales_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_orders_account_id"))

    op.drop_table("sales_orders")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_name"))

    op.drop_table("products")
    op.drop_table("idempotency_keys")
    op.drop_table("customers")
    drop_enums("orderstatus", "invoicestatus")

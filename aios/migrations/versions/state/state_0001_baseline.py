"""The state database as it was when aios adopted migrations.

Revision ID: state_0001
Revises:
Create Date: 2026-12-01 11:30:27.443001

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from aios.migrations._baseline import absent

# revision identifiers, used by Alembic.
revision: str = "state_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if absent("api_idempotency"):
        op.create_table(
            "api_idempotency",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("user", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
            sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
            sa.Column("response", sa.Text(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("user", "key"),
        )
    if absent("api_sessions"):
        op.create_table(
            "api_sessions",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
            sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("api_sessions", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_api_sessions_owner"), ["owner"], unique=False)

    if absent("api_transcript"):
        op.create_table(
            "api_transcript",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("said", sa.Text(), nullable=True),
            sa.Column("event", sa.Text(), nullable=False),
            sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("api_transcript", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_api_transcript_session_id"), ["session_id"], unique=False
            )

    if absent("approvals"):
        op.create_table(
            "approvals",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
            sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("step_index", sa.Integer(), nullable=False),
            sa.Column("tool", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("arguments", sa.Text(), nullable=False),
            sa.Column("args_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
            sa.Column("description", sa.Text(), nullable=False),
            sa.Column("reason", sa.Text(), nullable=False),
            sa.Column("requester", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("required_role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("level", sa.Integer(), nullable=False),
            sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("decided_role", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
            sa.Column("outcome", sa.Text(), nullable=True),
            sa.Column("requester_notified", sa.Boolean(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("approvals", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_approvals_requester"), ["requester"], unique=False)
            batch_op.create_index(
                batch_op.f("ix_approvals_required_role"), ["required_role"], unique=False
            )
            batch_op.create_index(
                batch_op.f("ix_approvals_session_id"), ["session_id"], unique=False
            )
            batch_op.create_index(batch_op.f("ix_approvals_status"), ["status"], unique=False)

    if absent("audit_events"):
        op.create_table(
            "audit_events",
            sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
            sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
            sa.Column("recorded_at", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
            sa.Column("occurred_at", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
            sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("on_behalf_of", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("step", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("tool", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("arguments", sa.Text(), nullable=False),
            sa.Column("result", sa.Text(), nullable=True),
            sa.Column("policy_decision", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("approval_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("policy_version", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.PrimaryKeyConstraint("seq"),
        )
        with op.batch_alter_table("audit_events", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_audit_events_session_id"), ["session_id"], unique=False
            )

    if absent("slack_approval_posts"):
        op.create_table(
            "slack_approval_posts",
            sa.Column("approval_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
            sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
            sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
            sa.Column("ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
            sa.Column("shown", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
            sa.Column("settled", sa.Boolean(), nullable=False),
            sa.PrimaryKeyConstraint("approval_id"),
        )
        with op.batch_alter_table("slack_approval_posts", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_slack_approval_posts_session_id"), ["session_id"], unique=False
            )
            batch_op.create_index(
                batch_op.f("ix_slack_approval_posts_settled"), ["settled"], unique=False
            )

    if absent("slack_deliveries"):
        op.create_table(
            "slack_deliveries",
            sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
            sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )
    if absent("slack_threads"):
        op.create_table(
            "slack_threads",
            sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
            sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
            sa.Column("thread_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
            sa.Column("plan_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
            sa.Column("plan", sa.Text(), nullable=True),
            sa.PrimaryKeyConstraint("session_id"),
        )
    if absent("users"):
        op.create_table(
            "users",
            sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
            sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
            sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("name"),
        )
    if absent("api_keys"):
        op.create_table(
            "api_keys",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
            sa.Column("user_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("key_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
            sa.Column("label", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
            sa.ForeignKeyConstraint(
                ["user_name"],
                ["users.name"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("key_hash"),
        )
        with op.batch_alter_table("api_keys", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_api_keys_user_name"), ["user_name"], unique=False)

    if absent("slack_links"):
        op.create_table(
            "slack_links",
            sa.Column("slack_user", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
            sa.Column("user_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["user_name"],
                ["users.name"],
            ),
            sa.PrimaryKeyConstraint("slack_user"),
        )
        with op.batch_alter_table("slack_links", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_slack_links_user_name"), ["user_name"], unique=False
            )

    if absent("api_key_scopes"):
        op.create_table(
            "api_key_scopes",
            sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
            sa.Column("origins", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("rate_limit", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
            sa.ForeignKeyConstraint(
                ["key_id"],
                ["api_keys.id"],
            ),
            sa.PrimaryKeyConstraint("key_id"),
        )


def downgrade() -> None:
    op.drop_table("api_key_scopes")
    with op.batch_alter_table("slack_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_links_user_name"))

    op.drop_table("slack_links")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_user_name"))

    op.drop_table("api_keys")
    op.drop_table("users")
    op.drop_table("slack_threads")
    op.drop_table("slack_deliveries")
    with op.batch_alter_table("slack_approval_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_approval_posts_settled"))
        batch_op.drop_index(batch_op.f("ix_slack_approval_posts_session_id"))

    op.drop_table("slack_approval_posts")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_session_id"))

    op.drop_table("audit_events")
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approvals_status"))
        batch_op.drop_index(batch_op.f("ix_approvals_session_id"))
        batch_op.drop_index(batch_op.f("ix_approvals_required_role"))
        batch_op.drop_index(batch_op.f("ix_approvals_requester"))

    op.drop_table("approvals")
    with op.batch_alter_table("api_transcript", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_transcript_session_id"))

    op.drop_table("api_transcript")
    with op.batch_alter_table("api_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_sessions_owner"))

    op.drop_table("api_sessions")
    op.drop_table("api_idempotency")

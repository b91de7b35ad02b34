"""webhooks: URLs a segment's runs and live changes are posted to, and each delivery and attempt

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 09:00:00

A delivery is written in the transaction that records what it tells (a finished run, a batch of
live changes), under the segment's lock: per webhook, delivery ids are in the order of events.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "segment_webhooks",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("segment_id", sa.BigInteger(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_segment_webhooks")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "segment_id"],
            ["segments.product_segments.tenant_id", "segments.product_segments.id"],
            ondelete="CASCADE",
            name=op.f("fk_segment_webhooks_segment"),
        ),
        schema="segments",
    )
    op.create_index(
        "ix_segment_webhooks_segment", "segment_webhooks", ["tenant_id", "segment_id"], schema="segments"
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("webhook_id", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("event IN ('run', 'live')", name=op.f("ck_webhook_deliveries_event_known")),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'failed')", name=op.f("ck_webhook_deliveries_status_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "webhook_id"],
            ["segments.segment_webhooks.tenant_id", "segments.segment_webhooks.id"],
            ondelete="CASCADE",
            name=op.f("fk_webhook_deliveries_webhook"),
        ),
        schema="segments",
    )
    op.create_index(
        "ix_webhook_deliveries_by_webhook", "webhook_deliveries", ["tenant_id", "webhook_id", "id"], schema="segments"
    )
    op.create_index(  # each webhook's oldest pending delivery: the next one to attempt
        "ix_webhook_deliveries_pending",
        "webhook_deliveries",
        ["webhook_id", "id"],
        schema="segments",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "webhook_attempts",
        sa.Column("delivery_id", sa.BigInteger(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), server_default="", nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("delivery_id", "attempt", name=op.f("pk_webhook_attempts")),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["segments.webhook_deliveries.id"],
            ondelete="CASCADE",
            name=op.f("fk_webhook_attempts_delivery"),
        ),
        schema="segments",
    )


def downgrade() -> None:
    op.drop_table("webhook_attempts", schema="segments")
    op.drop_table("webhook_deliveries", schema="segments")
    op.drop_table("segment_webhooks", schema="segments")

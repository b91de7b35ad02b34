"""product segments

Revision ID: 0001
Revises:
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_segments",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("definition", postgresql.JSONB(), nullable=False),
        sa.Column("refresh_interval", sa.Integer(), server_default="60", nullable=False),
        sa.Column("computed_count", sa.BigInteger(), nullable=True),
        sa.Column("last_computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "refresh_interval >= 1", name=op.f("ck_product_segments_refresh_interval_positive")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_product_segments")),
        schema="segments",
    )


def downgrade() -> None:
    op.drop_table("product_segments", schema="segments")

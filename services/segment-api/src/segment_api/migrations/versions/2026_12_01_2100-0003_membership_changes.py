"""membership changes: what live membership made enter and leave each segment, in order (the feed)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:00:00

Ids are given under the segment's lock, so that, per segment, a higher id always committed later:
a consumer that reads "after my cursor" never misses a change. A change is recorded once per
(run, SKU, product version, direction), however often a relay that died is run again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "membership_changes",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("segment_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("entered", sa.Boolean(), nullable=False),
        sa.Column("product_version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "segment_id", "id", name=op.f("pk_membership_changes")),
        sa.UniqueConstraint(
            "segment_id", "run_id", "sku", "product_version", "entered", name=op.f("uq_membership_changes_once")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "segment_id"],
            ["segments.product_segments.tenant_id", "segments.product_segments.id"],
            ondelete="CASCADE",
            name=op.f("fk_membership_changes_segment"),
        ),
        schema="segments",
    )


def downgrade() -> None:
    op.drop_table("membership_changes", schema="segments")

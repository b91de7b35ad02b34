"""segment runs: each computation of a segment, its counts and what entered and left

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Run ids are the membership rows' version in ClickHouse: one sequence, so a version names one run.
    op.execute("CREATE SEQUENCE segments.run_id_seq")
    op.create_table(
        "segment_runs",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("segment_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), server_default=sa.text("nextval('segments.run_id_seq')"), nullable=False),
        sa.Column("status", sa.Text(), server_default="computing", nullable=False),
        sa.Column("previous_run_id", sa.BigInteger(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("member_count", sa.BigInteger(), nullable=True),
        sa.Column("entered_count", sa.BigInteger(), nullable=True),
        sa.Column("exited_count", sa.BigInteger(), nullable=True),
        sa.Column("entered", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("exited", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("error", sa.Text(), server_default="", nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('computing', 'done', 'failed', 'obsolete')", name=op.f("ck_segment_runs_status_known")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "segment_id", "id", name=op.f("pk_segment_runs")),
        schema="segments",
    )
    op.create_index("ix_segment_runs_status", "segment_runs", ["status"], schema="segments")
    op.add_column("product_segments", sa.Column("current_run_id", sa.BigInteger(), nullable=True), schema="segments")


def downgrade() -> None:
    op.drop_column("product_segments", "current_run_id", schema="segments")
    op.drop_table("segment_runs", schema="segments")
    op.execute("DROP SEQUENCE segments.run_id_seq")

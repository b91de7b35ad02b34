"""import progress: rows rejected, the running attempt and its heartbeat (resume and fencing)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "import_jobs", sa.Column("rejected_count", sa.BigInteger(), server_default="0", nullable=False), schema="pim"
    )
    op.add_column(
        "import_jobs", sa.Column("attempt", sa.Integer(), server_default="0", nullable=False), schema="pim"
    )
    op.add_column(
        "import_jobs", sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True), schema="pim"
    )
    op.add_column(
        "import_jobs", sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True), schema="pim"
    )
    # The watchdog's question: which unfinished jobs has no worker touched lately.
    op.create_index(
        "ix_import_jobs_unfinished",
        "import_jobs",
        ["heartbeat_at"],
        schema="pim",
        postgresql_where=sa.text("status IN ('pending', 'importing')"),
    )


def downgrade() -> None:
    op.drop_index("ix_import_jobs_unfinished", "import_jobs", schema="pim")
    for column in ("confirmed_at", "heartbeat_at", "attempt", "rejected_count"):
        op.drop_column("import_jobs", column, schema="pim")

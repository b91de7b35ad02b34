"""import jobs: CSV uploads stored in chunks (readable by a worker on any machine), their progress
and row errors

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("status", sa.Text(), server_default="mapping", nullable=False),
        sa.Column("filename", sa.Text(), server_default="", nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("encoding", sa.Text(), nullable=False),
        sa.Column("delimiter", sa.Text(), nullable=False),
        sa.Column("headers", postgresql.JSONB(), nullable=False),
        sa.Column("renamed_headers", postgresql.JSONB(), server_default="[]", nullable=False),
        sa.Column("mapping", postgresql.JSONB(), nullable=True),
        sa.Column("row_count", sa.BigInteger(), nullable=True),
        sa.Column("imported_count", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("error_count", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("error_message", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('mapping', 'pending', 'importing', 'done', 'failed')",
            name=op.f("ck_import_jobs_status_known"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_import_jobs")),
        schema="pim",
    )
    op.create_index("ix_import_jobs_id", "import_jobs", ["id"], unique=True, schema="pim")
    op.create_table(
        "import_chunks",
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", postgresql.BYTEA(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "seq", name=op.f("pk_import_chunks")),
        schema="pim",
    )
    op.create_table(
        "import_errors",
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("line", sa.BigInteger(), nullable=False),  # the header is line 1
        sa.Column("column", sa.Text(), nullable=True),  # None: the row as a whole (ragged)
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "id", name=op.f("pk_import_errors")),
        schema="pim",
    )
    op.create_index("ix_import_errors_job_line", "import_errors", ["job_id", "line"], schema="pim")
    # Uploads are stored as they came: compressing them would cost the upload's 3 s for little.
    op.execute("ALTER TABLE pim.import_chunks ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("import_errors", schema="pim")
    op.drop_table("import_chunks", schema="pim")
    op.drop_table("import_jobs", schema="pim")

"""replica epoch: how many times a tenant's field types changed (the replica's rows carry it)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "product_schemas",
        sa.Column("replica_epoch", sa.Integer(), server_default="0", nullable=False),
        schema="pim",
    )


def downgrade() -> None:
    op.drop_column("product_schemas", "replica_epoch", schema="pim")

"""products and product outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 08:54:10.835017
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
    # pg_trgm: `q` (contains on name); btree_gin: tenant_id first in the GIN indexes.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.execute("CREATE SEQUENCE pim.product_version_seq")
    op.create_table(
        "products",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("source", sa.Text(), server_default="api", nullable=False),
        sa.Column("ai_readability_score", sa.Double(), nullable=True),
        sa.Column(
            "version",
            sa.BigInteger(),
            server_default=sa.text("nextval('pim.product_version_seq')"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["pim.tenants.id"], name=op.f("fk_products_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_products")),
        sa.UniqueConstraint("tenant_id", "sku", name=op.f("uq_products_tenant_id_sku")),
        schema="pim",
    )
    op.create_index(
        "ix_products_data",
        "products",
        ["tenant_id", "data"],
        schema="pim",
        postgresql_using="gin",
        postgresql_ops={"data": "jsonb_path_ops"},
    )
    op.create_index(
        "ix_products_name_trgm",
        "products",
        ["tenant_id", "name"],
        schema="pim",
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_table(
        "product_outbox",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_product_outbox")),
        schema="pim",
    )
    op.create_index("ix_product_outbox_id", "product_outbox", ["id"], schema="pim")


def downgrade() -> None:
    op.drop_table("product_outbox", schema="pim")
    op.drop_table("products", schema="pim")
    op.execute("DROP SEQUENCE pim.product_version_seq")

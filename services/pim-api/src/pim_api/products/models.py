"""The product table, and what the database does on every write to it.

Each INSERT, UPDATE and DELETE on `pim.products`, whichever code or SQL makes it, fires
statement-level triggers (transition tables, one statement each) that keep these in step, in the
same transaction:

- `pim.product_value_counts`: exact counts of each counted field's values, for the product list
  and facets (migration 0003; read by `products/counts.py`);
- a `pg_notify` on `pim_product_changes` after updates and deletes, which evicts cached product
  documents (0004; heard by `products/cache.py`);
- `pim.product_names`: lowercased names under a trigram index, for `?q=` (0005; searched by
  `products/repository.py`);
- `pim.product_outbox`: one row per write, the sync's queue to ClickHouse (0006; read by
  `outbox/reader.py`);
- `pim.readability_counts`: how many products have each (score, gaps) pair, for score filters
  and the readability summary (0011; read by `readability/counts.py`).

The migrations are in `pim_api/migrations/versions/`, numbered as above.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, Sequence, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pim_api.db import SCHEMA, Base
from pim_api.tenancy.models import TenantRow

# One sequence for every product write of every tenant: versions only grow, even across a delete
# and a re-create of the same SKU, so the ClickHouse replica (ReplacingMergeTree(version)) keeps
# the newest state.
PRODUCT_VERSION = Sequence("product_version_seq", schema=SCHEMA, metadata=Base.metadata)


class ProductRow(Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("tenant_id", "sku"),
        # <field>=value filters: jsonb containment.
        Index(
            "ix_products_data",
            "tenant_id",
            "data",
            postgresql_using="gin",
            postgresql_ops={"data": "jsonb_path_ops"},
        ),
    )

    tenant_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey(TenantRow.id, ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    sku: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    source: Mapped[str] = mapped_column(Text, server_default="api")
    ai_readability_score: Mapped[float | None]
    # What the product lacks, as bits of readability.score.GAPS; its description's fingerprint, to
    # count the products sharing it (migration 0011). Both written with the score.
    readability_gaps: Mapped[int | None]
    description_fingerprint: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(
        BigInteger, PRODUCT_VERSION, server_default=PRODUCT_VERSION.next_value()
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ProductNameRow(Base):
    """lower(name) of every product, narrow, for `q` (kept by triggers: migration 0005)."""

    __tablename__ = "product_names"
    __table_args__ = (
        Index(
            "ix_product_names_trgm",
            "tenant_id",
            "name_lower",
            postgresql_using="gin",
            postgresql_ops={"name_lower": "gin_trgm_ops"},
        ),
    )

    tenant_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name_lower: Mapped[str] = mapped_column(Text)

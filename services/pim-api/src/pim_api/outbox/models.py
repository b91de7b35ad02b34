from datetime import datetime

from sqlalchemy import BigInteger, Identity, Index, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from pim_api.db import Base


class ProductOutboxRow(Base):
    """One row per product write, written by triggers (migration 0006); the relay replays them to
    ClickHouse in `id` order.

    Carries the SKU so that a delete can be relayed as a tombstone after the product row is gone.
    No foreign key to the tenant: the outbox outlives what it reports.
    """

    __tablename__ = "product_outbox"
    __table_args__ = (Index("ix_product_outbox_id", "id"),)

    tenant_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    product_id: Mapped[int] = mapped_column(BigInteger)
    sku: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(server_default="false")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

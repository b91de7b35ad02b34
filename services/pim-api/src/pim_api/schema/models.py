from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Identity, Integer, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pim_api.db import Base
from pim_api.tenancy.models import TenantRow


class ProductSchemaRow(Base):
    """One schema per tenant, created with the tenant."""

    __tablename__ = "product_schemas"

    tenant_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey(TenantRow.id, ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), unique=True)
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # The fields whose values are counted on write (pim.product_value_counts, migration 0003).
    counted_fields: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    # Grows when the field types change: the ClickHouse replica's rows carry it (segdsl.replica_version),
    # so a resync under the new epoch replaces the rows typed by the old fields.
    replica_epoch: Mapped[int] = mapped_column(Integer, server_default="0")
    # The replica epoch the tenant's readability scores were computed under (readability/rescore.py).
    readability_epoch: Mapped[int | None] = mapped_column(Integer, server_default="0")
    default_currency: Mapped[str] = mapped_column(Text, default="USD")
    default_locale: Mapped[str] = mapped_column(Text, default="en_US")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

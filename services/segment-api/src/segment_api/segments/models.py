from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Identity, Integer, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from segment_api.db import Base

DEFAULT_REFRESH_MINUTES = 60


class SegmentRow(Base):
    """A tenant's segment: its definition (as validated, canonical JSON) and its last computation."""

    __tablename__ = "product_segments"
    __table_args__ = (CheckConstraint("refresh_interval >= 1", name="refresh_interval_positive"),)

    tenant_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, server_default="")
    is_active: Mapped[bool] = mapped_column(server_default="false")
    definition: Mapped[dict[str, Any]] = mapped_column(JSONB)
    refresh_interval: Mapped[int] = mapped_column(Integer, server_default=str(DEFAULT_REFRESH_MINUTES))
    computed_count: Mapped[int | None] = mapped_column(BigInteger)
    last_computed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

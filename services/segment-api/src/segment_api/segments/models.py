from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Identity, Index, Integer, Sequence, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from segment_api.db import SCHEMA, Base

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
    current_run_id: Mapped[int | None] = mapped_column(BigInteger)  # the run members are read from
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


RUN_ID = Sequence("run_id_seq", schema=SCHEMA, metadata=Base.metadata)


class RunRow(Base):
    """One computation of a segment: its members are the ClickHouse rows of version `id`."""

    __tablename__ = "segment_runs"
    __table_args__ = (
        CheckConstraint("status IN ('computing', 'done', 'failed', 'obsolete')", name="status_known"),
        Index("ix_segment_runs_status", "status"),
    )

    tenant_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    segment_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, RUN_ID, primary_key=True, server_default=RUN_ID.next_value())
    status: Mapped[str] = mapped_column(Text, server_default="computing")
    previous_run_id: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
    computed_at: Mapped[datetime | None]
    member_count: Mapped[int | None] = mapped_column(BigInteger)
    entered_count: Mapped[int | None] = mapped_column(BigInteger)
    exited_count: Mapped[int | None] = mapped_column(BigInteger)
    entered: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    exited: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    error: Mapped[str] = mapped_column(Text, server_default="")
    purged_at: Mapped[datetime | None]  # when its membership rows were deleted (the run itself is kept)


class MembershipChangeRow(Base):
    """A SKU that live membership made enter or leave a segment (migration 0003)."""

    __tablename__ = "membership_changes"

    tenant_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    segment_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    run_id: Mapped[int] = mapped_column(BigInteger)
    sku: Mapped[str] = mapped_column(Text)
    entered: Mapped[bool]
    product_version: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(server_default=func.now())

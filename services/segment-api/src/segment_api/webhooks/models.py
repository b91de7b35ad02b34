from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Identity, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from segment_api.db import Base


class WebhookRow(Base):
    """A URL a segment's runs and live changes are posted to, signed with its secret (migration 0004)."""

    __tablename__ = "segment_webhooks"

    tenant_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    segment_id: Mapped[int] = mapped_column(BigInteger)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class DeliveryRow(Base):
    """One event for one webhook: its body as signed and sent, and where its attempts stand."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(BigInteger)
    webhook_id: Mapped[int] = mapped_column(BigInteger)
    event: Mapped[str] = mapped_column(Text)  # run | live
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, server_default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now())
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]


class AttemptRow(Base):
    """One POST of a delivery: the receiver's status code, or why there was none."""

    __tablename__ = "webhook_attempts"

    delivery_id: Mapped[int] = mapped_column(BigInteger, ForeignKey(DeliveryRow.id), primary_key=True)
    attempt: Mapped[int] = mapped_column(primary_key=True)
    attempted_at: Mapped[datetime] = mapped_column(server_default=func.now())
    status_code: Mapped[int | None]
    error: Mapped[str] = mapped_column(Text, server_default="")
    duration_ms: Mapped[int]

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Identity, Integer, LargeBinary, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pim_api.db import Base


class ImportJobRow(Base):
    """A CSV upload and its import: `mapping` → `pending` → `importing` → `done` | `failed`."""

    __tablename__ = "import_jobs"

    tenant_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    status: Mapped[str] = mapped_column(Text, server_default="mapping")
    filename: Mapped[str] = mapped_column(Text, server_default="")
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    chunk_count: Mapped[int] = mapped_column(Integer)
    encoding: Mapped[str] = mapped_column(Text)
    delimiter: Mapped[str] = mapped_column(Text)
    headers: Mapped[list[str]] = mapped_column(JSONB)
    renamed_headers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    mapping: Mapped[dict[str, str | None] | None] = mapped_column(JSONB, nullable=True)
    row_count: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    imported_count: Mapped[int] = mapped_column(BigInteger, server_default="0")
    error_count: Mapped[int] = mapped_column(BigInteger, server_default="0")
    error_message: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class ImportChunkRow(Base):
    """One piece of an upload's bytes, in order (`seq` from 0)."""

    __tablename__ = "import_chunks"

    job_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)

from datetime import UTC, datetime
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
    rejected_count: Mapped[int] = mapped_column(BigInteger, server_default="0")  # rows not imported
    error_count: Mapped[int] = mapped_column(BigInteger, server_default="0")  # their problems
    error_message: Mapped[str] = mapped_column(Text, server_default="")
    # Each run of the import takes the next attempt; a batch commits only under the current one.
    attempt: Mapped[int] = mapped_column(Integer, server_default="0")
    heartbeat_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    confirmed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)

    @property
    def rows_per_second(self) -> float | None:
        """Rows imported or rejected per second since the first start (to the end, when finished)."""
        if self.started_at is None:
            return None
        seconds = ((self.completed_at or datetime.now(UTC)) - self.started_at).total_seconds()
        return round((self.imported_count + self.rejected_count) / seconds, 1) if seconds > 0 else None


class ImportChunkRow(Base):
    """One piece of an upload's bytes, in order (`seq` from 0)."""

    __tablename__ = "import_chunks"

    job_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ImportErrorRow(Base):
    """A problem of one data row, which was not imported (`line`: the header is line 1)."""

    __tablename__ = "import_errors"

    job_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    line: Mapped[int] = mapped_column(BigInteger)
    column: Mapped[str | None] = mapped_column(Text, nullable=True)  # None: the row as a whole
    value: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)

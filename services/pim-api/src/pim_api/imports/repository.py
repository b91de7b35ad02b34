"""SQL for import jobs and their stored uploads."""

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.imports.models import ImportChunkRow, ImportErrorRow, ImportJobRow


class ImportJobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, tenant_id: int, **values: Any) -> ImportJobRow:
        row = ImportJobRow(tenant_id=tenant_id, **values)
        self.session.add(row)
        await self.session.flush()
        await self.session.refresh(row)
        return row

    async def add_chunk(self, job_id: int, seq: int, data: bytes) -> None:
        await self.session.execute(insert(ImportChunkRow).values(job_id=job_id, seq=seq, data=data))

    async def get(self, tenant_id: int, job_id: int, *, for_update: bool = False) -> ImportJobRow | None:
        query = select(ImportJobRow).where(ImportJobRow.tenant_id == tenant_id, ImportJobRow.id == job_id)
        return await self.session.scalar(query.with_for_update() if for_update else query)

    async def of_tenant(self, tenant_id: int) -> list[ImportJobRow]:
        """The tenant's jobs, newest first."""
        rows = await self.session.scalars(
            select(ImportJobRow).where(ImportJobRow.tenant_id == tenant_id).order_by(ImportJobRow.id.desc())
        )
        return list(rows)

    async def errors_page(self, job_id: int, offset: int, limit: int) -> list[ImportErrorRow]:
        """The job's row errors in file order (then in the order found)."""
        rows = await self.session.scalars(
            select(ImportErrorRow)
            .where(ImportErrorRow.job_id == job_id)
            .order_by(ImportErrorRow.line, ImportErrorRow.id)
            .offset(offset)
            .limit(limit)
        )
        return list(rows)

    async def chunk(self, job_id: int, seq: int) -> bytes:
        data = await self.session.scalar(
            select(ImportChunkRow.data).where(ImportChunkRow.job_id == job_id, ImportChunkRow.seq == seq)
        )
        if data is None:
            raise LookupError(f"chunk {seq} of import job {job_id} is not stored")
        return data


class ImportRunRepository:
    """The states of a running import, each fenced by the run's `attempt`: a run the watchdog gave
    up on (and a newer one took over) can no longer change the job."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, tenant_id: int, job_id: int, stale_seconds: float) -> int | None:
        """Start a run of a `pending` job, or take over an `importing` one whose run went silent;
        the new run's attempt, or None when the job is not to be run (finished, or running)."""
        attempt = await self.session.scalar(
            _CLAIM, {"tenant_id": tenant_id, "id": job_id, "stale": stale_seconds}
        )
        return int(attempt) if attempt is not None else None

    async def beat(self, tenant_id: int, job_id: int, attempt: int, **counts: int) -> bool:
        """Heartbeat, adding `counts` (imported, rejected, errors, all 0 by default) to the job's;
        False when the run was superseded."""
        values = {"imported": 0, "rejected": 0, "errors": 0, **counts}
        result = await self.session.execute(
            _BEAT, {"tenant_id": tenant_id, "id": job_id, "attempt": attempt, **values}
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def set_row_count(self, tenant_id: int, job_id: int, attempt: int, row_count: int) -> None:
        await self.session.execute(
            _SET_ROW_COUNT, {"tenant_id": tenant_id, "id": job_id, "attempt": attempt, "rows": row_count}
        )

    async def end(self, tenant_id: int, job_id: int, attempt: int, status: str, message: str = "") -> None:
        """`done`, or `failed` with a message a person can act on."""
        await self.session.execute(
            _END,
            {"tenant_id": tenant_id, "id": job_id, "attempt": attempt, "status": status, "message": message},
        )

    async def stalled(self, stale_seconds: float) -> list[tuple[int, int, datetime]]:
        """(tenant_id, id, last sign of life) of the confirmed jobs no run has touched for
        `stale_seconds`."""
        rows = await self.session.execute(_STALLED, {"stale": stale_seconds})
        return [(row.tenant_id, row.id, row.last_seen) for row in rows]

    async def purge_uploads(self, retention_days: int) -> int:
        """Delete the stored files of jobs finished (or never confirmed) more than `retention_days`
        ago; how many jobs' files went."""
        result = await self.session.execute(_PURGE_UPLOADS, {"days": retention_days})
        return len(result.all())


_CLAIM = text(
    """
    UPDATE pim.import_jobs
    SET status = 'importing', attempt = attempt + 1, heartbeat_at = now(),
        started_at = coalesce(started_at, now())
    WHERE tenant_id = :tenant_id AND id = :id
      AND (status = 'pending'
           OR (status = 'importing' AND heartbeat_at < now() - make_interval(secs => :stale)))
    RETURNING attempt
    """
)
_FENCE = "tenant_id = :tenant_id AND id = :id AND attempt = :attempt AND status = 'importing'"
_BEAT = text(
    f"""
    UPDATE pim.import_jobs
    SET heartbeat_at = now(), imported_count = imported_count + :imported,
        rejected_count = rejected_count + :rejected, error_count = error_count + :errors
    WHERE {_FENCE}
    """  # noqa: S608  (constant text)
)
_SET_ROW_COUNT = text(f"UPDATE pim.import_jobs SET row_count = :rows WHERE {_FENCE}")  # noqa: S608
_END = text(
    f"""
    UPDATE pim.import_jobs
    SET status = :status, error_message = :message, completed_at = now(), heartbeat_at = now()
    WHERE {_FENCE}
    """  # noqa: S608
)
_STALLED = text(
    """
    SELECT tenant_id, id, last_seen
    FROM pim.import_jobs, coalesce(heartbeat_at, confirmed_at) AS last_seen
    WHERE status IN ('pending', 'importing') AND last_seen < now() - make_interval(secs => :stale)
    """
)
# Jobs left in `mapping` past the retention are failed with the reason, so that their files can go.
_PURGE_UPLOADS = text(
    """
    WITH expired AS (
        UPDATE pim.import_jobs
        SET status = CASE status WHEN 'mapping' THEN 'failed' ELSE status END,
            error_message = CASE status
                WHEN 'mapping' THEN 'never confirmed: the upload was deleted after the retention period'
                ELSE error_message END,
            completed_at = coalesce(completed_at, now()),
            chunk_count = 0
        WHERE chunk_count > 0
          AND ((status IN ('done', 'failed') AND completed_at < now() - make_interval(days => :days))
               OR (status = 'mapping' AND created_at < now() - make_interval(days => :days)))
        RETURNING id
    ), deleted AS (
        DELETE FROM pim.import_chunks c USING expired WHERE c.job_id = expired.id
    )
    SELECT id FROM expired
    """
)

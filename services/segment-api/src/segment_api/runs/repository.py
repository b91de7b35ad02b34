"""SQL for segment runs (and the segment row a finished run updates). Scoped by tenant."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from segment_api.clickhouse.membership_store import RunChanges
from segment_api.segments.models import RunRow, SegmentRow

KEPT_RUNS = 5  # done runs whose members stay readable, per segment (older ones: only their changes)


class RunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def start(self, segment: SegmentRow) -> RunRow:
        statement = (
            insert(RunRow)
            .values(
                tenant_id=segment.tenant_id, segment_id=segment.id, previous_run_id=segment.current_run_id
            )
            .returning(RunRow)
        )
        run = await self.session.scalar(statement)
        assert run is not None
        return run

    async def finish(self, run: RunRow, member_count: int, changes: RunChanges) -> datetime:
        """Mark the run done and make it the segment's current one; when it was computed."""
        computed_at: datetime = await self.session.scalar(select(func.now()))  # type: ignore[assignment]
        await self.session.execute(
            update(RunRow)
            .where(
                RunRow.tenant_id == run.tenant_id,
                RunRow.segment_id == run.segment_id,
                RunRow.id == run.id,
                RunRow.status == "computing",  # not if the segment was deleted meanwhile (obsolete)
            )
            .values(
                status="done",
                computed_at=computed_at,
                member_count=member_count,
                entered_count=changes.entered_count,
                exited_count=changes.exited_count,
                entered=changes.entered,
                exited=changes.exited,
            )
        )
        await self.session.execute(
            update(SegmentRow)
            .where(SegmentRow.tenant_id == run.tenant_id, SegmentRow.id == run.segment_id)
            .values(current_run_id=run.id, computed_count=member_count, last_computed_at=computed_at)
        )
        return computed_at

    async def fail(self, run: RunRow, error: str) -> None:
        await self.session.execute(
            update(RunRow)
            .where(
                RunRow.tenant_id == run.tenant_id, RunRow.segment_id == run.segment_id, RunRow.id == run.id
            )
            .values(status="failed", error=error[:2_000])
        )

    async def kept(self, tenant_id: int, segment_id: int, run_id: int) -> RunRow | None:
        """A done run whose members are still readable."""
        statement = select(RunRow).where(
            RunRow.tenant_id == tenant_id,
            RunRow.segment_id == segment_id,
            RunRow.id == run_id,
            RunRow.status == "done",
            RunRow.purged_at.is_(None),
        )
        return await self.session.scalar(statement)

    async def latest(self, tenant_id: int, segment_id: int, limit: int) -> list[RunRow]:
        """The segment's last done runs, newest first."""
        statement = (
            select(RunRow)
            .where(RunRow.tenant_id == tenant_id, RunRow.segment_id == segment_id, RunRow.status == "done")
            .order_by(RunRow.id.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(statement))

    async def abandon(self, tenant_id: int, segment_id: int) -> None:
        """A deleted segment's runs: their members are purged with the next sweep."""
        await self.session.execute(
            update(RunRow)
            .where(RunRow.tenant_id == tenant_id, RunRow.segment_id == segment_id, RunRow.purged_at.is_(None))
            .values(status="obsolete")
        )

    async def purgeable(self) -> list[int]:
        """Runs whose members are no longer read: failed, abandoned, or done and older than the kept ones."""
        rows = await self.session.execute(_PURGEABLE, {"kept": KEPT_RUNS})
        return [run_id for (run_id,) in rows]

    async def mark_purged(self, run_ids: Sequence[int]) -> None:
        await self.session.execute(update(RunRow).where(RunRow.id.in_(run_ids)).values(purged_at=func.now()))

    async def due(self) -> list[tuple[int, int]]:
        """(tenant_id, segment_id) of the active segments whose refresh interval has passed."""
        return [(tenant_id, segment_id) for tenant_id, segment_id in await self.session.execute(_DUE)]

    async def fail_stuck(self, older_than_seconds: int) -> None:
        """Runs still computing long after they started: their worker died."""
        await self.session.execute(_FAIL_STUCK, {"seconds": older_than_seconds})


_PURGEABLE = text(
    """
    SELECT id FROM (
        SELECT id, status, purged_at,
               row_number() OVER (PARTITION BY tenant_id, segment_id, status ORDER BY id DESC) AS newest
        FROM segments.segment_runs
        WHERE purged_at IS NULL AND status <> 'computing'
    ) runs
    WHERE status IN ('failed', 'obsolete') OR (status = 'done' AND newest > :kept)
    """
)
_DUE = text(
    """
    SELECT s.tenant_id, s.id FROM segments.product_segments s
    WHERE s.is_active
      AND (s.last_computed_at IS NULL
           OR s.last_computed_at + make_interval(mins => s.refresh_interval) <= now())
      AND NOT EXISTS (
          SELECT 1 FROM segments.segment_runs r
          WHERE r.tenant_id = s.tenant_id AND r.segment_id = s.id AND r.status = 'computing'
      )
    ORDER BY s.last_computed_at NULLS FIRST
    """
)
_FAIL_STUCK = text(
    "UPDATE segments.segment_runs SET status = 'failed', error = 'abandoned: still computing after '"
    " || :seconds || ' s' WHERE status = 'computing' AND started_at < now() - make_interval(secs => :seconds)"
)

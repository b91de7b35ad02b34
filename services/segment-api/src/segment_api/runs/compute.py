"""Computing a segment: a new run, its members written by ClickHouse itself, then made current.

Computations of one segment take turns (its lock, `runs.locks`, held for the whole run), so two
never run at once. A run is written under its own id (the memberships' version) and becomes the
segment's current run only once complete: a reader never sees a half-written run. What entered
and left with it goes to the segment's webhooks, queued in the transaction that makes it current.
The definition is checked against the tenant's fields as they are now; one that no longer fits
them fails its run, and the previous run stays current.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from segdsl import DefinitionError, compile_membership_insert, validate_definition
from segment_api.clickhouse.membership_store import MembershipStore
from segment_api.pim_client import PimClient
from segment_api.runs.locks import segment_locks
from segment_api.runs.repository import RunRepository
from segment_api.segments.models import RunRow
from segment_api.segments.repository import SegmentRepository
from segment_api.webhooks.events import has_webhooks, queue_run

log = structlog.get_logger()


@dataclass(frozen=True)
class Computation:
    """What computing needs: the segment side's Postgres and ClickHouse, and pim-api for fields."""

    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    memberships: MembershipStore
    pim: PimClient


async def compute(on: Computation, tenant_id: int, segment_id: int) -> RunRow | None:
    """Compute the segment as a new run; the run (done or failed), or None if the segment is gone."""
    async with segment_locks(on.engine, [segment_id]):
        return await _compute(on, tenant_id, segment_id)


async def _compute(on: Computation, tenant_id: int, segment_id: int) -> RunRow | None:
    async with on.sessionmaker() as session, session.begin():
        segment = await SegmentRepository(session).get(tenant_id, segment_id)
        if segment is None:
            return None
        run = await RunRepository(session).start(segment)
    field_types = await on.pim.field_types(tenant_id)
    try:
        definition = validate_definition(segment.definition, field_types)
    except DefinitionError as error:
        await _fail(on, run, f"the definition no longer fits the tenant's fields: {error}")
        return run
    started = datetime.now(UTC)
    try:
        insert = compile_membership_insert(
            definition,
            tenant_id=tenant_id,
            segment_id=segment_id,
            version=run.id,
            database=on.memberships.runner.database,
            today=started.date(),
            field_types=field_types,
        )
        await on.memberships.fill(insert)
        summary = await on.memberships.summary(tenant_id, segment_id, run.id, run.previous_run_id)
        async with on.sessionmaker() as session:
            notify = await has_webhooks(session, tenant_id, segment_id)
        changed = (
            await on.memberships.changed(tenant_id, segment_id, run.id, run.previous_run_id)
            if notify
            else None
        )
    except Exception as error:
        await _fail(on, run, f"{type(error).__name__}: {error}")
        raise
    async with on.sessionmaker() as session, session.begin():
        await RunRepository(session).finish(run, summary.member_count, summary.changes)
        if changed is not None:
            await queue_run(session, tenant_id, segment_id, run.id, *changed)
    log.info(
        "segment_computed",
        segment_id=segment_id,
        run_id=run.id,
        members=summary.member_count,
        entered=summary.changes.entered_count,
        exited=summary.changes.exited_count,
        seconds=round((datetime.now(UTC) - started).total_seconds(), 3),
    )
    return run


async def _fail(on: Computation, run: RunRow, error: str) -> None:
    async with on.sessionmaker() as session, session.begin():
        await RunRepository(session).fail(run, error)
    log.warning("segment_compute_failed", segment_id=run.segment_id, run_id=run.id, error=error)

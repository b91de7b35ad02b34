"""Segment jobs: computing one segment, refreshing the active ones, purging old runs' members.

The work is the segment side's (`segment_api.runs`); these jobs only schedule it.
"""

from arq import Retry

from import_worker.context import Context, resources
from import_worker.webhooks import DELIVER_JOB
from segment_api.runs.compute import compute
from segment_api.runs.jobs import COMPUTE_JOB
from segment_api.runs.repository import RunRepository
from segops_platform.errors import ServiceUnavailable
from segops_platform.jobs import enqueue, job, wake

COMPUTE_TRIES = 3
RETRY_AFTER_SECONDS = 10
STUCK_AFTER_SECONDS = 3_600


@job
async def compute_segment(ctx: Context, tenant_id: int, segment_id: int) -> int | None:
    """A new run of the segment; its id (None: the segment is gone). Retried while ClickHouse or
    pim-api is out of reach."""
    try:
        run = await compute(resources(ctx).computation, tenant_id, segment_id)
    except ServiceUnavailable:
        if ctx["job_try"] >= COMPUTE_TRIES:
            raise
        raise Retry(defer=RETRY_AFTER_SECONDS) from None
    if run is None:
        return None
    await wake(ctx["redis"], DELIVER_JOB)  # the run's webhook deliveries, if it has any
    return run.id


@job
async def refresh_segments(ctx: Context) -> int:
    """Queue a computation of every active segment whose refresh interval has passed; how many.

    Runs every minute; state is all in Postgres, so a restarted worker picks up where it left off.
    A segment already computing is not queued again (and computations of one segment take turns).
    """
    async with resources(ctx).sessionmaker() as session:
        due = await RunRepository(session).due()
    for tenant_id, segment_id in due:
        await enqueue(ctx["redis"], COMPUTE_JOB, tenant_id, segment_id, _job_id=f"refresh:{segment_id}")
    return len(due)


@job
async def purge_runs(ctx: Context) -> int:
    """Delete the members of runs no one reads any more (failed, abandoned, older than the kept
    ones); how many runs. Their changes stay listed."""
    clients = resources(ctx)
    async with clients.sessionmaker() as session, session.begin():
        runs = RunRepository(session)
        await runs.fail_stuck(STUCK_AFTER_SECONDS)
        purgeable = await runs.purgeable()
        if purgeable:
            await clients.computation.memberships.purge(purgeable)
            await runs.mark_purged(purgeable)
    return len(purgeable)

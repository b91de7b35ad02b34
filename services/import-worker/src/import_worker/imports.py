"""CSV import jobs: running one import, the watchdog that resumes stalled ones, the upload purge.

The work is the PIM's (`pim_api.imports.runner`); these jobs only schedule it.
"""

from import_worker.context import Context, resources
from import_worker.relay import relay_created
from pim_api.imports.confirm import queue_import
from pim_api.imports.repository import ImportRunRepository
from pim_api.imports.runner import RunSettings, run_import
from pim_api.imports.writer import Written
from segops_platform.jobs import job


@job
async def import_csv(ctx: Context, tenant_id: int, job_id: int) -> None:
    """Import (or resume) a confirmed upload; each committed batch is relayed to the replica."""
    clients = resources(ctx)
    settings = clients.settings
    run_settings = RunSettings(
        batch_rows=settings.import_batch_rows,
        heartbeat_seconds=settings.import_heartbeat_seconds,
        stale_seconds=settings.import_stale_seconds,
    )

    async def after_batch(written: Written) -> None:
        await relay_created(ctx, tenant_id, written)

    await run_import(clients.sessionmaker, tenant_id, job_id, run_settings, after_batch)


@job
async def watch_imports(ctx: Context) -> int:
    """Queue the confirmed imports that no run is moving (a worker died, a queued job was lost);
    how many. The run resumes from the job's last committed batch."""
    clients = resources(ctx)
    async with clients.sessionmaker() as session:
        stalled = await ImportRunRepository(session).stalled(clients.settings.import_stale_seconds)
    for tenant_id, job_id, last_seen in stalled:
        # Once per stall: a job id of its own, as the stalled run's may stay "in progress" in arq
        # (a killed worker's) until arq's timeout.
        await queue_import(ctx["redis"], tenant_id, job_id, f"stalled-{last_seen.timestamp():.6f}")
    return len(stalled)


@job
async def purge_uploads(ctx: Context) -> int:
    """Delete the stored files of jobs past the retention period; how many jobs'."""
    clients = resources(ctx)
    async with clients.sessionmaker.begin() as session:
        return await ImportRunRepository(session).purge_uploads(clients.settings.import_retention_days)

"""Webhook deliveries: sent when a run or a live batch queued them, and when their retry is due.

The work is the segment side's (`segment_api.webhooks.sender`); this job schedules it. Postgres
holds every delivery, so a lost wake-up costs only the sweep's delay.
"""

from import_worker.context import Context, resources
from segment_api.webhooks.sender import purge_settled, send_due
from segops_platform.jobs import job, wake_at

DELIVER_JOB = "deliver_webhooks"


@job
async def deliver_webhooks(ctx: Context) -> int:
    """Attempt every due delivery; queue the next job for when the next retry is due. How many."""
    clients = resources(ctx)
    sweep = await send_due(clients.sessionmaker, clients.webhook_http, clients.settings)
    if sweep.next_due is not None:
        await wake_at(ctx["redis"], DELIVER_JOB, sweep.next_due)
    return sweep.attempted


@job
async def purge_deliveries(ctx: Context) -> int:
    """Forget deliveries settled long ago (the deliveries log shows recent ones); how many."""
    async with resources(ctx).sessionmaker.begin() as session:
        return await purge_settled(session)

"""Waking the worker for the replica, after the request's transaction committed: to relay the
outbox after a product write, to rewrite a tenant's replica after its field types changed.

A relay wake-up is only a hint: if Redis is down it is lost and the worker's periodic sweep relays
the rows instead (Postgres holds them). Wake-ups within a tenth of a second share one job id, so a
burst of writes queues one relay. A wake-up whose tenth's relay exists may come after that relay
took its last rows (it runs already): it queues the next tenth's, to start then, so that every
write is followed by a relay that starts after its commit.
"""

import time
from datetime import UTC, datetime

from arq.connections import ArqRedis
from fastapi import BackgroundTasks, Depends, Request

from segops_platform.jobs import enqueue_hint

RELAY_JOB = "relay_outbox"
RESYNC_JOB = "resync_tenant"


async def wake_relay(redis: ArqRedis) -> None:
    tenth = int(time.time() * 10)
    if await enqueue_hint(redis, RELAY_JOB, _job_id=f"{RELAY_JOB}:{tenth}") is None:
        starts = datetime.fromtimestamp((tenth + 1) / 10, UTC)
        await enqueue_hint(redis, RELAY_JOB, _job_id=f"{RELAY_JOB}:{tenth + 1}", _defer_until=starts)


async def queue_resync(redis: ArqRedis, tenant_id: int) -> None:
    """A lost one leaves the replica typed by the old fields until `segops-admin resync` (logged)."""
    await enqueue_hint(redis, RESYNC_JOB, tenant_id)


def _wake_after_response(request: Request, background: BackgroundTasks) -> None:
    # Background tasks run after the response is sent, so after the request's transaction committed.
    background.add_task(wake_relay, request.app.state.redis)


WakesRelay = Depends(_wake_after_response)

"""Waking the worker for the replica, after the request's transaction committed: to relay the
outbox after a product write, to rewrite a tenant's replica after its field types changed.

A relay wake-up is only a hint (`segops_platform.jobs.wake`): if Redis is down it is lost and the
worker's periodic sweep relays the rows instead (Postgres holds them). Every write is followed by a
relay that starts after its commit.
"""

from arq.connections import ArqRedis
from fastapi import BackgroundTasks, Depends, Request

from segops_platform.jobs import enqueue_hint, wake

RELAY_JOB = "relay_outbox"
RESYNC_JOB = "resync_tenant"


async def wake_relay(redis: ArqRedis) -> None:
    await wake(redis, RELAY_JOB)


async def queue_resync(redis: ArqRedis, tenant_id: int) -> None:
    """A lost one leaves the replica typed by the old fields until `segops-admin resync` (logged)."""
    await enqueue_hint(redis, RESYNC_JOB, tenant_id)


def _wake_after_response(request: Request, background: BackgroundTasks) -> None:
    # Background tasks run after the response is sent, so after the request's transaction committed.
    background.add_task(wake_relay, request.app.state.redis)


WakesRelay = Depends(_wake_after_response)

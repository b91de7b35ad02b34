"""Waking the relay: after a product write commits, ask a worker to relay the outbox now.

A wake-up is only a hint: if Redis is down it is lost and the worker's periodic sweep relays the
rows instead (Postgres holds them). Wake-ups within a tenth of a second share one job id, so a
burst of writes queues one relay, and a write that lands while a relay runs queues the next.
"""

import asyncio
import time

import structlog
from arq.connections import ArqRedis
from fastapi import BackgroundTasks, Depends, Request
from redis.exceptions import RedisError

from segops_platform.jobs import enqueue

RELAY_JOB = "relay_outbox"
WAKE_UP_TIMEOUT_SECONDS = 1.0

log = structlog.get_logger()


async def wake_relay(redis: ArqRedis) -> None:
    bucket = int(time.time() * 10)
    try:
        await asyncio.wait_for(
            enqueue(redis, RELAY_JOB, _job_id=f"{RELAY_JOB}:{bucket}"), WAKE_UP_TIMEOUT_SECONDS
        )
    except (RedisError, OSError, TimeoutError) as error:
        log.warning("relay_wake_up_lost", error=f"{type(error).__name__}: {error}")


def _wake_after_response(request: Request, background: BackgroundTasks) -> None:
    # Background tasks run after the response is sent, so after the request's transaction committed.
    background.add_task(wake_relay, request.app.state.redis)


WakesRelay = Depends(_wake_after_response)

"""Background jobs over arq: enqueue with the caller's request id; run with it bound to the logs."""

import asyncio
import functools
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import structlog
from arq.connections import ArqRedis
from arq.jobs import Job
from redis.exceptions import RedisError

from segops_platform.request_context import bind_request_id, current_request_id

JobFunction = Callable[..., Coroutine[Any, Any, Any]]
HINT_TIMEOUT_SECONDS = 1.0

log = structlog.get_logger()


async def enqueue(redis: ArqRedis, function: str, *args: Any, **kwargs: Any) -> Job | None:
    """Enqueue by name (APIs never import the worker), passing the current request id along."""
    return await redis.enqueue_job(function, *args, request_id=current_request_id(), **kwargs)


async def enqueue_hint(redis: ArqRedis, function: str, *args: Any, **options: Any) -> Job | None:
    """Enqueue a job the caller can do without: a Redis that is down or slow (over a second) costs
    a logged warning, never the caller's request (the worker's sweeps find what was not queued).
    The job, or None when it was not queued (that job id exists, or Redis failed)."""
    try:
        return await asyncio.wait_for(enqueue(redis, function, *args, **options), HINT_TIMEOUT_SECONDS)
    except (RedisError, OSError, TimeoutError) as error:
        log.warning("job_not_queued", job=function, args=args, error=f"{type(error).__name__}: {error}")
        return None


async def wake(redis: ArqRedis, function: str) -> None:
    """Queue a job that takes whatever work is waiting (a hint: Postgres holds the work, a sweep
    finds it if Redis fails). Wake-ups within a tenth of a second share one job id, so a burst
    queues one job. A wake-up whose tenth's job exists may come after that job looked for work (it
    runs already): it queues the next tenth's, to start then, so that every wake-up is followed by
    a job that starts after it."""
    tenth = int(time.time() * 10)
    if await enqueue_hint(redis, function, _job_id=f"{function}:{tenth}") is None:
        await wake_at(redis, function, datetime.fromtimestamp((tenth + 1) / 10, UTC))


async def wake_at(redis: ArqRedis, function: str, when: datetime) -> None:
    """Queue the job to start at `when` (to the tenth of a second; one job per tenth)."""
    tenth = int(when.timestamp() * 10)
    await enqueue_hint(redis, function, _job_id=f"{function}:{tenth}", _defer_until=when)


def job(function: JobFunction) -> JobFunction:
    """Bind the enqueuer's request id (or a new one) for the job's logs; expose it in ctx."""

    @functools.wraps(function)
    async def run(ctx: dict[str, Any], *args: Any, request_id: str | None = None, **kwargs: Any) -> Any:
        ctx["request_id"] = bind_request_id(request_id)
        structlog.contextvars.bind_contextvars(job=function.__name__, job_id=ctx.get("job_id"))
        return await function(ctx, *args, **kwargs)

    return run

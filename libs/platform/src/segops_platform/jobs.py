"""Background jobs over arq: enqueue with the caller's request id; run with it bound to the logs."""

import functools
from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from arq.connections import ArqRedis
from arq.jobs import Job

from segops_platform.request_context import bind_request_id, current_request_id

JobFunction = Callable[..., Coroutine[Any, Any, Any]]


async def enqueue(redis: ArqRedis, function: str, *args: Any, **kwargs: Any) -> Job | None:
    """Enqueue by name (APIs never import the worker), passing the current request id along."""
    return await redis.enqueue_job(function, *args, request_id=current_request_id(), **kwargs)


def job(function: JobFunction) -> JobFunction:
    """Bind the enqueuer's request id (or a new one) for the job's logs; expose it in ctx."""

    @functools.wraps(function)
    async def run(ctx: dict[str, Any], *args: Any, request_id: str | None = None, **kwargs: Any) -> Any:
        ctx["request_id"] = bind_request_id(request_id)
        structlog.contextvars.bind_contextvars(job=function.__name__, job_id=ctx.get("job_id"))
        return await function(ctx, *args, **kwargs)

    return run

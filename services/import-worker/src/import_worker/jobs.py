"""Jobs this worker runs. Each takes the request id of whoever enqueued it, for the logs."""

import os
import socket
from typing import Any

import structlog

from segops_platform.jobs import job

log = structlog.get_logger()


@job
async def ping(ctx: dict[str, Any]) -> dict[str, Any]:
    """Answer with who ran it: proves a queue is served end to end (request id included)."""
    log.info("ping")
    worker = f"{socket.gethostname()}:{os.getpid()}"
    return {"worker": worker, "job_try": ctx["job_try"], "request_id": ctx["request_id"]}


FUNCTIONS: list[Any] = [ping]  # arq takes coroutines or arq.func() wrappers

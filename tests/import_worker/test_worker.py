"""The worker on the real Redis: jobs run with the request id of whoever enqueued them."""

from collections.abc import Awaitable, Callable

import httpx
from arq.connections import ArqRedis

from import_worker.health_server import create_health_app
from segops_platform.jobs import enqueue
from segops_platform.request_context import bind_request_id


async def test_a_job_runs_with_the_enqueuers_request_id(
    redis: ArqRedis, run_worker: Callable[[], Awaitable[None]]
) -> None:
    bind_request_id("enqueued-by-request-7")
    job = await enqueue(redis, "ping")
    assert job is not None
    await run_worker()
    result = await job.result(timeout=5)
    assert result["request_id"] == "enqueued-by-request-7"
    assert result["job_try"] == 1


async def test_worker_readyz_reports_its_dependencies() -> None:
    async def ok() -> None:
        return None

    async def down() -> None:
        raise ConnectionError("refused")

    app = create_health_app({"postgres": ok, "redis": ok, "clickhouse": down})
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://w") as client,
    ):
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["detail"] == "not ready: clickhouse is unreachable"

"""The worker on the real Redis: jobs run with the request id of whoever enqueued them."""

from collections.abc import AsyncIterator

import httpx
import pytest
from arq import Worker
from arq.connections import ArqRedis, RedisSettings, create_pool

from import_worker.context import on_shutdown, on_startup
from import_worker.health_server import create_health_app
from import_worker.jobs import FUNCTIONS
from import_worker.settings import WorkerConfig
from segops_platform.jobs import enqueue
from segops_platform.request_context import bind_request_id


@pytest.fixture
async def redis() -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(WorkerConfig().redis_url))
    yield pool
    await pool.aclose()


def burst_worker(redis: ArqRedis) -> Worker:
    return Worker(
        functions=FUNCTIONS,
        redis_pool=redis,
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        burst=True,
        poll_delay=0.05,
    )


async def test_a_job_runs_with_the_enqueuers_request_id(
    redis: ArqRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKER_HEALTH_PORT", "0")
    bind_request_id("enqueued-by-request-7")
    job = await enqueue(redis, "ping")
    assert job is not None
    worker = burst_worker(redis)
    await worker.main()
    await worker.close()
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

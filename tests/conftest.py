"""Test set-up on the real servers, on databases of the test run's own (never the dev data).

Postgres `segops_test` and ClickHouse `segmentation_test` are recreated once per run; Redis uses
database 15, flushed once per run. Tests isolate by tenant: each makes the tenants it needs.
"""

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from arq import Worker
from arq.connections import ArqRedis, RedisSettings, create_pool
from fastapi import FastAPI
from redis.asyncio import Redis

from import_worker.context import Context, on_shutdown, on_startup, resources
from import_worker.jobs import FUNCTIONS
from pim_api import migrations as pim_migrations
from pim_api.main import create_app as create_pim_app
from pim_api.settings import PimSettings
from pim_api.tenancy.service import IssuedKey, TenancyService
from segment_api import migrations as segment_migrations
from segment_api.main import create_app as create_segment_app
from segment_api.pim_client import PimClient
from segment_api.settings import SegmentSettings
from segops_platform.database import recreate_database
from segops_platform.service_client import create_service_client


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


# The run's name: `test` unless SEGOPS_TEST_RUN names another, so that two runs on one machine
# (say, two terminals) do not drop each other's databases.
RUN = os.environ.get("SEGOPS_TEST_RUN", "test")
TEST_ENV = {
    "SEGOPS_ENV": "test",
    "DATABASE_URL": _with_database(
        os.environ.get("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/segops"), f"segops_{RUN}"
    ),
    "REDIS_URL": _with_database(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), "15"),
    "CLICKHOUSE_URL": os.environ.get("CLICKHOUSE_URL", "http://127.0.0.1:8123"),
    "CLICKHOUSE_DATABASE": f"segmentation_{RUN}",
    "WEBHOOK_ALLOW_LOOPBACK": "true",  # the tests' receivers listen on 127.0.0.1
}
os.environ.update(TEST_ENV)  # subprocesses (segops-admin) and settings objects see the test set-up


async def _recreate_clickhouse_database(url: str, database: str) -> None:
    async with httpx.AsyncClient(base_url=url) as client:
        response = await client.post("/", content=f"DROP DATABASE IF EXISTS `{database}`")
        response.raise_for_status()


@pytest.fixture(scope="session", autouse=True)
async def test_databases() -> None:
    """Fresh databases for this run, migrated the way `make run` migrates them."""
    await recreate_database(TEST_ENV["DATABASE_URL"])
    await _recreate_clickhouse_database(TEST_ENV["CLICKHOUSE_URL"], TEST_ENV["CLICKHOUSE_DATABASE"])
    redis = Redis.from_url(TEST_ENV["REDIS_URL"])
    await redis.flushdb()
    await redis.aclose()
    # Alembic's env runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(pim_migrations.upgrade, TEST_ENV["DATABASE_URL"])
    await asyncio.to_thread(segment_migrations.upgrade, SegmentSettings())


@pytest.fixture(scope="session")
def pim_settings() -> PimSettings:
    return PimSettings()


@pytest.fixture(scope="session")
async def pim_app(pim_settings: PimSettings) -> AsyncIterator[FastAPI]:
    app = create_pim_app(pim_settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def pim(pim_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the in-process pim-api."""
    transport = httpx.ASGITransport(app=pim_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pim-api") as client:
        yield client


from tests.support import SchemaTenantFactory, TenantFactory, auth  # noqa: E402


@pytest.fixture
def make_tenant(pim_app: FastAPI) -> TenantFactory:
    """Create a tenant (committed, as `segops-admin tenant create` does) with its first API key."""

    async def create() -> IssuedKey:
        async with pim_app.state.sessionmaker() as session, session.begin():
            return await TenancyService(session).create_tenant("test tenant")

    return create


@pytest.fixture
def make_schema_tenant(pim: httpx.AsyncClient, make_tenant: TenantFactory) -> SchemaTenantFactory:
    """A new tenant whose product schema has the given fields."""

    async def create(fields: list[dict[str, Any]]) -> IssuedKey:
        tenant = await make_tenant()
        response = await pim.put("/api/pim/schema/", json={"fields": fields}, headers=auth(tenant.key))
        assert response.status_code == 200, response.text
        return tenant

    return create


@pytest.fixture
async def redis() -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(TEST_ENV["REDIS_URL"]))
    yield pool
    await pool.aclose()


async def start_worker_with_pim_in_process(ctx: Context, pim_app: FastAPI) -> None:
    """The worker's start-up, with pim-api (which segment computations ask) in process."""
    await on_startup(ctx)
    built = resources(ctx)
    transport = httpx.ASGITransport(app=pim_app)
    pim = create_service_client("http://pim-api", built.settings.internal_token, transport)
    ctx["resources"] = replace(built, computation=replace(built.computation, pim=PimClient(pim)))
    ctx["in_process_pim"] = pim


async def stop_worker(ctx: Context) -> None:
    await ctx.pop("in_process_pim").aclose()
    await on_shutdown(ctx)


@pytest.fixture
def run_worker(
    redis: ArqRedis, pim_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> Callable[[], Awaitable[None]]:
    """Run the worker in burst mode: every queued job, then stop."""
    monkeypatch.setenv("WORKER_HEALTH_PORT", "0")

    async def startup(ctx: Context) -> None:
        await start_worker_with_pim_in_process(ctx, pim_app)

    async def run() -> None:
        worker = Worker(
            functions=FUNCTIONS,
            redis_pool=redis,
            on_startup=startup,
            on_shutdown=stop_worker,
            burst=True,
            poll_delay=0.05,
        )
        await worker.main()
        await worker.close()

    return run


@pytest.fixture
async def worker_context(
    redis: ArqRedis, pim_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Context]:
    """What arq gives a job of the worker: the clients its start-up builds."""
    monkeypatch.setenv("WORKER_HEALTH_PORT", "0")
    ctx: Context = {"redis": redis, "job_try": 1}
    await start_worker_with_pim_in_process(ctx, pim_app)
    yield ctx
    await stop_worker(ctx)


@pytest.fixture(scope="session")
async def segment_app(pim_app: FastAPI) -> AsyncIterator[FastAPI]:
    """segment-api in process, asking the in-process pim-api over its real HTTP routes."""
    app = create_segment_app(SegmentSettings(), pim_transport=httpx.ASGITransport(app=pim_app))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def segment_api(segment_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=segment_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://segment-api") as client:
        yield client

"""What every job of the worker gets: the clients start-up builds once, typed, in arq's `ctx`.

arq hands each job a plain dict (`redis`, `job_id`, `job_try`, …); ours live in it as one
`Resources` object, read back with `resources(ctx)`.
"""

from dataclasses import dataclass
from typing import Any

import httpx
from aiochclient import ChClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from import_worker.health_server import start_health_server
from import_worker.settings import WorkerConfig
from segment_api.clickhouse.client import QueryRunner, create_clickhouse_client
from segment_api.clickhouse.membership_store import MembershipStore
from segment_api.pim_client import PimClient
from segment_api.runs.compute import Computation
from segment_api.webhooks.sender import create_webhook_client
from segops_platform.database import create_engine, create_sessionmaker
from segops_platform.logging import configure_logging
from segops_platform.readiness_checks import clickhouse_check, postgres_check, redis_check
from segops_platform.service_client import create_service_client

Context = dict[str, Any]  # arq's job context
_KEY = "resources"


@dataclass(frozen=True)
class Resources:
    settings: WorkerConfig
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    clickhouse_http: httpx.AsyncClient
    clickhouse: ChClient
    pim_http: httpx.AsyncClient
    webhook_http: httpx.AsyncClient
    computation: Computation


def resources(ctx: Context) -> Resources:
    found = ctx[_KEY]
    assert isinstance(found, Resources)
    return found


def build_resources(settings: WorkerConfig) -> Resources:
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    clickhouse_http = httpx.AsyncClient(timeout=60)
    pim_http = create_service_client(settings.pim_api_url, settings.internal_token)
    runner = QueryRunner(clickhouse_http, settings.clickhouse_url, settings.clickhouse_database)
    return Resources(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        clickhouse_http=clickhouse_http,
        clickhouse=create_clickhouse_client(
            settings.clickhouse_url, settings.clickhouse_database, clickhouse_http
        ),
        pim_http=pim_http,
        webhook_http=create_webhook_client(settings),
        computation=Computation(engine, sessionmaker, MembershipStore(runner), PimClient(pim_http)),
    )


async def close_resources(built: Resources) -> None:
    await built.clickhouse_http.aclose()
    await built.pim_http.aclose()
    await built.webhook_http.aclose()
    await built.engine.dispose()


async def on_startup(ctx: Context) -> None:
    settings = WorkerConfig()
    configure_logging("import-worker", settings.log_level)
    ctx[_KEY] = build_resources(settings)
    engine = resources(ctx).engine
    checks = {
        "postgres": postgres_check(engine),
        "redis": redis_check(ctx["redis"]),
        "clickhouse": clickhouse_check(resources(ctx).clickhouse),
    }
    if settings.worker_health_port:
        ctx["health_server"] = start_health_server(settings, checks)


async def on_shutdown(ctx: Context) -> None:
    if "health_server" in ctx:
        ctx["health_server"].cancel()
    await close_resources(resources(ctx))

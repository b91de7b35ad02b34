"""arq `WorkerSettings`: shared clients built once into `ctx`, health served beside the loop."""

from typing import Any, ClassVar

import httpx

from import_worker.health_server import start_health_server
from import_worker.jobs import FUNCTIONS
from import_worker.settings import WorkerConfig
from segment_api.clickhouse.client import create_clickhouse_client
from segops_platform.database import create_engine, create_sessionmaker
from segops_platform.logging import configure_logging
from segops_platform.readiness_checks import clickhouse_check, postgres_check, redis_check


async def on_startup(ctx: dict[str, Any]) -> None:
    settings = WorkerConfig()
    configure_logging("import-worker", settings.log_level)
    engine = create_engine(settings.database_url)
    clickhouse_http = httpx.AsyncClient(timeout=60)
    ctx.update(
        settings=settings,
        engine=engine,
        sessionmaker=create_sessionmaker(engine),
        clickhouse_http=clickhouse_http,
        clickhouse=create_clickhouse_client(
            settings.clickhouse_url, settings.clickhouse_database, clickhouse_http
        ),
    )
    checks = {
        "postgres": postgres_check(engine),
        "redis": redis_check(ctx["redis"]),
        "clickhouse": clickhouse_check(ctx["clickhouse"]),
    }
    if settings.worker_health_port:
        ctx["health_server"] = start_health_server(settings, checks)


async def on_shutdown(ctx: dict[str, Any]) -> None:
    if "health_server" in ctx:
        ctx["health_server"].cancel()
    await ctx["clickhouse_http"].aclose()
    await ctx["engine"].dispose()


class WorkerSettings:
    functions: ClassVar = FUNCTIONS
    on_startup = on_startup
    on_shutdown = on_shutdown
    max_jobs = 10

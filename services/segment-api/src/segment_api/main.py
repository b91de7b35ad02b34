"""The segment API app: wiring of settings, storage clients, auth and routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

import httpx
from arq.connections import ArqRedis
from fastapi import FastAPI

from segment_api.clickhouse.client import QueryRunner, create_clickhouse_client
from segment_api.clickhouse.membership_store import MembershipStore
from segment_api.clickhouse.segment_queries import SegmentQueries
from segment_api.pim_client import PimClient
from segment_api.segments import endpoints as segment_endpoints
from segment_api.settings import SegmentSettings
from segment_api.webhooks import endpoints as webhook_endpoints
from segops_platform.app import create_service_app
from segops_platform.auth.tenant_directory import Authenticator
from segops_platform.database import create_engine, create_sessionmaker
from segops_platform.readiness_checks import clickhouse_check, postgres_check, redis_check
from segops_platform.service_client import create_service_client

DESCRIPTION = """Rule-based product segments: definitions (nested AND/OR conditions on product
properties) compiled to ClickHouse SQL, previews, membership.

Authenticate with `Authorization: Bearer <JWT>` or `X-API-Key: <key>`. Every error is a `Problem`:
`{"detail": "…", "errors": [{"path": "…", "message": "…"}]}`, `errors` locating each problem."""


def create_app(
    settings: SegmentSettings | None = None,
    pim_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """`pim_transport` lets tests talk to an in-process pim-api instead of one on a port."""
    settings = settings or SegmentSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        redis = ArqRedis.from_url(settings.redis_url)
        clickhouse_http = httpx.AsyncClient(timeout=30)
        pim = create_service_client(settings.pim_api_url, settings.internal_token, pim_transport)
        app.state.settings = settings
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.redis = redis
        app.state.clickhouse = create_clickhouse_client(
            settings.clickhouse_url, settings.clickhouse_database, clickhouse_http
        )
        runner = QueryRunner(clickhouse_http, settings.clickhouse_url, settings.clickhouse_database)
        app.state.segment_queries = SegmentQueries(runner)
        app.state.memberships = MembershipStore(runner)
        app.state.pim = PimClient(pim)
        app.state.authenticator = Authenticator(settings, app.state.pim)
        app.state.readiness_checks = {
            "postgres": postgres_check(engine),
            "redis": redis_check(redis),
            "clickhouse": clickhouse_check(app.state.clickhouse),
        }
        try:
            yield
        finally:
            await pim.aclose()
            await clickhouse_http.aclose()
            await redis.aclose()
            await engine.dispose()

    app = create_service_app(
        "segment-api",
        "SegOps Segment API",
        lifespan,
        api_prefix="/api/product-segments",
        operation_prefix="segments",
        version=version("segops-segment-api"),
        description=DESCRIPTION,
        tags=[
            {"name": "segments", "description": "Segment definitions, previews and members"},
            {"name": "webhooks", "description": "Signed POSTs of each run's and each live batch's changes"},
        ],
    )
    app.include_router(segment_endpoints.router)
    app.include_router(webhook_endpoints.router)
    return app

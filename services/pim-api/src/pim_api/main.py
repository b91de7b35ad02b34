"""The PIM API app: wiring of settings, storage clients, auth and routers."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from arq.connections import ArqRedis
from fastapi import FastAPI

from pim_api.facets import endpoints as facet_endpoints
from pim_api.imports import endpoints as import_endpoints
from pim_api.products import endpoints as product_endpoints
from pim_api.products import internal as product_internal
from pim_api.products.cache import ProductCache, listen
from pim_api.products.loader import ProductLoader
from pim_api.readability import endpoints as readability_endpoints
from pim_api.schema import endpoints as schema_endpoints
from pim_api.settings import PimSettings
from pim_api.tenancy import endpoints as tenancy_endpoints
from pim_api.tenancy.directory import DatabaseTenantDirectory
from segops_platform.app import create_service_app
from segops_platform.auth.tenant_directory import Authenticator
from segops_platform.database import create_engine, create_sessionmaker, postgres_dsn
from segops_platform.readiness_checks import postgres_check, redis_check

DESCRIPTION = """Products, their typed schema and facets, per tenant.

Authenticate with `Authorization: Bearer <JWT>` or `X-API-Key: <key>`. Every error is a `Problem`:
`{"detail": "…", "errors": [{"path": "…", "message": "…"}]}`, `errors` locating each problem."""
TAGS = [
    {"name": "product schema", "description": "The tenant's typed product fields"},
    {"name": "products", "description": "Products by id and by SKU, search and filters"},
    {"name": "facets", "description": "Distinct values per field, for filter UIs"},
    {"name": "csv import", "description": "CSV uploads, suggested schema and mapping, import jobs"},
    {"name": "readability", "description": "How well each product's data serves AI shopping agents"},
]


def create_app(settings: PimSettings | None = None) -> FastAPI:
    settings = settings or PimSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        # Lazy: the API starts while Redis is down, and /readyz says so.
        redis = ArqRedis.from_url(settings.redis_url)
        app.state.settings = settings
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.engine = engine
        app.state.redis = redis
        app.state.authenticator = Authenticator(settings, DatabaseTenantDirectory(app.state.sessionmaker))
        app.state.readiness_checks = {
            "postgres": postgres_check(engine),
            "redis": redis_check(redis),
        }
        app.state.product_cache = ProductCache()
        app.state.product_loader = ProductLoader(engine)
        listener = asyncio.create_task(listen(app.state.product_cache, postgres_dsn(settings.database_url)))
        try:
            yield
        finally:
            listener.cancel()
            await redis.aclose()
            await engine.dispose()

    app = create_service_app(
        "pim-api",
        "SegOps PIM API",
        lifespan,
        api_prefix="/api/pim",
        operation_prefix="pim",
        version=version("segops-pim-api"),
        description=DESCRIPTION,
        tags=TAGS,
        fast_routes=[product_endpoints.get_product_route],
        body_limits={
            import_endpoints.UPLOAD_PATH: settings.import_max_bytes + import_endpoints.FRAMING_BYTES
        },
    )
    app.include_router(schema_endpoints.router)
    app.include_router(product_endpoints.router)
    app.include_router(readability_endpoints.router)
    app.include_router(readability_endpoints.summary_router)
    app.include_router(facet_endpoints.router)
    app.include_router(import_endpoints.router)
    app.include_router(tenancy_endpoints.router)
    app.include_router(product_internal.router)
    return app

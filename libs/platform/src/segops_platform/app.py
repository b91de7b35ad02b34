"""Assemble a service's FastAPI app: error format, request context, body limit, health and metrics."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI

from segops_platform import health
from segops_platform.body_limit import BodySizeLimitMiddleware
from segops_platform.errors import install_error_handlers
from segops_platform.request_context import RequestContextMiddleware


def create_service_app(
    service: str,
    title: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
    api_prefix: str | None = None,
) -> FastAPI:
    """A FastAPI app with what every service has; the caller adds its routers.

    Health is served at the root and, when given, under the public `api_prefix` too, so that
    it can be checked through the gateway. Metrics stay off the public prefix.
    """
    app = FastAPI(title=title, lifespan=lifespan)
    install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware)
    # Added last, so outermost: every response, including 413s and 500s, carries the request id.
    app.add_middleware(RequestContextMiddleware, service=service)
    app.include_router(health.router)
    if api_prefix:
        app.include_router(health.router, prefix=api_prefix, include_in_schema=False)
    app.include_router(health.metrics_router)
    return app

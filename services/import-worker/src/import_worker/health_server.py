"""The worker's /healthz, /readyz and /metrics, served beside the arq loop."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI

from import_worker.settings import WorkerConfig
from segops_platform.app import create_service_app


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signals to arq, which owns the process."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def create_health_app(checks: dict[str, Any]) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.readiness_checks = checks
        yield

    return create_service_app("import-worker", "SegOps worker health", lifespan)


def start_health_server(settings: WorkerConfig, checks: dict[str, Any]) -> asyncio.Task[None]:
    config = uvicorn.Config(
        create_health_app(checks),
        host=settings.bind_host,
        port=settings.worker_health_port,
        log_config=None,
        lifespan="on",
    )
    return asyncio.create_task(_EmbeddedServer(config).serve())

"""The request's transaction commits before the response: a failed commit is never a 2xx."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from segops_platform.app import create_service_app
from segops_platform.database import SessionDep, create_engine, create_sessionmaker
from tests.conftest import TEST_ENV


def probe_app(engine: AsyncEngine) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.readiness_checks = {}
        yield

    return create_service_app("probe", "probe", lifespan)


@asynccontextmanager
async def probe_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://p") as c,
    ):
        yield c


async def test_a_commit_that_fails_is_an_error_response_not_a_success() -> None:
    engine = create_engine(TEST_ENV["DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.execute(text("CREATE SCHEMA IF NOT EXISTS platform_probe"))
        await connection.execute(text("DROP TABLE IF EXISTS platform_probe.deferred"))
        await connection.execute(
            text("CREATE TABLE platform_probe.deferred (id int UNIQUE DEFERRABLE INITIALLY DEFERRED)")
        )

    app = probe_app(engine)

    @app.post("/twice")
    async def twice(session: SessionDep) -> dict[str, str]:
        """Both inserts pass; the deferred unique check fails only at COMMIT."""
        await session.execute(text("INSERT INTO platform_probe.deferred VALUES (1), (1)"))
        return {"status": "written"}

    async with probe_client(app) as client:
        response = await client.post("/twice")
    assert response.status_code == 500
    assert "written" not in response.text
    async with engine.connect() as connection:
        assert (await connection.scalar(text("SELECT count(*) FROM platform_probe.deferred"))) == 0
    await engine.dispose()


async def test_a_deadlock_or_serialization_failure_is_a_409_to_retry_and_other_faults_a_500() -> None:
    engine = create_engine(TEST_ENV["DATABASE_URL"])

    app = probe_app(engine)

    @app.post("/fail/{sqlstate}")
    async def fail(sqlstate: str, session: SessionDep) -> None:
        """Postgres raises the error itself, so it comes through the real driver stack."""
        await session.execute(
            text(f"DO $$ BEGIN RAISE EXCEPTION 'probe' USING ERRCODE = '{sqlstate}'; END $$")
        )

    async with probe_client(app) as client:
        deadlock = await client.post("/fail/40P01")
        serialization = await client.post("/fail/40001")
        other = await client.post("/fail/22000")
    await engine.dispose()
    assert (deadlock.status_code, serialization.status_code) == (409, 409)
    assert "deadlock" in deadlock.json()["detail"]
    assert "serialization failure" in serialization.json()["detail"]
    assert deadlock.headers["retry-after"] == "1"
    assert other.status_code == 500
    assert "probe" not in other.text

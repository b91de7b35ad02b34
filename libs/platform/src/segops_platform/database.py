"""Postgres access every service shares: a declarative base per schema, engine, per-request session."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TYPE_ANNOTATION_MAP = {datetime: DateTime(timezone=True)}
MAX_BIGINT = 2**63 - 1  # the largest id a Postgres bigint holds: a larger one names nothing


def schema_metadata(schema: str) -> MetaData:
    """Metadata for the one Postgres schema a service owns."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def create_engine(database_url: str) -> AsyncEngine:
    # No pool_pre_ping: it costs a round trip per checkout (~0.3 ms of a ~0.6 ms read, measured).
    # A connection found dead invalidates the whole pool, so a Postgres restart fails only the
    # requests in flight at that moment.
    return create_async_engine(database_url, pool_size=20, max_overflow=10)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the endpoint returns, rolled back if it raises."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session, session.begin():
        yield session


async def fetch_rows(engine: AsyncEngine, sql: str, *args: Any) -> list[asyncpg.Record]:
    """Rows straight from asyncpg (`$1` placeholders), on a connection of the engine's pool.

    For hot reads only: no transaction, no ORM. Measured here: 0.13 ms for one row against
    0.6 ms through an ORM session with its BEGIN and COMMIT.
    """
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        rows: list[asyncpg.Record] = await raw.driver_connection.fetch(sql, *args)  # type: ignore[union-attr]
        return rows


# scope="function": the transaction commits before the response is sent, so a client never hears
# "done" for a write whose commit then failed (FastAPI's default closes it after sending).
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def postgres_dsn(database_url: str) -> str:
    """The libpq form of a SQLAlchemy URL, for plain asyncpg connections."""
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def recreate_database(database_url: str) -> None:
    """Drop and create the database a URL names: each test or benchmark run starts empty."""
    parts = urlsplit(postgres_dsn(database_url))
    database = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()

"""Readiness checks for the dependencies services share; each raises when its dependency is down."""

import httpx
from aiochclient import ChClient
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from segops_platform.health import ReadinessCheck as Check


def postgres_check(engine: AsyncEngine) -> Check:
    async def check() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return check


def redis_check(redis: Redis) -> Check:
    async def check() -> None:
        await redis.ping()

    return check


def clickhouse_check(client: ChClient) -> Check:
    async def check() -> None:
        if not await client.is_alive():
            raise ConnectionError("ClickHouse did not answer SELECT 1")

    return check


def http_check(client: httpx.AsyncClient, url: str) -> Check:
    async def check() -> None:
        response = await client.get(url)
        response.raise_for_status()

    return check

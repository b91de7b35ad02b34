"""Segment locks: Postgres advisory locks, one per segment, that computations and live updates
take so that they apply to a segment one at a time.

Session-level, on a connection of their own: held across the holder's transactions, released if
its worker dies with the connection. Negative keys: pim-api's counting locks take the positive
ones (tenant ids). Several are taken in segment id order, so no two holders wait on each other.
"""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


@asynccontextmanager
async def segment_locks(engine: AsyncEngine, segment_ids: Iterable[int]) -> AsyncIterator[None]:
    async with engine.connect() as connection:
        try:
            for segment_id in sorted(set(segment_ids)):
                await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": -segment_id})
            yield
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock_all()"))

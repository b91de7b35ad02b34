"""Products by id for concurrent requests, read together: one query for all who are waiting.

The DataLoader pattern with one read in flight: each request asks for its (tenant, id) and waits;
while a read runs, the requests that arrive queue up and go to Postgres together in the next one,
as a single join on the primary key. Under load this turns many round trips (each ~0.1 ms of
Python in the driver) into one. Measured with 16 clients on 1M products, GET by id (mostly cache
misses): 7.7k req/s with a read per event-loop turn, 9.4k with one read in flight.
"""

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from pim_api.products.schemas import ProductOut
from segops_platform.database import fetch_rows

Key = tuple[int, int]  # (tenant_id, product_id)
Waiting = list[tuple[Key, asyncio.Future[bytes | None]]]
MAX_BATCH = 1_000

# Each row is matched on its whole primary key, so the tenant is part of what every request asks.
_READ = (
    "SELECT p.tenant_id, p.id, p.sku, p.name, p.data, p.source, p.ai_readability_score, "
    "p.created_at, p.updated_at "
    "FROM unnest($1::bigint[], $2::bigint[]) AS k(tenant_id, id) "
    "JOIN pim.products p ON p.tenant_id = k.tenant_id AND p.id = k.id"
)


class ProductLoader:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.waiting: Waiting = []
        self.reader: asyncio.Task[None] | None = None

    async def load(self, key: Key) -> bytes | None:
        """The product's JSON as the API shows it, or None when the tenant has no such product."""
        answer: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
        self.waiting.append((key, answer))
        if self.reader is None or self.reader.done():
            self.reader = asyncio.create_task(self._read_while_waiting())
        return await answer

    async def _read_while_waiting(self) -> None:
        await asyncio.sleep(0)  # the requests of this turn of the loop join the first read
        while self.waiting:
            batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
            try:
                await self._answer(batch)
            except asyncio.CancelledError:
                for _, answer in batch + self.waiting:
                    answer.cancel()
                raise

    async def _answer(self, batch: Waiting) -> None:
        keys = list({key for key, _ in batch})
        try:
            rows = await fetch_rows(self.engine, _READ, [k[0] for k in keys], [k[1] for k in keys])
        except Exception as error:
            for _, answer in batch:
                if not answer.done():
                    answer.set_exception(error)
            return
        found = {
            (row["tenant_id"], row["id"]): ProductOut.model_validate(dict(row)).model_dump_json().encode()
            for row in rows
        }
        for key, answer in batch:
            if not answer.done():  # a request whose client went away was cancelled
                answer.set_result(found.get(key))

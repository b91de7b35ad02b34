"""Products by id, cached in the process as their JSON, evicted when Postgres says they changed.

Every UPDATE or DELETE of products notifies `pim_product_changes` at commit (migration 0004)
with the keys it touched; each process listens on a connection of its own and evicts them. A
write in this process also evicts at once. While the listener is not connected, nothing is
cached or served from the cache (a notification could have been missed), so a stale read lasts
at most as long as a notification takes to arrive.

A read that started before an eviction does not store what it read (the epoch moved on).
"""

import asyncio
from collections import OrderedDict

import asyncpg
import structlog

CHANNEL = "pim_product_changes"
MAX_ENTRIES = 50_000
RECONNECT_SECONDS = 1.0

log = structlog.get_logger()
Key = tuple[int, int]  # (tenant_id, product_id)


class ProductCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[Key, bytes] = OrderedDict()
        self.epoch = 0
        self.listening = False

    def get(self, key: Key) -> bytes | None:
        if not self.listening:
            return None
        body = self.entries.get(key)
        if body is not None:
            self.entries.move_to_end(key)
        return body

    def put(self, key: Key, body: bytes, read_at_epoch: int) -> None:
        if not self.listening or read_at_epoch != self.epoch:
            return
        self.entries[key] = body
        if len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)

    def evict(self, keys: list[Key]) -> None:
        self.epoch += 1
        for key in keys:
            self.entries.pop(key, None)

    def clear(self) -> None:
        self.epoch += 1
        self.entries.clear()

    def on_notification(self, payload: str) -> None:
        """Payload: `tenant:id,tenant:id,…` (the trigger sends several when there are many)."""
        keys = []
        for item in payload.split(","):
            tenant_id, _, product_id = item.partition(":")
            keys.append((int(tenant_id), int(product_id)))
        self.evict(keys)


async def _listen_until_closed(cache: ProductCache, dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        closed = asyncio.Event()
        connection.add_termination_listener(lambda _: closed.set())
        await connection.add_listener(CHANNEL, lambda *args: cache.on_notification(args[-1]))
        cache.clear()  # whatever changed while nobody listened is unknown
        cache.listening = True
        await closed.wait()
    finally:
        cache.listening = False
        cache.clear()
        if not connection.is_closed():
            await connection.close()


async def listen(cache: ProductCache, dsn: str) -> None:
    """Keep a LISTEN connection up for the life of the process; cache only while it is."""
    while True:
        try:
            await _listen_until_closed(cache, dsn)
        except (OSError, asyncpg.PostgresError) as error:
            log.warning("product_cache_listener_down", error=str(error))
        await asyncio.sleep(RECONNECT_SECONDS)

"""A tenant's whole replica: rewritten after its field types changed (or on demand), and verified
against Postgres.

A resync rewrites every product of the tenant as it is now, typed by its fields and versioned with
its current schema epoch, so each new row replaces the one typed by the old fields (segdsl's
`replica_version`); writes made meanwhile carry newer product versions and win either way. It then
tombstones what the replica holds and Postgres no longer does (a lost deletion), as of a snapshot:
rows newer than the snapshot are left alone. A verification walks both sides in SKU order.
"""

import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import structlog
from sqlalchemy import text

from import_worker.context import Context, Resources, resources
from import_worker.relay import replica_rows
from pim_api.outbox.reader import tenant_fields
from pim_api.outbox.snapshot import products_after, sku_versions
from segdsl import product_version_of, tombstone_row
from segment_api.clickhouse.replica_store import ReplicaStore
from segops_platform.jobs import job

BATCH_SIZE = 5_000
DIFFERENCES_SHOWN = 10

log = structlog.get_logger()
Progress = Callable[[int], None]


def _store(clients: Resources) -> ReplicaStore:
    return ReplicaStore(clients.clickhouse, clients.settings.clickhouse_database)


async def resync(clients: Resources, tenant_id: int, progress: Progress = lambda _: None) -> int:
    """Rewrite the tenant's replica from Postgres; how many products were written."""
    async with clients.sessionmaker() as session:
        fields = await tenant_fields(session, [tenant_id])
        newest = int(await session.scalar(text("SELECT last_value FROM pim.product_version_seq")) or 0)
    store = _store(clients)
    written, after = 0, 0
    while True:
        async with clients.sessionmaker() as session:
            batch = await products_after(session, tenant_id, after, BATCH_SIZE)
        if not batch:
            break
        await store.write(replica_rows(batch, fields))
        written, after = written + len(batch), batch[-1].product_id
        progress(written)
    strays = [row async for row in _strays(clients, tenant_id, newest)]
    await store.write(
        [
            tombstone_row(tenant_id=tenant_id, sku=sku, product_id=product_id, version=version + 1)
            for sku, version, product_id in strays
        ]
    )
    log.info("replica_resynced", tenant_id=tenant_id, products=written, strays=len(strays))
    return written


async def _strays(clients: Resources, tenant_id: int, newest: int) -> AsyncIterator[tuple[str, int, int]]:
    """Live replica rows of products Postgres does not hold, up to product version `newest`."""
    async with clients.sessionmaker() as session:
        stored = {sku async for sku, _ in sku_versions(session, tenant_id)}
    async for sku, version, product_id in _store(clients).live(tenant_id):
        if sku not in stored and product_version_of(version) <= newest:
            yield sku, version, product_id


@job
async def resync_tenant(ctx: Context, tenant_id: int) -> int:
    """Queued by pim-api after a tenant's field types changed."""
    return await resync(resources(ctx), tenant_id)


class Side:
    """One side of a verification: its (sku, product version) rows in SKU order, counted and digested."""

    def __init__(self, name: str, rows: AsyncIterator[tuple[str, int]]) -> None:
        self.name = name
        self.rows = rows
        self.count = 0
        self.digest = hashlib.sha256()
        self.current: tuple[str, int] | None = None

    async def advance(self) -> None:
        self.current = await anext(self.rows, None)
        if self.current is not None:
            self.count += 1
            self.digest.update(f"{self.current[0]}\t{self.current[1]}\n".encode())


@dataclass
class Verification:
    postgres: Side
    replica: Side
    differences: int = 0
    shown: list[str] = field(default_factory=list)  # the first few

    def differ(self, line: str) -> None:
        self.differences += 1
        if len(self.shown) < DIFFERENCES_SHOWN:
            self.shown.append(line)

    def report(self, tenant_id: int) -> str:
        postgres, replica = self.postgres, self.replica
        lines = [
            f"tenant {tenant_id}: postgres {postgres.count} products, replica {replica.count}",
            f"checksum of sku+version: postgres {postgres.digest.hexdigest()[:16]}, "
            f"replica {replica.digest.hexdigest()[:16]}",
        ]
        if self.differences:
            lines.append(f"{self.differences} differences (writes not relayed yet look like these too):")
            lines += [f"  {line}" for line in self.shown]
        else:
            lines.append("in sync")
        return "\n".join(lines)


async def verify(clients: Resources, tenant_id: int) -> Verification:
    """Postgres and the replica compared product by product, both walked in SKU order (constant memory)."""

    async def replica_rows_of_tenant() -> AsyncIterator[tuple[str, int]]:
        async for sku, version, _ in _store(clients).live(tenant_id):
            yield sku, product_version_of(version)

    async with clients.sessionmaker() as session:
        found = Verification(
            Side("postgres", sku_versions(session, tenant_id)), Side("replica", replica_rows_of_tenant())
        )
        postgres, replica = found.postgres, found.replica
        await postgres.advance()
        await replica.advance()
        while postgres.current is not None or replica.current is not None:
            if replica.current is None or (
                postgres.current is not None and postgres.current[0] < replica.current[0]
            ):
                assert postgres.current is not None
                found.differ(
                    f"{postgres.current[0]}: version {postgres.current[1]} in postgres, not in the replica"
                )
                await postgres.advance()
            elif postgres.current is None or replica.current[0] < postgres.current[0]:
                found.differ(
                    f"{replica.current[0]}: version {replica.current[1]} in the replica, not in postgres"
                )
                await replica.advance()
            else:
                if postgres.current[1] != replica.current[1]:
                    sku, stored, replicated = postgres.current[0], postgres.current[1], replica.current[1]
                    found.differ(f"{sku}: version {stored} in postgres, {replicated} in the replica")
                await postgres.advance()
                await replica.advance()
    return found

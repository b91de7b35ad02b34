"""Scoring a tenant's catalog again after its field types changed (the scores depend on them).

`product_schemas.readability_epoch` records the replica epoch (which grows with every change of the
field types) the tenant's scores were computed under; a tenant whose epoch moved on is stale. The
worker rescores stale tenants in product batches, each its own transaction, and then records the
epoch, unless it moved on again meanwhile. Writes made during a rescore score themselves under the
new types; a batch only updates the products still at the version it read.
"""

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pim_api.products.data import SchemaView
from pim_api.readability.score import scorer_for
from pim_api.readability.writes import Holder, ReadabilityWrites
from pim_api.schema.repository import ProductSchemaRepository

RESCORE_JOB = "rescore_readability"
BATCH_SIZE = 5_000
# pg_try_advisory_lock(RESCORE_LOCK, tenant): one rescore of a tenant at a time, across workers.
RESCORE_LOCK = 0x5C0

_BATCH = text(
    "SELECT id, sku, name, data, version FROM pim.products "
    "WHERE tenant_id = :tenant_id AND id > :after ORDER BY id LIMIT :limit"
)


async def stale_tenants(session: AsyncSession) -> list[int]:
    rows = await session.scalars(
        text(
            "SELECT tenant_id FROM pim.product_schemas "
            "WHERE readability_epoch IS DISTINCT FROM replica_epoch ORDER BY tenant_id"
        )
    )
    return list(rows)


async def rescore_tenant(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: int,
    progress: Callable[[int], None] = lambda _: None,
) -> int | None:
    """Score the tenant's products under its current field types and scoring rules; how many scores
    changed, or None when another worker is rescoring the tenant. `progress` hears how many
    products were read so far."""
    async with sessionmaker() as guard:
        locked = await guard.scalar(
            text("SELECT pg_try_advisory_lock(:lock, :tenant_id)"),
            {"lock": RESCORE_LOCK, "tenant_id": tenant_id},
        )
        await guard.commit()  # the lock is the session's: it outlives the transaction
        if not locked:
            return None
        try:
            return await _rescore(sessionmaker, tenant_id, progress)
        finally:
            await guard.execute(
                text("SELECT pg_advisory_unlock(:lock, :tenant_id)"),
                {"lock": RESCORE_LOCK, "tenant_id": tenant_id},
            )


async def _rescore(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: int, progress: Callable[[int], None]
) -> int:
    async with sessionmaker() as session:
        schema = await ProductSchemaRepository(session).get(tenant_id)
        if schema is None:  # the tenant is gone
            return 0
        epoch, scorer = schema.replica_epoch, scorer_for(SchemaView.of(schema).types)
    changed, after, read = 0, 0, 0
    while True:
        async with sessionmaker.begin() as session:
            rows = await session.execute(
                _BATCH, {"tenant_id": tenant_id, "after": after, "limit": BATCH_SIZE}
            )
            holders = [Holder(*row) for row in rows]
            if not holders:
                break
            changed += await ReadabilityWrites(session, tenant_id, scorer).rescore(holders)
        after, read = holders[-1].id, read + len(holders)
        progress(read)
    async with sessionmaker.begin() as session:
        await session.execute(
            text(
                "UPDATE pim.product_schemas SET readability_epoch = :epoch "
                "WHERE tenant_id = :tenant_id AND replica_epoch = :epoch"
            ),
            {"tenant_id": tenant_id, "epoch": epoch},
        )
    return changed

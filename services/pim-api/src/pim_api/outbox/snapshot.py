"""A tenant's products as the replica should hold them now, read for a resync or a verification
(beside the outbox reader: the same product shape, the same typing)."""

from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.outbox.reader import PRODUCT_COLUMNS, ProductChange, stored_change

STREAM_CHUNK = 10_000


async def tenant_ids(session: AsyncSession) -> list[int]:
    return list(await session.scalars(text("SELECT id FROM pim.tenants ORDER BY id")))


async def products_after(
    session: AsyncSession, tenant_id: int, after_id: int, limit: int
) -> list[ProductChange]:
    """The tenant's products with an id above `after_id`, in id order (a resync's next batch)."""
    rows = await session.execute(_AFTER, {"tenant_id": tenant_id, "after_id": after_id, "limit": limit})
    return [stored_change(row) for row in rows]


async def sku_versions(session: AsyncSession, tenant_id: int) -> AsyncIterator[tuple[str, int]]:
    """(sku, version) of every product of the tenant, in SKU order, streamed."""
    result = await session.stream(_SKU_VERSIONS, {"tenant_id": tenant_id})
    async for partition in result.partitions(STREAM_CHUNK):
        for sku, version in partition:
            yield sku, version


_AFTER = text(
    f"SELECT {PRODUCT_COLUMNS} FROM pim.products p "  # noqa: S608  (constant columns)
    "WHERE p.tenant_id = :tenant_id AND p.id > :after_id ORDER BY p.id LIMIT :limit"
)
_SKU_VERSIONS = text(
    'SELECT sku COLLATE "C", version FROM pim.products WHERE tenant_id = :tenant_id ORDER BY sku COLLATE "C"'
)

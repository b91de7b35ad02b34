"""SQL for the product outbox."""

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.outbox.models import ProductOutboxRow
from pim_api.products.models import PRODUCT_VERSION


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record_write(self, tenant_id: int, product_id: int, sku: str, version: int) -> None:
        await self.session.execute(
            insert(ProductOutboxRow).values(
                tenant_id=tenant_id, product_id=product_id, sku=sku, version=version
            )
        )

    async def record_delete(self, tenant_id: int, product_id: int, sku: str) -> None:
        """A tombstone, versioned above every write before it."""
        await self.session.execute(
            insert(ProductOutboxRow).values(
                tenant_id=tenant_id,
                product_id=product_id,
                sku=sku,
                version=PRODUCT_VERSION.next_value(),
                deleted=True,
            )
        )

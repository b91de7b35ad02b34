"""SQL for the product schema."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.schema.models import ProductSchemaRow


class ProductSchemaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create_empty(self, tenant_id: int) -> ProductSchemaRow:
        row = ProductSchemaRow(tenant_id=tenant_id, fields=[])
        self.session.add(row)
        await self.session.flush()
        return row

    async def get(self, tenant_id: int) -> ProductSchemaRow | None:
        return await self.session.scalar(
            select(ProductSchemaRow).where(ProductSchemaRow.tenant_id == tenant_id)
        )

    async def update(self, row: ProductSchemaRow, **values: Any) -> ProductSchemaRow:
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = func.now()
        await self.session.flush()
        await self.session.refresh(row, ["updated_at"])
        return row

"""SQL for import jobs and their stored uploads."""

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.imports.models import ImportChunkRow, ImportJobRow


class ImportJobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, tenant_id: int, **values: Any) -> ImportJobRow:
        row = ImportJobRow(tenant_id=tenant_id, **values)
        self.session.add(row)
        await self.session.flush()
        await self.session.refresh(row)
        return row

    async def add_chunk(self, job_id: int, seq: int, data: bytes) -> None:
        await self.session.execute(insert(ImportChunkRow).values(job_id=job_id, seq=seq, data=data))

    async def get(self, tenant_id: int, job_id: int) -> ImportJobRow | None:
        return await self.session.scalar(
            select(ImportJobRow).where(ImportJobRow.tenant_id == tenant_id, ImportJobRow.id == job_id)
        )

    async def list(self, tenant_id: int) -> list[ImportJobRow]:
        """The tenant's jobs, newest first."""
        rows = await self.session.scalars(
            select(ImportJobRow).where(ImportJobRow.tenant_id == tenant_id).order_by(ImportJobRow.id.desc())
        )
        return list(rows)

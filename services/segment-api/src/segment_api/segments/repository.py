"""SQL for segments. Every statement is scoped by the caller's tenant."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from segment_api.segments.models import MembershipChangeRow, SegmentRow


class SegmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self, tenant_id: int) -> list[SegmentRow]:
        statement = select(SegmentRow).where(SegmentRow.tenant_id == tenant_id).order_by(SegmentRow.id)
        return list(await self.session.scalars(statement))

    async def get(self, tenant_id: int, segment_id: int, *, for_update: bool = False) -> SegmentRow | None:
        statement = select(SegmentRow).where(SegmentRow.tenant_id == tenant_id, SegmentRow.id == segment_id)
        if for_update:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def insert(self, tenant_id: int, values: dict[str, Any]) -> SegmentRow:
        statement = insert(SegmentRow).values(tenant_id=tenant_id, **values).returning(SegmentRow)
        row = await self.session.scalar(statement)
        assert row is not None
        return row

    async def update(self, tenant_id: int, segment_id: int, values: dict[str, Any]) -> SegmentRow | None:
        statement = (
            update(SegmentRow)
            .where(SegmentRow.tenant_id == tenant_id, SegmentRow.id == segment_id)
            .values(**values, updated_at=func.now())
            .returning(SegmentRow)
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(statement)

    async def delete(self, tenant_id: int, segment_id: int) -> bool:
        """Whether there was such a segment to delete."""
        statement = (
            delete(SegmentRow)
            .where(SegmentRow.tenant_id == tenant_id, SegmentRow.id == segment_id)
            .returning(SegmentRow.id)
        )
        return await self.session.scalar(statement) is not None

    async def live_changes(
        self, tenant_id: int, segment_id: int, after: int, limit: int
    ) -> Sequence[MembershipChangeRow]:
        """The segment's live membership changes with an id above `after`, in id order."""
        statement = (
            select(MembershipChangeRow)
            .where(
                MembershipChangeRow.tenant_id == tenant_id,
                MembershipChangeRow.segment_id == segment_id,
                MembershipChangeRow.id > after,
            )
            .order_by(MembershipChangeRow.id)
            .limit(limit)
        )
        return list(await self.session.scalars(statement))

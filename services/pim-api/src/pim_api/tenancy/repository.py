"""SQL for tenants and API keys."""

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.tenancy.models import ApiKeyRow, TenantRow


class TenancyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_tenant(self, name: str) -> TenantRow:
        tenant = TenantRow(name=name)
        self.session.add(tenant)
        await self.session.flush()
        return tenant

    async def tenant_exists(self, tenant_id: int) -> bool:
        return bool(await self.session.scalar(select(exists().where(TenantRow.id == tenant_id))))

    async def add_api_key(self, tenant_id: int, prefix: str, key_hash: str, name: str) -> ApiKeyRow:
        row = ApiKeyRow(tenant_id=tenant_id, prefix=prefix, key_hash=key_hash, name=name)
        self.session.add(row)
        await self.session.flush()
        return row

    async def active_key_by_prefix(self, prefix: str) -> ApiKeyRow | None:
        return await self.session.scalar(
            select(ApiKeyRow).where(ApiKeyRow.prefix == prefix, ApiKeyRow.revoked_at.is_(None))
        )

    async def list_api_keys(self, tenant_id: int) -> list[ApiKeyRow]:
        rows = await self.session.scalars(
            select(ApiKeyRow).where(ApiKeyRow.tenant_id == tenant_id).order_by(ApiKeyRow.id)
        )
        return list(rows)

    async def revoke_api_key(self, tenant_id: int, prefix: str) -> bool:
        result = await self.session.execute(
            update(ApiKeyRow)
            .where(
                ApiKeyRow.tenant_id == tenant_id,
                ApiKeyRow.prefix == prefix,
                ApiKeyRow.revoked_at.is_(None),
            )
            .values(revoked_at=func.now())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

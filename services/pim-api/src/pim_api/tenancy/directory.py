"""The `TenantDirectory` backed by this service's own tables, one short transaction per lookup."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pim_api.tenancy.service import TenancyService


class DatabaseTenantDirectory:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker

    async def tenant_for_api_key(self, key: str) -> int | None:
        async with self.sessionmaker() as session:
            return await TenancyService(session).tenant_for_api_key(key)

    async def tenant_exists(self, tenant_id: int) -> bool:
        async with self.sessionmaker() as session:
            return await TenancyService(session).tenant_exists(tenant_id)

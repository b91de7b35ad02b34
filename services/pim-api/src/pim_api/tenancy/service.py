"""Tenant and API-key rules; callers own the transaction."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.schema.repository import ProductSchemaRepository
from pim_api.tenancy.models import ApiKeyRow
from pim_api.tenancy.repository import TenancyRepository
from segops_platform.auth.api_keys import api_key_matches, api_key_prefix, generate_api_key
from segops_platform.errors import NotFound


@dataclass(frozen=True)
class IssuedKey:
    """A key as shown once to its owner; only `prefix` can be seen again."""

    tenant_id: int
    key: str
    prefix: str


class TenancyService:
    def __init__(self, session: AsyncSession) -> None:
        self.tenants = TenancyRepository(session)
        self.schemas = ProductSchemaRepository(session)

    async def create_tenant(self, name: str) -> IssuedKey:
        """A tenant with its empty product schema and a first API key."""
        tenant = await self.tenants.add_tenant(name)
        await self.schemas.create_empty(tenant.id)
        return await self.create_api_key(tenant.id, name="default")

    async def create_api_key(self, tenant_id: int, name: str = "") -> IssuedKey:
        if not await self.tenants.tenant_exists(tenant_id):
            raise NotFound(f"tenant {tenant_id} does not exist")
        new = generate_api_key()
        await self.tenants.add_api_key(tenant_id, new.prefix, new.key_hash, name)
        return IssuedKey(tenant_id=tenant_id, key=new.key, prefix=new.prefix)

    async def revoke_api_key(self, tenant_id: int, prefix: str) -> None:
        if not await self.tenants.revoke_api_key(tenant_id, prefix):
            raise NotFound(f"no active API key {prefix!r} for tenant {tenant_id}")

    async def list_api_keys(self, tenant_id: int) -> list[ApiKeyRow]:
        return await self.tenants.list_api_keys(tenant_id)

    async def tenant_for_api_key(self, key: str) -> int | None:
        prefix = api_key_prefix(key)
        row = await self.tenants.active_key_by_prefix(prefix) if prefix else None
        if row is None or not api_key_matches(key, row.key_hash):
            return None
        return row.tenant_id

    async def tenant_exists(self, tenant_id: int) -> bool:
        return await self.tenants.tenant_exists(tenant_id)

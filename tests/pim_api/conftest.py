from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from pim_api.tenancy.service import IssuedKey
from tests.support import TenantFactory, auth

# A schema with one field of most types, shared by the product tests.
FIELDS: list[dict[str, Any]] = [
    {"name": "brand", "type": "string"},
    {"name": "price", "type": "price"},
    {"name": "published", "type": "boolean"},
    {"name": "tags", "type": "array"},
    {"name": "inventory_count", "type": "number"},
    {"name": "release_date", "type": "date"},
]

SchemaTenantFactory = Callable[[list[dict[str, Any]]], Awaitable[IssuedKey]]


@pytest.fixture
def make_schema_tenant(pim: httpx.AsyncClient, make_tenant: TenantFactory) -> SchemaTenantFactory:
    """A new tenant whose product schema has the given fields."""

    async def create(fields: list[dict[str, Any]]) -> IssuedKey:
        tenant = await make_tenant()
        response = await pim.put("/api/pim/schema/", json={"fields": fields}, headers=auth(tenant.key))
        assert response.status_code == 200, response.text
        return tenant

    return create

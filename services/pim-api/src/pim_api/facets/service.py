"""Facet rules: which fields have facets, how many values, and in what order."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.facets.repository import FacetRepository
from pim_api.products.counts import ValueCounts
from pim_api.products.query import ProductFilter
from pim_api.schema.service import ProductSchemaService
from segops_platform.auth.tenant_directory import Tenant

TOP_VALUES = 100


class FacetService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = FacetRepository(session)
        self.schemas = ProductSchemaService(session)
        self.counts = ValueCounts(session)

    async def facets(self, tenant: Tenant, where: ProductFilter, with_counts: bool) -> dict[str, list[Any]]:
        """Each string and array schema field → its 100 most frequent values, sorted ascending."""
        fields = (await self.schemas.get(tenant)).fields
        string_fields = [f["name"] for f in fields if f["type"] == "string"]
        array_fields = [f["name"] for f in fields if f["type"] == "array"]
        result: dict[str, list[Any]] = {name: [] for name in [*string_fields, *array_fields]}
        if not result:
            return result
        if where.q or where.containments:
            top = await self.repository.top_values(tenant.id, where, string_fields, array_fields, TOP_VALUES)
        else:  # the whole catalog: the counts kept on write answer without a scan
            top = await self.counts.top_values(tenant.id, string_fields, array_fields, TOP_VALUES)
        for field, value, count in top:
            result[field].append({"value": value, "count": count} if with_counts else value)
        return result

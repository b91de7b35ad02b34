"""Facet rules: which fields have facets, how many values, and in what order."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.facets.repository import FacetRepository
from pim_api.products.counts import ValueCounts
from pim_api.products.data import SchemaView
from pim_api.products.query import parse_filter
from pim_api.schema.service import ProductSchemaService
from segops_platform.auth.tenant_directory import Tenant

TOP_VALUES = 100
FACET_PARAMETERS = ("q", "counts")


class FacetService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = FacetRepository(session)
        self.schemas = ProductSchemaService(session)
        self.counts = ValueCounts(session)

    async def facets(
        self, tenant: Tenant, query: list[tuple[str, str]], with_counts: bool
    ) -> dict[str, list[Any]]:
        """Each string and array schema field → its 100 most frequent values, sorted ascending."""
        schema = SchemaView.of(await self.schemas.get(tenant))
        where = parse_filter(query, schema, declared=FACET_PARAMETERS)
        string_fields = [name for name, kind in schema.types.items() if kind == "string"]
        array_fields = [name for name, kind in schema.types.items() if kind == "array"]
        result: dict[str, list[Any]] = {name: [] for name in [*string_fields, *array_fields]}
        if not result:
            return result
        if where.narrows:
            top = await self.repository.top_values(tenant.id, where, string_fields, array_fields, TOP_VALUES)
        else:  # the whole catalog: the counts kept on write answer without a scan
            top = await self.counts.top_values(tenant.id, string_fields, array_fields, TOP_VALUES)
        for field, value, count in top:
            result[field].append({"value": value, "count": count} if with_counts else value)
        return result

"""Product schema rules; callers own the transaction."""

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.products.counts import COUNTED_TYPES, ValueCounts
from pim_api.schema.compatibility import Incompatible, incompatible_values
from pim_api.schema.models import ProductSchemaRow
from pim_api.schema.repository import ProductSchemaRepository
from pim_api.schema.schemas import ProductSchemaIn, SchemaField
from segops_platform.auth.tenant_directory import Tenant
from segops_platform.errors import BadRequest, NotFound


class ProductSchemaService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.schemas = ProductSchemaRepository(session)
        self.counts = ValueCounts(session)

    async def get(self, tenant: Tenant) -> ProductSchemaRow:
        row = await self.schemas.get(tenant.id)
        if row is None:  # every tenant is created with one; this means the tenant itself is gone
            raise NotFound("product schema not found")
        return row

    async def replace(
        self, tenant: Tenant, new: ProductSchemaIn
    ) -> tuple[ProductSchemaRow, list[Incompatible], bool]:
        """The saved schema; the stored values that don't fit a field whose type is new; and whether
        the field types changed (a field added, removed or retyped): then the replica epoch grew,
        and the tenant's replica is to be rewritten."""
        if errors := duplicate_names(new.fields, "fields"):
            raise BadRequest.at(errors)
        row = await self.get(tenant)
        old_types = {field["name"]: field["type"] for field in row.fields}
        new_types = {field.name: field.type for field in new.fields}
        retyped = {name: kind for name, kind in new_types.items() if old_types.get(name) != kind}
        counted = [field.name for field in new.fields if field.type in COUNTED_TYPES]
        if set(counted) != set(row.counted_fields):
            await self.counts.recount(
                tenant.id,
                added=set(counted) - set(row.counted_fields),
                removed=set(row.counted_fields) - set(counted),
            )
        row = await self.schemas.update(
            row,
            fields=[field.model_dump() for field in new.fields],
            counted_fields=counted,
            default_currency=new.default_currency or row.default_currency,
            default_locale=new.default_locale or row.default_locale,
            replica_epoch=row.replica_epoch + (new_types != old_types),
        )
        return row, await incompatible_values(self.session, tenant.id, retyped), new_types != old_types


def duplicate_names(fields: Sequence[SchemaField], path: str) -> list[dict[str, str]]:
    """A problem for each field that repeats an earlier one's name (`path`: the list's place)."""
    positions: dict[str, list[int]] = defaultdict(list)
    for index, field in enumerate(fields):
        positions[field.name].append(index)
    return [
        {
            "path": f"{path}[{index}].name",
            "message": f"duplicate field name {name!r} (first at {path}[{at[0]}])",
        }
        for name, at in positions.items()
        for index in at[1:]
    ]

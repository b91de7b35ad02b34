"""Product rules: validation against the tenant schema, merges, all-or-nothing bulk writes.

Callers own the transaction (one per request). Versions, outbox rows, value counts and the name
index are written by the database itself (the version sequence and triggers: the list is in
`products/models.py`), in the same statement as the write.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.products.counts import ValueCounts
from pim_api.products.data import SchemaView, missing_required, parse_change
from pim_api.products.models import ProductRow
from pim_api.products.query import ProductFilter, parse_filter
from pim_api.products.repository import ProductRepository
from pim_api.products.schemas import (
    MAX_BULK_ITEMS,
    MAX_NAME_LENGTH,
    MAX_SKU_LENGTH,
    BulkResult,
    ProductCreate,
    ProductPatch,
)
from pim_api.schema.service import ProductSchemaService
from segops_platform.auth.tenant_directory import Tenant
from segops_platform.errors import BadRequest, Conflict, NotFound, PayloadTooLarge
from segops_platform.text_rules import line_problem

LIST_PARAMETERS = ("q", "page", "page_size")


@dataclass(frozen=True)
class SearchResult:
    where: ProductFilter
    page: int
    page_size: int
    count: int
    rows: list[ProductRow]


def _refuse(errors: list[dict[str, str]]) -> None:
    if errors:
        raise BadRequest.at(errors)


class ProductService:
    def __init__(self, session: AsyncSession) -> None:
        self.products = ProductRepository(session)
        self.schemas = ProductSchemaService(session)
        self.counts = ValueCounts(session)

    async def schema_view(self, tenant: Tenant) -> SchemaView:
        return SchemaView.of(await self.schemas.get(tenant))

    async def search(
        self, tenant: Tenant, query: list[tuple[str, str]], page: int, page_size: int
    ) -> SearchResult:
        """A page of the products the query string selects, with their exact count."""
        schema = await self.schema_view(tenant)
        where = parse_filter(query, schema, declared=LIST_PARAMETERS)
        count = await self.counts.exact_count(tenant.id, where, schema.counted)
        if count is None:
            count = await self.products.count(tenant.id, where)
        last_page = max(1, -(-count // page_size))
        if page > last_page:
            raise NotFound(f"page {page} is past the last page ({last_page})")
        rows = await self.products.page(tenant.id, where, (page - 1) * page_size, page_size)
        return SearchResult(where, page, page_size, count, rows)

    async def create(self, tenant: Tenant, body: ProductCreate) -> ProductRow:
        schema = await self.schema_view(tenant)
        change = parse_change(body.data, schema, "data.")
        data = change.applied_to({})
        _refuse(change.errors + missing_required(data, schema, "data."))
        row = await self.products.insert(tenant.id, body.sku, body.name, data)
        if row is None:
            raise Conflict(f"a product with sku {body.sku!r} already exists")
        return row

    async def update(self, tenant: Tenant, product_id: int, patch: ProductPatch) -> ProductRow:
        row = await self.products.get(tenant.id, product_id, for_update=True)
        if row is None:
            raise NotFound(f"product {product_id} not found")
        schema = await self.schema_view(tenant)
        change = parse_change(patch.data, schema, "data.")
        data = change.applied_to(row.data)
        _refuse(change.errors + missing_required(data, schema, "data."))
        return await self.products.update(row, patch.name or row.name, data)

    async def delete(self, tenant: Tenant, product_id: int) -> None:
        if not await self.products.delete(tenant.id, product_id):
            raise NotFound(f"product {product_id} not found")

    async def bulk_upsert(self, tenant: Tenant, items: list[dict[str, Any]]) -> BulkResult:
        """All or nothing: every bad item is reported by index and nothing is written.

        The merge into stored products happens in the upsert itself (under the row lock it takes),
        so only items whose validity depends on the stored product are read first: those without a
        name, removing keys, or leaving a required field to the stored value. The items are taken
        apart: their `sku` and `name` are popped, so that what remains is their data.
        """
        if len(items) > MAX_BULK_ITEMS:
            raise PayloadTooLarge(f"{len(items)} products in one request; at most {MAX_BULK_ITEMS}")
        skus, errors = _take_skus(items)
        _refuse(errors)
        raw_names = [item.pop("name", None) for item in items]
        schema = await self.schema_view(tenant)
        changes = [parse_change(item, schema, f"products[{i}].") for i, item in enumerate(items)]
        depending = [
            sku
            for sku, raw_name, change in zip(skus, raw_names, changes, strict=True)
            if raw_name is None or change.removed or not schema.required <= change.values.keys()
        ]
        stored = await self.products.lock_by_skus(tenant.id, depending) if depending else {}
        names: list[str] = []
        patches: list[dict[str, Any]] = []
        for index, (sku, raw_name, change) in enumerate(zip(skus, raw_names, changes, strict=True)):
            prefix = f"products[{index}]."
            current = stored.get(sku)
            names.append(_bulk_name(raw_name, current, prefix, errors))
            data = change.applied_to(current.data if current else {})
            errors += change.errors + missing_required(data, schema, prefix)
            patches.append(change.patch if current else data)
        _refuse(errors)
        if not items:
            return BulkResult(created=0, updated=0)
        created, updated = await self.products.upsert_many(tenant.id, skus, names, patches)
        return BulkResult(created=created, updated=updated)


def _take_skus(items: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, str]]]:
    """Each item's SKU, popped from it; a missing, bad or repeated one is an error."""
    skus: list[str] = []
    errors: list[dict[str, str]] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        sku = item.pop("sku", None)
        path = f"products[{index}].sku"
        problem = "is required" if sku is None else line_problem(sku, MAX_SKU_LENGTH)
        if problem is not None:
            errors.append({"path": path, "message": problem})
            sku = ""
        elif sku in first_index:
            errors.append({"path": path, "message": f"sku {sku!r} repeats products[{first_index[sku]}]"})
        if sku:
            first_index.setdefault(sku, index)
        skus.append(sku)
    return skus, errors


def _bulk_name(raw: Any, current: ProductRow | None, prefix: str, errors: list[dict[str, str]]) -> str:
    """A new product needs a name; an existing one keeps its own when none is given."""
    if raw is None and current is not None:
        return current.name
    problem = "is required for a new product" if raw is None else line_problem(raw, MAX_NAME_LENGTH)
    if problem is not None:
        errors.append({"path": f"{prefix}name", "message": problem})
        return ""
    return str(raw)

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
from pim_api.products.scored_upsert import upsert_scored
from pim_api.readability.counts import ReadabilityCounts
from pim_api.readability.score import scorer_for
from pim_api.readability.writes import ReadabilityWrites, Subject
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
        if count is None and where.scores and not (where.q or where.containments):
            count = await ReadabilityCounts(self.products.session).count(tenant.id, where.scores)
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
        readability = await self._readability(tenant, schema).assess([Subject(body.sku, body.name, data)])
        row = await self.products.insert(tenant.id, body.sku, body.name, data, readability)
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
        name = patch.name or row.name
        subject = Subject(row.sku, name, data, row.description_fingerprint)
        readability = await self._readability(tenant, schema).assess([subject])
        return await self.products.update(row, name, data, readability)

    async def delete(self, tenant: Tenant, product_id: int) -> None:
        deleted, description = await self.products.delete(tenant.id, product_id)
        if not deleted:
            raise NotFound(f"product {product_id} not found")
        if description is not None:  # the products left sharing it may no longer be boilerplate
            await self._readability(tenant, await self.schema_view(tenant)).assess([], gone=[description])

    async def bulk_upsert(self, tenant: Tenant, items: list[dict[str, Any]]) -> BulkResult:
        """All or nothing: every bad item is reported by index and nothing is written.

        The stored products among the items are read and locked first: their data, merged with the
        items', is validated and scored. The upsert merges in SQL too, as a product created by
        another request meanwhile is merged into (and rescored after). The items are taken apart:
        their `sku` and `name` are popped, so that what remains is their data.
        """
        if len(items) > MAX_BULK_ITEMS:
            raise PayloadTooLarge(f"{len(items)} products in one request; at most {MAX_BULK_ITEMS}")
        skus, errors = _take_skus(items)
        _refuse(errors)
        raw_names = [item.pop("name", None) for item in items]
        schema = await self.schema_view(tenant)
        changes = [parse_change(item, schema, f"products[{i}].") for i, item in enumerate(items)]
        stored = await self.products.lock_by_skus(tenant.id, skus) if items else {}
        names: list[str] = []
        patches: list[dict[str, Any]] = []
        subjects: list[Subject] = []
        for index, (sku, raw_name, change) in enumerate(zip(skus, raw_names, changes, strict=True)):
            prefix = f"products[{index}]."
            current = stored.get(sku)
            names.append(_bulk_name(raw_name, current, prefix, errors))
            data = change.applied_to(current.data if current else {})
            errors += change.errors + missing_required(data, schema, prefix)
            patches.append(change.patch if current else data)
            subjects.append(
                Subject(sku, names[-1], data, current.description_fingerprint if current else None)
            )
        _refuse(errors)
        if not items:
            return BulkResult(created=0, updated=0)
        readability = self._readability(tenant, schema)
        written = await upsert_scored(
            readability,
            skus,
            names,
            patches,
            subjects,
            lambda batch: self.products.upsert_many(tenant.id, batch),
        )
        created, updated = (sum(counts) for counts in zip(*written, strict=True))
        if created < len(items) - len(stored):  # another request created some of them meanwhile
            await readability.rescore_skus([sku for sku in skus if sku not in stored])
        return BulkResult(created=created, updated=updated)

    def _readability(self, tenant: Tenant, schema: SchemaView) -> ReadabilityWrites:
        return ReadabilityWrites(self.products.session, tenant.id, scorer_for(schema.types))


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

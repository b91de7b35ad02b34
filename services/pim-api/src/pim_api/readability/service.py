"""A product's readability, scored against its tenant's schema and catalog (scoped by tenant)."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.products.models import ProductRow
from pim_api.products.repository import ProductRepository
from pim_api.products.service import ProductService
from pim_api.readability.score import FeedFields, Readability, score_product
from segops_platform.auth.tenant_directory import Tenant
from segops_platform.errors import NotFound


async def readability(session: AsyncSession, tenant: Tenant, product_id: int) -> Readability:
    product = await ProductRepository(session).get(tenant.id, product_id)
    if product is None:
        raise NotFound(f"product {product_id} not found")
    types = (await ProductService(session).schema_view(tenant)).types
    feed = FeedFields.of(types)
    shared_by = await _sharing_description(session, tenant.id, product.data, feed)
    return score_product(product.name, product.data, types, feed, shared_by)


async def _sharing_description(
    session: AsyncSession, tenant_id: int, data: dict[str, object], feed: FeedFields
) -> int:
    """How many of the tenant's products have this description (the data index finds them)."""
    field = next((name for name in feed.fields.get("description", ()) if data.get(name)), None)
    if field is None:
        return 1
    statement = select(func.count()).where(
        ProductRow.tenant_id == tenant_id, ProductRow.data.contains({field: data[field]})
    )
    return int(await session.scalar(statement) or 1)

"""Internal routes other services use to read products (not routed by the gateway)."""

from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, Field

from pim_api.products.repository import ProductRepository
from segops_platform.auth.dependencies import InternalCaller
from segops_platform.database import MAX_BIGINT, SessionDep
from segops_platform.json_body import RequestBody
from segops_platform.openapi import problems
from segops_platform.routing import ServiceRouter

MAX_LOOKUP = 1_000

router = ServiceRouter(
    prefix="/internal/tenants/{tenant_id}/products",
    tags=["internal"],
    dependencies=[InternalCaller],
    responses=problems(400, 401, 503),
)


class SkuLookup(RequestBody):
    skus: list[str] = Field(max_length=MAX_LOOKUP)


class ProductDetails(BaseModel):
    sku: str
    name: str
    data: dict[str, Any]


class FoundProducts(BaseModel):
    products: list[ProductDetails] = Field(
        description="The products found, in the order their SKUs were asked"
    )


@router.post("/lookup", summary="Products by SKU, one batch")
async def products_lookup(
    tenant_id: Annotated[int, Path(ge=1, le=MAX_BIGINT)], body: SkuLookup, session: SessionDep
) -> FoundProducts:
    """For a page of segment members: their names and data, in one round trip."""
    found = {row.sku: row for row in await ProductRepository(session).by_skus(tenant_id, body.skus)}
    return FoundProducts(
        products=[
            ProductDetails(sku=sku, name=found[sku].name, data=found[sku].data)
            for sku in body.skus
            if sku in found
        ]
    )

"""`/api/pim/schema/`: the tenant's product schema."""

from fastapi import APIRouter

from pim_api.schema.schemas import (
    IncompatibleValues,
    ProductSchemaIn,
    ProductSchemaOut,
    ProductSchemaReplaced,
)
from pim_api.schema.service import ProductSchemaService
from segops_platform.auth.dependencies import CurrentTenant
from segops_platform.database import SessionDep

router = APIRouter(
    prefix="/api/pim/schema",
    tags=["product schema"],
    responses={401: {"description": "Missing or bad credentials"}},
)


@router.get("/", summary="The tenant's product schema", response_model=ProductSchemaOut)
async def get_schema(tenant: CurrentTenant, session: SessionDep) -> ProductSchemaOut:
    """Empty `fields` until a schema is defined."""
    return ProductSchemaOut.model_validate(await ProductSchemaService(session).get(tenant))


@router.put(
    "/",
    summary="Replace the tenant's product schema",
    response_model=ProductSchemaReplaced,
    responses={400: {"description": "Invalid schema; `errors` names each bad field"}},
)
async def put_schema(
    body: ProductSchemaIn, tenant: CurrentTenant, session: SessionDep
) -> ProductSchemaReplaced:
    """Replaces `fields`; `default_currency` / `default_locale` keep their value when omitted.

    A changed field type never rewrites stored values: `incompatible_values` counts those that
    don't fit the new type (they are kept, and read as not set until the product is written)."""
    row, incompatible = await ProductSchemaService(session).replace(tenant, body)
    return ProductSchemaReplaced.model_validate(
        {
            **ProductSchemaOut.model_validate(row).model_dump(),
            "incompatible_values": [IncompatibleValues.model_validate(item) for item in incompatible],
        }
    )

"""`/api/pim/schema/`: the tenant's product schema."""

from fastapi import APIRouter

from pim_api.schema.repository import ProductSchemaRepository
from pim_api.schema.schemas import ProductSchemaOut
from segops_platform.auth.dependencies import CurrentTenant
from segops_platform.database import SessionDep
from segops_platform.errors import NotFound

router = APIRouter(prefix="/api/pim/schema", tags=["product schema"])


@router.get(
    "/",
    summary="The tenant's product schema",
    response_model=ProductSchemaOut,
    responses={401: {"description": "Missing or bad credentials"}},
)
async def get_schema(tenant: CurrentTenant, session: SessionDep) -> ProductSchemaOut:
    """Empty `fields` until a schema is defined."""
    row = await ProductSchemaRepository(session).get(tenant.id)
    if row is None:  # every tenant is created with one; this means the tenant row itself is gone
        raise NotFound("product schema not found")
    return ProductSchemaOut.model_validate(row)

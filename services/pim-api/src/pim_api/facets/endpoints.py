"""`/api/pim/facets/`: distinct values of string and array fields, narrowed like the product list."""

from typing import Any

from fastapi import APIRouter, Request

from pim_api.facets.service import FacetService
from segops_platform.auth.dependencies import CurrentTenant
from segops_platform.database import SessionDep

router = APIRouter(
    prefix="/api/pim/facets", tags=["facets"], responses={401: {"description": "Missing or bad credentials"}}
)


@router.get(
    "/",
    summary="Facet values per string and array field",
    responses={400: {"description": "Unknown parameter or a value that does not fit its field"}},
)
async def get_facets(request: Request, tenant: CurrentTenant, session: SessionDep) -> dict[str, list[Any]]:
    """Top 100 values per field over the whole catalog, sorted ascending; the product list's
    filters narrow them; `counts=true` returns `[{"value", "count"}]` per field."""
    return await FacetService(session).facets(tenant, list(request.query_params.multi_items()))

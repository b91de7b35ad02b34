"""`/api/pim/facets/`: distinct values of string and array fields, narrowed like the product list."""

from typing import Any

from fastapi import APIRouter, Request

from pim_api.facets.service import FacetService
from pim_api.products.data import SchemaView
from pim_api.products.query import parse_filter
from segdsl.coercion import CoercionError, coerce
from segops_platform.auth.dependencies import CurrentTenant
from segops_platform.database import SessionDep
from segops_platform.errors import BadRequest

router = APIRouter(
    prefix="/api/pim/facets", tags=["facets"], responses={401: {"description": "Missing or bad credentials"}}
)


def _counts_flag(raw: str | None) -> bool:
    if raw is None:
        return False
    try:
        return bool(coerce("boolean", raw))
    except CoercionError as error:
        raise BadRequest(f"counts: {error}", [{"path": "counts", "message": str(error)}]) from None


@router.get(
    "/",
    summary="Facet values per string and array field",
    responses={400: {"description": "Unknown parameter or a value that does not fit its field"}},
)
async def get_facets(request: Request, tenant: CurrentTenant, session: SessionDep) -> dict[str, list[Any]]:
    """Top 100 values per field over the whole catalog, sorted ascending; the product list's
    filters narrow them; `counts=true` returns `[{"value", "count"}]` per field."""
    service = FacetService(session)
    schema = SchemaView.of(await service.schemas.get(tenant))
    items = list(request.query_params.multi_items())
    where = parse_filter(items, schema, extra_params=("counts",))
    return await service.facets(tenant, where, _counts_flag(request.query_params.get("counts")))

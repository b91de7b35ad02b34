"""`/api/pim/facets/`: distinct values of string and array fields, narrowed like the product list."""

from typing import Annotated

from fastapi import Query, Request

from pim_api.facets.schemas import Facets
from pim_api.facets.service import FacetService
from pim_api.products.query import FIELD_FILTERS_PARAMETER, SCORE_FILTER_PARAMETERS, SearchTerm
from segops_platform.auth.dependencies import CurrentTenant
from segops_platform.database import SessionDep
from segops_platform.openapi import problems
from segops_platform.routing import ServiceRouter

router = ServiceRouter(prefix="/api/pim/facets", tags=["facets"], responses=problems(401, 503))


@router.get(
    "/",
    summary="Facet values per string and array field",
    response_model=Facets,
    responses=problems(400, 414),
    openapi_extra={"parameters": [FIELD_FILTERS_PARAMETER, *SCORE_FILTER_PARAMETERS]},
)
async def facets_get(
    request: Request,
    tenant: CurrentTenant,
    session: SessionDep,
    q: SearchTerm = None,
    counts: Annotated[bool, Query(description="Each value with its count: `[{value, count}]`")] = False,
) -> Facets:
    """Top 100 values per field over the whole catalog, sorted ascending; the product list's
    `q` and `<field>=value` filters narrow them."""
    query = request.query_params.multi_items()
    return Facets(await FacetService(session).facets(tenant, query, with_counts=counts))

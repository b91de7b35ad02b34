"""`/api/pim/products/{id}/readability/`: a product's ai_readability_score, criterion by criterion;
`/api/pim/readability/summary/`: the catalog's, by grade and gap."""

from fastapi import Request

from pim_api.products.endpoints import ITEM_PATH, NO_SUCH_PRODUCT, ProductId
from pim_api.readability.schemas import AdviceOut, CriterionOut, ReadabilityOut, ReadabilitySummaryOut
from pim_api.readability.service import readability, summary
from segops_platform.auth.dependencies import CurrentTenant
from segops_platform.database import SessionDep
from segops_platform.openapi import problems
from segops_platform.routing import ServiceRouter

router = ServiceRouter(prefix="/api/pim/products", tags=["readability"], responses=problems(401, 503))
summary_router = ServiceRouter(
    prefix="/api/pim/readability", tags=["readability"], responses=problems(401, 503)
)


@router.get(
    f"{ITEM_PATH}readability/",
    name="readability",
    summary="How well the product's data serves AI shopping agents",
    response_model=ReadabilityOut,
    responses=problems(400, NO_SUCH_PRODUCT),
)
async def products_readability(
    product_id: ProductId, tenant: CurrentTenant, session: SessionDep, request: Request
) -> ReadabilityOut:
    """Scored now, from the product's data, the tenant's schema and catalog: what feeds require
    (found by field names and their usual synonyms), title, description, attribute richness and
    value consistency, each with its weight and what to improve."""
    found = await readability(session, tenant, product_id)
    criteria = [CriterionOut.model_validate(each, from_attributes=True) for each in found.criteria]
    return ReadabilityOut(product_id=product_id, score=found.score, grade=found.grade, criteria=criteria)


@summary_router.get(
    "/summary/",
    name="readability_summary",
    summary="The catalog's readability: products per grade, and what to fix first",
    response_model=ReadabilitySummaryOut,
)
async def readability_summary(tenant: CurrentTenant, session: SessionDep) -> ReadabilitySummaryOut:
    """Every write stores the product's score and its gaps; this adds them up, so it answers at once
    for any catalog size. `suggestions` lists each gap with how many products have it, the most
    common first: what to fix to raise the most scores."""
    found = await summary(session, tenant)
    return ReadabilitySummaryOut(
        scored=found.scored,
        unscored=found.unscored,
        average_score=found.average,
        grades=found.grades,
        suggestions=[
            AdviceOut(gap=gap, suggestion=text, products=count) for gap, text, count in found.advice
        ],
    )

"""`/api/pim/products/{id}/readability/`: a product's ai_readability_score, criterion by criterion."""

from fastapi import Request

from pim_api.products.endpoints import ITEM_PATH, NO_SUCH_PRODUCT, ProductId
from pim_api.readability.schemas import CriterionOut, ReadabilityOut
from pim_api.readability.service import readability
from segops_platform.auth.dependencies import CurrentTenant
from segops_platform.database import SessionDep
from segops_platform.openapi import problems
from segops_platform.routing import ServiceRouter

router = ServiceRouter(prefix="/api/pim/products", tags=["readability"], responses=problems(401, 503))


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

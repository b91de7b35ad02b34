"""A product's readability, scored against its tenant's schema and catalog (scoped by tenant)."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.products.repository import ProductRepository
from pim_api.products.service import ProductService
from pim_api.readability.counts import ReadabilityCounts, gap_counts
from pim_api.readability.score import Readability, description_fingerprint, grade_of, scorer_for
from pim_api.readability.writes import ReadabilityWrites
from segops_platform.auth.tenant_directory import Tenant
from segops_platform.errors import NotFound


async def readability(session: AsyncSession, tenant: Tenant, product_id: int) -> Readability:
    product = await ProductRepository(session).get(tenant.id, product_id)
    if product is None:
        raise NotFound(f"product {product_id} not found")
    scorer = scorer_for((await ProductService(session).schema_view(tenant)).types)
    description = description_fingerprint(scorer.description(product.data))
    shared_by = 1  # itself, though not scored yet
    if description is not None:
        sharing = await ReadabilityWrites(session, tenant.id, scorer).sharing({description})
        shared_by = max(sharing.get(description, 1), 1)
    return scorer.readability(product.name, product.data, shared_by)


@dataclass(frozen=True)
class Summary:
    scored: int
    unscored: int  # written before scores were kept, or while the tenant is being rescored
    average: float | None
    grades: dict[str, int]
    advice: list[tuple[str, str, int]]  # (gap, what to do, products), the most common first


async def summary(session: AsyncSession, tenant: Tenant) -> Summary:
    """The catalog's readability, from the counts kept on write (no product is read)."""
    rows = await ReadabilityCounts(session).by_score(tenant.id)
    scorer = scorer_for((await ProductService(session).schema_view(tenant)).types)
    grades: Counter[str] = Counter(dict.fromkeys("ABCDE", 0))
    total = 0.0
    for score, _, products in rows:
        if score is not None:
            grades[grade_of(score)] += products
            total += score * products
    scored = sum(grades.values())
    gaps = gap_counts([row for row in rows if row[0] is not None])
    return Summary(
        scored=scored,
        unscored=sum(products for score, _, products in rows if score is None),
        average=round(total / scored, 1) if scored else None,
        grades=dict(grades),
        advice=[(gap, scorer.advice(gap), count) for gap, count in gaps.most_common()],
    )

"""The tenant's products by (score, gaps), kept on write by triggers (migration 0011): score filters
and the readability summary add up these rows (a few hundred per tenant) instead of the catalog."""

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.readability.score import gaps_in

UNSCORED = -1  # score_tenths of a product not scored yet
# A score is stored to one decimal, so score_tenths / 10 is the very float the product holds.
_SCORE = "score_tenths::float8 / 10"
_COMPARISONS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


class ReadabilityCounts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(self, tenant_id: int, bounds: Sequence[tuple[str, float]]) -> int:
        """How many of the tenant's products have a score within all the bounds (op, bound)."""
        within = " ".join(
            f"AND {_SCORE} {_COMPARISONS[op]} :bound{index}" for index, (op, _) in enumerate(bounds)
        )
        total = await self.session.scalar(
            text(
                "SELECT sum(count) FROM pim.readability_counts "  # noqa: S608  (operators from a constant map)
                f"WHERE tenant_id = :tenant_id AND score_tenths <> {UNSCORED} {within}"
            ),
            {"tenant_id": tenant_id, **{f"bound{index}": bound for index, (_, bound) in enumerate(bounds)}},
        )
        return int(total or 0)

    async def by_score(self, tenant_id: int) -> list[tuple[float | None, int, int]]:
        """(score or None when unscored, gaps bitmask, products) rows of the tenant."""
        rows = await self.session.execute(
            text(
                "SELECT score_tenths, gaps, count FROM pim.readability_counts "
                "WHERE tenant_id = :tenant_id AND count > 0"
            ),
            {"tenant_id": tenant_id},
        )
        return [
            (None if tenths == UNSCORED else tenths / 10, gaps, int(count)) for tenths, gaps, count in rows
        ]


def gap_counts(rows: Sequence[tuple[float | None, int, int]]) -> Counter[str]:
    """How many products have each gap."""
    counts: Counter[str] = Counter()
    for _, gaps, products in rows:
        for gap in gaps_in(gaps):
            counts[gap] += products
    return counts

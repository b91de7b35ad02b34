"""The readability a write stores: each product's score, gaps and description fingerprint.

A description shared by BOILERPLATE_PRODUCTS of the tenant's products is boilerplate, so a write
can change the score of products it does not touch: those that share a description with it, when
the count crosses the line. They are at most BOILERPLATE_PRODUCTS - 1 per description, and are
rescored in the same transaction, those another transaction holds excepted. (Two concurrent writes
of one description each count without the other's; the next write of it, or a rescore, settles it.)
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.readability.score import BOILERPLATE_PRODUCTS, Facts, Scorer, description_fingerprint

Sharing = Mapping[int | None, int]  # description fingerprint -> products that will have it


@dataclass(frozen=True)
class Subject:
    """A product as the write leaves it; `was_fingerprint`: its description's before (None: new)."""

    sku: str
    name: str
    data: Mapping[str, Any]
    was_fingerprint: int | None = None


@dataclass
class Assessed:
    """Column arrays for the write, in the subjects' order."""

    scores: list[float] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)
    fingerprints: list[int | None] = field(default_factory=list)

    def columns(self, index: int) -> dict[str, Any]:
        """The product columns of one subject's readability."""
        return {
            "ai_readability_score": self.scores[index],
            "readability_gaps": self.gaps[index],
            "description_fingerprint": self.fingerprints[index],
        }


@dataclass(frozen=True)
class Holder:
    """A stored product with a description the write touches."""

    id: int
    sku: str
    name: str
    data: dict[str, Any]
    version: int


_HELD = text(
    "SELECT DISTINCT description_fingerprint FROM pim.products "
    "WHERE tenant_id = :tenant_id AND description_fingerprint = ANY(CAST(:fingerprints AS bigint[]))"
)
# Per description, its first holders (enough to tell whether those outside the write reach the line).
_HOLDERS = text(
    """
    SELECT f.fingerprint, h.id, h.sku, h.name, h.data, h.version
    FROM unnest(CAST(:fingerprints AS bigint[]), CAST(:caps AS int[])) AS f(fingerprint, cap)
    CROSS JOIN LATERAL (
        SELECT id, sku, name, data, version FROM pim.products
        WHERE tenant_id = :tenant_id AND description_fingerprint = f.fingerprint
        ORDER BY id LIMIT f.cap
    ) AS h
    """
)
_BY_SKUS = text(
    "SELECT id, sku, name, data, version FROM pim.products "
    "WHERE tenant_id = :tenant_id AND sku = ANY(CAST(:skus AS text[]))"
)
# Only rows still at the version scored, and whose readability changes: a newer write scored itself.
# Rows another transaction holds are skipped, not waited for: a write holding its own products could
# otherwise wait on a write that waits on it (they share a description); the holder scores itself.
_SET = text(
    """
    UPDATE pim.products AS p
    SET ai_readability_score = s.score, readability_gaps = s.gaps, description_fingerprint = s.fingerprint,
        version = nextval('pim.product_version_seq'), updated_at = now()
    FROM unnest(CAST(:ids AS bigint[]), CAST(:versions AS bigint[]), CAST(:scores AS float8[]),
                CAST(:gaps AS int[]), CAST(:fingerprints AS bigint[]))
        AS s(id, version, score, gaps, fingerprint)
    WHERE p.tenant_id = :tenant_id AND p.id = s.id AND p.version = s.version
      AND (p.ai_readability_score, p.readability_gaps, p.description_fingerprint)
          IS DISTINCT FROM (s.score, s.gaps, s.fingerprint)
      AND p.id IN (
          SELECT id FROM pim.products
          WHERE tenant_id = :tenant_id AND id = ANY(CAST(:ids AS bigint[]))
          ORDER BY id FOR UPDATE SKIP LOCKED
      )
    """
)


class ReadabilityWrites:
    def __init__(self, session: AsyncSession, tenant_id: int, scorer: Scorer) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.scorer = scorer

    async def assess(self, subjects: Sequence[Subject], gone: Iterable[int] = ()) -> Assessed:
        """What to store for the subjects (`settle`, then `score`)."""
        return self.score(subjects, await self.settle(subjects, gone))

    async def settle(self, subjects: Sequence[Subject], gone: Iterable[int] = ()) -> Sharing:
        """How many products will have each description the write gives its subjects; rescores the
        products outside the write whose description's count it moves across the line (`gone`:
        fingerprints of products it deleted)."""
        fingerprints = [
            description_fingerprint(self.scorer.description(subject.data)) for subject in subjects
        ]
        written = Counter(each for each in fingerprints if each is not None)
        leaving = Counter(
            subject.was_fingerprint for subject in subjects if subject.was_fingerprint is not None
        )
        leaving.update(gone)
        others = await self._others({*written, *leaving}, leaving, {subject.sku for subject in subjects})
        near = {each: holders for each, holders in others.items() if len(holders) < BOILERPLATE_PRODUCTS}
        if near:
            await self._rescore(
                [holder for holders in near.values() for holder in holders],
                {each: len(holders) + written[each] for each, holders in near.items()},
            )
        return {each: len(others.get(each, ())) + count for each, count in written.items()}

    def score(self, subjects: Sequence[Subject], sharing: Sharing) -> Assessed:
        """The subjects' readability, given `settle`'s sharing. No I/O: a thread may run it while
        the connection waits on Postgres (the bulk upsert scores a chunk as the one before is
        written)."""
        assessed = Assessed()
        for subject in subjects:
            facts = self.scorer.facts(subject.name, subject.data)
            score, gaps = self.scorer.assessed(facts, sharing.get(facts.fingerprint, 1))
            assessed.scores.append(score)
            assessed.gaps.append(gaps)
            assessed.fingerprints.append(facts.fingerprint)
        return assessed

    async def rescore(self, holders: Sequence[Holder]) -> int:
        """Score stored products again (their schema changed); how many scores changed."""
        if not holders:
            return 0
        facts = [self.scorer.facts(holder.name, holder.data) for holder in holders]
        sharing = await self.sharing({each.fingerprint for each in facts if each.fingerprint is not None})
        return await self._write(holders, facts, sharing)

    async def rescore_skus(self, skus: Sequence[str]) -> int:
        """Score these stored products again (a write merged into them without knowing them)."""
        rows = await self.session.execute(_BY_SKUS, {"tenant_id": self.tenant_id, "skus": list(skus)})
        return await self.rescore([Holder(*row) for row in rows])

    async def _others(
        self, fingerprints: set[int], leaving: Counter[int], skus: set[str]
    ) -> dict[int, list[Holder]]:
        """Per description, its holders outside the write: all of them, or at least as many as
        make it boilerplate. Most descriptions of a write have none: one index probe each tells."""
        if not fingerprints:
            return {}
        held = sorted(
            await self.session.scalars(
                _HELD, {"tenant_id": self.tenant_id, "fingerprints": sorted(fingerprints)}
            )
        )
        if not held:
            return {}
        rows = await self.session.execute(
            _HOLDERS,
            {
                "tenant_id": self.tenant_id,
                "fingerprints": held,
                "caps": [leaving[each] + BOILERPLATE_PRODUCTS for each in held],
            },
        )
        others: dict[int, list[Holder]] = {}
        for each, *holder in rows:
            if holder[1] not in skus:
                others.setdefault(each, []).append(Holder(*holder))
        return others

    async def sharing(self, fingerprints: set[int]) -> dict[int | None, int]:
        """How many of the tenant's products have each of these descriptions (by fingerprint)."""
        rows = await self.session.execute(
            text(
                "SELECT description_fingerprint, count(*) FROM pim.products "
                "WHERE tenant_id = :tenant_id AND description_fingerprint = ANY(:fingerprints) GROUP BY 1"
            ),
            {"tenant_id": self.tenant_id, "fingerprints": sorted(fingerprints)},
        )
        return {each: int(count) for each, count in rows}

    async def _rescore(self, holders: Sequence[Holder], sharing: Sharing) -> int:
        facts = [self.scorer.facts(holder.name, holder.data) for holder in holders]
        return await self._write(holders, facts, sharing)

    async def _write(self, holders: Sequence[Holder], facts: Sequence[Facts], sharing: Sharing) -> int:
        """Store the holders' readability from their facts; how many changed."""
        assessed = [self.scorer.assessed(each, sharing.get(each.fingerprint, 1)) for each in facts]
        result = await self.session.execute(
            _SET,
            {
                "tenant_id": self.tenant_id,
                "ids": [holder.id for holder in holders],  # locked in id order by the statement
                "versions": [holder.version for holder in holders],
                "scores": [score for score, _ in assessed],
                "gaps": [gaps for _, gaps in assessed],
                "fingerprints": [each.fingerprint for each in facts],
            },
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

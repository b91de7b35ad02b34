"""Put catalog rows straight into pim.products with one unnest-upsert per 10,000 rows.

The bare way to write products (no HTTP, no validation, no outbox): the bulk-upsert baseline,
and the fast way to load a catalog for the read benchmarks. The catalog's values are already in
the form the API stores (prices as 2-decimal strings, booleans, ISO dates, lists); a read
benchmark may have them scored, as a write through the API would store them (the bench catalog's
descriptions are all different: none is boilerplate).
"""

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import asyncpg

from bench.catalog import SCHEMA_FIELDS
from pim_api.readability.score import scorer_for
from segops_platform.database import postgres_dsn

BATCH = 10_000
UPSERT = """
    INSERT INTO pim.products (tenant_id, sku, name, data)
    SELECT $1, sku, name, data FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS t(sku, name, data)
    ON CONFLICT (tenant_id, sku) DO UPDATE SET name = EXCLUDED.name, data = EXCLUDED.data, updated_at = now()
"""


SCORED_UPSERT = """
    INSERT INTO pim.products
        (tenant_id, sku, name, data, ai_readability_score, readability_gaps, description_fingerprint)
    SELECT $1, sku, name, data, score, gaps, fingerprint
    FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::float8[], $6::int[], $7::bigint[])
        AS t(sku, name, data, score, gaps, fingerprint)
"""


def batches(jsonl: Path, start: int, stop: int) -> Iterator[list[dict[str, Any]]]:
    """Rows [start, stop) of the catalog, in batches of at most 10,000."""
    with jsonl.open() as lines:
        rows = islice(lines, start, stop)
        while batch := [json.loads(line) for line in islice(rows, BATCH)]:
            yield batch


Columns = tuple[list[str], list[str], list[str]]


def columns(batch: list[dict[str, Any]]) -> Columns:
    """The upsert's arrays: SKUs, names, and `data` as JSON text."""
    skus = [item["sku"] for item in batch]
    names = [item["name"] for item in batch]
    datas = [json.dumps({k: v for k, v in item.items() if k not in ("sku", "name")}) for item in batch]
    return skus, names, datas


async def upsert(db: asyncpg.Connection, tenant_id: int, rows: Columns) -> None:
    await db.execute(UPSERT, tenant_id, *rows)


async def _insert_scored(db: asyncpg.Connection, tenant_id: int, batch: list[dict[str, Any]]) -> None:
    scorer = scorer_for({field["name"]: field["type"] for field in SCHEMA_FIELDS})
    skus, names, datas = columns(batch)
    facts = [scorer.facts(item["name"], json.loads(data)) for item, data in zip(batch, datas, strict=True)]
    assessed = [scorer.assessed(each) for each in facts]
    scores, gaps = [score for score, _ in assessed], [bits for _, bits in assessed]
    fingerprints = [each.fingerprint for each in facts]
    await db.execute(SCORED_UPSERT, tenant_id, skus, names, datas, scores, gaps, fingerprints)


async def load_rows(
    database_url: str, tenant_id: int, jsonl: Path, start: int, stop: int, *, scored: bool = False
) -> tuple[int, int]:
    """Load catalog rows [start, stop) (new SKUs, when `scored`), refresh planner statistics; the
    tenant's id range."""
    db = await asyncpg.connect(postgres_dsn(database_url))
    try:
        for batch in batches(jsonl, start, stop):
            if scored:
                await _insert_scored(db, tenant_id, batch)
            else:
                await upsert(db, tenant_id, columns(batch))
        await db.execute("ANALYZE")  # the planner's statistics, as autovacuum would keep them
        low, high = await db.fetchrow(
            "SELECT min(id), max(id) FROM pim.products WHERE tenant_id = $1", tenant_id
        )
        return int(low), int(high)
    finally:
        await db.close()

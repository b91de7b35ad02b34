"""Bulk upsert of 10,000 products per request through pim-api, against a bare asyncpg
unnest-upsert of the same rows into the same table, while the catalog grows (10k → 100k → 1M).

The project pays for HTTP, JSON, validation against the schema, the SKU lock, the merge and the
outbox rows; the baseline only for the upsert. Batches alternate between the two sides, so both
write into a table of the same size.
"""

import asyncio
import json
import time
from typing import Any

import asyncpg
import httpx

from bench.catalog import SCALES, SCHEMA_FIELDS, ensure_catalog
from bench.context import BenchContext
from bench.environment import create_tenant
from bench.loading import batches, columns, upsert
from bench.plot import plot_scaling
from bench.results import Figure, Result, Target
from bench.servers import free_port, serving, venv_command
from segops_platform.database import postgres_dsn


async def _project_rate(http: httpx.AsyncClient, key: str, batch: list[dict[str, Any]]) -> float:
    body = json.dumps({"products": batch}).encode()
    started = time.perf_counter()
    response = await http.post(
        "/api/pim/products/bulk/",
        content=body,
        headers={"X-API-Key": key, "Content-Type": "application/json"},
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"bulk_upsert: pim-api answered {response.status_code}: {response.text[:500]}")
    return len(batch) / elapsed


async def _baseline_rate(db: asyncpg.Connection, tenant_id: int, batch: list[dict[str, Any]]) -> float:
    rows = columns(batch)  # prepared before the clock starts, as the project's request body is
    started = time.perf_counter()
    await upsert(db, tenant_id, rows)
    return len(batch) / (time.perf_counter() - started)


async def _measure(context: BenchContext, pim_url: str) -> dict[str, dict[str, list[float]]]:
    """Per scale, the rows/s of each batch written while the catalog grew into that scale."""
    project_tenant, baseline_tenant = create_tenant("bulk-project"), create_tenant("bulk-baseline")
    _, jsonl = ensure_catalog(context.scale)
    windows: dict[str, dict[str, list[float]]] = {s: {"project": [], "baseline": []} for s in context.scales}
    db = await asyncpg.connect(postgres_dsn(context.env["DATABASE_URL"]))
    async with httpx.AsyncClient(base_url=pim_url, timeout=300) as http:
        for tenant in (project_tenant, baseline_tenant):  # same table, same schema, same triggers
            schema = {"fields": SCHEMA_FIELDS}
            assert (
                await http.put("/api/pim/schema/", json=schema, headers={"X-API-Key": tenant.api_key})
            ).is_success
        written = 0
        for batch in batches(jsonl, 0, SCALES[context.scale]):
            written += len(batch)
            window = windows[next(scale for scale in context.scales if written <= SCALES[scale])]
            window["project"].append(await _project_rate(http, project_tenant.api_key, batch))
            window["baseline"].append(await _baseline_rate(db, baseline_tenant.tenant_id, batch))
    await db.close()
    return windows


def run(context: BenchContext) -> list[Result]:
    port = free_port()
    pim_url = f"http://127.0.0.1:{port}"
    env = {**context.env, "PIM_API_PORT": str(port)}
    with serving([venv_command("segops-pim-api")], f"{pim_url}/healthz", env):
        windows = asyncio.run(_measure(context, pim_url))
    top = windows[context.scale]
    result = Result(
        name="bulk_upsert",
        description="bulk upsert, 10,000 products per request, rows/s while the catalog grows to its scale",
        scale=context.scale,
        project=Figure("POST /api/pim/products/bulk/", "rows/s", top["project"]),
        baseline=Figure("bare asyncpg unnest-upsert", "rows/s", top["baseline"]),
        target=Target(min_ratio=0.7, text=">= 0.7x baseline rows/s"),
    )
    result.series = {
        scale: {
            "project": Figure("", "", w["project"]).median,
            "baseline": Figure("", "", w["baseline"]).median,
        }
        for scale, w in windows.items()
    }
    plot_scaling("bulk_upsert", "rows/s", result.series)
    return [result]

"""Reads on a catalog that grows 10k → 100k → 1M: GET by id, the product list (a page of 50
with its exact count) filtered on an attribute, on the readability score or searched with `q`,
each matching ~10% of the catalog, and facets. Each is measured at every scale, so the plots
show how it grows.

Baselines: a bare FastAPI endpoint returning a constant JSON (GET by id), and the plain SQL a
naive implementation would run, timed straight on asyncpg (list and facets).
"""

import asyncio
import json
import statistics
import sys
import time
from collections import Counter
from itertools import islice
from pathlib import Path

import asyncpg
import httpx

from bench.catalog import SCALES, SCHEMA_FIELDS, ensure_catalog
from bench.context import BenchContext
from bench.environment import BenchTenant, create_tenant
from bench.http_load import LoadResult, random_id_paths, run_load
from bench.loading import load_rows
from bench.plot import plot_scaling
from bench.results import Figure, Result, Target
from bench.servers import free_port, serving, venv_command
from segops_platform.database import postgres_dsn

RUNS = 3
SQL_SAMPLES = 20
FILTER_FIELD, FILTER_VALUE = "color", "red"  # one of 10 colours: ~9% of the catalog
SCORE_SHARE = 0.1  # the score filter's bound: the score at this quantile of the catalog's


def _q_matching_a_tenth(jsonl: Path, sample: int = 20_000) -> str:
    """The 3-letter piece of product names found in the share of names closest to 10%."""
    counts: Counter[str] = Counter()
    with jsonl.open() as lines:
        names = [json.loads(line)["name"].lower() for line in islice(lines, sample)]
    for name in names:
        counts.update({name[i : i + 3] for i in range(len(name) - 2) if name[i : i + 3].isalpha()})
    return min(counts, key=lambda piece: (abs(counts[piece] / len(names) - 0.10), piece))


async def _sql_p95(db: asyncpg.Connection, queries: list[tuple[str, tuple[object, ...]]]) -> float:
    """p95 in ms of running `queries` one after the other (one naive request)."""
    timings = []
    for _ in range(SQL_SAMPLES):
        started = time.perf_counter()
        for sql, args in queries:
            await db.fetch(sql, *args)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(timings, n=20)[-1]


def _naive_list(tenant_id: int, condition: str, arg: object) -> list[tuple[str, tuple[object, ...]]]:
    where = f"tenant_id = $1 AND {condition}"
    return [
        (f"SELECT count(*) FROM pim.products WHERE {where}", (tenant_id, arg)),
        (f"SELECT * FROM pim.products WHERE {where} ORDER BY id LIMIT 50", (tenant_id, arg)),
    ]


def _naive_facets(tenant_id: int) -> list[tuple[str, tuple[object, ...]]]:
    string_fields = [f["name"] for f in SCHEMA_FIELDS if f["type"] == "string"]
    queries: list[tuple[str, tuple[object, ...]]] = [
        (
            "SELECT data->>$2 AS v, count(*) FROM pim.products WHERE tenant_id = $1 AND data ? $2 "
            "GROUP BY v ORDER BY count(*) DESC LIMIT 100",
            (tenant_id, name),
        )
        for name in string_fields
    ]
    queries.append(
        (
            "SELECT t, count(*) FROM pim.products, jsonb_array_elements_text(data->'tags') t "
            "WHERE tenant_id = $1 AND data ? 'tags' GROUP BY t ORDER BY count(*) DESC LIMIT 100",
            (tenant_id,),
        )
    )
    return queries


async def _score_bound(database_url: str, tenant_id: int) -> float:
    """The score that ~SCORE_SHARE of the tenant's products have or are below."""
    db = await asyncpg.connect(postgres_dsn(database_url))
    try:
        bound = await db.fetchval(
            "SELECT percentile_disc($2) WITHIN GROUP (ORDER BY ai_readability_score) "
            "FROM pim.products WHERE tenant_id = $1",
            tenant_id,
            SCORE_SHARE,
        )
        return float(bound)
    finally:
        await db.close()


async def _naive_p95s(database_url: str, tenant_id: int, q: str, bound: float) -> dict[str, float]:
    db = await asyncpg.connect(postgres_dsn(database_url))
    try:
        filter_document = json.dumps({FILTER_FIELD: FILTER_VALUE})
        return {
            "list_filter": await _sql_p95(db, _naive_list(tenant_id, "data @> $2::jsonb", filter_document)),
            "list_readability": await _sql_p95(
                db, _naive_list(tenant_id, "ai_readability_score <= $2", bound)
            ),
            "list_q": await _sql_p95(db, _naive_list(tenant_id, "name ILIKE $2", f"%{q}%")),
            "facets": await _sql_p95(db, _naive_facets(tenant_id)),
        }
    finally:
        await db.close()


def _p95s(loads: list[LoadResult]) -> list[float]:
    return [load.p95_ms for load in loads]


def _checked(loads: list[LoadResult], what: str) -> list[LoadResult]:
    failures = sum(load.failures for load in loads)
    if failures:
        raise SystemExit(f"catalog_reads: {failures} failed requests in {what}; the figures would lie")
    return loads


def _measure_scale(
    pim_url: str, baseline_url: str, key: str, id_range: tuple[int, int], q: str, bound: float
) -> dict[str, list[LoadResult]]:
    headers = {"X-API-Key": key}
    by_id = random_id_paths("/api/pim/products/", *id_range)
    list_filter = f"{pim_url}/api/pim/products/?{FILTER_FIELD}={FILTER_VALUE}"
    list_readability = f"{pim_url}/api/pim/products/?ai_readability_score__lte={bound}"
    list_q = f"{pim_url}/api/pim/products/?q={q}"
    measured: dict[str, list[LoadResult]] = {
        name: [] for name in ("get", "get_baseline", "list_filter", "list_readability", "list_q", "facets")
    }
    run_load(f"{pim_url}/api/pim/products/", headers, seconds=2, request_script=by_id)  # warm-up
    for _ in range(RUNS):  # interleaved, so drift hits every figure alike
        measured["get"].append(run_load(f"{pim_url}/api/pim/products/", headers, request_script=by_id))
        measured["get_baseline"].append(run_load(f"{baseline_url}/constant", {}))
        measured["list_filter"].append(run_load(list_filter, headers, connections=1))
        measured["list_readability"].append(run_load(list_readability, headers, connections=1))
        measured["list_q"].append(run_load(list_q, headers, connections=1))
        measured["facets"].append(run_load(f"{pim_url}/api/pim/facets/", headers, connections=1))
    return {name: _checked(loads, name) for name, loads in measured.items()}


LATENCY_TARGETS = {
    "list_filter": (50.0, f"p95 <= 50 ms (?{FILTER_FIELD}={FILTER_VALUE}, ~10%)"),
    "list_readability": (50.0, "p95 <= 50 ms (?ai_readability_score__lte=…, ~10%)"),
    "list_q": (200.0, "p95 <= 200 ms (?q=…, ~10%)"),
    "facets": (300.0, "p95 <= 300 ms"),
}


def run(context: BenchContext) -> list[Result]:
    tenant: BenchTenant = create_tenant("reads")
    _, jsonl = ensure_catalog(context.scale)
    q = _q_matching_a_tenth(jsonl)
    pim_port, baseline_port = free_port(), free_port()
    pim_url, baseline_url = f"http://127.0.0.1:{pim_port}", f"http://127.0.0.1:{baseline_port}"
    per_scale: dict[str, tuple[dict[str, list[LoadResult]], dict[str, float]]] = {}
    bounds: dict[str, float] = {}
    with (
        serving(
            [venv_command("segops-pim-api")],
            f"{pim_url}/healthz",
            {**context.env, "PIM_API_PORT": str(pim_port)},
        ),
        serving([sys.executable, "-m", "bench.baseline_app", str(baseline_port)], f"{baseline_url}/constant"),
    ):
        schema = httpx.put(
            f"{pim_url}/api/pim/schema/",
            json={"fields": SCHEMA_FIELDS},
            headers={"X-API-Key": tenant.api_key},
        )
        schema.raise_for_status()
        loaded = 0
        for scale in context.scales:
            id_range = asyncio.run(
                load_rows(
                    context.env["DATABASE_URL"], tenant.tenant_id, jsonl, loaded, SCALES[scale], scored=True
                )
            )
            loaded = SCALES[scale]
            bounds[scale] = asyncio.run(_score_bound(context.env["DATABASE_URL"], tenant.tenant_id))
            measured = _measure_scale(pim_url, baseline_url, tenant.api_key, id_range, q, bounds[scale])
            per_scale[scale] = (
                measured,
                asyncio.run(_naive_p95s(context.env["DATABASE_URL"], tenant.tenant_id, q, bounds[scale])),
            )
    return [
        _get_result(context, per_scale),
        *(_latency_result(context, name, per_scale, q, bounds[context.scale]) for name in LATENCY_TARGETS),
    ]


def _get_result(
    context: BenchContext, per_scale: dict[str, tuple[dict[str, list[LoadResult]], dict[str, float]]]
) -> Result:
    measured, _ = per_scale[context.scale]
    result = Result(
        name="product_get",
        description="GET /api/pim/products/{id}/ (random ids) vs a bare FastAPI constant JSON",
        scale=context.scale,
        project=Figure(
            "GET /api/pim/products/{id}/", "req/s", [load.requests_per_second for load in measured["get"]]
        ),
        baseline=Figure(
            "bare FastAPI constant JSON",
            "req/s",
            [load.requests_per_second for load in measured["get_baseline"]],
        ),
        target=Target(min_ratio=0.5, text=">= 0.5x baseline req/s"),
    )
    result.series = {
        scale: {
            "project": statistics.median(load.requests_per_second for load in m["get"]),
            "baseline": statistics.median(load.requests_per_second for load in m["get_baseline"]),
        }
        for scale, (m, _) in per_scale.items()
    }
    plot_scaling("product_get", "req/s", result.series)
    return result


def _latency_result(
    context: BenchContext,
    name: str,
    per_scale: dict[str, tuple[dict[str, list[LoadResult]], dict[str, float]]],
    q: str,
    bound: float,
) -> Result:
    measured, naive = per_scale[context.scale]
    limit, text = LATENCY_TARGETS[name]
    label = {
        "list_filter": f"?{FILTER_FIELD}={FILTER_VALUE}",
        "list_readability": f"?ai_readability_score__lte={bound}",
        "list_q": f"?q={q}",
        "facets": "GET /api/pim/facets/",
    }[name]
    result = Result(
        name=f"product_{name}" if name != "facets" else "facets",
        description=f"{label}: p95 latency over HTTP (wrk) vs the naive SQL on asyncpg",
        scale=context.scale,
        project=Figure(
            label,
            "ms p95",
            _p95s(measured[name]),
            {"rps": [load.requests_per_second for load in measured[name]]},
        ),
        baseline=Figure("naive SQL, asyncpg", "ms p95", [naive[name]]),
        target=Target(max_project=limit, text=text),
        higher_is_better=False,
    )
    result.series = {
        scale: {"project": statistics.median(_p95s(m[name])), "baseline": n[name]}
        for scale, (m, n) in per_scale.items()
    }
    plot_scaling(result.name, "ms (p95)", result.series)
    return result

"""Segments on one tenant's catalog of the scale asked for (1,000,000 products by default), with
pim-api, segment-api and the worker each a process of its own: preview, compute, a members page
deep into a large run, and the sync's lag after a bulk upsert and under single writes.

Baselines, measured in the same run on the same replica: hand-written ClickHouse queries for the
same answers (a preview's count and first SKUs; a compute's INSERT … SELECT; a members page, its
products read straight from Postgres), and for the sync, the same rows written straight into the
replica by the writer (what a synchronous dual write would give), seen by the same preview.
"""

import asyncio
import json
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.catalog import SCALES, SCHEMA_FIELDS, ensure_catalog
from bench.clickhouse import ClickHouse
from bench.context import BenchContext
from bench.environment import BenchTenant, create_tenant
from bench.loading import load_rows
from bench.memory import memory_mb
from bench.polling import until
from bench.results import Figure, Result, Target
from bench.servers import Stack, stack
from segdsl import insert_rows_sql, json_each_row, replica_row
from segops_platform.database import postgres_dsn

SEGMENTS = "/api/product-segments/"
PREVIEW = "/api/product-segments/preview/"
RUNS = 3  # p95s per figure, each over SAMPLES requests
SAMPLES = 20
COMPUTES = 5
LAG_ROUNDS = 8
BULK_SIZE = 10_000
SINGLE_WRITES_PER_SECOND = 50
SINGLE_WRITES = 300
LIVE_SEGMENTS = 20
LIVE_WRITES = 20
POLL_SECONDS = 0.02
CATEGORY = "footwear/running"  # one of 48 categories
PRICE_RANGE = (20, 100)  # ~68% of prices
HALF_PRICE = 46  # prices below it: about half the catalog (log-normal around 45, 7% have none)
FIELD_TYPES = {field["name"]: field["type"] for field in SCHEMA_FIELDS}


def condition(prop: str, operator: str, value: Any, value_type: str) -> dict[str, Any]:
    return {
        "type": "product_attribute",
        "property": prop,
        "operator": operator,
        "value": value,
        "value_type": value_type,
    }


def all_of(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"logic": "AND", "conditions": list(conditions)}


def brand_is(brand: str) -> dict[str, Any]:
    return all_of(condition("brand", "eq", brand, "string"))


def p95(timings: list[float]) -> float:
    """Inclusive: with few samples, within what was measured rather than extrapolated past it."""
    return statistics.quantiles(timings, n=20, method="inclusive")[-1]


async def timed_ms(call: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await call()
    return (time.perf_counter() - started) * 1000


async def interleaved_p95s(
    project: Callable[[], Awaitable[object]], baseline: Callable[[], Awaitable[object]]
) -> tuple[list[float], list[float]]:
    """RUNS p95s (ms) of each side, over SAMPLES calls each, interleaved so drift hits both alike."""
    project_p95s, baseline_p95s = [], []
    for _ in range(RUNS):
        project_ms, baseline_ms = [], []
        for _ in range(SAMPLES):
            project_ms.append(await timed_ms(project))
            baseline_ms.append(await timed_ms(baseline))
        project_p95s.append(p95(project_ms))
        baseline_p95s.append(p95(baseline_ms))
    return project_p95s, baseline_p95s


def most_common_tag(jsonl: Path, sample: int = 20_000) -> str:
    with jsonl.open() as lines:
        counts = Counter(tag for line in islice(lines, sample) for tag in json.loads(line).get("tags", []))
    tag: str = counts.most_common(1)[0][0]
    assert tag.isalpha(), tag  # quoted as is in the hand-written SQL
    return tag


@dataclass
class Bench:
    """The running services, their clients, and the tenant whose catalog is measured."""

    pim: httpx.AsyncClient
    segments: httpx.AsyncClient
    clickhouse: ClickHouse
    postgres: asyncpg.Connection
    catalog: BenchTenant

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.catalog.api_key}

    @property
    def live_products(self) -> str:
        """The replica's condition for the catalog's products as they are now (with FINAL)."""
        return f"tenant_id = {self.catalog.tenant_id} AND is_deleted = 0"

    async def replica_count(self) -> int:
        table = f"{self.clickhouse.database}.products"
        return await self.clickhouse.value(f"SELECT count() FROM {table} FINAL WHERE {self.live_products}")

    async def preview(self, definition: dict[str, Any]) -> dict[str, Any]:
        response = await self.segments.post(PREVIEW, json=definition, headers=self.headers)
        if response.status_code != 200:
            raise SystemExit(f"segments: preview answered {response.status_code}: {response.text[:500]}")
        answer: dict[str, Any] = response.json()
        return answer


async def new_tenant(pim: httpx.AsyncClient, name: str) -> BenchTenant:
    tenant = create_tenant(name)
    schema = {"fields": SCHEMA_FIELDS}
    (await pim.put("/api/pim/schema/", json=schema, headers={"X-API-Key": tenant.api_key})).raise_for_status()
    return tenant


def run(context: BenchContext) -> list[Result]:
    with stack(context.env) as services:
        return asyncio.run(_run(context, services))


async def _run(context: BenchContext, services: Stack) -> list[Result]:
    size = SCALES[context.scale]
    _, jsonl = ensure_catalog(context.scale)
    async with (
        httpx.AsyncClient(base_url=services.pim_url, timeout=300) as pim,
        httpx.AsyncClient(base_url=services.segment_url, timeout=300) as segments,
    ):
        bench = Bench(
            pim=pim,
            segments=segments,
            clickhouse=ClickHouse(context.env["CLICKHOUSE_URL"], context.env["CLICKHOUSE_DATABASE"]),
            postgres=await asyncpg.connect(postgres_dsn(context.env["DATABASE_URL"])),
            catalog=await new_tenant(pim, "segments"),
        )
        try:
            relay_seconds = await _load(context, bench, jsonl, size)
            print(
                f"[bench] segments: {size:,} products relayed {relay_seconds:.0f} s after loading", flush=True
            )
            tag = most_common_tag(jsonl)
            return [
                await _preview_result(context, bench, tag),
                *await _compute_and_members_results(context, bench, size, services.segment_api.pid),
                *await _sync_lag_results(context, bench),
                *await _live_lag_results(context, bench),  # last: its active segments follow every write
            ]
        finally:
            await bench.postgres.close()
            await bench.clickhouse.aclose()


async def _load(context: BenchContext, bench: Bench, jsonl: Path, size: int) -> float:
    """Load the catalog into Postgres (its outbox rows too); seconds until the replica holds it all."""
    await load_rows(context.env["DATABASE_URL"], bench.catalog.tenant_id, jsonl, 0, size)
    loaded = time.monotonic()

    async def relayed() -> bool:
        return await bench.replica_count() == size

    await until(relayed, 1800, "the worker relays the catalog")
    return time.monotonic() - loaded


# Preview ------------------------------------------------------------------------------------------


def _preview_sql(bench: Bench, tag: str) -> tuple[str, str]:
    """The hand-written count and first-SKUs queries of the three-condition definition."""
    low, high = PRICE_RANGE
    source = (
        f"FROM {bench.clickhouse.database}.products FINAL "
        f"WHERE {bench.live_products} "
        f"AND str_vals[indexOf(str_keys, 'category')] = '{CATEGORY}' "
        f"AND num_vals[indexOf(num_keys, 'price')] BETWEEN {low} AND {high} "
        f"AND has(arr_vals[indexOf(arr_keys, 'tags')], '{tag}')"
    )
    return f"SELECT count() {source}", f"SELECT sku {source} ORDER BY sku LIMIT 10"


async def _preview_result(context: BenchContext, bench: Bench, tag: str) -> Result:
    definition = all_of(
        condition("category", "eq", CATEGORY, "string"),
        condition("price", "between", list(PRICE_RANGE), "number"),
        condition("tags", "contains", tag, "array"),
    )
    count_sql, sample_sql = _preview_sql(bench, tag)

    async def handwritten() -> tuple[int, list[str]]:  # both at once, as the service runs them
        count, skus = await asyncio.gather(
            bench.clickhouse.value(count_sql), bench.clickhouse.column(sample_sql)
        )
        return count, skus

    answer = await bench.preview(definition)
    expected = await handwritten()
    if (answer["matched_count"], answer["sample_skus"]) != expected:
        raise SystemExit(f"segments: the preview answered {answer}, the hand-written queries {expected}")
    project, baseline = await interleaved_p95s(lambda: bench.preview(definition), handwritten)
    return Result(
        name="segment_preview",
        description=(
            "POST /api/product-segments/preview/ of a three-condition definition (string eq, number "
            "between, array contains) vs the hand-written ClickHouse queries for the same count and SKUs"
        ),
        scale=context.scale,
        project=Figure("POST /api/product-segments/preview/", "ms p95", project, {"matched": expected[0]}),
        baseline=Figure("hand-written count + first 10 SKUs, ClickHouse HTTP", "ms p95", baseline),
        target=Target(min_ratio=1 / 1.5, text="p95 <= 1.5x the hand-written queries'"),
        higher_is_better=False,
    )


# Compute and members ------------------------------------------------------------------------------


async def _compute_and_members_results(
    context: BenchContext, bench: Bench, size: int, segment_api_pid: int
) -> list[Result]:
    created = await bench.segments.post(
        SEGMENTS,
        json={"name": "Under 46", "definition": all_of(condition("price", "lt", HALF_PRICE, "number"))},
        headers=bench.headers,
    )
    created.raise_for_status()
    segment_id = created.json()["id"]
    compute = await _compute_result(context, bench, segment_id)
    return [
        compute,
        await _members_result(context, bench, segment_id, size // 5),
        *await _export_results(context, bench, segment_id, segment_api_pid),
    ]


async def _compute(bench: Bench, segment_id: int) -> float:
    """Compute once, from the API; ms from the request until the segment shows the new run."""
    url = f"{SEGMENTS}{segment_id}/"
    before = (await bench.segments.get(url, headers=bench.headers)).json()["last_computed_at"]
    started = time.perf_counter()
    (await bench.segments.post(f"{url}compute/", headers=bench.headers)).raise_for_status()

    async def landed() -> bool:
        segment = (await bench.segments.get(url, headers=bench.headers)).json()
        return bool(segment["last_computed_at"] != before)

    await until(landed, 120, "a computation lands")
    return (time.perf_counter() - started) * 1000


async def _compute_result(context: BenchContext, bench: Bench, segment_id: int) -> Result:
    observed = [await _compute(bench, segment_id) for _ in range(COMPUTES)]
    runs = await bench.postgres.fetch(
        "SELECT extract(epoch FROM computed_at - started_at) * 1000 AS ms, member_count "
        "FROM segments.segment_runs WHERE segment_id = $1 AND status = 'done' ORDER BY id",
        segment_id,
    )
    members = int(runs[-1]["member_count"])
    database = bench.clickhouse.database
    scratch = f"{database}.bench_memberships"
    await bench.clickhouse.run(f"DROP TABLE IF EXISTS {scratch}")
    await bench.clickhouse.run(f"CREATE TABLE {scratch} AS {database}.product_memberships")
    baseline = []
    for version in range(1, COMPUTES + 1):
        insert = (
            f"INSERT INTO {scratch} (tenant_id, segment_id, version, sku, product_id) "
            f"SELECT tenant_id, {segment_id}, {version}, sku, product_id FROM {database}.products FINAL "
            f"WHERE {bench.live_products} "
            f"AND has(num_keys, 'price') AND num_vals[indexOf(num_keys, 'price')] < {HALF_PRICE}"
        )
        baseline.append(await timed_ms(lambda: bench.clickhouse.run(insert)))  # noqa: B023 (awaited here)
    written = await bench.clickhouse.value(f"SELECT count() FROM {scratch} WHERE version = 1")
    await bench.clickhouse.run(f"DROP TABLE {scratch}")
    if written != members:
        raise SystemExit(f"segments: the run holds {members} members, the hand-written insert {written}")
    return Result(
        name="segment_compute",
        description=(
            f"a compute of `price lt {HALF_PRICE}` ({members:,} members): job start to last_computed_at "
            "set, vs the hand-written INSERT … SELECT … FINAL of the same members"
        ),
        scale=context.scale,
        project=Figure(
            "compute job, start → last_computed_at",
            "ms",
            [float(run["ms"]) for run in runs],
            {"members": members, "request_to_visible_ms": observed},
        ),
        baseline=Figure("hand-written INSERT … SELECT … FINAL, ClickHouse HTTP", "ms", baseline),
        target=Target(max_project=1000, text="< 1 s from job start to last_computed_at"),
        higher_is_better=False,
    )


async def _members_result(context: BenchContext, bench: Bench, segment_id: int, offset: int) -> Result:
    url = f"{SEGMENTS}{segment_id}/members/"
    first = (await bench.segments.get(url, headers=bench.headers)).json()
    run_id, count = first["run_id"], first["count"]
    params = {"cursor": offset, "run_id": run_id}
    page_sql = (
        f"SELECT sku FROM {bench.clickhouse.database}.product_memberships "
        f"WHERE tenant_id = {bench.catalog.tenant_id} AND segment_id = {segment_id} AND version = {run_id} "
        f"ORDER BY sku LIMIT 50 OFFSET {offset}"
    )

    async def project_page() -> list[str]:
        response = await bench.segments.get(url, params=params, headers=bench.headers)
        response.raise_for_status()
        return [member["sku"] for member in response.json()["results"]]

    async def handwritten_page() -> list[str]:
        skus = await bench.clickhouse.column(page_sql)
        rows = await bench.postgres.fetch(
            "SELECT sku, name, data FROM pim.products WHERE tenant_id = $1 AND sku = ANY($2)",
            bench.catalog.tenant_id,
            skus,
        )
        assert len(rows) == len(skus)
        return skus

    if await project_page() != await handwritten_page():
        raise SystemExit("segments: the members page and the hand-written page differ")
    project, baseline = await interleaved_p95s(project_page, handwritten_page)
    return Result(
        name="members_page",
        description=(
            f"GET /api/product-segments/{{id}}/members/ at offset {offset:,} of a {count:,}-member run, "
            "product details included, vs the hand-written page (ClickHouse) and product read (Postgres)"
        ),
        scale=context.scale,
        project=Figure("GET …/members/?cursor=…&run_id=…", "ms p95", project, {"members": count}),
        baseline=Figure("hand-written ClickHouse page + asyncpg products", "ms p95", baseline),
        target=Target(max_project=100, text="p95 <= 100 ms"),
        higher_is_better=False,
    )


async def _export_results(
    context: BenchContext, bench: Bench, segment_id: int, segment_api_pid: int
) -> list[Result]:
    """The CSV export of the run (3 fields) streamed from the API, against the same rows written
    by ClickHouse (`FORMAT CSV`) and read over HTTP; and how much the API's RSS grows meanwhile."""
    url = f"{SEGMENTS}{segment_id}/members/export/"
    params = {"format": "csv", "fields": "sku,name,price"}
    run_id = (await bench.segments.get(f"{SEGMENTS}{segment_id}/members/", headers=bench.headers)).json()[
        "run_id"
    ]
    database = bench.clickhouse.database
    members = (
        f"SELECT sku FROM {database}.product_memberships WHERE tenant_id = {bench.catalog.tenant_id} "
        f"AND segment_id = {segment_id} AND version = {run_id}"
    )
    handwritten_sql = (
        "SELECT sku, name, if(has(num_keys, 'price'), toString(num_vals[indexOf(num_keys, 'price')]), '') "
        f"FROM {database}.products FINAL WHERE {bench.live_products} AND sku IN ({members}) "
        "ORDER BY sku FORMAT CSV"
    )
    rss_before = memory_mb(segment_api_pid, "VmRSS")
    rss_samples = [rss_before]

    async def project() -> int:
        async with bench.segments.stream("GET", url, params=params, headers=bench.headers) as response:
            response.raise_for_status()
            return await _lines(response) - 1  # the header

    async def handwritten() -> int:
        async with bench.clickhouse.http.stream("POST", "/", content=handwritten_sql) as response:
            response.raise_for_status()
            return await _lines(response)

    async def watch_rss() -> None:
        while True:
            rss_samples.append(memory_mb(segment_api_pid, "VmRSS"))
            await asyncio.sleep(0.02)

    project_rates, baseline_rates, rows = [], [], set()
    for _ in range(RUNS):
        watcher = asyncio.create_task(watch_rss())
        started = time.perf_counter()
        exported = await project()
        project_rates.append(exported / (time.perf_counter() - started))
        watcher.cancel()
        started = time.perf_counter()
        written = await handwritten()
        baseline_rates.append(written / (time.perf_counter() - started))
        rows |= {exported, written}
    if len(rows) != 1:
        raise SystemExit(f"segments: the export and the hand-written query gave {sorted(rows)} rows")
    [count] = rows
    growth = max(rss_samples) - rss_before
    return [
        Result(
            name="members_export",
            description=f"CSV export of a {count:,}-member run (sku, name, price), streamed to the client",
            scale=context.scale,
            project=Figure("GET …/members/export/?format=csv", "rows/s", project_rates, {"rows": count}),
            baseline=Figure("the same rows, SELECT … FORMAT CSV, ClickHouse HTTP", "rows/s", baseline_rates),
            target=Target(min_ratio=0.5, text=">= 0.5x the rows/s of ClickHouse's own CSV"),
        ),
        Result(
            name="members_export_api_rss",
            description=f"segment-api's resident memory growth during {RUNS} exports of {count:,} members",
            scale=context.scale,
            project=Figure("segment-api RSS growth (VmRSS, sampled every 20 ms)", "MB", [growth]),
            baseline=Figure("segment-api RSS before the exports", "MB", [rss_before]),
            target=Target(max_project=50, text="RSS grows < 50 MB"),
            higher_is_better=False,
        ),
    ]


async def _lines(response: httpx.Response) -> int:
    return sum([chunk.count(b"\n") async for chunk in response.aiter_raw()])


# Sync lag -----------------------------------------------------------------------------------------


def _lag_products(prefix: str, brand: str, count: int) -> list[dict[str, Any]]:
    return [
        {"sku": f"{prefix}-{index:05d}", "name": f"{brand} {index}", "brand": brand} for index in range(count)
    ]


async def _write_directly(bench: Bench, items: list[dict[str, Any]]) -> None:
    """The items as replica rows of the catalog's tenant, in one insert (no outbox, no queue).

    Their SKUs and brands are the baseline's own, so the relay never writes them, and a preview
    counts them on the same million rows as the project's.
    """
    now = datetime.now(UTC)
    rows = [
        replica_row(
            {
                "id": 1_000_000_000 + index,
                "sku": item["sku"],
                "name": item["name"],
                "data": {"brand": item["brand"]},
                "created_at": now,
                "updated_at": now,
            },
            FIELD_TYPES,
            tenant_id=bench.catalog.tenant_id,
            version=1,
        )
        for index, item in enumerate(items)
    ]
    await bench.clickhouse.run(insert_rows_sql(bench.clickhouse.database), json_each_row(rows))


async def _seconds_until_counted(bench: Bench, brand: str, count: int) -> float:
    started = time.perf_counter()

    async def counted() -> bool:
        return bool((await bench.preview(brand_is(brand)))["matched_count"] == count)

    await until(counted, 120, f"{count} products of brand {brand} reach previews")
    return time.perf_counter() - started


async def _bulk_lags(bench: Bench) -> tuple[list[float], list[float]]:
    """Seconds from a bulk upsert's response (or the direct insert's start) until a preview counts it."""
    project, baseline = [], []
    for round_ in range(LAG_ROUNDS):
        items = _lag_products(f"BULK{round_}", f"bulk{round_}", BULK_SIZE)
        written = await bench.pim.post(
            "/api/pim/products/bulk/", json={"products": items}, headers=bench.headers
        )
        written.raise_for_status()
        project.append(await _seconds_until_counted(bench, f"bulk{round_}", BULK_SIZE))
        direct = _lag_products(f"DIRECT-BULK{round_}", f"directbulk{round_}", BULK_SIZE)
        started = time.perf_counter()
        await _write_directly(bench, direct)
        await _seconds_until_counted(bench, f"directbulk{round_}", BULK_SIZE)
        baseline.append(time.perf_counter() - started)
    return project, baseline


async def _single_lags(
    bench: Bench, brand: str, write: Callable[[dict[str, Any]], Awaitable[object]]
) -> list[float]:
    """Seconds from each single write, SINGLE_WRITES_PER_SECOND of them, until a preview counts it.

    Products reach the replica in the order written (the outbox's order), so the n-th counted is
    taken to be the n-th written.
    """
    items = _lag_products(f"ONE-{brand}", brand, SINGLE_WRITES)
    written_at: list[float] = []
    seen_at: list[float] = []

    async def writer() -> None:
        start = time.perf_counter()
        for index, item in enumerate(items):
            await asyncio.sleep(max(0.0, start + index / SINGLE_WRITES_PER_SECOND - time.perf_counter()))
            await write(item)
            written_at.append(time.perf_counter())

    async def watcher() -> None:
        while len(seen_at) < len(items):
            counted = (await bench.preview(brand_is(brand)))["matched_count"]
            seen_at.extend([time.perf_counter()] * (counted - len(seen_at)))
            await asyncio.sleep(POLL_SECONDS)

    await asyncio.wait_for(asyncio.gather(writer(), watcher()), timeout=120)
    return [max(0.0, seen - written) for seen, written in zip(seen_at, written_at, strict=True)]


async def _sync_lag_results(context: BenchContext, bench: Bench) -> list[Result]:
    bulk_project, bulk_baseline = await _bulk_lags(bench)

    async def write_one(item: dict[str, Any]) -> None:
        product = {"sku": item["sku"], "name": item["name"], "data": {"brand": item["brand"]}}
        response = await bench.pim.post("/api/pim/products/", json=product, headers=bench.headers)
        response.raise_for_status()

    single_project = await _single_lags(bench, "single", write_one)
    single_baseline = await _single_lags(bench, "directsingle", lambda item: _write_directly(bench, [item]))
    return [
        _lag_result(
            context,
            "sync_lag",
            f"bulk upserts of {BULK_SIZE:,} products ({LAG_ROUNDS} rounds)",
            bulk_project,
            bulk_baseline,
        ),
        _lag_result(
            context,
            "sync_lag_single",
            f"{SINGLE_WRITES} single-product writes at {SINGLE_WRITES_PER_SECOND}/s",
            single_project,
            single_baseline,
        ),
    ]


def _lag_result(
    context: BenchContext, name: str, writes: str, project: list[float], baseline: list[float]
) -> Result:
    def figure(label: str, lags: list[float]) -> Figure:
        ms = [lag * 1000 for lag in lags]
        return Figure(label, "ms p95", [p95(ms)], {"p50_ms": statistics.median(ms), "max_ms": max(ms)})

    return Result(
        name=name,
        description=(
            f"{writes}: time until a preview counts them, through the outbox relay vs the same rows "
            "inserted straight into the replica by the writer"
        ),
        scale=context.scale,
        project=figure("pim-api write → outbox → worker → replica", project),
        baseline=figure("direct insert into the replica (a synchronous dual write)", baseline),
        target=Target(max_project=2000, text="p95 <= 2 s"),
        higher_is_better=False,
    )


# Live membership ----------------------------------------------------------------------------------


async def _live_lag_results(context: BenchContext, bench: Bench) -> list[Result]:
    """With LIVE_SEGMENTS active segments (`brand = liveN`, computed once): single writes that move a
    product into one, until its change feed and the membership lookup show it; and a bulk upsert
    moving products into all of them, until every segment's `computed_count` has them. Baselines:
    the same writes until the replica holds them (a preview counts them), in the same polls."""
    segment_ids = []
    for index in range(LIVE_SEGMENTS):
        body = {"name": f"live{index}", "definition": brand_is(f"live{index}"), "is_active": True}
        created = await bench.segments.post(SEGMENTS, json=body, headers=bench.headers)
        created.raise_for_status()
        segment_ids.append(created.json()["id"])
        await _compute(bench, segment_ids[-1])
    single_project, single_baseline = [], []
    for index, item in enumerate(_lag_products("LIVE-ONE", "live0", LIVE_WRITES)):
        started = time.perf_counter()
        product = {"sku": item["sku"], "name": item["name"], "data": {"brand": item["brand"]}}
        (await bench.pim.post("/api/pim/products/", json=product, headers=bench.headers)).raise_for_status()
        replicated, live = await _seen_live(bench, segment_ids[0], item["sku"], index + 1, started)
        single_baseline.append(replicated)
        single_project.append(live)
        await asyncio.sleep(0.2)
    bulk = [
        item
        for index in range(LIVE_SEGMENTS)
        for item in _lag_products(f"LIVE-BULK{index}", f"live{index}", BULK_SIZE // LIVE_SEGMENTS)
    ]
    started = time.perf_counter()
    written = await bench.pim.post("/api/pim/products/bulk/", json={"products": bulk}, headers=bench.headers)
    written.raise_for_status()
    await _seconds_until_counted(bench, f"live{LIVE_SEGMENTS - 1}", BULK_SIZE // LIVE_SEGMENTS)
    replicated = time.perf_counter() - started
    expected = {segment_id: BULK_SIZE // LIVE_SEGMENTS for segment_id in segment_ids}
    expected[segment_ids[0]] += LIVE_WRITES

    async def all_updated() -> bool:
        for segment_id in segment_ids:
            segment = (await bench.segments.get(f"{SEGMENTS}{segment_id}/", headers=bench.headers)).json()
            if segment["computed_count"] != expected[segment_id]:
                return False
        return True

    await until(all_updated, 120, "every active segment counts the bulk's products", POLL_SECONDS)
    bulk_seconds = time.perf_counter() - started
    ms = [lag * 1000 for lag in single_project]
    return [
        Result(
            name="live_membership_lag",
            description=(
                f"{LIVE_WRITES} single writes, each moving a product into one of {LIVE_SEGMENTS} active "
                "segments: until its change feed and the membership lookup show it, vs until the replica "
                "holds it"
            ),
            scale=context.scale,
            project=Figure(
                "write → relay → live membership (feed and lookup)",
                "ms p95",
                [p95(ms)],
                {"p50_ms": statistics.median(ms), "max_ms": max(ms)},
            ),
            baseline=Figure(
                "write → relay → replica (a preview counts it)",
                "ms p95",
                [p95([lag * 1000 for lag in single_baseline])],
            ),
            target=Target(max_project=3000, text="p95 <= 3 s"),
            higher_is_better=False,
        ),
        Result(
            name="live_membership_bulk",
            description=(
                f"a bulk upsert of {BULK_SIZE:,} products, {BULK_SIZE // LIVE_SEGMENTS} into each of "
                f"{LIVE_SEGMENTS} active segments: until every segment's computed_count has them"
            ),
            scale=context.scale,
            project=Figure("write → every active segment updated", "s", [bulk_seconds]),
            baseline=Figure("write → the replica holds them (a preview counts them)", "s", [replicated]),
            target=Target(max_project=10, text="every segment updated within 10 s"),
            higher_is_better=False,
        ),
    ]


async def _seen_live(
    bench: Bench, segment_id: int, sku: str, count: int, started: float
) -> tuple[float, float]:
    """Seconds from `started` until a preview counts `count` products of the segment's brand (the
    replica), and until the segment's feed and the membership lookup show `sku` (live)."""
    replicated: float | None = None
    while True:
        if replicated is None and (await bench.preview(brand_is("live0")))["matched_count"] >= count:
            replicated = time.perf_counter() - started
        changes = (
            await bench.segments.get(
                f"{SEGMENTS}{segment_id}/changes/", params={"cursor": 0}, headers=bench.headers
            )
        ).json()
        if any(change["sku"] == sku for change in changes["live"]):
            held = (
                await bench.segments.get(f"{SEGMENTS}membership/", params={"sku": sku}, headers=bench.headers)
            ).json()["results"]
            if any(segment["id"] == segment_id for segment in held) and replicated is not None:
                return replicated, time.perf_counter() - started
        if time.perf_counter() - started > 60:
            raise SystemExit(f"segments: {sku} did not reach live membership within 60 s")
        await asyncio.sleep(POLL_SECONDS)

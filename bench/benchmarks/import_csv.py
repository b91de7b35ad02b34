"""CSV import of a catalog (12 columns) end to end, against the floor for putting the same file
into tables indexed like ours.

Project: upload to pim-api → confirm the suggested mapping → the worker's import is `done` → the
ClickHouse replica holds every product. Baseline (`bench.copy_floor`, a process of its own): the csv
module parses the file, asyncpg COPYs (tenant_id, sku, name, data) into an empty copy of
pim.products (same columns, constraints and indexes, no triggers), and one INSERT … SELECT fills an
empty copy of pim.product_names from it.
"""

import asyncio
import csv
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench import catalog
from bench.catalog import SCALES, products
from bench.clickhouse import ClickHouse
from bench.context import BenchContext
from bench.environment import BENCH_ENV, create_tenant
from bench.memory import memory_mb
from bench.polling import until
from bench.results import Figure, Result, Target
from bench.servers import stack

HEADERS = [
    "Product ID", "Title", "Brand", "Category", "Sale Price", "Stock", "Tags", "Published",
    "Release Date", "Colour", "Size", "Summary",
]  # fmt: skip
SIZES = ["XS", "S", "M", "L", "XL", "38", "40", "42", "44"]
POLL_SECONDS = 0.2


def ensure_import_file(scale: str) -> Path:
    """The bench catalog as a 12-column export (~180 bytes a row), generated once per scale."""
    path = catalog.CACHE / f"import-{scale}.csv"
    if path.exists():
        return path
    catalog.CACHE.mkdir(exist_ok=True)
    partial = path.with_suffix(".tmp")
    with partial.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADERS)
        for index, product in enumerate(products(SCALES[scale])):
            summary = " ".join((product["description"] or "").split()[:9])
            writer.writerow(
                [
                    product["sku"],
                    product["name"],
                    product["brand"] or "",
                    product["category"] or "",
                    product["price"] or "",
                    "" if product["inventory_count"] is None else product["inventory_count"],
                    "|".join(product["tags"] or []),
                    {None: "", True: "yes", False: "no"}[product["published"]],
                    product["release_date"] or "",
                    product["color"] or "",
                    SIZES[index % len(SIZES)],
                    summary,
                ]
            )
    partial.rename(path)
    return path


async def _project(context: BenchContext, path: Path, rows: int) -> dict[str, float]:
    """Stage timings (s) of one import through the services, and the worker's peak RSS (MB)."""
    tenant = create_tenant("import")
    headers = {"X-API-Key": tenant.api_key}
    clickhouse = ClickHouse(context.env["CLICKHOUSE_URL"], context.env["CLICKHOUSE_DATABASE"])
    with stack(context.env) as services:
        async with httpx.AsyncClient(base_url=services.pim_url, timeout=600) as pim:
            started = time.perf_counter()
            with path.open("rb") as file:
                upload = await pim.post(
                    "/api/pim/import/csv/", files={"file": (path.name, file, "text/csv")}, headers=headers
                )
            uploaded = time.perf_counter()
            if upload.status_code != 200:
                raise SystemExit(f"import_csv: upload answered {upload.status_code}: {upload.text[:500]}")
            suggested = upload.json()
            job_url = f"/api/pim/import/{suggested['job_id']}/"
            body = {"mapping": suggested["suggested_mapping"], "schema": suggested["suggested_schema"]}
            (await pim.post(f"{job_url}confirm/", json=body, headers=headers)).raise_for_status()
            job = await _until_done(pim, job_url, headers)
            done = time.perf_counter()
            if job["imported_count"] != rows:
                raise SystemExit(f"import_csv: {job['imported_count']} of {rows} rows imported: {job}")
            replica = f"{clickhouse.database}.products"
            count = (
                f"SELECT count() FROM {replica} FINAL WHERE tenant_id = {tenant.tenant_id} AND is_deleted = 0"
            )

            async def replicated_all() -> bool:
                return bool(await clickhouse.value(count) == rows)

            await until(replicated_all, 600, "import_csv: the replica holds every product", POLL_SECONDS)
            replicated = time.perf_counter()
        rss = memory_mb(services.worker.pid, "VmHWM")
    await clickhouse.aclose()
    return {
        "seconds": replicated - started,
        "upload_s": uploaded - started,
        "import_s": done - uploaded,
        "replica_after_s": replicated - done,
        "worker_peak_rss_mb": rss,
        "rows_per_s": rows / (replicated - started),
    }


async def _until_done(pim: httpx.AsyncClient, job_url: str, headers: dict[str, str]) -> dict[str, Any]:
    job: dict[str, Any] = {}

    async def finished() -> bool:
        job.update((await pim.get(job_url, headers=headers)).json())
        if job["status"] == "failed":
            raise SystemExit(f"import_csv: the import failed: {job['error_message']}")
        return bool(job["status"] == "done")

    await until(finished, 3_600, "import_csv: the import is done", POLL_SECONDS)
    return job


def _baseline(context: BenchContext, path: Path) -> dict[str, float]:
    tenant = create_tenant("import-floor")
    command = [sys.executable, "-m", "bench.copy_floor", str(path), str(tenant.tenant_id)]
    finished = subprocess.run(
        command, env={**BENCH_ENV, **context.env}, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise SystemExit(f"import_csv: the COPY floor failed:\n{finished.stderr[-2000:]}")
    measured: dict[str, float] = json.loads(finished.stdout)
    return measured


def run(context: BenchContext) -> list[Result]:
    path = ensure_import_file(context.scale)
    rows = SCALES[context.scale]
    project = asyncio.run(_project(context, path, rows))
    baseline = _baseline(context, path)
    size_mb = path.stat().st_size / 1e6
    print(f"[bench] import_csv: {size_mb:.0f} MB; project {project}; floor {baseline}", flush=True)
    description = (
        f"{rows:,} rows x {len(HEADERS)} columns ({size_mb:.0f} MB), from upload to a complete replica"
    )
    return [
        Result(
            name="import_csv",
            description=description,
            scale=context.scale,
            project=Figure(
                "upload → confirm → done → ClickHouse replica complete", "s", [project["seconds"]], project
            ),
            baseline=Figure(
                "csv + asyncpg COPY into a trigger-less copy of pim.products, product_names INSERT … SELECT",
                "s",
                [baseline["seconds"]],
                baseline,
            ),
            target=Target(text="at most 1.25x the COPY floor's time", min_ratio=0.8),
            higher_is_better=False,
        ),
        Result(
            name="import_csv_worker_rss",
            description=f"the worker's peak resident memory over the import of {description}",
            scale=context.scale,
            project=Figure("worker peak RSS (VmHWM)", "MB", [project["worker_peak_rss_mb"]]),
            baseline=Figure("the COPY floor process's peak RSS", "MB", [baseline["peak_rss_mb"]]),
            target=Target(text="< 300 MB", max_project=300),
            higher_is_better=False,
        ),
    ]

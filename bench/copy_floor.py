"""`python -m bench.copy_floor FILE TENANT_ID`: the import_csv baseline, in a process of its own so
that its peak memory is its own. Prints {"seconds", "copy_s", "names_s", "peak_rss_mb"} as JSON.

Parses FILE with the csv module and COPYs (tenant_id, sku, name, data as jsonb) into an empty copy
of pim.products (columns, constraints, indexes; no triggers), then fills an empty copy of
pim.product_names from it with one INSERT … SELECT.
"""

import asyncio
import csv
import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg

from segops_platform.database import postgres_dsn

TABLES = (
    "DROP TABLE IF EXISTS pim.floor_products, pim.floor_product_names",
    "CREATE UNLOGGED TABLE pim.floor_products (LIKE pim.products INCLUDING ALL)",
    "CREATE UNLOGGED TABLE pim.floor_product_names (LIKE pim.product_names INCLUDING ALL)",
)


def records(path: Path, tenant_id: int) -> Iterator[tuple[int, str, str, str]]:
    with path.open(newline="") as file:
        reader = csv.reader(file)
        headers = next(reader)[2:]
        for sku, name, *values in reader:
            data = {header: value for header, value in zip(headers, values, strict=True) if value}
            yield tenant_id, sku, name, json.dumps(data)


async def main(path: Path, tenant_id: int) -> dict[str, float]:
    db = await asyncpg.connect(postgres_dsn(os.environ["DATABASE_URL"]))
    for statement in TABLES:
        await db.execute(statement)
    started = time.perf_counter()
    await db.copy_records_to_table(
        "floor_products",
        schema_name="pim",
        records=records(path, tenant_id),
        columns=["tenant_id", "sku", "name", "data"],
    )
    copied = time.perf_counter()
    await db.execute(
        "INSERT INTO pim.floor_product_names (tenant_id, id, name_lower) "
        "SELECT tenant_id, id, lower(name) FROM pim.floor_products"
    )
    named = time.perf_counter()
    await db.execute(TABLES[0])
    await db.close()
    return {
        "seconds": named - started,
        "copy_s": copied - started,
        "names_s": named - copied,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))))

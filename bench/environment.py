"""The benchmarks' own databases (never the dev data), recreated per run, and their tenants."""

import asyncio
import json
import os
import subprocess
import sys
from dataclasses import dataclass

import httpx
from redis import Redis

from bench.servers import venv_command
from segops_platform.database import recreate_database

BENCH_ENV = {
    "SEGOPS_ENV": "dev",
    "DATABASE_URL": os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/segops_bench"
    ),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    "CLICKHOUSE_URL": os.environ.get("CLICKHOUSE_URL", "http://127.0.0.1:8123"),
    "CLICKHOUSE_DATABASE": "segmentation_bench",
    # Services under test log warnings only, like the bare baselines (which log nothing).
    "LOG_LEVEL": "WARNING",
}


@dataclass(frozen=True)
class BenchTenant:
    tenant_id: int
    api_key: str


def _run(*command: str) -> str:
    env = {**os.environ, **BENCH_ENV}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def create_tenant(name: str) -> BenchTenant:
    created = json.loads(_run(venv_command("segops-admin"), "tenant", "create", name, "--json"))
    return BenchTenant(tenant_id=created["tenant_id"], api_key=created["api_key"])


def prepare() -> None:
    """Empty, migrated bench databases (Postgres and ClickHouse), so that benchmarks do not pile
    data on each other: each starts from nothing, with no other benchmark's rows left to relay."""
    asyncio.run(recreate_database(BENCH_ENV["DATABASE_URL"]))
    dropped = httpx.post(  # a drop waits for the merges under way on its tables
        BENCH_ENV["CLICKHOUSE_URL"],
        content=f"DROP DATABASE IF EXISTS {BENCH_ENV['CLICKHOUSE_DATABASE']}",
        timeout=300,
    )
    dropped.raise_for_status()
    Redis.from_url(BENCH_ENV["REDIS_URL"]).flushdb()  # no queued job or cron lock of an earlier run
    _run(sys.executable, "-m", "pim_api.migrations")
    _run(sys.executable, "-m", "segment_api.migrations")

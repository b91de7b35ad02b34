"""The benchmarks' own databases (never the dev data), recreated per run, and their tenants."""

import asyncio
import json
import os
import subprocess
import sys
from dataclasses import dataclass

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
    """An empty, migrated bench database, so that runs do not pile data on each other."""
    asyncio.run(recreate_database(BENCH_ENV["DATABASE_URL"]))
    _run(sys.executable, "-m", "pim_api.migrations")
    _run(sys.executable, "-m", "segment_api.migrations")

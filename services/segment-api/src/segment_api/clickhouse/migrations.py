"""Versioned, idempotent ClickHouse DDL, recorded in `<database>.schema_migrations`.

Each migration is numbered and makes its statements for a database name (the DDL of the replica
comes from segdsl, its one source). The first migration makes the current layout, so a new
database is at the latest version once it ran (every version is recorded); later migrations bring
databases made by an older layout up to date. A migration is recorded after its last statement, so a run
interrupted before that runs it again: write `CREATE … IF NOT EXISTS`, and give an `ALTER`
(18.16 has no `ADD COLUMN IF NOT EXISTS`) a migration of its own.
"""

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx
from aiochclient import ChClient

from segdsl import PRODUCTS_TABLE, replica_ddl
from segdsl.escaping import quote_identifier
from segdsl.replica import live_memberships_table_ddl
from segment_api.clickhouse.client import create_clickhouse_client


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: Callable[[str], Sequence[str]]  # database name -> DDL


def _text_columns(database: str) -> list[str]:
    table = f"{quote_identifier(database)}.{PRODUCTS_TABLE}"
    return [
        f"ALTER TABLE {table} ADD COLUMN text_keys Array(String) AFTER str_vals",
        f"ALTER TABLE {table} ADD COLUMN text_vals Array(String) AFTER text_keys",
    ]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "product replica and memberships", replica_ddl),
    # Rows written before hold text and url values in str_*: `segops-admin resync --all` moves them.
    Migration(2, "text and url fields in their own columns", _text_columns),
    Migration(3, "live membership", lambda database: [live_memberships_table_ddl(database)]),
)


async def applied_versions(client: ChClient, db: str) -> set[int]:
    rows = await client.fetch(f"SELECT version FROM {db}.schema_migrations")
    return {int(row["version"]) for row in rows}


async def migrate(client: ChClient, database: str, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Apply the migrations not yet recorded, in order; return the versions applied now."""
    db = quote_identifier(database)
    await client.execute(f"CREATE DATABASE IF NOT EXISTS {db}")
    await client.execute(
        f"CREATE TABLE IF NOT EXISTS {db}.schema_migrations "
        "(version UInt32, name String, applied_at DateTime DEFAULT now()) "
        "ENGINE = MergeTree ORDER BY version"
    )
    done = await applied_versions(client, db)
    ordered = sorted(migrations, key=lambda m: m.version)
    pending = [migration for migration in ordered if migration.version not in done]
    if not done and ordered:  # a new database: the first migration makes the current layout
        for statement in ordered[0].statements(database):
            await client.execute(statement)
        await _record(client, db, ordered)
        return [migration.version for migration in ordered]
    for migration in pending:
        for statement in migration.statements(database):
            await client.execute(statement)
        await _record(client, db, [migration])
    return [migration.version for migration in pending]


async def _record(client: ChClient, db: str, migrations: Sequence[Migration]) -> None:
    rows = [(migration.version, migration.name) for migration in migrations]
    await client.execute(f"INSERT INTO {db}.schema_migrations (version, name) VALUES", *rows)


async def migrate_url(url: str, database: str) -> list[int]:
    async with httpx.AsyncClient(timeout=60) as http:
        # Connect to `default`: the target database may not exist yet.
        return await migrate(create_clickhouse_client(url, "default", http), database)


def run(url: str, database: str) -> list[int]:
    return asyncio.run(migrate_url(url, database))

"""Versioned ClickHouse DDL on the real 18.16 server: applied once, in order, recorded."""

from collections.abc import AsyncIterator

import httpx
import pytest
from aiochclient import ChClient

from segdsl.escaping import quote_identifier
from segment_api.clickhouse.client import create_clickhouse_client
from segment_api.clickhouse.migrations import MIGRATIONS as PROJECT_MIGRATIONS
from segment_api.clickhouse.migrations import Migration, migrate
from segment_api.settings import SegmentSettings

DATABASE = "segmentation_test_migrations"
MIGRATIONS = [
    Migration(2, "add notes", lambda db: [f"ALTER TABLE {db}.widgets ADD COLUMN note String"]),
    Migration(
        1,
        "widgets",
        lambda db: [f"CREATE TABLE IF NOT EXISTS {db}.widgets (id UInt64) ENGINE = MergeTree ORDER BY id"],
    ),
]


@pytest.fixture
async def clickhouse() -> AsyncIterator[ChClient]:
    async with httpx.AsyncClient() as http:
        client = create_clickhouse_client(SegmentSettings().clickhouse_url, "default", http)
        await client.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        yield client
        await client.execute(f"DROP DATABASE IF EXISTS {DATABASE}")


async def test_migrations_apply_in_order_once(clickhouse: ChClient) -> None:
    assert await migrate(clickhouse, DATABASE, MIGRATIONS[1:]) == [1]
    assert await migrate(clickhouse, DATABASE, MIGRATIONS) == [2]
    assert await migrate(clickhouse, DATABASE, MIGRATIONS) == []
    columns = await clickhouse.fetch(f"DESCRIBE TABLE {DATABASE}.widgets")
    assert [row["name"] for row in columns] == ["id", "note"]
    recorded = await clickhouse.fetch(
        f"SELECT version, name FROM {DATABASE}.schema_migrations ORDER BY version"
    )
    assert [(row["version"], row["name"]) for row in recorded] == [(1, "widgets"), (2, "add notes")]


async def test_the_replica_tables_exist_after_the_projects_migrations(clickhouse: ChClient) -> None:
    """The run's database was migrated like `make run` migrates (tests/conftest.py)."""
    database = quote_identifier(SegmentSettings().clickhouse_database)
    tables = {row["name"] for row in await clickhouse.fetch(f"SHOW TABLES FROM {database}")}
    assert {"products", "product_memberships", "live_memberships", "schema_migrations"} <= tables


async def columns_of_products(clickhouse: ChClient) -> list[str]:
    return [row["name"] for row in await clickhouse.fetch(f"DESCRIBE TABLE {DATABASE}.products")]


async def test_a_new_database_gets_the_current_layout_at_the_latest_version(clickhouse: ChClient) -> None:
    assert await migrate(clickhouse, DATABASE) == [1, 2, 3]
    assert "text_vals" in await columns_of_products(clickhouse)
    tables = {row["name"] for row in await clickhouse.fetch(f"SHOW TABLES FROM {DATABASE}")}
    assert "live_memberships" in tables
    assert await migrate(clickhouse, DATABASE) == []


async def test_a_database_of_the_first_layout_gets_the_text_columns_after_str_vals(
    clickhouse: ChClient,
) -> None:
    assert await migrate(clickhouse, DATABASE, PROJECT_MIGRATIONS[:1]) == [1]
    for column in ("text_vals", "text_keys"):  # as the first layout made it
        await clickhouse.execute(f"ALTER TABLE {DATABASE}.products DROP COLUMN {column}")
    assert await migrate(clickhouse, DATABASE) == [2, 3]
    columns = await columns_of_products(clickhouse)
    assert columns[columns.index("str_vals") : columns.index("str_vals") + 3] == [
        "str_vals",
        "text_keys",
        "text_vals",
    ]

"""Migrations segment-api owns: Alembic for the `segments` Postgres schema, versioned ClickHouse DDL.

`python -m segment_api.migrations` applies both.
"""

from pathlib import Path

from segment_api.clickhouse import migrations as clickhouse_migrations
from segment_api.db import SCHEMA
from segment_api.settings import SegmentSettings
from segops_platform import migrations


def upgrade(settings: SegmentSettings) -> None:
    migrations.upgrade(Path(__file__).parent, settings.database_url, SCHEMA)
    clickhouse_migrations.run(settings.clickhouse_url, settings.clickhouse_database)

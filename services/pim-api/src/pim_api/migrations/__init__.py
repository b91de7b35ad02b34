"""Alembic migrations of the `pim` Postgres schema; `python -m pim_api.migrations` applies them."""

from pathlib import Path

from pim_api.db import SCHEMA
from segops_platform import migrations


def upgrade(database_url: str) -> None:
    migrations.upgrade(Path(__file__).parent, database_url, SCHEMA)

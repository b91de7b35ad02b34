"""The product replica in ClickHouse, as the segment side writes it (the layout is segdsl's)."""

from collections.abc import Mapping, Sequence
from typing import Any

from aiochclient import ChClient

from segdsl import PRODUCTS_TABLE
from segdsl.escaping import quote_identifier


class ReplicaStore:
    def __init__(self, client: ChClient, database: str) -> None:
        self.client = client
        self.table = f"{quote_identifier(database)}.{PRODUCTS_TABLE}"

    async def write(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """One insert of replica rows (`segdsl.replica_row`, `tombstone_row`); writing a row again
        changes nothing, since the replica keeps one row per product version."""
        if rows:
            await self.client.execute(f"INSERT INTO {self.table} FORMAT JSONEachRow", *rows)

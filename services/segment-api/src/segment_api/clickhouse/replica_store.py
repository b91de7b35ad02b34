"""The product replica in ClickHouse, as the segment side writes and reads it (the layout is segdsl's)."""

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from aiochclient import ChClient

from segdsl import PRODUCTS_TABLE
from segdsl.escaping import quote_identifier, uint64_literal


class ReplicaStore:
    def __init__(self, client: ChClient, database: str) -> None:
        self.client = client
        self.table = f"{quote_identifier(database)}.{PRODUCTS_TABLE}"

    async def write(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """One insert of replica rows (`segdsl.replica_row`, `tombstone_row`); writing a row again
        changes nothing, since the replica keeps one row per version."""
        if rows:
            await self.client.execute(f"INSERT INTO {self.table} FORMAT JSONEachRow", *rows)

    async def live(self, tenant_id: int) -> AsyncIterator[tuple[str, int, int]]:
        """(sku, version, product_id) of the tenant's products the replica holds, in SKU order, streamed."""
        sql = (
            f"SELECT sku, version, product_id FROM {self.table} FINAL "
            f"WHERE tenant_id = {uint64_literal(tenant_id)} AND is_deleted = 0 ORDER BY sku"
        )
        async for row in self.client.iterate(sql):
            yield row["sku"], int(row["version"]), int(row["product_id"])

"""The queries segments run on the replica: compiled by segdsl, run here."""

import asyncio

import httpx
from aiochclient import ChClient

from segdsl import PreviewSql, query_settings
from segment_api.clickhouse.client import create_clickhouse_client
from segops_platform.errors import ServiceUnavailable


class SegmentQueries:
    def __init__(self, http: httpx.AsyncClient, url: str, database: str) -> None:
        self.http = http
        self.url = url
        self.database = database

    async def preview(self, sql: PreviewSql) -> tuple[int, list[str]]:
        """The exact match count and the sample SKUs, queried at once."""
        try:
            count, rows = await asyncio.gather(
                self._client(sql.count_sql).fetchval(sql.count_sql),
                self._client(sql.sample_sql).fetch(sql.sample_sql),
            )
        except httpx.TransportError as error:
            raise ServiceUnavailable(
                f"ClickHouse is unavailable ({type(error).__name__}); retry the request shortly"
            ) from error
        return int(count), [row["sku"] for row in rows]

    def _client(self, sql: str) -> ChClient:
        # Compiled SQL can be longer than ClickHouse parses by default: its settings go along.
        return create_clickhouse_client(self.url, self.database, self.http, **query_settings(sql))

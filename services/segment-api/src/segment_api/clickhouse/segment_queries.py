"""The queries previews run on the replica: compiled by segdsl, run here."""

import asyncio

from segdsl import PreviewSql
from segment_api.clickhouse.client import QueryRunner


class SegmentQueries:
    def __init__(self, runner: QueryRunner) -> None:
        self.runner = runner
        self.database = runner.database

    async def preview(self, sql: PreviewSql) -> tuple[int, list[str]]:
        """The exact match count and the sample SKUs, queried at once."""
        count, rows = await asyncio.gather(
            self.runner.fetchval(sql.count_sql), self.runner.fetch(sql.sample_sql)
        )
        return int(count), [row["sku"] for row in rows]

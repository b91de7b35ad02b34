"""Segment memberships in ClickHouse (segdsl's table): one set of rows per run, its `version`.

A run's rows are written once, by one `INSERT … SELECT` (segdsl compiles it); a failed or killed
run gets a new run id when computed again, so a run's rows are never written twice and are read
without FINAL. What entered and what left since the previous run is computed here too, in ClickHouse.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from segdsl import MEMBERSHIPS_TABLE
from segdsl.escaping import quote_identifier, uint64_literal
from segment_api.clickhouse.client import QueryRunner

CHANGED_SKUS_SHOWN = 1_000


@dataclass(frozen=True)
class RunChanges:
    entered_count: int
    exited_count: int
    entered: list[str]  # the first CHANGED_SKUS_SHOWN, in SKU order
    exited: list[str]


class MembershipStore:
    def __init__(self, runner: QueryRunner) -> None:
        self.runner = runner
        self.table = f"{quote_identifier(runner.database)}.{MEMBERSHIPS_TABLE}"

    async def fill(self, insert_sql: str) -> None:
        """Write a run's members: the compiled INSERT … SELECT, server-side (no row passes through here)."""
        await self.runner.execute(insert_sql)

    async def count(self, tenant_id: int, segment_id: int, run_id: int) -> int:
        sql = f"SELECT count() FROM {self.table} WHERE {self._run(tenant_id, segment_id, run_id)}"
        return int(await self.runner.fetchval(sql))

    async def changes(self, tenant_id: int, segment_id: int, run_id: int, previous: int | None) -> RunChanges:
        """What entered and what left between the previous run (None: nothing before) and this one."""
        versions = f"{uint64_literal(run_id)}, {uint64_literal(previous or 0)}"
        compared = (
            f"SELECT sku, max(version = {uint64_literal(run_id)}) AS now_in, "
            f"max(version = {uint64_literal(previous or 0)}) AS before_in "
            f"FROM {self.table} WHERE tenant_id = {uint64_literal(tenant_id)} "
            f"AND segment_id = {uint64_literal(segment_id)} AND version IN ({versions}) GROUP BY sku"
        )
        counts = await self.runner.fetchrow(
            "SELECT countIf(now_in AND NOT before_in) AS entered, "
            f"countIf(before_in AND NOT now_in) AS exited FROM ({compared})"
        )

        async def first(condition: str) -> list[str]:
            sql = f"SELECT sku FROM ({compared}) WHERE {condition} ORDER BY sku LIMIT {CHANGED_SKUS_SHOWN}"
            return [row["sku"] for row in await self.runner.fetch(sql)]

        return RunChanges(
            entered_count=int(counts["entered"]),
            exited_count=int(counts["exited"]),
            entered=await first("now_in AND NOT before_in"),
            exited=await first("before_in AND NOT now_in"),
        )

    async def page(self, tenant_id: int, segment_id: int, run_id: int, offset: int, limit: int) -> list[str]:
        """SKUs of a run, in SKU order, from `offset`."""
        sql = (
            f"SELECT sku FROM {self.table} WHERE {self._run(tenant_id, segment_id, run_id)} "
            f"ORDER BY sku LIMIT {uint64_literal(limit)} OFFSET {uint64_literal(offset)}"
        )
        return [row["sku"] for row in await self.runner.fetch(sql)]

    async def purge(self, run_ids: Sequence[int]) -> None:
        """Delete the rows of these runs (a mutation: ClickHouse rewrites the parts in the background)."""
        if run_ids:
            versions = ", ".join(uint64_literal(run_id) for run_id in run_ids)
            await self.runner.execute(f"ALTER TABLE {self.table} DELETE WHERE version IN ({versions})")

    def _run(self, tenant_id: int, segment_id: int, run_id: int) -> str:
        return (
            f"tenant_id = {uint64_literal(tenant_id)} AND segment_id = {uint64_literal(segment_id)} "
            f"AND version = {uint64_literal(run_id)}"
        )

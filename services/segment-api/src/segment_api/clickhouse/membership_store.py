"""Segment memberships in ClickHouse (segdsl's table): one set of rows per run, its `version`.

A run's rows are written once, by one `INSERT … SELECT` (segdsl compiles it); a failed or killed
run gets a new run id when computed again, so a run's rows are never written twice and are read
without FINAL. What entered and what left since the previous run is computed here too, in ClickHouse.
"""

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass

import httpx
from pydantic_core import from_json, to_json

from segdsl import LIVE_MEMBERSHIPS_TABLE, MEMBERSHIPS_TABLE, FieldType, current_members_sql
from segdsl.escaping import quote_identifier, quote_string, uint64_literal
from segdsl.export import BOOLEAN_FIELDS_ARE_NUMBERS, ExportFormat, member_export_sql
from segment_api.clickhouse.client import QueryRunner

CHANGED_SKUS_SHOWN = 1_000


@dataclass(frozen=True)
class WrittenProduct:
    """A product as the replica now holds it, for live membership."""

    sku: str
    product_id: int
    version: int  # its product version (a deletion's too)


@dataclass(frozen=True)
class LiveChange:
    """A written product that live membership moves into (`entered`) or out of a segment's run."""

    segment_id: int
    run_id: int
    product: WrittenProduct
    entered: bool


@dataclass(frozen=True)
class RunChanges:
    entered_count: int
    exited_count: int
    entered: list[str]  # the first CHANGED_SKUS_SHOWN, in SKU order
    exited: list[str]


@dataclass(frozen=True)
class RunSummary:
    member_count: int
    changes: RunChanges


class MembershipStore:
    def __init__(self, runner: QueryRunner) -> None:
        self.runner = runner
        self.table = f"{quote_identifier(runner.database)}.{MEMBERSHIPS_TABLE}"
        self.live_table = f"{quote_identifier(runner.database)}.{LIVE_MEMBERSHIPS_TABLE}"

    async def fill(self, insert_sql: str) -> None:
        """Write a run's members: the compiled INSERT … SELECT, server-side (no row passes through here)."""
        await self.runner.execute(insert_sql)

    async def summary(self, tenant_id: int, segment_id: int, run_id: int, previous: int | None) -> RunSummary:
        """The run's member count and what entered and left since the previous run (None: nothing
        before, so every member entered); two queries at once, each one pass over the runs."""
        run = self._run(tenant_id, segment_id, run_id)
        if previous is None:
            count, entered = await asyncio.gather(
                self.runner.fetchval(f"SELECT count() FROM {self.table} WHERE {run}"),
                self.runner.fetch(
                    f"SELECT sku FROM {self.table} WHERE {run} ORDER BY sku LIMIT {CHANGED_SKUS_SHOWN}"
                ),
            )
            members = int(count)
            return RunSummary(members, RunChanges(members, 0, [row["sku"] for row in entered], []))
        compared = self._compared(tenant_id, segment_id, run_id, previous)
        counts, changed = await asyncio.gather(
            self.runner.fetchrow(
                "SELECT countIf(now_in) AS members, countIf(now_in AND NOT before_in) AS entered, "
                f"countIf(before_in AND NOT now_in) AS exited FROM ({compared})"
            ),
            self.runner.fetch(  # the first SKUs of each side, in SKU order
                f"SELECT now_in, sku FROM ({compared}) WHERE now_in != before_in "
                f"ORDER BY now_in, sku LIMIT {CHANGED_SKUS_SHOWN} BY now_in"
            ),
        )
        changes = RunChanges(
            entered_count=int(counts["entered"]),
            exited_count=int(counts["exited"]),
            entered=[row["sku"] for row in changed if row["now_in"]],
            exited=[row["sku"] for row in changed if not row["now_in"]],
        )
        return RunSummary(int(counts["members"]), changes)

    async def changed(
        self, tenant_id: int, segment_id: int, run_id: int, previous: int | None
    ) -> tuple[list[str], list[str]]:
        """Every SKU that entered with the run, and every one that left, each in SKU order."""
        if previous is None:
            run = self._run(tenant_id, segment_id, run_id)
            rows = await self.runner.json_rows(f"SELECT sku FROM {self.table} WHERE {run} ORDER BY sku")
            return [row["sku"] for row in rows], []
        compared = self._compared(tenant_id, segment_id, run_id, previous)
        rows = await self.runner.json_rows(
            f"SELECT now_in, sku FROM ({compared}) WHERE now_in != before_in ORDER BY now_in, sku"
        )
        entered = [row["sku"] for row in rows if row["now_in"]]
        return entered, [row["sku"] for row in rows if not row["now_in"]]

    async def page(self, tenant_id: int, segment_id: int, run_id: int, offset: int, limit: int) -> list[str]:
        """SKUs of a run as it is now, in SKU order, from `offset`."""
        sql = (
            f"SELECT sku FROM ({self.current(tenant_id, segment_id, run_id)}) "
            f"ORDER BY sku LIMIT {uint64_literal(limit)} OFFSET {uint64_literal(offset)}"
        )
        return [row["sku"] for row in await self.runner.json_rows(sql)]  # no sqlparse pass: 3 ms a page

    async def holding(
        self,
        tenant_id: int,
        current_runs: Mapping[int, int],
        *,
        skus: Sequence[str] = (),
        product_id: int | None = None,
    ) -> dict[int, set[str]]:
        """Segment id → the SKUs its run (of `current_runs`: segment id → the run its members are
        read from) holds now, among `skus` and/or of the product with this id: as computed, then as
        live membership changed it. One pass for every run (their primary key leads to the SKU)."""
        if not current_runs or not (skus or product_id is not None):
            return {}
        named = []
        if skus:
            named.append(f"sku IN ({', '.join(quote_string(sku) for sku in skus)})")
        if product_id is not None:
            named.append(f"product_id = {uint64_literal(product_id)}")
        runs = " OR ".join(
            f"(segment_id = {uint64_literal(segment_id)} AND version = {uint64_literal(run_id)})"
            for segment_id, run_id in sorted(current_runs.items())
        )
        where = f"WHERE tenant_id = {uint64_literal(tenant_id)} AND ({runs}) AND {' AND '.join(named)}"
        computed, live = await asyncio.gather(
            self.runner.json_rows(f"SELECT segment_id, sku FROM {self.table} {where}"),
            self.runner.json_rows(
                f"SELECT segment_id, sku, argMax(is_member, seq) AS member FROM {self.live_table} {where} "
                "GROUP BY segment_id, sku"
            ),
        )
        held: dict[int, set[str]] = defaultdict(set)
        for row in computed:
            held[int(row["segment_id"])].add(row["sku"])
        for row in live:
            segment = held[int(row["segment_id"])]
            (segment.add if row["member"] else segment.discard)(row["sku"])
        return {segment_id: skus_held for segment_id, skus_held in held.items() if skus_held}

    async def write_live(self, tenant_id: int, changes: Sequence[LiveChange]) -> None:
        """Live membership rows, in one insert: each (segment, run, product, now a member), newest by
        the product's version."""
        rows = [
            (
                tenant_id,
                change.segment_id,
                change.run_id,
                change.product.sku,
                change.product.product_id,
                int(change.entered),
                change.product.version,
            )
            for change in changes
        ]
        columns = "tenant_id, segment_id, version, sku, product_id, is_member, seq"
        await self.runner.insert(f"INSERT INTO {self.live_table} ({columns}) VALUES", rows)

    async def export(
        self,
        tenant_id: int,
        segment_id: int,
        run_id: int,
        fields: Sequence[tuple[str, FieldType | None]],
        export_format: ExportFormat,
    ) -> AsyncIterator[bytes]:
        """The run's members with `fields`, as ClickHouse writes them (segdsl.export), in chunks as
        they arrive (constant memory); ClickHouse is asked before the first chunk is given."""
        sql = member_export_sql(
            database=self.runner.database,
            tenant_id=tenant_id,
            segment_id=segment_id,
            run_id=run_id,
            fields=fields,
            export_format=export_format,
        )
        response = await self.runner.open(sql)
        booleans = [name for name, kind in fields if kind == "boolean"]
        if export_format == "ndjson" and booleans and BOOLEAN_FIELDS_ARE_NUMBERS:
            return _closing(response, _with_booleans(response.aiter_lines(), booleans))
        return _closing(response, response.aiter_raw())

    async def purge(self, run_ids: Sequence[int]) -> None:
        """Delete the rows of these runs, live ones included (mutations: ClickHouse rewrites the parts
        in the background)."""
        if run_ids:
            versions = ", ".join(uint64_literal(run_id) for run_id in run_ids)
            for table in (self.table, self.live_table):
                await self.runner.execute(f"ALTER TABLE {table} DELETE WHERE version IN ({versions})")

    def current(self, tenant_id: int, segment_id: int, run_id: int) -> str:
        """The query of the run's members as they are now (sku, product_id)."""
        return current_members_sql(self.runner.database, tenant_id, segment_id, run_id)

    def _compared(self, tenant_id: int, segment_id: int, run_id: int, previous: int) -> str:
        """Each SKU of the run or of the previous one as it was seen (live changes included):
        whether it is in each (`now_in`, `before_in`)."""
        before = self.current(tenant_id, segment_id, previous)
        return (
            "SELECT sku, max(now) AS now_in, max(NOT now) AS before_in FROM ("
            f"SELECT sku, 1 AS now FROM {self.table} WHERE {self._run(tenant_id, segment_id, run_id)} "
            f"UNION ALL SELECT sku, 0 AS now FROM ({before})) GROUP BY sku"
        )

    def _run(self, tenant_id: int, segment_id: int, run_id: int) -> str:
        return (
            f"tenant_id = {uint64_literal(tenant_id)} AND segment_id = {uint64_literal(segment_id)} "
            f"AND version = {uint64_literal(run_id)}"
        )


async def _closing(response: httpx.Response, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    try:
        async for chunk in chunks:
            yield chunk
    finally:
        await response.aclose()


async def _with_booleans(lines: AsyncIterator[str], booleans: list[str]) -> AsyncIterator[bytes]:
    """NDJSON lines with these fields' 0/1 as false/true."""
    async for line in lines:
        if not line:
            continue
        row = from_json(line)
        for name in booleans:
            if row[name] is not None:
                row[name] = bool(row[name])
        yield to_json(row) + b"\n"

"""Live membership: products just relayed to the replica, re-evaluated against the active segments
of their tenant, so that members, `computed_count` and the change feed follow the catalog between
full computations.

Under the locks of the tenant's active segments with a current run (the ones computations take:
a live update waits for a computation to finish and then applies to its run), two ClickHouse
queries say, for all those segments at once, which of the written SKUs each definition selects now
(segdsl's compiled definitions, restricted to those SKUs) and which each run holds now. What
differs is recorded in one Postgres transaction: the change feed (once per change), a delivery to
each of the segment's webhooks, and `computed_count` moved by what was recorded. Then it is written
as live membership rows (ClickHouse, newest by the product version). A relay that dies anywhere
here is run again: the feed keeps one row per change (and counts only what it recorded), and a
change already applied is no longer a difference.
"""

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession

from segdsl import Definition, DefinitionError, FieldType, compile_matching, validate_definition
from segment_api.clickhouse.membership_store import LiveChange, WrittenProduct
from segment_api.runs.compute import Computation
from segment_api.runs.locks import segment_locks
from segment_api.segments.models import SegmentRow
from segment_api.segments.repository import SegmentRepository
from segment_api.webhooks.events import queue_live

log = structlog.get_logger()


async def apply_live(on: Computation, tenant_id: int, written: Sequence[WrittenProduct]) -> int:
    """Re-evaluate the written products against each of the tenant's active segments; how many
    webhook deliveries that queued."""
    if not written:
        return 0
    followed = [segment.id for segment in await _followed(on, tenant_id)]
    if not followed:
        return 0
    started = time.monotonic()
    field_types = await on.pim.field_types(tenant_id)
    latest = list({product.sku: product for product in written}.values())  # each SKU's newest write
    async with segment_locks(on.engine, followed):
        segments = [segment for segment in await _followed(on, tenant_id) if segment.id in followed]
        changes = await _differences(on, tenant_id, segments, field_types, latest)
        if not changes:
            return 0
        async with on.sessionmaker() as session, session.begin():
            queued = await _record(session, tenant_id, changes)
        await on.memberships.write_live(tenant_id, changes)
    log.info(
        "segment_live_update",
        segments=len({change.segment_id for change in changes}),
        changes=len(changes),
        seconds=round(time.monotonic() - started, 3),
    )
    return queued


async def _followed(on: Computation, tenant_id: int) -> list[SegmentRow]:
    """The tenant's active segments with a current run."""
    async with on.sessionmaker() as session:
        segments = await SegmentRepository(session).list(tenant_id)
    return [segment for segment in segments if segment.is_active and segment.current_run_id is not None]


async def _differences(
    on: Computation,
    tenant_id: int,
    segments: list[SegmentRow],
    field_types: Mapping[str, FieldType],
    written: list[WrittenProduct],
) -> list[LiveChange]:
    """Each written product whose membership of a segment is not what it should be now."""
    definitions: dict[int, Definition] = {}
    for segment in segments:
        try:
            definitions[segment.id] = validate_definition(segment.definition, field_types)
        except DefinitionError:
            continue  # no longer fits the tenant's fields: its next computation fails and says why
    if not definitions:
        return []
    runs = {
        segment.id: segment.current_run_id
        for segment in segments
        if segment.id in definitions and segment.current_run_id is not None
    }
    skus = [product.sku for product in written]
    matching_sql = compile_matching(
        list(definitions.values()),
        tenant_id=tenant_id,
        database=on.memberships.runner.database,
        today=datetime.now(UTC).date(),
        field_types=field_types,
        skus=skus,
    )
    matched: dict[int, set[str]] = defaultdict(set)
    for row in await on.memberships.runner.json_rows(matching_sql):
        for segment_id, meets in zip(definitions, row["matched"], strict=True):
            if meets:
                matched[segment_id].add(row["sku"])
    held = await on.memberships.holding(tenant_id, runs, skus=skus)
    return [
        LiveChange(segment_id, run_id, product, product.sku in matched[segment_id])
        for segment_id, run_id in runs.items()
        for product in written
        if (product.sku in matched[segment_id]) != (product.sku in held.get(segment_id, ()))
    ]


async def _record(session: AsyncSession, tenant_id: int, changes: list[LiveChange]) -> int:
    """The changes in the feed (one statement for all segments); those not recorded before, to the
    webhooks and into the counts. How many deliveries that queued."""
    recorded = (
        await session.execute(
            _RECORD,
            {
                "tenant_id": tenant_id,
                "segment_ids": [change.segment_id for change in changes],
                "run_ids": [change.run_id for change in changes],
                "skus": [change.product.sku for change in changes],
                "entered": [change.entered for change in changes],
                "versions": [change.product.version for change in changes],
            },
        )
    ).all()
    by_segment: dict[int, list[Any]] = defaultdict(list)
    for change in sorted(recorded, key=lambda change: change.id):
        by_segment[change.segment_id].append(change)
    run_of = {change.segment_id: change.run_id for change in changes}
    queued = 0
    for segment_id, segment_changes in by_segment.items():
        entered = [change.sku for change in segment_changes if change.entered]
        exited = [change.sku for change in segment_changes if not change.entered]
        await session.execute(
            update(SegmentRow)
            .where(SegmentRow.tenant_id == tenant_id, SegmentRow.id == segment_id)
            .values(computed_count=SegmentRow.computed_count + len(entered) - len(exited))
        )
        cursor = segment_changes[-1].id
        queued += await queue_live(
            session, tenant_id, segment_id, run_of[segment_id], cursor, entered, exited
        )
    return queued


_RECORD = text(
    """
    INSERT INTO segments.membership_changes (tenant_id, segment_id, run_id, sku, entered, product_version)
    SELECT :tenant_id, * FROM unnest(
        CAST(:segment_ids AS bigint[]), CAST(:run_ids AS bigint[]), CAST(:skus AS text[]),
        CAST(:entered AS boolean[]), CAST(:versions AS bigint[])
    )
    ON CONFLICT DO NOTHING
    RETURNING id, segment_id, sku, entered
    """
)

"""Live membership: products just relayed to the replica, re-evaluated against each active segment
of their tenant, so that members, `computed_count` and the change feed follow the catalog between
full computations.

For each active segment with a current run, under the segment's lock (the one computations hold:
a live update waits for a computation to finish and then applies to its run), ClickHouse says
which of the written SKUs the definition selects now (segdsl's compiled definition, restricted to
those SKUs) and which the run holds now. What differs is recorded in the change feed (Postgres,
committed first and once per change, with a delivery to each of the segment's webhooks), then
written as live membership rows (ClickHouse, newest by the product version), then counted. A relay
that dies anywhere here is run again: the feed keeps one row per change, and a change already
applied is no longer a difference.
"""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import structlog
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert

from segdsl import DefinitionError, FieldType, compile_matching, validate_definition
from segment_api.clickhouse.membership_store import WrittenProduct
from segment_api.runs.compute import Computation
from segment_api.segments.models import MembershipChangeRow, SegmentRow
from segment_api.segments.repository import SegmentRepository
from segment_api.webhooks.events import queue_live

log = structlog.get_logger()


async def apply_live(on: Computation, tenant_id: int, written: Sequence[WrittenProduct]) -> int:
    """Re-evaluate the written products against each of the tenant's active segments; how many
    webhook deliveries that queued."""
    if not written:
        return 0
    async with on.sessionmaker() as session:
        segments = [
            segment.id
            for segment in await SegmentRepository(session).list(tenant_id)
            if segment.is_active and segment.current_run_id is not None
        ]
    if not segments:
        return 0
    field_types = await on.pim.field_types(tenant_id)
    latest = {product.sku: product for product in written}  # one evaluation per SKU: its newest write
    queued = 0
    for segment_id in segments:
        queued += await _apply(on, tenant_id, segment_id, field_types, list(latest.values()))
    return queued


async def _apply(
    on: Computation,
    tenant_id: int,
    segment_id: int,
    field_types: Mapping[str, FieldType],
    written: list[WrittenProduct],
) -> int:
    async with on.engine.connect() as lock:
        await lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": -segment_id})
        try:
            async with on.sessionmaker() as session:
                segment = await SegmentRepository(session).get(tenant_id, segment_id)
            if segment is None or not segment.is_active or segment.current_run_id is None:
                return 0
            changes = await _differences(on, segment, field_types, written)
            if not changes:
                return 0
            queued = await _record(on, segment, changes)
            await on.memberships.write_live(tenant_id, segment_id, segment.current_run_id, changes)
            count = await on.memberships.count(tenant_id, segment_id, segment.current_run_id)
            async with on.sessionmaker() as session, session.begin():
                await SegmentRepository(session).update(tenant_id, segment_id, {"computed_count": count})
        finally:
            await lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": -segment_id})
    log.info("segment_live_update", segment_id=segment_id, changes=len(changes), members=count)
    return queued


async def _differences(
    on: Computation, segment: SegmentRow, field_types: Mapping[str, FieldType], written: list[WrittenProduct]
) -> list[tuple[WrittenProduct, bool]]:
    """(product, entered) of each written product whose membership is not what it should be now."""
    try:
        definition = validate_definition(segment.definition, field_types)
    except DefinitionError:
        return []  # no longer fits the tenant's fields: its next computation fails and says why
    skus = [product.sku for product in written]
    matching_sql = compile_matching(
        definition,
        tenant_id=segment.tenant_id,
        database=on.memberships.runner.database,
        today=datetime.now(UTC).date(),
        field_types=field_types,
        skus=skus,
    )
    assert segment.current_run_id is not None
    matching = {row["sku"] for row in await on.memberships.runner.json_rows(matching_sql)}
    members = await on.memberships.members_among(segment.tenant_id, segment.id, segment.current_run_id, skus)
    return [
        (product, product.sku in matching)
        for product in written
        if (product.sku in matching) != (product.sku in members)
    ]


async def _record(on: Computation, segment: SegmentRow, changes: list[tuple[WrittenProduct, bool]]) -> int:
    """The changes in the feed, and the ones not recorded before to the webhooks; deliveries queued."""
    assert segment.current_run_id is not None
    rows = [
        {
            "tenant_id": segment.tenant_id,
            "segment_id": segment.id,
            "run_id": segment.current_run_id,
            "sku": product.sku,
            "entered": entered,
            "product_version": product.version,
        }
        for product, entered in changes
    ]
    statement = (
        insert(MembershipChangeRow)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(MembershipChangeRow.id, MembershipChangeRow.sku, MembershipChangeRow.entered)
    )
    async with on.sessionmaker() as session, session.begin():
        recorded = sorted((await session.execute(statement)).all())
        if not recorded:
            return 0
        return await queue_live(
            session,
            segment.tenant_id,
            segment.id,
            segment.current_run_id,
            cursor=recorded[-1].id,
            entered=[change.sku for change in recorded if change.entered],
            exited=[change.sku for change in recorded if not change.entered],
        )

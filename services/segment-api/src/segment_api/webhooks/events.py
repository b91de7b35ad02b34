"""Webhook events: what a finished run or a batch of live changes tells each of the segment's
webhooks, queued as deliveries in the transaction that records it (so none is lost or invented).

Body: `{"segment_id", "event": "run" | "live", "run_id", "cursor", "entered", "exited", "part",
"parts"}`. A live batch's `cursor` is its last change's id in the change feed. A run's SKUs come in
parts of at most MAX_SKUS_PER_DELIVERY, entered ones first, each part a delivery of its own.
"""

import json
from collections.abc import Sequence

from sqlalchemy import exists, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from segment_api.webhooks.models import WebhookRow

MAX_SKUS_PER_DELIVERY = 10_000

_QUEUE = text(
    """
    INSERT INTO segments.webhook_deliveries (tenant_id, webhook_id, event, body)
    SELECT tenant_id, id, :event, :body FROM segments.segment_webhooks
    WHERE tenant_id = :tenant_id AND segment_id = :segment_id
    ORDER BY id
    """
)


async def has_webhooks(session: AsyncSession, tenant_id: int, segment_id: int) -> bool:
    statement = select(exists().where(WebhookRow.tenant_id == tenant_id, WebhookRow.segment_id == segment_id))
    return bool(await session.scalar(statement))


async def queue_run(
    session: AsyncSession,
    tenant_id: int,
    segment_id: int,
    run_id: int,
    entered: Sequence[str],
    exited: Sequence[str],
) -> int:
    """Deliveries queued: the run's parts, to each of the segment's webhooks."""
    step = MAX_SKUS_PER_DELIVERY
    parts: list[tuple[Sequence[str], Sequence[str]]] = [
        *((entered[at : at + step], []) for at in range(0, len(entered), step)),
        *(([], exited[at : at + step]) for at in range(0, len(exited), step)),
    ] or [([], [])]
    bodies = [
        _body(segment_id, "run", run_id, None, list(part_entered), list(part_exited), number, len(parts))
        for number, (part_entered, part_exited) in enumerate(parts, start=1)
    ]
    return await _queue(session, tenant_id, segment_id, "run", bodies)


async def queue_live(
    session: AsyncSession,
    tenant_id: int,
    segment_id: int,
    run_id: int,
    cursor: int,
    entered: list[str],
    exited: list[str],
) -> int:
    """Deliveries queued: the batch, to each of the segment's webhooks."""
    return await _queue(
        session, tenant_id, segment_id, "live", [_body(segment_id, "live", run_id, cursor, entered, exited)]
    )


async def _queue(
    session: AsyncSession, tenant_id: int, segment_id: int, event: str, bodies: list[str]
) -> int:
    queued = 0
    for body in bodies:  # one at a time: delivery ids in the order of the parts
        params = {"tenant_id": tenant_id, "segment_id": segment_id, "event": event, "body": body}
        queued += (await session.execute(_QUEUE, params)).rowcount  # type: ignore[attr-defined]
    return queued


def _body(
    segment_id: int,
    event: str,
    run_id: int,
    cursor: int | None,
    entered: list[str],
    exited: list[str],
    part: int = 1,
    parts: int = 1,
) -> str:
    document = {
        "segment_id": segment_id,
        "event": event,
        "run_id": run_id,
        "cursor": cursor,
        "entered": entered,
        "exited": exited,
        "part": part,
        "parts": parts,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))

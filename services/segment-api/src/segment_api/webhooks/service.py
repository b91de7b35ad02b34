"""Webhooks of a tenant's segment: registered after their URL's check, listed, deleted, and their
deliveries shown. Every statement is scoped by the caller's tenant."""

import secrets
from collections import defaultdict

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from segment_api.segments.repository import SegmentRepository
from segment_api.webhooks.models import AttemptRow, DeliveryRow, WebhookRow
from segment_api.webhooks.schemas import (
    MAX_WEBHOOKS_PER_SEGMENT,
    Attempt,
    Delivery,
    DeliveryList,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
)
from segment_api.webhooks.targets import TargetRefused, WebhookSettings, resolve
from segops_platform.auth.tenant_directory import Tenant
from segops_platform.errors import BadRequest, Conflict, NotFound

DELIVERIES_SHOWN = 50
ATTEMPTS_SHOWN = 10


class WebhookService:
    def __init__(self, session: AsyncSession, settings: WebhookSettings) -> None:
        self.session = session
        self.settings = settings

    async def register(self, tenant: Tenant, segment_id: int, body: WebhookCreate) -> WebhookCreated:
        """The new webhook with its secret (shown this once)."""
        try:
            await resolve(body.url, self.settings)
        except TargetRefused as refused:
            raise BadRequest.at([{"path": "url", "message": f"the URL {refused}"}]) from None
        await self._segment(tenant, segment_id, lock=True)  # registrations take turns: the limit holds
        if len(await self._webhooks(tenant, segment_id)) >= MAX_WEBHOOKS_PER_SEGMENT:
            raise Conflict(f"segment {segment_id} has {MAX_WEBHOOKS_PER_SEGMENT} webhooks already")
        secret = f"whsec_{secrets.token_urlsafe(32)}"
        values = {"tenant_id": tenant.id, "segment_id": segment_id, "url": body.url, "secret": secret}
        row = await self.session.scalar(insert(WebhookRow).values(values).returning(WebhookRow))
        assert row is not None
        return WebhookCreated(**WebhookOut.model_validate(row).model_dump(), secret=secret)

    async def listed(self, tenant: Tenant, segment_id: int) -> list[WebhookOut]:
        await self._segment(tenant, segment_id)
        return [WebhookOut.model_validate(row) for row in await self._webhooks(tenant, segment_id)]

    async def delete(self, tenant: Tenant, segment_id: int, webhook_id: int) -> None:
        """Its pending deliveries go with it."""
        statement = (
            delete(WebhookRow)
            .where(WebhookRow.tenant_id == tenant.id, WebhookRow.segment_id == segment_id)
            .where(WebhookRow.id == webhook_id)
            .returning(WebhookRow.id)
        )
        if await self.session.scalar(statement) is None:
            raise NotFound(f"webhook {webhook_id} of segment {segment_id} not found")

    async def deliveries(self, tenant: Tenant, segment_id: int, webhook_id: int) -> DeliveryList:
        webhook = await self.session.scalar(
            select(WebhookRow.id).where(
                WebhookRow.tenant_id == tenant.id,
                WebhookRow.segment_id == segment_id,
                WebhookRow.id == webhook_id,
            )
        )
        if webhook is None:
            raise NotFound(f"webhook {webhook_id} of segment {segment_id} not found")
        rows = list(
            await self.session.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.tenant_id == tenant.id, DeliveryRow.webhook_id == webhook_id)
                .order_by(DeliveryRow.id.desc())
                .limit(DELIVERIES_SHOWN)
            )
        )
        attempts = await self._recent_attempts([row.id for row in rows])
        return DeliveryList(
            results=[
                Delivery(
                    id=row.id,
                    event=row.event,
                    status=row.status,
                    attempts=row.attempts,
                    next_attempt_at=row.next_attempt_at if row.status == "pending" else None,
                    created_at=row.created_at,
                    finished_at=row.finished_at,
                    body=row.body,
                    recent_attempts=attempts[row.id],
                )
                for row in rows
            ]
        )

    async def _recent_attempts(self, delivery_ids: list[int]) -> dict[int, list[Attempt]]:
        newest = func.row_number().over(
            partition_by=AttemptRow.delivery_id, order_by=AttemptRow.attempt.desc()
        )
        ranked = (
            select(AttemptRow, newest.label("newest"))
            .where(AttemptRow.delivery_id.in_(delivery_ids))
            .subquery()
        )
        statement = (
            select(AttemptRow)
            .join(
                ranked,
                (AttemptRow.delivery_id == ranked.c.delivery_id) & (AttemptRow.attempt == ranked.c.attempt),
            )
            .where(ranked.c.newest <= ATTEMPTS_SHOWN)
            .order_by(AttemptRow.delivery_id, AttemptRow.attempt.desc())
        )
        found: dict[int, list[Attempt]] = defaultdict(list)
        for row in await self.session.scalars(statement):
            found[row.delivery_id].append(Attempt.model_validate(row))
        return found

    async def _webhooks(self, tenant: Tenant, segment_id: int) -> list[WebhookRow]:
        statement = (
            select(WebhookRow)
            .where(WebhookRow.tenant_id == tenant.id, WebhookRow.segment_id == segment_id)
            .order_by(WebhookRow.id)
        )
        return list(await self.session.scalars(statement))

    async def _segment(self, tenant: Tenant, segment_id: int, *, lock: bool = False) -> None:
        if await SegmentRepository(self.session).get(tenant.id, segment_id, for_update=lock) is None:
            raise NotFound(f"segment {segment_id} not found")

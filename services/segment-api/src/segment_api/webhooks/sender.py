"""Sending webhook deliveries: at least once, in order per webhook, retried with backoff.

Each webhook's next delivery is its oldest pending one; a later one waits until it is delivered
or given up (after `webhook_retry_hours`). An attempt holds its delivery's row lock, so two
workers never send one delivery, nor a webhook's next before its previous is settled. A worker
that dies after the receiver answered but before the commit sends it again: receivers dedupe by
`X-SegOps-Delivery`.
"""

import asyncio
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime

import httpx
import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from segment_api.webhooks.targets import Target, TargetRefused, WebhookSettings, resolve

log = structlog.get_logger()
CONCURRENT_SENDS = 8
KEPT_DAYS = 7  # settled deliveries (and their attempts) stay listed this long
TIME_BUDGET_SECONDS = 30.0
USER_AGENT = "SegOps-Webhooks/1"


class SenderSettings(WebhookSettings):
    webhook_timeout_seconds: float = 10.0
    webhook_retry_base_seconds: float = 10.0  # then doubling per failed attempt, up to the max
    webhook_retry_max_seconds: float = 900.0
    webhook_retry_hours: float = 24.0  # at least 1: the contract promises an hour of retries


def signature(secret: str, body: bytes) -> str:
    """The `X-SegOps-Signature` header: HMAC-SHA256 of the exact body bytes, hex, as `sha256=…`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def create_webhook_client(settings: SenderSettings) -> httpx.AsyncClient:
    """No proxies from the environment, no redirects, no kept connections: each attempt connects to
    the address just checked, never to a pooled connection opened for another host."""
    return httpx.AsyncClient(
        timeout=settings.webhook_timeout_seconds,
        follow_redirects=False,
        trust_env=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Sweep:
    attempted: int
    next_due: datetime | None  # when a pending delivery is next due (None: nothing pending)


async def send_due(
    sessionmaker: async_sessionmaker[AsyncSession], http: httpx.AsyncClient, settings: SenderSettings
) -> Sweep:
    """Attempt every due delivery (each webhook's oldest pending one), until none is due or the time
    budget is spent."""
    started = time.monotonic()
    limit = asyncio.Semaphore(CONCURRENT_SENDS)
    attempted = 0

    async def bounded(delivery_id: int) -> bool:
        async with limit:
            return await _send_one(sessionmaker, http, settings, delivery_id)

    while True:
        async with sessionmaker() as session:
            heads = (await session.execute(_HEADS)).all()
        due = [row.id for row in heads if row.due]
        waiting = min((row.next_attempt_at for row in heads if not row.due), default=None)
        if due and time.monotonic() - started > TIME_BUDGET_SECONDS:
            return Sweep(attempted, min(row.next_attempt_at for row in heads))  # the due ones: at once
        if not due:
            return Sweep(attempted, waiting)
        sent = sum(await asyncio.gather(*(bounded(delivery_id) for delivery_id in due)))
        if not sent:  # another worker is attempting them, and follows them up
            return Sweep(attempted, waiting)
        attempted += sent


async def purge_settled(session: AsyncSession) -> int:
    """Delete deliveries settled more than KEPT_DAYS ago; how many."""
    deleted = await session.execute(_PURGE, {"days": KEPT_DAYS})
    return int(deleted.rowcount)  # type: ignore[attr-defined]


async def _send_one(
    sessionmaker: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    settings: SenderSettings,
    delivery_id: int,
) -> bool:
    """Attempt the delivery if it is still pending, due and not being attempted; whether it was."""
    async with sessionmaker() as session, session.begin():
        row = (await session.execute(_CLAIM, {"id": delivery_id})).first()
        if row is None:
            return False
        outcome = await post(http, settings, row.url, row.secret, delivery_id, row.event, row.body)
        attempt = row.attempts + 1
        await session.execute(
            _RECORD,
            {
                "id": delivery_id,
                "attempt": attempt,
                "status_code": outcome.status_code,
                "error": outcome.error[:2_000],
                "duration_ms": outcome.duration_ms,
                "delivered": outcome.delivered,
                "delay": min(
                    settings.webhook_retry_base_seconds * 2 ** (attempt - 1),
                    settings.webhook_retry_max_seconds,
                ),
                "give_up": settings.webhook_retry_hours * 3_600,
            },
        )
    log.info(
        "webhook_attempted",
        delivery_id=delivery_id,
        attempt=attempt,
        status_code=outcome.status_code,
        error=outcome.error or None,
    )
    return True


async def post(
    http: httpx.AsyncClient,
    settings: WebhookSettings,
    url: str,
    secret: str,
    delivery_id: int,
    event: str,
    body: str,
) -> Outcome:
    """POST the signed body to the URL, connecting to the address checked just now."""
    started = time.monotonic()
    try:
        target = await resolve(url, settings)
    except TargetRefused as refused:
        return Outcome(None, f"refused: the URL {refused}", 0)
    content = body.encode()
    headers = {
        "Host": target.url.netloc,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-SegOps-Delivery": str(delivery_id),
        "X-SegOps-Event": event,
        "X-SegOps-Signature": signature(secret, content),
    }
    request = http.build_request(
        "POST", _pinned(target), content=content, headers=headers, extensions={"sni_hostname": target.host}
    )
    try:
        response = await http.send(request, stream=True)  # the status is all we read
        await response.aclose()
    except httpx.HTTPError as error:
        return Outcome(None, f"{type(error).__name__}: {error}", _since(started))
    return Outcome(response.status_code, "", _since(started))


def _pinned(target: Target) -> str:
    """The URL with its host replaced by the checked address (Host header and TLS name stay the host's)."""
    host = f"[{target.address}]" if target.address.version == 6 else str(target.address)
    port = f":{target.url.port}" if target.url.port else ""
    return target.url._replace(netloc=f"{host}{port}").geturl()


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


_PURGE = text(
    "DELETE FROM segments.webhook_deliveries "
    "WHERE status <> 'pending' AND finished_at < now() - make_interval(days => :days)"
)
_HEADS = text(
    """
    SELECT id, next_attempt_at, next_attempt_at <= now() AS due FROM (
        SELECT DISTINCT ON (webhook_id) id, next_attempt_at
        FROM segments.webhook_deliveries WHERE status = 'pending'
        ORDER BY webhook_id, id
    ) heads
    """
)
_CLAIM = text(
    """
    SELECT d.attempts, d.event, d.body, w.url, w.secret
    FROM segments.webhook_deliveries d
    JOIN segments.segment_webhooks w ON w.tenant_id = d.tenant_id AND w.id = d.webhook_id
    WHERE d.id = :id AND d.status = 'pending' AND d.next_attempt_at <= now()
    FOR UPDATE OF d SKIP LOCKED
    """
)
_RECORD = text(
    """
    WITH attempt AS (
        INSERT INTO segments.webhook_attempts (delivery_id, attempt, status_code, error, duration_ms)
        VALUES (:id, :attempt, :status_code, :error, :duration_ms)
    )
    UPDATE segments.webhook_deliveries SET
        attempts = :attempt,
        status = CASE WHEN :delivered THEN 'delivered'
                      WHEN created_at + make_interval(secs => :give_up) <= now() THEN 'failed'
                      ELSE 'pending' END,
        finished_at = CASE WHEN :delivered OR created_at + make_interval(secs => :give_up) <= now()
                           THEN now() END,
        next_attempt_at = now() + make_interval(secs => :delay)
    WHERE id = :id
    """
)

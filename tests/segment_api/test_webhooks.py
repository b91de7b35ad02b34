"""Webhooks on the real servers: registered with a secret shown once, each run and each live batch
POSTed signed (verifiable with that secret), in order, retried after failures, every attempt shown;
SSRF targets refused at registration and again at delivery."""

import asyncio
import hashlib
import hmac
from collections.abc import AsyncIterator
from ipaddress import ip_address
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from import_worker.context import Context, resources
from import_worker.webhooks import DELIVER_JOB, deliver_webhooks, purge_deliveries
from pim_api.tenancy.service import IssuedKey
from segment_api.webhooks import events
from segment_api.webhooks.sender import SenderSettings, Sweep, send_due
from segment_api.webhooks.targets import WebhookSettings, check_address, classify
from tests.segment_api.receiver import Received, receiving
from tests.segment_api.test_computation import SEGMENTS, new_segment, run_now, write
from tests.support import FIELDS, SchemaTenantFactory, TenantFactory, auth

# Retries a tenth of a second apart, loopback allowed (the receiver listens on 127.0.0.1).
FAST = SenderSettings(webhook_allow_loopback=True, webhook_retry_base_seconds=0.05)


@pytest.fixture(autouse=True)
async def only_this_tests_webhooks(segment_app: FastAPI) -> AsyncIterator[None]:
    """The sender attempts every tenant's deliveries: none is left from another test, to be
    attempted (and counted) in this one."""

    async def forget() -> None:
        async with segment_app.state.sessionmaker.begin() as session:
            await session.execute(text("DELETE FROM segments.segment_webhooks"))

    await forget()
    yield
    await forget()


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(FIELDS)


async def register(
    segment_api: httpx.AsyncClient, tenant: IssuedKey, segment_id: int, url: str
) -> dict[str, Any]:
    response = await segment_api.post(
        f"{SEGMENTS}{segment_id}/webhooks/", json={"url": url}, headers=auth(tenant.key)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def segment_of_one(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> int:
    """A segment (not active) whose definition holds the tenant's one product."""
    await write(pim, tenant, worker_context, [{"sku": "A", "name": "a", "brand": "Nike"}])
    return await new_segment(segment_api, tenant)


async def send(worker_context: Context, settings: SenderSettings = FAST) -> Sweep:
    clients = resources(worker_context)
    return await send_due(clients.sessionmaker, clients.webhook_http, settings)


async def send_until_settled(worker_context: Context, settings: SenderSettings = FAST) -> None:
    """Attempt, wait for the retries, until nothing is pending."""
    for _ in range(50):
        if (await send(worker_context, settings)).next_due is None:
            return
        await asyncio.sleep(settings.webhook_retry_base_seconds)
    raise AssertionError("deliveries still pending")


def verified(secret: str, received: Received) -> dict[str, Any]:
    """The body, once its signature checks out with the secret."""
    expected = "sha256=" + hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(received.headers["x-segops-signature"], expected)
    document: dict[str, Any] = received.document
    return document


async def test_a_webhook_gets_each_run_and_each_live_batch_signed_and_in_order(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    await write(
        pim, tenant, worker_context, [{"sku": f"N{i}", "name": "n", "brand": "Nike"} for i in range(3)]
    )
    segment_id = await new_segment(segment_api, tenant, is_active=True)
    async with receiving() as receiver:
        webhook = await register(segment_api, tenant, segment_id, receiver.url)
        assert webhook["secret"].startswith("whsec_") and webhook["url"] == receiver.url
        run_id = await run_now(worker_context, tenant, segment_id)
        moves = [{"sku": "N0", "name": "n", "brand": "Puma"}, {"sku": "N9", "name": "n", "brand": "Nike"}]
        await write(pim, tenant, worker_context, moves)
        await send_until_settled(worker_context)

    run, live = (verified(webhook["secret"], post) for post in receiver.received)
    assert run == {
        "segment_id": segment_id,
        "event": "run",
        "run_id": run_id,
        "cursor": None,
        "entered": ["N0", "N1", "N2"],
        "exited": [],
        "part": 1,
        "parts": 1,
    }
    feed = (await segment_api.get(f"{SEGMENTS}{segment_id}/changes/", headers=auth(tenant.key))).json()
    assert live == {
        **run,
        "event": "live",
        "cursor": feed["next_cursor"],
        "entered": ["N9"],
        "exited": ["N0"],
    }
    assert [post.headers["x-segops-event"] for post in receiver.received] == ["run", "live"]
    ids = [int(post.headers["x-segops-delivery"]) for post in receiver.received]
    assert ids == sorted(ids)

    listed = (await segment_api.get(f"{SEGMENTS}{segment_id}/webhooks/", headers=auth(tenant.key))).json()
    assert listed == [{key: webhook[key] for key in ("id", "segment_id", "url", "created_at")}]  # no secret


async def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_attempt_and_the_next_after(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    await write(pim, tenant, worker_context, [{"sku": "A", "name": "a", "brand": "Nike"}])
    segment_id = await new_segment(segment_api, tenant, is_active=True)
    async with receiving() as receiver:
        receiver.answers = [500, 503]
        webhook = await register(segment_api, tenant, segment_id, receiver.url)
        await run_now(worker_context, tenant, segment_id)
        await write(pim, tenant, worker_context, [{"sku": "B", "name": "b", "brand": "Nike"}])
        first = await send(worker_context)
        assert first.attempted == 1 and first.next_due is not None  # the live batch waits behind the run
        await send_until_settled(worker_context)

    assert receiver.statuses == [500, 503, 200, 200]
    events_received = [post.headers["x-segops-event"] for post in receiver.received]
    assert events_received == ["run", "run", "run", "live"]
    assert len({post.body for post in receiver.received[:3]}) == 1  # the same delivery, unchanged
    url = f"{SEGMENTS}{segment_id}/webhooks/{webhook['id']}/deliveries/"
    deliveries = (await segment_api.get(url, headers=auth(tenant.key))).json()["results"]
    assert [(d["event"], d["status"], d["attempts"]) for d in deliveries] == [
        ("live", "delivered", 1),
        ("run", "delivered", 3),
    ]
    attempts = deliveries[1]["recent_attempts"]
    assert [(a["attempt"], a["status_code"]) for a in attempts] == [(3, 200), (2, 503), (1, 500)]
    assert deliveries[1]["next_attempt_at"] is None and deliveries[1]["finished_at"] is not None


async def test_a_run_of_many_skus_comes_in_parts_entered_first(
    segment_api: httpx.AsyncClient,
    pim: httpx.AsyncClient,
    tenant: IssuedKey,
    worker_context: Context,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(events, "MAX_SKUS_PER_DELIVERY", 2)
    products = [{"sku": f"P{i}", "name": "p", "brand": "Nike"} for i in range(3)]
    await write(pim, tenant, worker_context, products)
    segment_id = await new_segment(segment_api, tenant)  # not active: runs only, no live batches
    await run_now(worker_context, tenant, segment_id)
    moved = [{"sku": "P0", "name": "p", "brand": "Puma"}, {"sku": "P1", "name": "p", "brand": "Puma"}]
    await write(pim, tenant, worker_context, [*moved, {"sku": "P3", "name": "p", "brand": "Nike"}])
    async with receiving() as receiver:
        await register(segment_api, tenant, segment_id, receiver.url)
        second_run = await run_now(worker_context, tenant, segment_id)
        await send_until_settled(worker_context)
    parts = [post.document for post in receiver.received]
    assert [(p["run_id"], p["part"], p["parts"], p["entered"], p["exited"]) for p in parts] == [
        (second_run, 1, 2, ["P3"], []),
        (second_run, 2, 2, [], ["P0", "P1"]),
    ]


async def test_the_address_is_checked_again_at_delivery(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    """Registered while loopback was allowed; sent by a worker that refuses it: no request leaves."""
    segment_id = await segment_of_one(segment_api, pim, tenant, worker_context)
    async with receiving() as receiver:
        webhook = await register(
            segment_api, tenant, segment_id, receiver.url.replace("127.0.0.1", "localhost")
        )
        await run_now(worker_context, tenant, segment_id)
        refusing = SenderSettings(webhook_allow_loopback=False, webhook_retry_base_seconds=0.05)
        assert (await send(worker_context, refusing)).attempted == 1
    assert receiver.received == []
    url = f"{SEGMENTS}{segment_id}/webhooks/{webhook['id']}/deliveries/"
    (delivery,) = (await segment_api.get(url, headers=auth(tenant.key))).json()["results"]
    (attempt,) = delivery["recent_attempts"]
    assert delivery["status"] == "pending" and attempt["status_code"] is None
    assert "loopback address" in attempt["error"], attempt


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://169.254.169.254/latest/meta-data/", "link-local or cloud-metadata"),
        ("https://[fd00:ec2::254]/", "link-local or cloud-metadata"),
        ("https://[::ffff:169.254.169.254]/", "link-local or cloud-metadata"),
        ("https://[64:ff9b::a9fe:a9fe]/", "link-local or cloud-metadata"),
        ("https://0.0.0.0/", "link-local or cloud-metadata"),
        ("https://10.1.2.3/hook", "private address"),
        ("https://192.168.0.10/", "private address"),
        ("https://100.64.0.1/", "private address"),
        ("http://8.8.8.8/hook", "must be an https URL"),
        ("ftp://8.8.8.8/hook", "must be an https URL"),
        ("https://user:secret@8.8.8.8/", "must not hold credentials"),
        ("https://no-such-host.invalid/", "does not resolve"),
        ("https:///path-only", "has no host"),
    ],
)
async def test_registration_refuses_targets_it_may_not_post_to(
    segment_api: httpx.AsyncClient, tenant: IssuedKey, url: str, reason: str
) -> None:
    segment_id = await new_segment(segment_api, tenant)
    response = await segment_api.post(
        f"{SEGMENTS}{segment_id}/webhooks/", json={"url": url}, headers=auth(tenant.key)
    )
    assert response.status_code == 400, response.text
    (problem,) = response.json()["errors"]
    assert problem["path"] == "url" and reason in problem["message"], problem
    listed = await segment_api.get(f"{SEGMENTS}{segment_id}/webhooks/", headers=auth(tenant.key))
    assert listed.json() == []


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("169.254.169.254", "refused"),
        ("fe80::1", "refused"),
        ("fd00:ec2::254", "refused"),
        ("::ffff:a9fe:a9fe", "refused"),
        ("100.100.100.200", "refused"),
        ("224.0.0.1", "refused"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("fc00::1", "private"),
        ("100.64.1.1", "private"),
        ("8.8.8.8", "public"),
        ("2001:4860:4860::8888", "public"),
    ],
)
def test_addresses_are_classified_with_mapped_ones_unwrapped(address: str, kind: str) -> None:
    assert classify(ip_address(address)) == kind


def test_loopback_and_private_receivers_only_where_the_operator_allows() -> None:
    for address in ("127.0.0.1", "10.0.0.1"):
        with pytest.raises(ValueError, match="address"):
            check_address(ip_address(address), "https", WebhookSettings(webhook_allow_loopback=False))
    check_address(ip_address("10.0.0.1"), "https", WebhookSettings(webhook_allow_private=True))
    everything = WebhookSettings(webhook_allow_loopback=True, webhook_allow_private=True)
    with pytest.raises(ValueError, match="link-local"):
        check_address(ip_address("169.254.169.254"), "https", everything)


async def test_webhooks_are_the_tenants_own(
    segment_api: httpx.AsyncClient, tenant: IssuedKey, make_tenant: TenantFactory
) -> None:
    segment_id = await new_segment(segment_api, tenant)
    webhook = await register(segment_api, tenant, segment_id, "http://127.0.0.1:9/hook")
    other = auth((await make_tenant()).key)
    base = f"{SEGMENTS}{segment_id}/webhooks/"
    assert (await segment_api.get(base, headers=other)).status_code == 404
    assert (
        await segment_api.post(base, json={"url": "http://127.0.0.1:9/"}, headers=other)
    ).status_code == 404
    assert (await segment_api.delete(f"{base}{webhook['id']}/", headers=other)).status_code == 404
    assert (await segment_api.get(f"{base}{webhook['id']}/deliveries/", headers=other)).status_code == 404
    assert (await segment_api.delete(f"{base}{webhook['id']}/", headers=auth(tenant.key))).status_code == 204
    assert (await segment_api.get(base, headers=auth(tenant.key))).json() == []


async def test_a_segment_takes_at_most_ten_webhooks(
    segment_api: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    segment_id = await new_segment(segment_api, tenant)
    for index in range(10):
        await register(segment_api, tenant, segment_id, f"http://127.0.0.1:9/{index}")
    response = await segment_api.post(
        f"{SEGMENTS}{segment_id}/webhooks/", json={"url": "http://127.0.0.1:9/x"}, headers=auth(tenant.key)
    )
    assert response.status_code == 409 and "10 webhooks" in response.json()["detail"]


async def test_the_worker_job_sends_and_queues_itself_for_the_retry(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    """Through the job: a failed attempt leaves a job queued for when its retry is due."""
    segment_id = await segment_of_one(segment_api, pim, tenant, worker_context)
    async with receiving() as receiver:
        receiver.answers = [500]
        await register(segment_api, tenant, segment_id, receiver.url)
        await run_now(worker_context, tenant, segment_id)
        redis = worker_context["redis"]
        before = set(await redis.zrange("arq:queue", 0, -1))
        assert await deliver_webhooks(worker_context) == 1
    assert receiver.statuses == [500]
    queued = {job.decode() for job in set(await redis.zrange("arq:queue", 0, -1)) - before}
    assert any(job.startswith(f"{DELIVER_JOB}:") for job in queued), queued


async def test_deliveries_settled_a_week_ago_are_forgotten(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    segment_id = await segment_of_one(segment_api, pim, tenant, worker_context)
    async with receiving() as receiver:
        webhook = await register(segment_api, tenant, segment_id, receiver.url)
        await run_now(worker_context, tenant, segment_id)
        await send_until_settled(worker_context)
        await run_now(worker_context, tenant, segment_id)
        await send_until_settled(worker_context)
    async with resources(worker_context).sessionmaker.begin() as session:
        oldest = await session.scalar(
            text(
                "UPDATE segments.webhook_deliveries SET finished_at = now() - interval '8 days' "
                "WHERE id = (SELECT min(id) FROM segments.webhook_deliveries WHERE webhook_id = :id) "
                "RETURNING id"
            ),
            {"id": webhook["id"]},
        )
    assert await purge_deliveries(worker_context) >= 1
    url = f"{SEGMENTS}{segment_id}/webhooks/{webhook['id']}/deliveries/"
    kept = [
        delivery["id"]
        for delivery in (await segment_api.get(url, headers=auth(tenant.key))).json()["results"]
    ]
    assert len(kept) == 1 and oldest not in kept

"""Segments end to end, as clients meet them: through the gateway, on the real stack (its worker a
process of its own), from products to members and changes; the sync, the change feed and webhooks
surviving a killed worker."""

import asyncio
import hashlib
import hmac
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from pim_api.tenancy.service import IssuedKey
from tests.contract.conftest import RunningStack
from tests.segment_api.feed import Feed
from tests.segment_api.receiver import Received, receiving
from tests.support import TenantFactory, admin, auth

SEGMENTS = "/api/product-segments/"
PREVIEW = "/api/product-segments/preview/"


def brand_is(brand: str, value_type: str = "string", operator: str = "eq") -> dict[str, Any]:
    condition = {
        "type": "product_attribute",
        "property": "brand",
        "operator": operator,
        "value": brand,
        "value_type": value_type,
    }
    return {"logic": "AND", "conditions": [condition]}


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float, what: str) -> float:
    """How long `check` took to hold (polled every 0.1 s), or a failure after `seconds`."""
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"{what}: not within {seconds:g} s")
        await asyncio.sleep(0.1)
    return time.monotonic() - started


@pytest.fixture
async def gateway(running_stack: RunningStack) -> Any:
    async with httpx.AsyncClient(base_url=running_stack.gateway, timeout=30) as client:
        yield client


async def test_from_products_to_members_and_changes(
    gateway: httpx.AsyncClient, stack_tenant: IssuedKey, make_tenant: TenantFactory
) -> None:
    headers = auth(stack_tenant.key)
    assert (
        await gateway.put(
            "/api/pim/schema/", json={"fields": [{"name": "brand", "type": "string"}]}, headers=headers
        )
    ).status_code == 200
    products = [{"sku": f"N{index:03d}", "name": f"Nike {index}", "brand": "Nike"} for index in range(120)]
    products += [{"sku": "P000", "name": "Puma", "brand": "Puma"}]
    assert (
        await gateway.post("/api/pim/products/bulk/", json={"products": products}, headers=headers)
    ).status_code == 200

    async def counted(expected: int) -> bool:
        preview = await gateway.post(PREVIEW, json=brand_is("Nike"), headers=headers)
        return bool(preview.status_code == 200 and preview.json()["matched_count"] == expected)

    await eventually(lambda: counted(120), 5, "the bulk upsert reaches previews")
    created = await gateway.post(
        SEGMENTS, json={"name": "Nike", "definition": brand_is("Nike")}, headers=headers
    )
    segment = created.json()
    url = f"{SEGMENTS}{segment['id']}/"
    assert (await gateway.post(f"{url}compute/", headers=headers)).json() == {
        "status": "queued",
        "segment_id": segment["id"],
    }

    async def computed() -> bool:
        return bool((await gateway.get(url, headers=headers)).json()["last_computed_at"])

    await eventually(computed, 10, "the computation lands")
    members: list[str] = []
    cursor: int | None = 0
    while cursor is not None:
        page = (await gateway.get(f"{url}members/", params={"cursor": cursor}, headers=headers)).json()
        members += [member["sku"] for member in page["results"]]
        cursor = page["next_cursor"]
    assert members == [f"N{index:03d}" for index in range(120)]

    stored = (await gateway.get("/api/pim/products/", params={"q": "Nike 7"}, headers=headers)).json()[
        "results"
    ][0]
    assert (
        await gateway.patch(
            f"/api/pim/products/{stored['id']}/", json={"data": {"brand": "Puma"}}, headers=headers
        )
    ).status_code == 200
    assert await eventually(lambda: counted(119), 2, "a patched product leaves the preview") <= 2
    await gateway.post(f"{url}compute/", headers=headers)

    async def exited() -> bool:
        changes = (await gateway.get(f"{url}changes/", headers=headers)).json()["results"]
        return len(changes) == 2 and changes[0]["exited"] == [stored["sku"]] and changes[0]["entered"] == []

    await eventually(exited, 10, "the recomputation lists the product as exited")

    other = auth((await make_tenant()).key)
    assert (await gateway.get(url, headers=other)).status_code == 404
    assert (await gateway.get(f"{url}members/", headers=other)).status_code == 404
    assert (
        await gateway.post(
            PREVIEW,
            json={
                "logic": "AND",
                "conditions": [
                    {
                        "type": "product_attribute",
                        "property": "sku",
                        "operator": "is_set",
                        "value_type": "string",
                    }
                ],
            },
            headers=other,
        )
    ).json()["matched_count"] == 0


async def test_a_field_type_change_then_a_preview_counts_by_the_new_type(
    gateway: httpx.AsyncClient, stack_tenant: IssuedKey
) -> None:
    headers = auth(stack_tenant.key)
    await gateway.put(
        "/api/pim/schema/", json={"fields": [{"name": "brand", "type": "string"}]}, headers=headers
    )
    products = [{"sku": "A", "name": "a", "brand": "Nike|Puma"}, {"sku": "B", "name": "b", "brand": "Nike"}]
    await gateway.post("/api/pim/products/bulk/", json={"products": products}, headers=headers)
    await gateway.put(
        "/api/pim/schema/", json={"fields": [{"name": "brand", "type": "array"}]}, headers=headers
    )

    async def both_hold_nike() -> bool:
        preview = await gateway.post(PREVIEW, json=brand_is("Nike", "array", "contains"), headers=headers)
        return bool(preview.status_code == 200 and preview.json()["matched_count"] == 2)

    await eventually(both_hold_nike, 15, "the resync retypes the replica (and segment-api sees the new type)")


async def replica_count(tenant_id: int) -> int:
    """The tenant's products in the replica, straight from ClickHouse."""
    sql = (
        f"SELECT count() FROM {os.environ['CLICKHOUSE_DATABASE']}.products FINAL "
        f"WHERE tenant_id = {tenant_id} AND is_deleted = 0"
    )
    async with httpx.AsyncClient(base_url=os.environ["CLICKHOUSE_URL"]) as clickhouse:
        response = await clickhouse.post("/", content=sql)
        response.raise_for_status()
        return int(response.text)


async def test_a_worker_killed_mid_relay_loses_and_duplicates_nothing(
    gateway: httpx.AsyncClient, running_stack: RunningStack, stack_tenant: IssuedKey
) -> None:
    headers = auth(stack_tenant.key)
    running_stack.worker.kill()  # the writes pile up in the outbox
    for batch in range(6):
        products = [{"sku": f"K{batch}-{index:05d}", "name": "k"} for index in range(10_000)]
        assert (
            await gateway.post("/api/pim/products/bulk/", json={"products": products}, headers=headers)
        ).status_code == 200
    running_stack.worker.start()

    async def part_relayed() -> bool:
        return 0 < await replica_count(stack_tenant.tenant_id) < 60_000

    await eventually(part_relayed, 30, "the restarted worker starts relaying")
    running_stack.worker.kill()  # mid-relay: some batches in ClickHouse, the rest not
    assert await replica_count(stack_tenant.tenant_id) < 60_000
    running_stack.worker.start()

    def in_sync() -> bool:
        return admin("verify-sync", "--tenant", str(stack_tenant.tenant_id)).returncode == 0

    async def synced() -> bool:
        return await asyncio.to_thread(in_sync)

    await eventually(synced, 60, "the restarted worker relays the rest")
    report = admin("verify-sync", "--tenant", str(stack_tenant.tenant_id)).stdout
    assert "postgres 60000 products, replica 60000" in report


async def test_the_change_feed_and_webhooks_lose_and_repeat_nothing_across_a_killed_worker(
    gateway: httpx.AsyncClient, running_stack: RunningStack, stack_tenant: IssuedKey
) -> None:
    headers = auth(stack_tenant.key)
    schema = {"fields": [{"name": "brand", "type": "string"}]}
    assert (await gateway.put("/api/pim/schema/", json=schema, headers=headers)).status_code == 200
    skus = [f"F{index:05d}" for index in range(20_000)]

    async def upsert(brand_of: dict[str, str]) -> None:
        products = [{"sku": sku, "name": "f", "brand": brand} for sku, brand in brand_of.items()]
        for start in range(0, len(products), 10_000):
            body = {"products": products[start : start + 10_000]}
            assert (
                await gateway.post("/api/pim/products/bulk/", json=body, headers=headers)
            ).status_code == 200

    await upsert(dict.fromkeys(skus, "Nike"))
    body = {"name": "Nike", "definition": brand_is("Nike"), "is_active": True}
    segment = (await gateway.post(SEGMENTS, json=body, headers=headers)).json()
    url = f"{SEGMENTS}{segment['id']}/"

    async def all_counted() -> bool:
        return bool((await gateway.get(url, headers=headers)).json()["computed_count"] == len(skus))

    await eventually(lambda: _counted(gateway, headers, len(skus)), 60, "the catalog reaches the replica")
    await gateway.post(f"{url}compute/", headers=headers)
    await eventually(all_counted, 30, "the computation lands")
    async with receiving() as receiver:
        registered = await gateway.post(f"{url}webhooks/", json={"url": receiver.url}, headers=headers)
        secret = registered.json()["secret"]
        # While the worker is down, all leave, then the even ones come back: the relay reads the
        # products as they are by then, so the feed is to give each odd SKU leaving, once.
        running_stack.worker.kill()
        await upsert(dict.fromkeys(skus, "Puma"))
        await upsert(dict.fromkeys(skus[::2], "Nike"))
        feed = Feed(gateway, headers, url, set(skus))
        running_stack.worker.start()

        async def some_followed() -> bool:
            await feed.poll()
            return feed.seen > 0

        await eventually(some_followed, 60, "the restarted worker follows the writes")
        running_stack.worker.kill()  # mid-way: some batches followed, the rest not
        assert feed.seen < 10_000
        running_stack.worker.start()

        async def all_followed() -> bool:
            await feed.poll()
            return feed.members == set(skus[::2])

        await eventually(all_followed, 120, "the feed gives every change")

        async def all_posted() -> bool:
            return _replayed(receiver.accepted(), secret, set(skus)) == set(skus[::2])

        await eventually(all_posted, 60, "the webhook gets every live batch")
        # The receiver goes: so do the webhook and any delivery still due, lest its retries stay
        # queued (deferred) in the Redis that later tests' burst workers wait on.
        hook = f"{url}webhooks/{registered.json()['id']}/"
        assert (await gateway.delete(hook, headers=headers)).status_code == 204
    await feed.poll()
    assert feed.seen == 10_000
    assert (await gateway.get(url, headers=headers)).json()["computed_count"] == 10_000


async def _counted(gateway: httpx.AsyncClient, headers: dict[str, str], expected: int) -> bool:
    preview = await gateway.post(PREVIEW, json=brand_is("Nike"), headers=headers)
    return bool(preview.status_code == 200 and preview.json()["matched_count"] == expected)


def _replayed(posts: list[Received], secret: str, members: set[str]) -> set[str]:
    """The members after the live batches posted (each delivery once, however often it came), each
    signed with the secret and in delivery order."""
    members = set(members)
    delivered: dict[int, dict[str, Any]] = {}
    for post in posts:
        signature = "sha256=" + hmac.new(secret.encode(), post.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(post.headers["x-segops-signature"], signature)
        delivery_id = int(post.headers["x-segops-delivery"])
        assert delivered.get(delivery_id, post.document) == post.document
        assert delivery_id >= max(delivered, default=0)  # in order: a repeat, or the next one
        delivered[delivery_id] = post.document
    for document in delivered.values():
        members |= set(document["entered"])
        members -= set(document["exited"])
    return members

"""GET by id from the process's cache: served while fresh, evicted by Postgres notifications."""

import asyncio

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from pim_api.products.cache import ProductCache
from tests.support import TenantFactory, auth


async def read_name(pim: httpx.AsyncClient, key: str, product_id: int) -> str:
    response = await pim.get(f"/api/pim/products/{product_id}/", headers=auth(key))
    assert response.status_code == 200, response.text
    return str(response.json()["name"])


async def test_a_change_made_elsewhere_is_seen_once_postgres_notifies_it(
    pim: httpx.AsyncClient, pim_app: FastAPI, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    created = await pim.post(
        "/api/pim/products/", json={"sku": "C", "name": "before"}, headers=auth(tenant.key)
    )
    product_id = created.json()["id"]
    cache: ProductCache = pim_app.state.product_cache
    for _ in range(50):  # the listener connects in the background at start-up
        if cache.listening:
            break
        await asyncio.sleep(0.1)
    assert await read_name(pim, tenant.key, product_id) == "before"

    async with pim_app.state.sessionmaker() as session, session.begin():
        # A change without triggers (so without notification): the cached answer stays.
        await session.execute(text("SET LOCAL session_replication_role = replica"))
        await session.execute(
            text("UPDATE pim.products SET name = 'unnotified' WHERE id = :id"), {"id": product_id}
        )
    assert await read_name(pim, tenant.key, product_id) == "before"

    async with pim_app.state.sessionmaker() as session, session.begin():
        # Another process's write, as Postgres reports it: the entry is evicted at commit.
        await session.execute(
            text("UPDATE pim.products SET name = 'after' WHERE id = :id"), {"id": product_id}
        )
    for _ in range(50):
        if await read_name(pim, tenant.key, product_id) == "after":
            break
        await asyncio.sleep(0.05)
    assert await read_name(pim, tenant.key, product_id) == "after"


async def test_this_processs_writes_are_read_back_at_once(
    pim: httpx.AsyncClient, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    created = await pim.post("/api/pim/products/", json={"sku": "P", "name": "v1"}, headers=auth(tenant.key))
    url = f"/api/pim/products/{created.json()['id']}/"
    assert (await pim.get(url, headers=auth(tenant.key))).json()["name"] == "v1"
    await pim.patch(url, json={"name": "v2"}, headers=auth(tenant.key))
    assert (await pim.get(url, headers=auth(tenant.key))).json()["name"] == "v2"
    await pim.post(
        "/api/pim/products/bulk/", json={"products": [{"sku": "P", "name": "v3"}]}, headers=auth(tenant.key)
    )
    assert (await pim.get(url, headers=auth(tenant.key))).json()["name"] == "v3"
    await pim.delete(url, headers=auth(tenant.key))
    assert (await pim.get(url, headers=auth(tenant.key))).status_code == 404


def test_a_read_that_raced_an_eviction_is_not_stored() -> None:
    cache = ProductCache()
    cache.listening = True
    epoch = cache.epoch
    cache.on_notification("7:1,7:2")  # a change arrives while the read is in flight
    cache.put((7, 1), b"old", epoch)
    assert cache.get((7, 1)) is None
    cache.put((7, 1), b"new", cache.epoch)
    assert cache.get((7, 1)) == b"new"


def test_nothing_is_cached_or_served_while_not_listening() -> None:
    cache = ProductCache()
    cache.put((1, 1), b"x", cache.epoch)
    assert cache.get((1, 1)) is None
    cache.listening = True
    cache.put((1, 1), b"x", cache.epoch)
    cache.listening = False
    assert cache.get((1, 1)) is None


def test_the_cache_is_bounded() -> None:
    cache = ProductCache(max_entries=2)
    cache.listening = True
    for product_id in (1, 2, 3):
        cache.put((1, product_id), b"x", cache.epoch)
    assert cache.get((1, 1)) is None
    assert cache.get((1, 3)) == b"x"

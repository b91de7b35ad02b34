"""POST /api/pim/products/bulk/: created/updated counts, merge, all-or-nothing, limits."""

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text

from pim_api.outbox.models import ProductOutboxRow
from pim_api.products.repository import ProductRepository, UpsertBatch
from pim_api.readability.writes import Assessed
from pim_api.tenancy.service import IssuedKey
from tests.support import TenantFactory, auth

BULK = "/api/pim/products/bulk/"


@pytest.fixture
async def tenant(pim: httpx.AsyncClient, make_tenant: TenantFactory) -> IssuedKey:
    tenant = await make_tenant()
    fields = [{"name": "brand", "type": "string"}, {"name": "price", "type": "price"}]
    await pim.put("/api/pim/schema/", json={"fields": fields}, headers=auth(tenant.key))
    return tenant


async def bulk(pim: httpx.AsyncClient, tenant: IssuedKey, products: list[dict[str, Any]]) -> httpx.Response:
    return await pim.post(BULK, json={"products": products}, headers=auth(tenant.key))


async def by_sku(pim: httpx.AsyncClient, tenant: IssuedKey) -> dict[str, dict[str, Any]]:
    body = (await pim.get("/api/pim/products/", params={"page_size": "200"}, headers=auth(tenant.key))).json()
    return {product["sku"]: product for product in body["results"]}


async def test_creates_then_updates_by_sku_merging_data(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    first = await bulk(
        pim,
        tenant,
        [
            {"sku": "SHOE-001", "name": "Air Max 90", "brand": "Nike", "price": "129.99", "note": "keep"},
            {"sku": "SHOE-002", "name": "Stan Smith", "brand": "Adidas", "price": "89.99"},
        ],
    )
    assert first.json() == {"created": 2, "updated": 0}
    second = await bulk(
        pim,
        tenant,
        [
            {"sku": "SHOE-001", "price": "€119,00", "note": None},  # no name: keeps its own
            {"sku": "SHOE-003", "name": "Gel", "brand": "Asics"},
        ],
    )
    assert second.json() == {"created": 1, "updated": 1}
    products = await by_sku(pim, tenant)
    assert products["SHOE-001"]["name"] == "Air Max 90"
    assert products["SHOE-001"]["data"] == {"brand": "Nike", "price": "119.00"}
    assert products["SHOE-002"]["data"] == {"brand": "Adidas", "price": "89.99"}
    assert products["SHOE-001"]["updated_at"] > products["SHOE-002"]["updated_at"]


async def test_every_invalid_item_is_reported_by_index_and_nothing_is_written(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    response = await bulk(
        pim,
        tenant,
        [
            {"sku": "OK-1", "name": "fine"},
            {"sku": "BAD-PRICE", "name": "x", "price": "free"},
            {"name": "no sku"},
            {"sku": "NEW-NO-NAME"},
            {"sku": "OK-1", "name": "again"},
        ],
    )
    assert response.status_code == 400
    paths = [error["path"] for error in response.json()["errors"]]
    assert paths == ["products[2].sku", "products[4].sku"]  # SKUs first: they decide create vs update
    assert (await by_sku(pim, tenant)) == {}

    response = await bulk(
        pim,
        tenant,
        [{"sku": "OK-1", "name": "fine"}, {"sku": "B", "name": "x", "price": "free"}, {"sku": "C"}],
    )
    assert [error["path"] for error in response.json()["errors"]] == ["products[1].price", "products[2].name"]
    assert (await by_sku(pim, tenant)) == {}


async def test_more_than_10000_items_is_a_413(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    response = await bulk(pim, tenant, [{"sku": f"S{i}", "name": "x"} for i in range(10_001)])
    assert response.status_code == 413
    assert "at most 10000" in response.json()["detail"]


async def test_10000_items_in_one_request_with_one_outbox_row_each(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    items = [
        {"sku": f"S{i:05d}", "name": f"Product {i}", "brand": f"B{i % 7}", "price": f"{i}.5"}
        for i in range(10_000)
    ]
    assert (await bulk(pim, tenant, items)).json() == {"created": 10_000, "updated": 0}
    assert (await bulk(pim, tenant, items[:10])).json() == {"created": 0, "updated": 10}
    async with pim_app.state.sessionmaker() as session:
        logged = await session.scalar(
            select(func.count())
            .select_from(ProductOutboxRow)
            .where(ProductOutboxRow.tenant_id == tenant.tenant_id)
        )
    assert logged == 10_010
    listed = await pim.get("/api/pim/products/", params={"brand": "B3"}, headers=auth(tenant.key))
    assert listed.json()["count"] == len([i for i in range(10_000) if i % 7 == 3])


async def test_an_empty_list_writes_nothing(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    assert (await bulk(pim, tenant, [])).json() == {"created": 0, "updated": 0}


async def test_nan_in_an_item_is_a_400_naming_it(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    body = '{"products": [{"sku": "A", "name": "x"}, {"sku": "B", "name": "y", "weight": NaN}]}'
    response = await pim.post(
        BULK, content=body, headers={**auth(tenant.key), "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith("products[1].weight: NaN and Infinity")
    assert (await by_sku(pim, tenant)) == {}


async def test_a_body_that_is_not_json_is_a_400_located(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    response = await pim.post(BULK, content=b'{"products": [', headers=auth(tenant.key))
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    wrong_shape = await pim.post(BULK, json={"products": [1]}, headers=auth(tenant.key))
    assert wrong_shape.status_code == 400
    assert wrong_shape.json()["detail"].startswith("products[0]:")


async def test_a_named_item_is_merged_into_the_stored_product(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    """Items that name themselves are not read first: the upsert merges them under its row lock."""
    await bulk(pim, tenant, [{"sku": "A", "name": "old", "brand": "Nike", "price": "10", "note": "keep"}])
    assert (await bulk(pim, tenant, [{"sku": "A", "name": "new", "price": "12"}])).json() == {
        "created": 0,
        "updated": 1,
    }
    stored = (await by_sku(pim, tenant))["A"]
    assert (stored["name"], stored["data"]) == ("new", {"brand": "Nike", "price": "12.00", "note": "keep"})


async def test_a_required_field_may_come_from_the_stored_product(
    pim: httpx.AsyncClient, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    fields = [{"name": "brand", "type": "string", "required": True}, {"name": "price", "type": "price"}]
    await pim.put("/api/pim/schema/", json={"fields": fields}, headers=auth(tenant.key))
    assert (await bulk(pim, tenant, [{"sku": "A", "name": "a", "brand": "Nike"}])).status_code == 200
    refused = await bulk(
        pim,
        tenant,
        [
            {"sku": "A", "name": "a", "price": "5"},  # brand stays Nike
            {"sku": "NEW", "name": "n", "price": "5"},  # nothing to take it from
        ],
    )
    assert refused.json()["detail"] == "products[1].brand: required field 'brand' is missing"
    accepted = await bulk(pim, tenant, [{"sku": "A", "name": "a", "price": "5"}])
    assert accepted.json() == {"created": 0, "updated": 1}
    assert (await by_sku(pim, tenant))["A"]["data"] == {"brand": "Nike", "price": "5.00"}
    removing = await bulk(pim, tenant, [{"sku": "A", "brand": None}])
    assert [error["path"] for error in removing.json()["errors"]] == ["products[0].brand"]


async def test_batches_sharing_skus_in_opposite_orders_never_deadlock(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    """Rows are written in SKU order, so two batches never wait on each other's locks in a cycle.

    A third transaction holds the middle row, so both batches are stopped half-way with the rows
    before it locked; had they kept their own orders, each would then wait on the other's.
    """
    skus = [f"S{i:03d}" for i in range(300)]
    await bulk(pim, tenant, [{"sku": sku, "name": sku} for sku in skus])

    async def write(order: list[str], price: str) -> None:
        async with pim_app.state.sessionmaker() as session, session.begin():
            unscored = Assessed([0.0] * len(order), [0] * len(order), [None] * len(order))
            batch = UpsertBatch(order, order, [{"price": price} for _ in order], unscored)
            await ProductRepository(session).upsert_many(tenant.tenant_id, batch)

    async with pim_app.state.sessionmaker() as blocker, blocker.begin():
        await blocker.execute(
            text("SELECT 1 FROM pim.products WHERE tenant_id = :t AND sku = 'S150' FOR UPDATE"),
            {"t": tenant.tenant_id},
        )
        writes = asyncio.gather(write(skus, "1.00"), write(skus[::-1], "2.00"))
        await asyncio.sleep(0.5)
    await writes  # a deadlock would raise here (Postgres detects it after deadlock_timeout)
    prices = {product["data"]["price"] for product in (await by_sku(pim, tenant)).values()}
    assert len(prices) == 1  # one batch wrote after the other

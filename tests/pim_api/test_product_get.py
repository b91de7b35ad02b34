"""GET by id: concurrent reads share one query, tenants stay apart inside it, and the fast route
answers exactly like the documented one."""

import asyncio
import json
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event

from pim_api.products.loader import ProductLoader
from tests.support import TenantFactory, auth

PRODUCTS = "/api/pim/products/"


async def create_products(pim: httpx.AsyncClient, key: str, count: int) -> list[dict[str, Any]]:
    products = [{"sku": f"S{i}", "name": f"product {i}", "data": {"n": i}} for i in range(count)]
    response = await pim.post(f"{PRODUCTS}bulk/", json={"products": products}, headers=auth(key))
    assert response.status_code == 200, response.text
    listed = await pim.get(PRODUCTS, params={"page_size": count}, headers=auth(key))
    return list(listed.json()["results"])


async def test_concurrent_reads_share_one_query_and_keep_tenants_apart(
    pim: httpx.AsyncClient, pim_app: FastAPI, make_tenant: TenantFactory
) -> None:
    mine, theirs = await make_tenant(), await make_tenant()
    my_products = await create_products(pim, mine.key, 20)
    their_products = await create_products(pim, theirs.key, 5)
    loader = ProductLoader(pim_app.state.engine)
    checkouts = []
    pool = pim_app.state.engine.sync_engine.pool
    listener = lambda *_: checkouts.append(1)  # noqa: E731
    event.listen(pool, "checkout", listener)
    try:
        keys = [(mine.tenant_id, p["id"]) for p in my_products]
        keys += [(mine.tenant_id, p["id"]) for p in their_products]
        keys += [(theirs.tenant_id, p["id"]) for p in their_products]
        keys += [(mine.tenant_id, 10**12), (mine.tenant_id, my_products[0]["id"])]
        bodies = await asyncio.gather(*(loader.load(key) for key in keys))
    finally:
        event.remove(pool, "checkout", listener)
    assert len(checkouts) == 1
    answered = [json.loads(body) if body else None for body in bodies]
    assert answered[:20] == my_products
    assert answered[20:25] == [None] * 5  # their ids asked for as mine
    assert answered[25:30] == their_products
    assert answered[30:] == [None, my_products[0]]


async def test_a_failed_read_fails_every_request_waiting_on_it(pim_app: FastAPI) -> None:
    loader = ProductLoader(pim_app.state.engine)
    results = await asyncio.gather(
        loader.load((10**12, 1)),
        loader.load((10**12, 2**63)),
        return_exceptions=True,  # past bigint
    )
    assert all(isinstance(result, Exception) for result in results)
    assert await loader.load((10**12, 1)) is None  # the next turn reads again


async def test_the_fast_route_answers_like_the_documented_one(
    pim: httpx.AsyncClient, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    [product] = await create_products(pim, tenant.key, 1)
    url = f"{PRODUCTS}{product['id']}/"
    assert (await pim.get(url, headers=auth(tenant.key))).json() == product
    unauthenticated = await pim.get(url)
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["www-authenticate"] == "Bearer"
    assert "detail" in unauthenticated.json()
    for beyond_a_bigint in (0, 2**63):  # left to the documented route: a 400 naming the id
        out_of_range = await pim.get(f"{PRODUCTS}{beyond_a_bigint}/", headers=auth(tenant.key))
        assert out_of_range.status_code == 400
        assert out_of_range.json()["errors"][0]["path"] == "product_id"
    for not_an_id in ("abc", "-1"):  # no route has such a path
        assert (await pim.get(f"{PRODUCTS}{not_an_id}/", headers=auth(tenant.key))).status_code == 404
    assert (await pim.get(url, headers={**auth(tenant.key), "X-Request-ID": "r-1"})).headers[
        "x-request-id"
    ] == "r-1"


async def test_openapi_documents_what_is_answered_outside_fastapis_machinery(pim: httpx.AsyncClient) -> None:
    document = (await pim.get("/api/pim/openapi.json")).json()
    operation = document["paths"]["/api/pim/products/{product_id}/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProductOut"
    }
    bulk = document["paths"]["/api/pim/products/bulk/"]["post"]["requestBody"]  # parsed by pydantic-core
    assert bulk["required"] is True
    assert bulk["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/BulkUpsert"}
    assert document["components"]["schemas"]["BulkUpsert"]["required"] == ["products"]

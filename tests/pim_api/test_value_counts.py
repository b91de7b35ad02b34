"""The counts kept on write equal live counts after every kind of write, and follow schema changes."""

import json
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from pim_api.facets.repository import FacetRepository
from pim_api.products.counts import ValueCounts, counted_entries
from pim_api.products.query import ProductFilter
from pim_api.products.repository import ProductRepository
from pim_api.tenancy.service import IssuedKey
from tests.support import TenantFactory, auth

FIELDS = [
    {"name": "brand", "type": "string"},
    {"name": "tags", "type": "array"},
    {"name": "published", "type": "boolean"},
    {"name": "price", "type": "price"},
]
FILTERS: list[dict[str, list[dict[str, Any]]]] = [
    {},
    {"brand": [{"brand": "Nike"}]},
    {"brand": [{"brand": "Puma"}]},
    {"tags": [{"tags": ["running"]}]},
    {"tags": [{"tags": ["trail"]}]},
    {"published": [{"published": True}]},
    {"published": [{"published": False}]},
]


async def assert_counts_match(pim_app: FastAPI, tenant: IssuedKey) -> None:
    async with pim_app.state.sessionmaker() as session:
        kept, live = ValueCounts(session), ProductRepository(session)
        counted = {"brand", "tags", "published"}
        for containments in FILTERS:
            where = ProductFilter(q=None, containments=containments, params=[])
            assert await kept.exact_count(tenant.tenant_id, where, counted) == await live.count(
                tenant.tenant_id, where
            ), containments
        everything = ProductFilter(q=None, containments={}, params=[])
        assert await kept.top_values(tenant.tenant_id, ["brand"], ["tags"], 100) == await FacetRepository(
            session
        ).top_values(tenant.tenant_id, everything, ["brand"], ["tags"], 100)


async def test_counts_follow_creates_updates_deletes_and_bulk_writes(
    pim: httpx.AsyncClient, pim_app: FastAPI, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    key = auth(tenant.key)
    await pim.put("/api/pim/schema/", json={"fields": FIELDS}, headers=key)
    products = [
        {
            "sku": f"S{i}",
            "name": "x",
            "brand": ["Nike", "Puma", "Adidas"][i % 3],
            "tags": ["running", "trail"][: i % 3],
            "published": i % 2 == 0,
            "price": "10",
        }
        for i in range(30)
    ]
    await pim.post("/api/pim/products/bulk/", json={"products": products}, headers=key)
    await assert_counts_match(pim_app, tenant)

    created = (
        await pim.post(
            "/api/pim/products/", json={"sku": "ONE", "name": "x", "data": {"brand": "Nike"}}, headers=key
        )
    ).json()
    await pim.patch(
        f"/api/pim/products/{created['id']}/",
        json={"data": {"brand": "Puma", "tags": "trail|trail"}},
        headers=key,
    )
    listed = (
        await pim.get("/api/pim/products/", params={"brand": "Nike", "page_size": "3"}, headers=key)
    ).json()
    for product in listed["results"]:
        await pim.delete(f"/api/pim/products/{product['id']}/", headers=key)
    update = [{"sku": f"S{i}", "brand": None, "tags": ["running"], "published": "no"} for i in range(10, 20)]
    await pim.post("/api/pim/products/bulk/", json={"products": update}, headers=key)
    await assert_counts_match(pim_app, tenant)
    total = (await pim.get("/api/pim/products/", headers=key)).json()["count"]
    assert total == 28


async def test_a_field_becomes_counted_or_stops_being_counted_with_the_schema(
    pim: httpx.AsyncClient, pim_app: FastAPI, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    key = auth(tenant.key)
    await pim.put("/api/pim/schema/", json={"fields": [{"name": "price", "type": "price"}]}, headers=key)
    products = [
        {"sku": f"S{i}", "name": "x", "brand": ["Nike", "Puma"][i % 2], "tags": ["a"]} for i in range(9)
    ]
    await pim.post("/api/pim/products/bulk/", json={"products": products}, headers=key)
    await pim.put("/api/pim/schema/", json={"fields": FIELDS}, headers=key)  # brand, tags now counted
    await assert_counts_match(pim_app, tenant)
    facets = (await pim.get("/api/pim/facets/", params={"counts": "true"}, headers=key)).json()
    assert facets["brand"] == [{"value": "Nike", "count": 5}, {"value": "Puma", "count": 4}]

    await pim.put("/api/pim/schema/", json={"fields": FIELDS[2:]}, headers=key)  # brand, tags no longer
    async with pim_app.state.sessionmaker() as session:
        left = await ValueCounts(session).top_values(tenant.tenant_id, ["brand"], ["tags"], 100)
    assert left == []


# Data as segdsl coerces it, at the edges of what is counted.
COERCED_DATA: list[dict[str, Any]] = [
    {},
    {"brand": "Nike", "tags": ["running", "trail", "running"], "published": True, "price": "10.00"},
    {"brand": "", "tags": [], "published": False},
    {"brand": "x" * 200, "tags": ["y" * 200, "z" * 201]},
    {"brand": "é" * 201, "tags": ["Ünï", "ünï", "🏃"]},
    {"brand": "a\tb\nc", "tags": ["a,b", " spaced "], "other": "not counted"},
]


async def test_the_writers_count_of_its_inserts_is_the_triggers(pim_app: FastAPI) -> None:
    fields = ["brand", "tags", "published"]
    async with pim_app.state.sessionmaker() as session:
        for data in COERCED_DATA:
            in_sql = await session.execute(
                text("SELECT field, kind, value FROM pim.counted_entries(CAST(:data AS jsonb), :fields)"),
                {"data": json.dumps(data), "fields": fields},
            )
            assert sorted(counted_entries(data, fields)) == sorted(
                (field, kind.decode() if isinstance(kind, bytes) else kind, value)
                for field, kind, value in in_sql
            ), data

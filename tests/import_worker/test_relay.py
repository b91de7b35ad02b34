"""The product sync on the real servers: outbox rows relayed to the ClickHouse replica, exactly."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis
from fastapi import FastAPI
from sqlalchemy import text

from import_worker import relay
from import_worker.context import Context, resources
from import_worker.relay import relay_outbox
from import_worker.settings import WorkerConfig
from pim_api.imports.writer import Written
from pim_api.main import create_app as create_pim_app
from pim_api.outbox.reader import OutboxReader, outbox_position
from pim_api.settings import PimSettings
from pim_api.tenancy.service import IssuedKey
from segdsl import FieldType, product_version_of
from segment_api.clickhouse.client import create_clickhouse_client
from tests.support import FIELDS, SchemaTenantFactory, auth

PRODUCTS = "/api/pim/products/"
BULK = "/api/pim/products/bulk/"
WRITES = 7  # outbox rows of write_catalog


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(FIELDS)


async def replica(tenant_id: int) -> dict[str, dict[str, Any]]:
    """The tenant's replica as ClickHouse reads it with FINAL: one row per SKU, its newest version."""
    settings = WorkerConfig()
    sql = (
        "SELECT sku, product_id, name, version, is_deleted, str_keys, str_vals, num_keys, num_vals, "
        f"arr_keys, arr_vals, ai_readability_score FROM {settings.clickhouse_database}.products FINAL "
        f"WHERE tenant_id = {tenant_id} FORMAT JSONEachRow"
    )
    async with httpx.AsyncClient(base_url=settings.clickhouse_url) as client:
        response = await client.post("/", content=sql, params={"output_format_json_quote_64bit_integers": 0})
        response.raise_for_status()
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert len(rows) == len({row["sku"] for row in rows}), "FINAL left two rows of one SKU"
    return {row["sku"]: row for row in rows}


async def postgres(pim_app: FastAPI, sql: str, tenant_id: int) -> list[Any]:
    async with pim_app.state.sessionmaker() as session:
        return list((await session.execute(text(sql), {"tenant_id": tenant_id})).all())


async def stored(pim_app: FastAPI, tenant_id: int) -> dict[str, tuple[int, int, str]]:
    """sku -> (id, version, name) of the tenant's products in Postgres."""
    rows = await postgres(
        pim_app, "SELECT sku, id, version, name FROM pim.products WHERE tenant_id = :tenant_id", tenant_id
    )
    return {sku: (product_id, version, name) for sku, product_id, version, name in rows}


async def outbox_size(pim_app: FastAPI, tenant_id: int) -> int:
    [(count,)] = await postgres(
        pim_app, "SELECT count(*) FROM pim.product_outbox WHERE tenant_id = :tenant_id", tenant_id
    )
    return int(count)


def live(rows: dict[str, dict[str, Any]]) -> dict[str, tuple[int, int, str]]:
    return {
        sku: (row["product_id"], product_version_of(row["version"]), row["name"])
        for sku, row in rows.items()
        if not row["is_deleted"]
    }


async def write_catalog(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    """Creates, an update, a bulk upsert and a delete: every kind of outbox row."""
    headers = auth(tenant.key)
    first = (
        await pim.post(
            PRODUCTS, json={"sku": "A", "name": "Alpha", "data": {"brand": "Nike"}}, headers=headers
        )
    ).json()
    gone = (await pim.post(PRODUCTS, json={"sku": "GONE", "name": "Gone"}, headers=headers)).json()
    patch = {"data": {"price": "€1.299,00", "tags": "a|b"}}
    assert (await pim.patch(f"{PRODUCTS}{first['id']}/", json=patch, headers=headers)).status_code == 200
    bulk = [{"sku": f"B{index}", "name": f"Bulk {index}", "brand": "Puma"} for index in range(3)]
    assert (await pim.post(BULK, json={"products": bulk}, headers=headers)).status_code == 200
    assert (await pim.delete(f"{PRODUCTS}{gone['id']}/", headers=headers)).status_code == 204


async def test_every_write_reaches_the_replica_typed_by_the_schema(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey, worker_context: Context
) -> None:
    await write_catalog(pim, tenant)
    assert await relay_outbox(worker_context) >= WRITES
    rows = await replica(tenant.tenant_id)
    assert live(rows) == await stored(pim_app, tenant.tenant_id)
    assert rows["GONE"]["is_deleted"] == 1  # the tombstone, versioned after every write of GONE
    alpha = rows["A"]
    assert (alpha["str_keys"], alpha["str_vals"]) == (["brand"], ["Nike"])
    assert (alpha["num_keys"], alpha["num_vals"]) == (["price"], [1299.0])
    assert (alpha["arr_keys"], alpha["arr_vals"]) == (["tags"], [["a", "b"]])
    assert await outbox_size(pim_app, tenant.tenant_id) == 0


async def test_a_relay_that_dies_after_its_insert_is_redone_without_duplicates(
    pim: httpx.AsyncClient,
    pim_app: FastAPI,
    tenant: IssuedKey,
    worker_context: Context,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await write_catalog(pim, tenant)

    async def die(self: OutboxReader, batch: object) -> None:
        raise RuntimeError("killed between the insert and the commit")

    with monkeypatch.context() as patched:
        patched.setattr(OutboxReader, "forget", die)
        with pytest.raises(RuntimeError):
            await relay_outbox(worker_context)
    assert await outbox_size(pim_app, tenant.tenant_id) == WRITES  # rolled back: nothing forgotten
    assert await relay_outbox(worker_context) >= WRITES  # the same rows inserted a second time
    assert live(await replica(tenant.tenant_id)) == await stored(pim_app, tenant.tenant_id)
    assert await outbox_size(pim_app, tenant.tenant_id) == 0


async def test_relays_at_once_take_different_rows_and_lose_none(
    pim: httpx.AsyncClient,
    pim_app: FastAPI,
    tenant: IssuedKey,
    worker_context: Context,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(relay, "BATCH_SIZE", 500)
    products = [
        {"sku": f"P{index:05d}", "name": f"Product {index}", "brand": "Acme"} for index in range(6_000)
    ]
    assert (await pim.post(BULK, json={"products": products}, headers=auth(tenant.key))).status_code == 200
    relayed = await asyncio.gather(*(relay_outbox(worker_context) for _ in range(3)))
    assert sum(relayed) >= 6_000
    assert live(await replica(tenant.tenant_id)) == await stored(pim_app, tenant.tenant_id)
    assert await outbox_size(pim_app, tenant.tenant_id) == 0


async def test_while_clickhouse_is_out_of_reach_the_rows_wait_in_the_outbox(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey, worker_context: Context
) -> None:
    await write_catalog(pim, tenant)
    reachable = resources(worker_context)
    async with httpx.AsyncClient(timeout=2) as http:
        unreachable = create_clickhouse_client("http://127.0.0.1:1", "segmentation", http)
        worker_context["resources"] = replace(reachable, clickhouse=unreachable)
        with pytest.raises(httpx.ConnectError):
            await relay_outbox(worker_context)
    worker_context["resources"] = reachable
    assert await outbox_size(pim_app, tenant.tenant_id) == WRITES
    await relay_outbox(worker_context)  # the next sweep
    assert live(await replica(tenant.tenant_id)) == await stored(pim_app, tenant.tenant_id)


async def test_a_write_wakes_a_worker_that_relays_it(
    pim: httpx.AsyncClient,
    pim_app: FastAPI,
    tenant: IssuedKey,
    redis: ArqRedis,
    run_worker: Callable[[], Awaitable[None]],
) -> None:
    """End to end over arq: the API enqueues a relay after its commit, a worker runs it."""
    await write_catalog(pim, tenant)
    assert await redis.zcard("arq:queue") > 0  # the wake-ups of those writes
    await run_worker()
    assert live(await replica(tenant.tenant_id)) == await stored(pim_app, tenant.tenant_id)


async def test_with_redis_down_writes_succeed_and_the_sweep_relays_them(
    pim_settings: PimSettings, tenant: IssuedKey, pim_app: FastAPI, worker_context: Context
) -> None:
    """Postgres is the source of truth: a lost wake-up costs only the wait for the sweep."""
    app = create_pim_app(pim_settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pim-api") as pim_without_redis:
            await write_catalog(pim_without_redis, tenant)
    assert await outbox_size(pim_app, tenant.tenant_id) == WRITES
    await relay_outbox(worker_context)  # what the cron sweep runs
    assert live(await replica(tenant.tenant_id)) == await stored(pim_app, tenant.tenant_id)


async def written_by_import(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey, sku: str, types: dict[str, FieldType]
) -> Written:
    """A product created (with its outbox row), handed over as an import's batch that created it."""
    async with pim_app.state.sessionmaker() as session:
        position = await outbox_position(session)
    body = {"sku": sku, "name": sku.title(), "data": {"brand": "Nike", "price": "€1.299,00"}}
    assert (await pim.post(PRODUCTS, json=body, headers=auth(tenant.key))).status_code == 201
    [row] = await postgres(
        pim_app,
        "SELECT id, sku, name, source, version, created_at, updated_at, data FROM pim.products "
        f"WHERE tenant_id = :tenant_id AND sku = '{sku}'",
        tenant.tenant_id,
    )
    return Written([{**row._asdict(), "ai_readability_score": None}], 0, types, position)


async def test_an_imports_new_products_reach_the_replica_at_once_unless_their_fields_changed(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey, worker_context: Context
) -> None:
    types = {field["name"]: field["type"] for field in FIELDS}
    await relay.relay_created(
        worker_context, tenant.tenant_id, await written_by_import(pim, pim_app, tenant, "fresh", types)
    )
    rows = await replica(tenant.tenant_id)
    assert (rows["fresh"]["num_keys"], rows["fresh"]["num_vals"]) == (["price"], [1299.0])
    assert await outbox_size(pim_app, tenant.tenant_id) == 0  # relayed: its outbox row is gone

    # Coerced for other field types than the tenant's now: left to the relay, which types it anew.
    stale = await written_by_import(pim, pim_app, tenant, "stale", {**types, "price": "text"})
    await relay.relay_created(worker_context, tenant.tenant_id, stale)
    assert "stale" not in await replica(tenant.tenant_id)
    assert await outbox_size(pim_app, tenant.tenant_id) == 1
    await relay_outbox(worker_context)
    assert live(await replica(tenant.tenant_id)) == await stored(pim_app, tenant.tenant_id)

"""A tenant's whole replica: rewritten when its field types change, verified, rebuilt on demand."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from import_worker.context import Context
from import_worker.relay import relay_outbox
from pim_api.tenancy.service import IssuedKey
from tests.support import SchemaTenantFactory, admin, auth

PREVIEW = "/api/product-segments/preview/"
COLOURS = [{"name": "colour", "type": "string"}]


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(COLOURS)


def condition(operator: str, value: Any, value_type: str) -> dict[str, Any]:
    return {
        "logic": "AND",
        "conditions": [
            {
                "type": "product_attribute",
                "property": "colour",
                "operator": operator,
                "value": value,
                "value_type": value_type,
            }
        ],
    }


async def matched(segment_api: httpx.AsyncClient, tenant: IssuedKey, definition: dict[str, Any]) -> int:
    response = await segment_api.post(PREVIEW, json=definition, headers=auth(tenant.key))
    assert response.status_code == 200, response.text
    count: int = response.json()["matched_count"]
    return count


async def test_a_field_type_change_rewrites_the_replica_so_previews_count_by_the_new_type(
    pim: httpx.AsyncClient,
    segment_api: httpx.AsyncClient,
    tenant: IssuedKey,
    segment_app: FastAPI,
    worker_context: Context,
    run_worker: Callable[[], Awaitable[None]],
) -> None:
    products = [{"sku": "A", "name": "a", "colour": "red|blue"}, {"sku": "B", "name": "b", "colour": "red"}]
    assert (
        await pim.post("/api/pim/products/bulk/", json={"products": products}, headers=auth(tenant.key))
    ).status_code == 200
    await relay_outbox(worker_context)
    assert (
        await matched(segment_api, tenant, condition("eq", "red", "string")) == 1
    )  # "red|blue" is one string

    retyped = await pim.put(
        "/api/pim/schema/", json={"fields": [{"name": "colour", "type": "array"}]}, headers=auth(tenant.key)
    )
    assert retyped.status_code == 200
    await run_worker()  # the resync pim-api queued (only it rewrites the rows typed as strings)
    segment_app.state.pim._field_types._entries.clear()  # the 5 s segment-api keeps field types, past
    assert await matched(segment_api, tenant, condition("contains", "red", "array")) == 2
    assert await matched(segment_api, tenant, condition("contains", "blue", "array")) == 1


async def test_verify_sync_exits_1_on_a_difference_and_0_once_relayed(
    pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    await pim.post("/api/pim/products/", json={"sku": "V", "name": "v"}, headers=auth(tenant.key))
    behind = admin("verify-sync", "--tenant", str(tenant.tenant_id))
    assert behind.returncode == 1, behind.stderr
    assert "V: version" in behind.stdout and "in postgres, not in the replica" in behind.stdout
    await relay_outbox(worker_context)
    caught_up = admin("verify-sync", "--tenant", str(tenant.tenant_id))
    assert caught_up.returncode == 0, caught_up.stdout + caught_up.stderr
    assert f"tenant {tenant.tenant_id}: postgres 1 products, replica 1" in caught_up.stdout
    assert "in sync" in caught_up.stdout


async def test_resync_rebuilds_a_replica_that_missed_a_deletion(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey, worker_context: Context
) -> None:
    for sku in ("KEEP", "GONE"):
        await pim.post("/api/pim/products/", json={"sku": sku, "name": sku}, headers=auth(tenant.key))
    await relay_outbox(worker_context)
    async with (
        pim_app.state.sessionmaker() as session,
        session.begin(),
    ):  # a deletion whose outbox row was lost
        await session.execute(
            text("DELETE FROM pim.products WHERE tenant_id = :t AND sku = 'GONE'"), {"t": tenant.tenant_id}
        )
        await session.execute(
            text("DELETE FROM pim.product_outbox WHERE tenant_id = :t"), {"t": tenant.tenant_id}
        )
    assert "GONE: version" in admin("verify-sync", "--tenant", str(tenant.tenant_id)).stdout
    rebuilt = admin("resync", "--tenant", str(tenant.tenant_id))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.strip() == f"tenant {tenant.tenant_id}: 1 products written"
    assert admin("verify-sync", "--tenant", str(tenant.tenant_id)).returncode == 0


async def test_resync_all_rebuilds_every_tenant_after_the_clickhouse_database_is_lost(
    pim: httpx.AsyncClient,
    tenant: IssuedKey,
    make_schema_tenant: SchemaTenantFactory,
    worker_context: Context,
) -> None:
    other = await make_schema_tenant(COLOURS)
    for owner in (tenant, other):
        await pim.post(
            "/api/pim/products/", json={"sku": "P", "name": "p", "colour": "red"}, headers=auth(owner.key)
        )
    await relay_outbox(worker_context)
    settings = worker_context["resources"].settings
    # A drop waits for the merges and mutations under way on its tables.
    async with httpx.AsyncClient(base_url=settings.clickhouse_url, timeout=120) as clickhouse:
        dropped = await clickhouse.post("/", content=f"DROP DATABASE {settings.clickhouse_database}")
        assert dropped.status_code == 200
    rebuilt = admin("resync", "--all")
    assert rebuilt.returncode == 0, rebuilt.stderr
    for owner in (tenant, other):
        assert admin("verify-sync", "--tenant", str(owner.tenant_id)).returncode == 0

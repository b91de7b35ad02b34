"""Computing segments on the real servers: runs written by ClickHouse, made current when complete,
paged from one run, their changes listed; refreshed when due; old runs' members purged."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from import_worker.context import Context, resources
from import_worker.relay import relay_outbox
from import_worker.segments import purge_runs, refresh_segments
from pim_api.tenancy.service import IssuedKey
from segment_api.runs.compute import compute
from segment_api.runs.repository import KEPT_RUNS
from tests.support import FIELDS, SchemaTenantFactory, auth

SEGMENTS = "/api/product-segments/"
NIKE = {
    "logic": "AND",
    "conditions": [
        {
            "type": "product_attribute",
            "property": "brand",
            "operator": "eq",
            "value": "Nike",
            "value_type": "string",
        }
    ],
}


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(FIELDS)


async def write(
    pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context, products: list[dict[str, Any]]
) -> None:
    """Bulk upsert, then relay to the replica."""
    response = await pim.post(
        "/api/pim/products/bulk/", json={"products": products}, headers=auth(tenant.key)
    )
    assert response.status_code == 200, response.text
    await relay_outbox(worker_context)


def catalog(count: int, brand: str = "Nike") -> list[dict[str, Any]]:
    return [{"sku": f"S{index:04d}", "name": f"Shoe {index}", "brand": brand} for index in range(count)]


async def new_segment(segment_api: httpx.AsyncClient, tenant: IssuedKey, **body: Any) -> int:
    response = await segment_api.post(
        SEGMENTS, json={"name": "Nike", "definition": NIKE, **body}, headers=auth(tenant.key)
    )
    assert response.status_code == 201, response.text
    segment_id: int = response.json()["id"]
    return segment_id


async def run_now(worker_context: Context, tenant: IssuedKey, segment_id: int) -> int:
    run = await compute(resources(worker_context).computation, tenant.tenant_id, segment_id)
    assert run is not None
    return run.id


async def all_members(
    segment_api: httpx.AsyncClient, tenant: IssuedKey, segment_id: int, **params: Any
) -> list[dict[str, Any]]:
    members: list[dict[str, Any]] = []
    cursor: int | None = 0
    while cursor is not None:
        page = (
            await segment_api.get(
                f"{SEGMENTS}{segment_id}/members/",
                params={**params, "cursor": cursor},
                headers=auth(tenant.key),
            )
        ).json()
        members += page["results"]
        cursor = page["next_cursor"]
    return members


async def test_a_computation_sets_the_count_and_every_member_pages_out_in_sku_order(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    await write(
        pim, tenant, worker_context, [*catalog(120), {"sku": "ADI", "name": "Other", "brand": "Adidas"}]
    )
    segment_id = await new_segment(segment_api, tenant)
    never = (await segment_api.get(f"{SEGMENTS}{segment_id}/members/", headers=auth(tenant.key))).json()
    assert never == {"count": 0, "results": [], "next_cursor": None, "run_id": None}

    run_id = await run_now(worker_context, tenant, segment_id)
    segment = (await segment_api.get(f"{SEGMENTS}{segment_id}/", headers=auth(tenant.key))).json()
    assert segment["computed_count"] == 120
    assert segment["last_computed_at"] is not None
    first = (await segment_api.get(f"{SEGMENTS}{segment_id}/members/", headers=auth(tenant.key))).json()
    assert (first["count"], len(first["results"]), first["next_cursor"], first["run_id"]) == (
        120,
        50,
        50,
        run_id,
    )
    assert first["results"][0] == {"sku": "S0000", "name": "Shoe 0", "data": {"brand": "Nike"}}
    members = await all_members(segment_api, tenant, segment_id)
    assert [member["sku"] for member in members] == [f"S{index:04d}" for index in range(120)]


async def test_the_api_queues_a_computation_a_worker_runs(
    segment_api: httpx.AsyncClient,
    pim: httpx.AsyncClient,
    tenant: IssuedKey,
    worker_context: Context,
    run_worker: Callable[[], Awaitable[None]],
) -> None:
    await write(pim, tenant, worker_context, catalog(3))
    segment_id = await new_segment(segment_api, tenant)
    response = await segment_api.post(f"{SEGMENTS}{segment_id}/compute/", headers=auth(tenant.key))
    assert (response.status_code, response.json()) == (200, {"status": "queued", "segment_id": segment_id})
    await run_worker()
    assert (await segment_api.get(f"{SEGMENTS}{segment_id}/", headers=auth(tenant.key))).json()[
        "computed_count"
    ] == 3


async def test_changes_list_what_entered_and_left_run_by_run(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    await write(pim, tenant, worker_context, catalog(3))
    segment_id = await new_segment(segment_api, tenant)
    first = await run_now(worker_context, tenant, segment_id)
    await write(
        pim,
        tenant,
        worker_context,
        [{"sku": "S0001", "brand": "Puma"}, {"sku": "NEW", "name": "New", "brand": "Nike"}],
    )
    second = await run_now(worker_context, tenant, segment_id)
    changes = (await segment_api.get(f"{SEGMENTS}{segment_id}/changes/", headers=auth(tenant.key))).json()[
        "results"
    ]
    assert [
        (c["run_id"], c["entered_count"], c["exited_count"], c["entered"], c["exited"]) for c in changes
    ] == [
        (second, 1, 1, ["NEW"], ["S0001"]),
        (first, 3, 0, ["S0000", "S0001", "S0002"], []),
    ]


async def test_changes_count_every_sku_and_list_the_first_1000_of_each_side_in_sku_order(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    products = catalog(2_400)
    for index, product in enumerate(products):
        product["brand"] = "Nike" if index % 2 else "Puma"
    await write(pim, tenant, worker_context, products)
    segment_id = await new_segment(segment_api, tenant)
    await run_now(worker_context, tenant, segment_id)
    for product in products:  # every member leaves, every other product enters
        product["brand"] = "Puma" if product["brand"] == "Nike" else "Nike"
    await write(pim, tenant, worker_context, products)
    await run_now(worker_context, tenant, segment_id)
    latest, first = (
        await segment_api.get(f"{SEGMENTS}{segment_id}/changes/", headers=auth(tenant.key))
    ).json()["results"]
    odd = [f"S{index:04d}" for index in range(1, 2_400, 2)]
    even = [f"S{index:04d}" for index in range(0, 2_400, 2)]
    assert (first["entered_count"], first["exited_count"], first["entered"]) == (1_200, 0, odd[:1_000])
    assert (latest["entered_count"], latest["exited_count"]) == (1_200, 1_200)
    assert (latest["entered"], latest["exited"]) == (even[:1_000], odd[:1_000])


async def test_paging_one_run_while_a_new_one_lands_sees_no_duplicates_or_gaps(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    await write(pim, tenant, worker_context, catalog(80))
    segment_id = await new_segment(segment_api, tenant)
    old_run = await run_now(worker_context, tenant, segment_id)
    url = f"{SEGMENTS}{segment_id}/members/"
    page = (await segment_api.get(url, headers=auth(tenant.key))).json()
    # S0000-S0009 leave and A000-A009 arrive before the client asks for its second page.
    await write(
        pim,
        tenant,
        worker_context,
        [{"sku": f"S{index:04d}", "brand": "Puma"} for index in range(10)]
        + [{"sku": f"A{index:03d}", "name": "A", "brand": "Nike"} for index in range(10)],
    )
    await run_now(worker_context, tenant, segment_id)
    rest = await all_members(segment_api, tenant, segment_id, run_id=old_run)
    seen = [member["sku"] for member in page["results"]] + [member["sku"] for member in rest[50:]]
    assert seen == [f"S{index:04d}" for index in range(80)]
    current = await all_members(segment_api, tenant, segment_id)
    assert [member["sku"] for member in current] == [f"A{index:03d}" for index in range(10)] + [
        f"S{index:04d}" for index in range(10, 80)
    ]


async def test_computations_of_one_segment_take_turns(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    await write(pim, tenant, worker_context, catalog(50))
    segment_id = await new_segment(segment_api, tenant)
    runs = await asyncio.gather(*(run_now(worker_context, tenant, segment_id) for _ in range(3)))
    changes = (await segment_api.get(f"{SEGMENTS}{segment_id}/changes/", headers=auth(tenant.key))).json()[
        "results"
    ]
    assert sorted(change["run_id"] for change in changes) == sorted(runs)
    # Taking turns, each run compares with the one before it: the first enters all, the others nothing.
    assert sorted(change["entered_count"] for change in changes) == [0, 0, 50]
    segment = (await segment_api.get(f"{SEGMENTS}{segment_id}/", headers=auth(tenant.key))).json()
    assert segment["computed_count"] == 50
    assert (await segment_api.get(f"{SEGMENTS}{segment_id}/members/", headers=auth(tenant.key))).json()[
        "run_id"
    ] == max(runs)


async def test_a_definition_that_no_longer_fits_the_schema_fails_its_run_and_keeps_the_last(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    await write(pim, tenant, worker_context, catalog(2))
    segment_id = await new_segment(segment_api, tenant)
    first = await run_now(worker_context, tenant, segment_id)
    retyped = [{**field, "type": "array"} if field["name"] == "brand" else field for field in FIELDS]
    assert (
        await pim.put("/api/pim/schema/", json={"fields": retyped}, headers=auth(tenant.key))
    ).status_code == 200
    resources(worker_context).computation.pim._field_types._entries.clear()  # past the 5 s the types are kept
    run = await compute(resources(worker_context).computation, tenant.tenant_id, segment_id)
    assert run is not None
    members = (await segment_api.get(f"{SEGMENTS}{segment_id}/members/", headers=auth(tenant.key))).json()
    assert (members["run_id"], members["count"]) == (first, 2)
    failed = await segment_api.get(
        f"{SEGMENTS}{segment_id}/members/", params={"run_id": run.id}, headers=auth(tenant.key)
    )
    assert failed.status_code == 404


async def test_due_active_segments_are_refreshed_and_inactive_ones_are_not(
    segment_api: httpx.AsyncClient,
    pim: httpx.AsyncClient,
    tenant: IssuedKey,
    worker_context: Context,
    run_worker: Callable[[], Awaitable[None]],
) -> None:
    await write(pim, tenant, worker_context, catalog(4))
    active = await new_segment(segment_api, tenant, is_active=True, refresh_interval=1)
    inactive = await new_segment(segment_api, tenant, is_active=False)
    assert await refresh_segments(worker_context) >= 1
    await run_worker()
    segments = {s["id"]: s for s in (await segment_api.get(SEGMENTS, headers=auth(tenant.key))).json()}
    assert segments[active]["computed_count"] == 4
    assert segments[inactive]["computed_count"] is None
    await refresh_segments(worker_context)
    await run_worker()  # computed a moment ago, due again in a minute: not queued now
    changes = (await segment_api.get(f"{SEGMENTS}{active}/changes/", headers=auth(tenant.key))).json()[
        "results"
    ]
    assert len(changes) == 1


async def test_members_of_runs_past_the_kept_ones_are_purged_and_their_changes_stay(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    await write(pim, tenant, worker_context, catalog(5))
    segment_id = await new_segment(segment_api, tenant)
    runs = [await run_now(worker_context, tenant, segment_id) for _ in range(KEPT_RUNS + 2)]
    assert await purge_runs(worker_context) >= 2
    for run_id, kept in [(runs[0], False), (runs[1], False), (runs[2], True), (runs[-1], True)]:
        response = await segment_api.get(
            f"{SEGMENTS}{segment_id}/members/", params={"run_id": run_id}, headers=auth(tenant.key)
        )
        assert response.status_code == (200 if kept else 404), run_id
    assert await rows_of_run(worker_context, runs[0]) == 0  # the mutation has run
    changes = (await segment_api.get(f"{SEGMENTS}{segment_id}/changes/", headers=auth(tenant.key))).json()[
        "results"
    ]
    assert len(changes) == KEPT_RUNS + 2


async def rows_of_run(worker_context: Context, run_id: int, wait_seconds: float = 10) -> int:
    """ClickHouse's rows of a run, once its pending deletes (mutations) are done."""
    settings = resources(worker_context).settings
    async with httpx.AsyncClient(base_url=settings.clickhouse_url) as client:
        for _ in range(int(wait_seconds * 10)):
            database = settings.clickhouse_database
            pending = await client.post(
                "/",
                content=f"SELECT count() FROM system.mutations WHERE database = '{database}' AND NOT is_done",
            )
            if pending.text.strip() == "0":
                break
            await asyncio.sleep(0.1)
        table = f"{settings.clickhouse_database}.product_memberships"
        counted = await client.post("/", content=f"SELECT count() FROM {table} WHERE version = {run_id}")
        return int(counted.text)


async def test_another_tenants_segment_cannot_be_computed_paged_or_followed(
    segment_api: httpx.AsyncClient, tenant: IssuedKey, make_schema_tenant: SchemaTenantFactory
) -> None:
    segment_id = await new_segment(segment_api, tenant)
    other = await make_schema_tenant(FIELDS)
    for method, path in [("POST", "compute/"), ("GET", "members/"), ("GET", "changes/")]:
        response = await segment_api.request(
            method, f"{SEGMENTS}{segment_id}/{path}", headers=auth(other.key)
        )
        assert response.status_code == 404, path
        assert json.loads(response.text) == {"detail": f"segment {segment_id} not found"}

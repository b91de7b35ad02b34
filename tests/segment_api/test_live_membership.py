"""Live membership on the real servers: relayed product writes move SKUs in and out of active
segments without a computation, as the definition says; a full computation afterwards finds no
difference; the feed gives each change once, in order, to a consumer polling with its cursor."""

import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from import_worker.context import Context
from import_worker.relay import relay_outbox
from pim_api.tenancy.service import IssuedKey
from tests.segment_api.feed import Feed
from tests.segment_api.test_computation import SEGMENTS, all_members, new_segment, run_now, write
from tests.support import FIELDS, SchemaTenantFactory, auth

SKUS = [f"L{index:02d}" for index in range(12)]
BRANDS = ("Nike", "Puma", "Adidas")
ROUNDS = 8


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(FIELDS)


async def product_ids(pim: httpx.AsyncClient, tenant: IssuedKey) -> dict[str, int]:
    page = (await pim.get("/api/pim/products/?page_size=200", headers=auth(tenant.key))).json()
    return {product["sku"]: product["id"] for product in page["results"]}


def brand(operator: str, value: str) -> dict[str, Any]:
    return {
        "type": "product_attribute",
        "property": "brand",
        "operator": operator,
        "value": value,
        "value_type": "string",
    }


# Segments evaluated together in each relay batch: name → (definition, which brands it holds).
SEGMENT_RULES: dict[str, tuple[dict[str, Any], Callable[[str], bool]]] = {
    "Nike": ({"logic": "AND", "conditions": [brand("eq", "Nike")]}, lambda b: b == "Nike"),
    "Puma or Adidas": (
        {"logic": "OR", "conditions": [brand("eq", "Puma"), brand("eq", "Adidas")]},
        lambda b: b in ("Puma", "Adidas"),
    ),
    "Not Puma": ({"logic": "AND", "conditions": [brand("neq", "Puma")]}, lambda b: b != "Puma"),
}


async def test_random_writes_keep_members_as_a_full_computation_finds_them(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    chance = random.Random(20261201)
    brands: dict[str, str | None] = {sku: chance.choice(BRANDS) for sku in SKUS}  # None: deleted
    await write(
        pim, tenant, worker_context, [{"sku": sku, "name": sku, "brand": b} for sku, b in brands.items()]
    )

    def expected(name: str) -> set[str]:
        holds = SEGMENT_RULES[name][1]
        return {sku for sku, held in brands.items() if held is not None and holds(held)}

    segments: dict[str, int] = {}
    feeds: dict[str, Feed] = {}
    for name, (definition, _) in SEGMENT_RULES.items():
        segments[name] = await new_segment(
            segment_api, tenant, name=name, definition=definition, is_active=True
        )
        await run_now(worker_context, tenant, segments[name])
        url = f"{SEGMENTS}{segments[name]}/"
        feeds[name] = Feed(segment_api, auth(tenant.key), url, expected(name))
    for _ in range(ROUNDS):
        ids = await product_ids(pim, tenant)
        upserts: list[dict[str, Any]] = []
        for sku in chance.sample(SKUS, 4):
            if brands[sku] is not None and chance.random() < 0.25:
                response = await pim.delete(f"/api/pim/products/{ids[sku]}/", headers=auth(tenant.key))
                assert response.status_code == 204
                brands[sku] = None
            else:
                brands[sku] = chance.choice(BRANDS)
                upserts.append({"sku": sku, "name": sku, "brand": brands[sku]})
        if upserts:
            await write(pim, tenant, worker_context, upserts)  # bulk upsert, then relay
        await relay_outbox(worker_context)
        for name, segment_id in segments.items():
            members = {member["sku"] for member in await all_members(segment_api, tenant, segment_id)}
            assert members == expected(name), name
            segment = (await segment_api.get(f"{SEGMENTS}{segment_id}/", headers=auth(tenant.key))).json()
            assert segment["computed_count"] == len(expected(name)), name
            await feeds[name].poll()
            assert feeds[name].members == expected(name), name
    assert all(feed.seen > 0 for feed in feeds.values())  # the sequence did move SKUs in each

    for name, segment_id in segments.items():
        await run_now(worker_context, tenant, segment_id)
        url = f"{SEGMENTS}{segment_id}/changes/"
        newest = (await segment_api.get(url, headers=auth(tenant.key))).json()["results"][0]
        assert (newest["entered_count"], newest["exited_count"]) == (0, 0), name  # nothing live missed
        members = {member["sku"] for member in await all_members(segment_api, tenant, segment_id)}
        assert members == expected(name), name


async def test_a_relay_batch_of_thousands_of_skus_is_followed_too(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    """Thousands of SKUs in one evaluation (more tokens than sqlparse, inside aiochclient, reads)."""
    segment_id = await new_segment(segment_api, tenant, name="Nike", is_active=True)
    await run_now(worker_context, tenant, segment_id)
    many = [{"sku": f"MANY-{index:05d}", "name": "x", "brand": "Nike"} for index in range(4_000)]
    await write(pim, tenant, worker_context, many)
    segment = (await segment_api.get(f"{SEGMENTS}{segment_id}/", headers=auth(tenant.key))).json()
    assert segment["computed_count"] == len(many)

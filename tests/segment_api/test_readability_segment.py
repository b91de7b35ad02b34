"""`ai_readability_score` in segment definitions, on the real stack: the score every write stores
reaches the ClickHouse replica with the product, so "products an AI agent can't sell well" is a
segment whose members are the product list's `ai_readability_score__lt` results, and follow a
product that is improved."""

import httpx

from import_worker.context import Context
from import_worker.relay import relay_outbox
from pim_api.tenancy.service import IssuedKey
from tests.pim_api.test_readability_api import FIELDS
from tests.pim_api.test_readability_stored import catalog
from tests.segment_api.test_computation import SEGMENTS, all_members, run_now
from tests.support import SchemaTenantFactory, auth

POORLY_READABLE = {
    "logic": "AND",
    "conditions": [
        {
            "type": "product_attribute",
            "property": "ai_readability_score",
            "operator": "lt",
            "value": 60,
            "value_type": "number",
        }
    ],
}


async def poorly_readable(pim: httpx.AsyncClient, tenant: IssuedKey) -> list[str]:
    page = await pim.get(
        "/api/pim/products/?ai_readability_score__lt=60&page_size=200", headers=auth(tenant.key)
    )
    return sorted(product["sku"] for product in page.json()["results"])


async def test_a_segment_of_the_products_agents_cannot_sell_well(
    segment_api: httpx.AsyncClient,
    pim: httpx.AsyncClient,
    make_schema_tenant: SchemaTenantFactory,
    worker_context: Context,
) -> None:
    tenant = await make_schema_tenant(FIELDS)
    key = auth(tenant.key)
    products = await catalog(pim, tenant)
    await relay_outbox(worker_context)
    expected = await poorly_readable(pim, tenant)
    assert 0 < len(expected) < len(products)
    preview = await segment_api.post("/api/product-segments/preview/", json=POORLY_READABLE, headers=key)
    assert (preview.json()["matched_count"], preview.json()["sample_skus"]) == (len(expected), expected[:10])

    created = await segment_api.post(
        SEGMENTS, json={"name": "Hard for agents", "definition": POORLY_READABLE}, headers=key
    )
    segment_id = created.json()["id"]
    await run_now(worker_context, tenant, segment_id)
    assert sorted(member["sku"] for member in await all_members(segment_api, tenant, segment_id)) == expected

    improved = next(product for product in products if product["sku"] == expected[0])
    full = next(product for product in products if product["sku"] == "FULL")  # its data, copied over
    better = {"name": full["name"], "data": full["data"]}
    response = await pim.patch(f"/api/pim/products/{improved['id']}/", json=better, headers=key)
    assert response.json()["ai_readability_score"] >= 60
    await relay_outbox(worker_context)
    await run_now(worker_context, tenant, segment_id)
    members = sorted(member["sku"] for member in await all_members(segment_api, tenant, segment_id))
    assert members == expected[1:] == await poorly_readable(pim, tenant)

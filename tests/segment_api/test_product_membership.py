"""Which segments hold a product: by SKU or id, as of each segment's current run, per tenant."""

import json
from typing import Any

import httpx
import pytest

from import_worker.context import Context
from pim_api.tenancy.service import IssuedKey
from tests.segment_api.test_computation import NIKE, SEGMENTS, catalog, new_segment, run_now, write
from tests.support import FIELDS, SchemaTenantFactory, auth

MEMBERSHIP = f"{SEGMENTS}membership/"
ADIDAS = json.loads(json.dumps(NIKE).replace('"Nike"', '"Adidas"'))


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(FIELDS)


async def holders(segment_api: httpx.AsyncClient, tenant: IssuedKey, **params: Any) -> list[dict[str, Any]]:
    response = await segment_api.get(MEMBERSHIP, params=params, headers=auth(tenant.key))
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


async def test_a_product_is_held_by_the_segments_whose_current_run_holds_it(
    segment_api: httpx.AsyncClient,
    pim: httpx.AsyncClient,
    tenant: IssuedKey,
    worker_context: Context,
    make_schema_tenant: SchemaTenantFactory,
) -> None:
    await write(
        pim, tenant, worker_context, [*catalog(3), {"sku": "ADI", "name": "Other", "brand": "Adidas"}]
    )
    nike = await new_segment(segment_api, tenant, name="Nike")
    adidas = await new_segment(segment_api, tenant, name="Adidas", definition=ADIDAS)
    await new_segment(segment_api, tenant, name="Never computed")  # holds nothing yet
    for segment_id in (nike, adidas):
        await run_now(worker_context, tenant, segment_id)

    assert await holders(segment_api, tenant, sku="S0000") == [{"id": nike, "name": "Nike"}]
    assert await holders(segment_api, tenant, sku="ADI") == [{"id": adidas, "name": "Adidas"}]
    assert await holders(segment_api, tenant, sku="nope") == []
    page = (await pim.get("/api/pim/products/", headers=auth(tenant.key))).json()
    by_sku = {product["sku"]: product["id"] for product in page["results"]}
    assert await holders(segment_api, tenant, product_id=by_sku["S0001"]) == [{"id": nike, "name": "Nike"}]

    # It follows the current run: moved to Adidas and recomputed, it is held by the other segment.
    await write(pim, tenant, worker_context, [{"sku": "S0000", "name": "Shoe 0", "brand": "Adidas"}])
    assert await holders(segment_api, tenant, sku="S0000") == [{"id": nike, "name": "Nike"}]
    for segment_id in (nike, adidas):
        await run_now(worker_context, tenant, segment_id)
    assert await holders(segment_api, tenant, sku="S0000") == [{"id": adidas, "name": "Adidas"}]

    # Another tenant asking about the same SKU sees only its own segments.
    other = await make_schema_tenant(FIELDS)
    await write(pim, other, worker_context, catalog(1))
    await new_segment(segment_api, other, name="Theirs")
    assert await holders(segment_api, other, sku="S0000") == []


async def test_a_product_is_named_by_its_sku_its_id_or_both(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> None:
    await write(pim, tenant, worker_context, catalog(2))
    nike = await new_segment(segment_api, tenant, name="Nike")
    await run_now(worker_context, tenant, nike)
    page = (await pim.get("/api/pim/products/", headers=auth(tenant.key))).json()
    first = {product["sku"]: product["id"] for product in page["results"]}["S0000"]
    assert await holders(segment_api, tenant, sku="S0000", product_id=first) == [{"id": nike, "name": "Nike"}]
    assert await holders(segment_api, tenant, sku="S0001", product_id=first) == []  # two products
    response = await segment_api.get(MEMBERSHIP, headers=auth(tenant.key))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "sku", "message": "give the product's sku or its product_id"}
    ]

"""`GET /api/pim/products/{id}/readability/` on the real Postgres: the breakdown of a stored product,
boilerplate found among the tenant's products (and only the tenant's), and 404s across tenants."""

from typing import Any

import httpx
import pytest

from pim_api.tenancy.service import IssuedKey
from tests.pim_api.test_readability_score import COMPLETE, DESCRIPTION, SCHEMA, TITLE
from tests.support import SchemaTenantFactory, TenantFactory, auth

FIELDS = [{"name": name, "type": field_type} for name, field_type in SCHEMA.items()]


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(FIELDS)


async def create(pim: httpx.AsyncClient, tenant: IssuedKey, sku: str, name: str, data: dict[str, Any]) -> int:
    response = await pim.post(
        "/api/pim/products/", json={"sku": sku, "name": name, "data": data}, headers=auth(tenant.key)
    )
    assert response.status_code == 201, response.text
    product_id: int = response.json()["id"]
    return product_id


async def readability(pim: httpx.AsyncClient, tenant: IssuedKey, product_id: int) -> dict[str, Any]:
    response = await pim.get(f"/api/pim/products/{product_id}/readability/", headers=auth(tenant.key))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_the_breakdown_of_a_stored_product(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    complete = await create(pim, tenant, "FULL", TITLE, COMPLETE)
    assert await readability(pim, tenant, complete) == {
        "product_id": complete,
        "score": 100.0,
        "grade": "A",
        "criteria": [
            {"name": name, "score": float(weight), "weight": weight, "suggestions": []}
            for name, weight in [
                ("feed_fields", 35),
                ("title", 20),
                ("description", 20),
                ("richness", 15),
                ("consistency", 10),
            ]
        ],
    }
    bare = await readability(pim, tenant, await create(pim, tenant, "BARE", "Shoe", {}))
    assert (bare["score"], bare["grade"]) == (6.0, "E")
    feed = next(criterion for criterion in bare["criteria"] if criterion["name"] == "feed_fields")
    assert "add a GTIN (gtin)" in feed["suggestions"]


async def test_a_description_five_of_the_tenants_products_share_is_boilerplate(
    pim: httpx.AsyncClient, tenant: IssuedKey, make_schema_tenant: SchemaTenantFactory
) -> None:
    other = await make_schema_tenant(FIELDS)  # its products do not count
    for index in range(4):
        await create(pim, other, f"O{index}", TITLE, COMPLETE)
    ids = [await create(pim, tenant, f"S{index}", TITLE, COMPLETE) for index in range(4)]
    assert (await readability(pim, tenant, ids[0]))["score"] == 100.0  # 4 share it: not yet boilerplate
    ids.append(await create(pim, tenant, "S4", TITLE, COMPLETE))
    found = await readability(pim, tenant, ids[0])
    description = next(criterion for criterion in found["criteria"] if criterion["name"] == "description")
    assert description["score"] == 16.0
    assert description["suggestions"] == ["description is shared by 5 products; write one for this product"]
    unique = await create(pim, tenant, "U", TITLE, {**COMPLETE, "description": f"{DESCRIPTION} Unique."})
    assert (await readability(pim, tenant, unique))["score"] == 100.0


async def test_another_tenants_product_is_not_found(
    pim: httpx.AsyncClient, tenant: IssuedKey, make_tenant: TenantFactory
) -> None:
    product_id = await create(pim, tenant, "MINE", TITLE, COMPLETE)
    other = await make_tenant()
    url = f"/api/pim/products/{product_id}/readability/"
    assert (await pim.get(url, headers=auth(other.key))).status_code == 404
    assert (
        await pim.get("/api/pim/products/999999999/readability/", headers=auth(tenant.key))
    ).status_code == 404
    assert (await pim.get("/api/pim/products/0/readability/", headers=auth(tenant.key))).status_code == 400

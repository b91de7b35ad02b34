"""GET /api/pim/facets/: whole-catalog top values, sorted, narrowed by filters, with counts."""

import httpx
import pytest

from pim_api.tenancy.service import IssuedKey
from tests.support import TenantFactory, auth

FACETS = "/api/pim/facets/"
FIELDS = [
    {"name": "brand", "type": "string"},
    {"name": "tags", "type": "array"},
    {"name": "price", "type": "price"},
    {"name": "description", "type": "text"},
]


@pytest.fixture
async def catalog(pim: httpx.AsyncClient, make_tenant: TenantFactory) -> IssuedKey:
    tenant = await make_tenant()
    await pim.put("/api/pim/schema/", json={"fields": FIELDS}, headers=auth(tenant.key))
    products = [
        {"sku": f"N{i}", "name": f"Nike {i}", "brand": "Nike", "tags": ["running", "sport"]} for i in range(3)
    ] + [
        {"sku": "A1", "name": "Adidas 1", "brand": "Adidas", "tags": ["casual"], "price": "10"},
        {"sku": "P1", "name": "Puma 1", "brand": "Puma", "description": "long text"},
        {"sku": "X1", "name": "No brand", "tags": []},
    ]
    response = await pim.post(
        "/api/pim/products/bulk/", json={"products": products}, headers=auth(tenant.key)
    )
    assert response.status_code == 200, response.text
    return tenant


async def test_string_and_array_fields_sorted_ascending(pim: httpx.AsyncClient, catalog: IssuedKey) -> None:
    response = await pim.get(FACETS, headers=auth(catalog.key))
    assert response.status_code == 200, response.text
    assert response.json() == {"brand": ["Adidas", "Nike", "Puma"], "tags": ["casual", "running", "sport"]}


async def test_counts(pim: httpx.AsyncClient, catalog: IssuedKey) -> None:
    body = (await pim.get(FACETS, params={"counts": "true"}, headers=auth(catalog.key))).json()
    assert body["brand"] == [
        {"value": "Adidas", "count": 1},
        {"value": "Nike", "count": 3},
        {"value": "Puma", "count": 1},
    ]
    assert body["tags"] == [
        {"value": "casual", "count": 1},
        {"value": "running", "count": 3},
        {"value": "sport", "count": 3},
    ]


async def test_filters_narrow_the_values(pim: httpx.AsyncClient, catalog: IssuedKey) -> None:
    by_tag = (await pim.get(FACETS, params={"tags": "casual"}, headers=auth(catalog.key))).json()
    assert by_tag == {"brand": ["Adidas"], "tags": ["casual"]}
    by_name = (await pim.get(FACETS, params={"q": "puma"}, headers=auth(catalog.key))).json()
    assert by_name == {"brand": ["Puma"], "tags": []}


async def test_only_the_100_most_frequent_values_per_field(
    pim: httpx.AsyncClient, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    await pim.put("/api/pim/schema/", json={"fields": FIELDS[:1]}, headers=auth(tenant.key))
    # brand "b000" appears 3 times, b001..b149 once: the top 100 is b000 plus the first 99 singles.
    products = [{"sku": f"S{i}", "name": "x", "brand": f"b{i:03d}"} for i in range(150)]
    products += [{"sku": f"T{i}", "name": "x", "brand": "b000"} for i in range(2)]
    await pim.post("/api/pim/products/bulk/", json={"products": products}, headers=auth(tenant.key))
    brands = (await pim.get(FACETS, headers=auth(tenant.key))).json()["brand"]
    assert brands == [f"b{i:03d}" for i in range(100)]


async def test_bad_parameters_are_a_400(pim: httpx.AsyncClient, catalog: IssuedKey) -> None:
    unknown = await pim.get(FACETS, params={"colour": "red"}, headers=auth(catalog.key))
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["path"] == "colour"
    counts = await pim.get(FACETS, params={"counts": "sometimes"}, headers=auth(catalog.key))
    assert counts.status_code == 400
    assert counts.json()["errors"][0]["path"] == "counts"


async def test_a_tenant_without_faceted_fields_gets_an_empty_object(
    pim: httpx.AsyncClient, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    assert (await pim.get(FACETS, headers=auth(tenant.key))).json() == {}

"""GET /api/pim/products/: q, typed filters, unknown params, paging links and boundaries."""

from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from pim_api.tenancy.service import IssuedKey
from tests.support import FIELDS, SchemaTenantFactory, TenantFactory, auth

PRODUCTS = "/api/pim/products/"


@pytest.fixture
async def catalog(pim: httpx.AsyncClient, make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    """7 products: names, brands, prices, tags and flags chosen to tell filters apart."""
    tenant = await make_schema_tenant(FIELDS)
    products = [
        {
            "sku": "S1",
            "name": "Air Max 90",
            "brand": "Nike",
            "price": "129.99",
            "tags": ["running"],
            "published": True,
        },
        {
            "sku": "S2",
            "name": "AIR Force",
            "brand": "Nike",
            "price": "99.00",
            "tags": ["casual"],
            "published": False,
        },
        {"sku": "S3", "name": "Stan Smith", "brand": "Adidas", "price": "89", "tags": ["casual", "tennis"]},
        {"sku": "S4", "name": "Ultraboost", "brand": "Adidas", "inventory_count": 5, "tags": ["running"]},
        {"sku": "S5", "name": "Fair 100% wool", "brand": "Patagonia", "inventory_count": 5.0},
        {"sku": "S6", "name": "Snake_case air", "brand": "nike"},
        {"sku": "S7", "name": "Plain", "legacy": "x"},
    ]
    response = await pim.post(f"{PRODUCTS}bulk/", json={"products": products}, headers=auth(tenant.key))
    assert response.json() == {"created": 7, "updated": 0}, response.text
    return tenant


async def skus(pim: httpx.AsyncClient, tenant: IssuedKey, params: httpx.QueryParams) -> list[str]:
    response = await pim.get(PRODUCTS, params=params, headers=auth(tenant.key))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["results"])
    return [product["sku"] for product in body["results"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "air"}, ["S1", "S2", "S5", "S6"]),
        ({"q": "AIR MAX"}, ["S1"]),
        ({"q": "100%"}, ["S5"]),  # LIKE wildcards are literal
        ({"q": "_"}, ["S6"]),
        ({"brand": "Nike"}, ["S1", "S2"]),  # exact, case-sensitive
        ({"price": "$129.99"}, ["S1"]),  # typed: normalised like stored values
        ({"price": "89.00"}, ["S3"]),
        ({"published": "no"}, ["S2"]),
        ({"tags": "running"}, ["S1", "S4"]),  # arrays match on an element
        ({"inventory_count": "5"}, ["S4", "S5"]),
        ({"brand": "Nike", "tags": "casual"}, ["S2"]),
        ([("brand", "Nike"), ("brand", "Patagonia")], ["S1", "S2", "S5"]),  # repeated: any of
        ({"q": "air", "brand": "Nike"}, ["S1", "S2"]),
        ({"brand": "Nobody"}, []),
    ],
)
async def test_search_and_filters(
    pim: httpx.AsyncClient, catalog: IssuedKey, params: dict[str, str], expected: list[str]
) -> None:
    assert await skus(pim, catalog, httpx.QueryParams(params)) == expected


async def test_unknown_params_and_bad_values_are_a_400_naming_each(
    pim: httpx.AsyncClient, catalog: IssuedKey
) -> None:
    response = await pim.get(
        PRODUCTS, params={"colour": "red", "legacy": "x", "price": "cheap"}, headers=auth(catalog.key)
    )
    assert response.status_code == 400
    errors = {error["path"]: error["message"] for error in response.json()["errors"]}
    assert set(errors) == {"colour", "legacy", "price"}
    assert "not a schema field" in errors["colour"]
    assert "cheap" in errors["price"]


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"page_size": "201"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
    ],
)
async def test_bad_paging_is_a_400(
    pim: httpx.AsyncClient, catalog: IssuedKey, params: dict[str, str], path: str
) -> None:
    response = await pim.get(PRODUCTS, params=params, headers=auth(catalog.key))
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == path


async def test_paging_walks_every_product_once_keeping_the_filters(
    pim: httpx.AsyncClient, catalog: IssuedKey
) -> None:
    url: str | None = f"{PRODUCTS}?q=i&page_size=2"
    seen: list[str] = []
    pages = 0
    while url:
        body = (await pim.get(url, headers=auth(catalog.key))).json()
        assert body["count"] == 6
        seen += [product["sku"] for product in body["results"]]
        pages += 1
        if body["next"]:
            query = dict(parse_qsl(urlsplit(body["next"]).query))
            assert urlsplit(body["next"]).path == PRODUCTS
            assert query == {"q": "i", "page": str(pages + 1), "page_size": "2"}
        url = body["next"]
    assert pages == 3
    assert seen == ["S1", "S2", "S3", "S5", "S6", "S7"]  # every name with an "i" (not Ultraboost)


async def test_previous_links_and_the_last_page_boundary(pim: httpx.AsyncClient, catalog: IssuedKey) -> None:
    first = (await pim.get(PRODUCTS, params={"page_size": "3"}, headers=auth(catalog.key))).json()
    assert first["previous"] is None
    assert first["next"] == f"{PRODUCTS}?page=2&page_size=3"
    last = (await pim.get(PRODUCTS, params={"page_size": "3", "page": "3"}, headers=auth(catalog.key))).json()
    assert [p["sku"] for p in last["results"]] == ["S7"]
    assert last["next"] is None
    assert last["previous"] == f"{PRODUCTS}?page=2&page_size=3"
    past = await pim.get(PRODUCTS, params={"page_size": "3", "page": "4"}, headers=auth(catalog.key))
    assert past.status_code == 404
    assert past.json()["detail"] == "page 4 is past the last page (3)"


async def test_defaults_and_an_empty_catalog(pim: httpx.AsyncClient, make_tenant: TenantFactory) -> None:
    tenant = await make_tenant()
    body = (await pim.get(PRODUCTS, headers=auth(tenant.key))).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


async def test_a_tenant_lists_only_its_own_products(
    pim: httpx.AsyncClient, catalog: IssuedKey, make_tenant: TenantFactory
) -> None:
    other = await make_tenant()
    assert (await pim.get(PRODUCTS, headers=auth(other.key))).json()["count"] == 0


async def test_q_follows_renames_deletes_and_bulk_writes(pim: httpx.AsyncClient, catalog: IssuedKey) -> None:
    key = auth(catalog.key)
    [air_max] = (await pim.get(PRODUCTS, params={"q": "air max"}, headers=key)).json()["results"]
    await pim.patch(f"{PRODUCTS}{air_max['id']}/", json={"name": "Zoom Fly"}, headers=key)
    assert await skus(pim, catalog, httpx.QueryParams({"q": "air max"})) == []
    assert await skus(pim, catalog, httpx.QueryParams({"q": "ZOOM"})) == ["S1"]
    await pim.post(
        f"{PRODUCTS}bulk/", json={"products": [{"sku": "S2", "name": "Zoom Pegasus"}]}, headers=key
    )
    assert await skus(pim, catalog, httpx.QueryParams({"q": "zoom"})) == ["S1", "S2"]
    await pim.delete(f"{PRODUCTS}{air_max['id']}/", headers=key)
    assert await skus(pim, catalog, httpx.QueryParams({"q": "zoom"})) == ["S2"]
    assert await skus(pim, catalog, httpx.QueryParams([("q", "zoom"), ("brand", "Nike")])) == ["S2"]

"""Products CRUD: normalised data, 409 on duplicate SKU, merge on PATCH, tenant isolation, outbox."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text

from pim_api.outbox.models import ProductOutboxRow
from pim_api.tenancy.service import IssuedKey
from tests.support import FIELDS, SchemaTenantFactory, TenantFactory, auth

PRODUCTS = "/api/pim/products/"


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(FIELDS)


async def create(pim: httpx.AsyncClient, tenant: IssuedKey, **body: Any) -> httpx.Response:
    return await pim.post(PRODUCTS, json=body, headers=auth(tenant.key))


async def outbox(pim_app: FastAPI, tenant: IssuedKey) -> list[ProductOutboxRow]:
    async with pim_app.state.sessionmaker() as session:
        rows = await session.scalars(
            select(ProductOutboxRow)
            .where(ProductOutboxRow.tenant_id == tenant.tenant_id)
            .order_by(ProductOutboxRow.id)
        )
        return list(rows)


async def test_create_normalises_schema_fields_and_keeps_the_rest(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    data = {
        "brand": "Nike",
        "price": "€1.299,00",
        "published": "yes",
        "tags": "running|casual",
        "inventory_count": "45",
        "release_date": "2024-03-01",
        "colour_notes": {"anything": ["as", "given"]},
    }
    response = await create(pim, tenant, sku="SHOE-001", name="Air Max 90", data=data)
    assert response.status_code == 201, response.text
    product = response.json()
    assert product["data"] == {
        "brand": "Nike",
        "price": "1299.00",
        "published": True,
        "tags": ["running", "casual"],
        "inventory_count": 45,
        "release_date": "2024-03-01",
        "colour_notes": {"anything": ["as", "given"]},
    }
    assert set(product) == {
        "id",
        "sku",
        "name",
        "data",
        "source",
        "ai_readability_score",
        "created_at",
        "updated_at",
    }
    assert (product["sku"], product["name"], product["source"]) == ("SHOE-001", "Air Max 90", "api")
    breakdown = await pim.get(f"/api/pim/products/{product['id']}/readability/", headers=auth(tenant.key))
    assert product["ai_readability_score"] == breakdown.json()["score"]  # scored as it was written
    fetched = await pim.get(f"{PRODUCTS}{product['id']}/", headers=auth(tenant.key))
    assert fetched.json() == product


async def test_dollar_price_with_thousands_separator(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    response = await create(pim, tenant, sku="P-1", name="x", data={"price": "$1,299.00"})
    assert response.json()["data"]["price"] == "1299.00"


async def test_duplicate_sku_is_a_409(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    assert (await create(pim, tenant, sku="DUP", name="first")).status_code == 201
    response = await create(pim, tenant, sku="DUP", name="second")
    assert response.status_code == 409
    assert response.json()["detail"] == "a product with sku 'DUP' already exists"


async def test_the_same_sku_in_two_tenants_is_two_products(
    pim: httpx.AsyncClient, tenant: IssuedKey, make_tenant: TenantFactory
) -> None:
    other = await make_tenant()
    assert (await create(pim, tenant, sku="SAME", name="a")).status_code == 201
    assert (await create(pim, other, sku="SAME", name="b")).status_code == 201


@pytest.mark.parametrize(
    ("data", "path", "fragment"),
    [
        ({"price": "abc"}, "data.price", "abc"),
        ({"published": "maybe"}, "data.published", "maybe"),
        ({"inventory_count": "lots"}, "data.inventory_count", "lots"),
        ({"release_date": "03/04/2024"}, "data.release_date", "03/04/2024"),
    ],
)
async def test_bad_values_are_a_400_naming_field_and_value(
    pim: httpx.AsyncClient, tenant: IssuedKey, data: dict[str, Any], path: str, fragment: str
) -> None:
    response = await create(pim, tenant, sku="BAD", name="x", data=data)
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["path"] == path
    assert fragment in error["message"]
    assert (await pim.get(PRODUCTS, headers=auth(tenant.key))).json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"name": "no sku"}, "sku"),
        ({"sku": "", "name": "x"}, "sku"),
        ({"sku": "A", "name": "  "}, "name"),
        ({"sku": "A", "name": "x", "data": []}, "data"),
        ({"sku": "A", "name": "x", "extra": 1}, "extra"),
    ],
)
async def test_malformed_bodies_are_a_400_with_the_path(
    pim: httpx.AsyncClient, tenant: IssuedKey, body: dict[str, Any], path: str
) -> None:
    response = await pim.post(PRODUCTS, json=body, headers=auth(tenant.key))
    assert response.status_code == 400
    assert path in {error["path"] for error in response.json()["errors"]}


async def test_required_fields_must_be_set(pim: httpx.AsyncClient, make_tenant: TenantFactory) -> None:
    tenant = await make_tenant()
    fields = [{"name": "brand", "type": "string", "required": True}]
    await pim.put("/api/pim/schema/", json={"fields": fields}, headers=auth(tenant.key))
    missing = await create(pim, tenant, sku="R", name="x", data={})
    assert missing.status_code == 400
    assert missing.json()["errors"] == [
        {"path": "data.brand", "message": "required field 'brand' is missing"}
    ]
    created = (await create(pim, tenant, sku="R", name="x", data={"brand": "Nike"})).json()
    removed = await pim.patch(
        f"{PRODUCTS}{created['id']}/", json={"data": {"brand": None}}, headers=auth(tenant.key)
    )
    assert removed.status_code == 400


async def test_patch_merges_data_and_bumps_version_and_updated_at(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    created = (
        await create(pim, tenant, sku="M", name="old", data={"brand": "Nike", "tags": ["a"], "x": 1})
    ).json()
    response = await pim.patch(
        f"{PRODUCTS}{created['id']}/",
        json={"name": "new", "data": {"brand": "Adidas", "x": None, "price": "99.9"}},
        headers=auth(tenant.key),
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["name"] == "new"
    assert patched["data"] == {"brand": "Adidas", "tags": ["a"], "price": "99.90"}
    assert patched["updated_at"] > created["updated_at"]
    assert patched["created_at"] == created["created_at"]
    only_data = await pim.patch(f"{PRODUCTS}{created['id']}/", json={"data": {}}, headers=auth(tenant.key))
    assert only_data.json()["name"] == "new"

    versions = [row.version for row in await outbox(pim_app, tenant)]
    assert len(versions) == 3
    assert versions == sorted(versions) and len(set(versions)) == 3


async def test_delete_removes_the_product_and_writes_a_tombstone(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    created = (await create(pim, tenant, sku="GONE", name="x")).json()
    url = f"{PRODUCTS}{created['id']}/"
    assert (await pim.delete(url, headers=auth(tenant.key))).status_code == 204
    assert (await pim.get(url, headers=auth(tenant.key))).status_code == 404
    assert (await pim.delete(url, headers=auth(tenant.key))).status_code == 404
    write, tombstone = await outbox(pim_app, tenant)
    assert (tombstone.sku, tombstone.deleted, tombstone.product_id) == ("GONE", True, created["id"])
    assert tombstone.version > write.version


async def test_another_tenants_product_is_a_404(
    pim: httpx.AsyncClient, tenant: IssuedKey, make_tenant: TenantFactory
) -> None:
    created = (await create(pim, tenant, sku="MINE", name="x")).json()
    other = await make_tenant()
    url = f"{PRODUCTS}{created['id']}/"
    assert (await pim.get(url, headers=auth(other.key))).status_code == 404
    assert (await pim.patch(url, json={"name": "stolen"}, headers=auth(other.key))).status_code == 404
    assert (await pim.delete(url, headers=auth(other.key))).status_code == 404
    assert (await pim.get(url, headers=auth(tenant.key))).json()["name"] == "x"


async def test_unknown_product_is_a_404_with_detail(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    response = await pim.get(f"{PRODUCTS}999999999/", headers=auth(tenant.key))
    assert response.status_code == 404
    assert response.json() == {"detail": "product 999999999 not found"}


async def test_every_write_has_its_outbox_row_whoever_makes_it(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    """The triggers write the outbox, so a write outside the API (an operator's SQL) has one too."""
    created = (await create(pim, tenant, sku="SQL", name="x")).json()
    async with pim_app.state.sessionmaker() as session, session.begin():
        await session.execute(
            text(
                "UPDATE pim.products SET name = 'y', version = nextval('pim.product_version_seq') "
                "WHERE id = :id"
            ),
            {"id": created["id"]},
        )
    rows = await outbox(pim_app, tenant)
    assert [(row.product_id, row.deleted) for row in rows] == [(created["id"], False)] * 2
    assert rows[1].version > rows[0].version


async def test_nan_or_infinity_anywhere_in_data_is_a_400(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    """Python's JSON parser takes them; Postgres's jsonb would refuse them with a 500."""
    headers = {**auth(tenant.key), "Content-Type": "application/json"}
    not_json = '{"sku": "NAN", "name": "x", "data": {"meta": {"scores": [1.5, NaN]}}}'
    response = await pim.post(PRODUCTS, content=not_json, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["errors"] == [
        {"path": "$", "message": "the body is not valid JSON: expected value at line 1 column 63"}
    ]
    overflowing = '{"sku": "NAN", "name": "x", "data": {"meta": {"scores": [1.5, 1e999]}, "size": -1e400}}'
    response = await pim.post(PRODUCTS, content=overflowing, headers=headers)
    assert response.status_code == 400, response.text
    assert [error["path"] for error in response.json()["errors"]] == ["data.meta", "data.size"]
    assert (await pim.get(PRODUCTS, headers=auth(tenant.key))).json()["count"] == 0

"""`GET/PUT /api/pim/schema/`: shapes, validation naming each bad field, tenant scoping."""

from typing import Any

import httpx
import pytest

from tests.support import TenantFactory

SCHEMA = "/api/pim/schema/"
BRAND = {"name": "brand", "type": "string", "required": False, "description": "Brand name"}


async def put(pim: httpx.AsyncClient, key: str, body: dict[str, Any]) -> httpx.Response:
    return await pim.put(SCHEMA, json=body, headers={"X-API-Key": key})


async def test_put_replaces_the_schema_and_get_returns_it(
    pim: httpx.AsyncClient, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    before = (await pim.get(SCHEMA, headers={"X-API-Key": tenant.key})).json()
    body = {
        "fields": [BRAND, {"name": "price", "type": "price"}, {"name": "tags", "type": "array"}],
        "default_currency": "EUR",
        "default_locale": "fr_FR",
    }
    response = await put(pim, tenant.key, body)
    assert response.status_code == 200, response.text
    saved = response.json()
    assert saved["fields"] == [
        BRAND,
        {"name": "price", "type": "price", "required": False, "description": ""},
        {"name": "tags", "type": "array", "required": False, "description": ""},
    ]
    assert (saved["default_currency"], saved["default_locale"]) == ("EUR", "fr_FR")
    assert saved["id"] == before["id"]
    assert saved["created_at"] == before["created_at"]
    assert saved["updated_at"] > before["updated_at"]
    assert saved.pop("incompatible_values") == []
    assert (await pim.get(SCHEMA, headers={"X-API-Key": tenant.key})).json() == saved


async def test_omitted_defaults_keep_their_values(pim: httpx.AsyncClient, make_tenant: TenantFactory) -> None:
    tenant = await make_tenant()
    await put(pim, tenant.key, {"fields": [], "default_currency": "GBP", "default_locale": "en_GB"})
    saved = (await put(pim, tenant.key, {"fields": [BRAND]})).json()
    assert (saved["default_currency"], saved["default_locale"]) == ("GBP", "en_GB")


async def test_a_schema_is_the_tenants_own(pim: httpx.AsyncClient, make_tenant: TenantFactory) -> None:
    a, b = await make_tenant(), await make_tenant()
    await put(pim, a.key, {"fields": [BRAND]})
    assert (await pim.get(SCHEMA, headers={"X-API-Key": b.key})).json()["fields"] == []


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ({"fields": [{"name": "Brand", "type": "string"}]}, "fields[0].name", "snake_case"),
        ({"fields": [{"name": "sku", "type": "string"}]}, "fields[0].name", "reserved"),
        ({"fields": [{"name": "name", "type": "string"}]}, "fields[0].name", "reserved"),
        ({"fields": [{"name": "a__b", "type": "string"}]}, "fields[0].name", "snake_case"),
        ({"fields": [BRAND, {"name": "x", "type": "money"}]}, "fields[1].type", "Input should be"),
        ({"fields": [{"type": "string"}]}, "fields[0].name", "Field required"),
        ({"fields": [{"name": "a", "type": "string", "colour": "x"}]}, "fields[0].colour", "Extra inputs"),
        ({"fields": [], "default_currency": "EURO"}, "default_currency", "ISO 4217"),
        ({"fields": [], "default_currency": "usd"}, "default_currency", "ISO 4217"),
        ({"fields": [], "default_locale": "en-US"}, "default_locale", "like en_US"),
        ({"fields": [], "default_locale": "xx_US"}, "default_locale", "like en_US"),
        ({"fields": [], "default_locale": "en_XX"}, "default_locale", "like en_US"),
        ({}, "fields", "Field required"),
    ],
)
async def test_invalid_schemas_are_a_400_naming_the_field(
    pim: httpx.AsyncClient, make_tenant: TenantFactory, body: dict[str, Any], path: str, message: str
) -> None:
    tenant = await make_tenant()
    response = await put(pim, tenant.key, body)
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert any(e["path"] == path and message in e["message"] for e in errors), response.json()


async def test_every_bad_field_is_named_at_once(pim: httpx.AsyncClient, make_tenant: TenantFactory) -> None:
    tenant = await make_tenant()
    body = {"fields": [{"name": "Bad Name", "type": "string"}, BRAND, BRAND, {"name": "ok", "type": "nope"}]}
    response = await put(pim, tenant.key, body)
    assert response.status_code == 400
    paths = {error["path"] for error in response.json()["errors"]}
    assert paths == {"fields[0].name", "fields[3].type"}  # duplicates are checked once the rest is valid


async def test_duplicate_names_are_a_400_naming_each_repeat(
    pim: httpx.AsyncClient, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    response = await put(pim, tenant.key, {"fields": [BRAND, {"name": "price", "type": "price"}, BRAND]})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "fields[2].name", "message": "duplicate field name 'brand' (first at fields[0])"}
    ]
    assert (await pim.get(SCHEMA, headers={"X-API-Key": tenant.key})).json()["fields"] == []


async def test_changing_a_type_keeps_stored_values_and_reports_those_that_no_longer_fit(
    pim: httpx.AsyncClient, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    await put(pim, tenant.key, {"fields": [{"name": "size", "type": "string"}, BRAND]})
    products = [
        {"sku": "A", "name": "a", "size": "42", "brand": "Nike"},
        {"sku": "B", "name": "b", "size": "XL", "brand": "Puma"},
        {"sku": "C", "name": "c", "size": "L"},
        {"sku": "D", "name": "d", "weight": "heavy"},
    ]
    await pim.post("/api/pim/products/bulk/", json={"products": products}, headers={"X-API-Key": tenant.key})
    unchanged_types = [{"name": "size", "type": "number"}, BRAND, {"name": "weight", "type": "number"}]
    response = await put(pim, tenant.key, {"fields": unchanged_types})
    assert response.status_code == 200, response.text
    assert response.json()["incompatible_values"] == [
        # "42" is text, not a JSON number: it is not in number's stored form either.
        {"field": "size", "type": "number", "count": 3, "sample_skus": ["A", "B", "C"]},
        {"field": "weight", "type": "number", "count": 1, "sample_skus": ["D"]},
    ]
    listed = (await pim.get("/api/pim/products/", headers={"X-API-Key": tenant.key})).json()["results"]
    assert [p["data"] for p in listed] == [
        {"size": "42", "brand": "Nike"},
        {"size": "XL", "brand": "Puma"},
        {"size": "L"},
        {"weight": "heavy"},
    ]
    again = await put(pim, tenant.key, {"fields": unchanged_types})
    assert again.json()["incompatible_values"] == []  # only fields whose type changes are checked
    rewritten = await pim.post(
        "/api/pim/products/bulk/",
        json={"products": [{"sku": "A", "size": "42"}]},
        headers={"X-API-Key": tenant.key},
    )
    assert rewritten.status_code == 200
    back = await put(pim, tenant.key, {"fields": [{"name": "size", "type": "string"}, BRAND]})
    assert back.json()["incompatible_values"] == [
        {"field": "size", "type": "string", "count": 1, "sample_skus": ["A"]}  # now the number 42
    ]

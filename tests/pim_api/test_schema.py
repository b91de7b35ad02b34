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

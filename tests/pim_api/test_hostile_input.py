"""Input that must never be a 5xx: text Postgres cannot store, ids no bigint holds, JSON that is not
JSON. Each is a 4xx that says where, and nothing is written."""

from typing import Any

import httpx
import pytest

from pim_api.tenancy.service import IssuedKey
from segops_platform.auth.tokens import issue_token
from segops_platform.settings import ServiceSettings
from segops_platform.text_rules import NUL_MESSAGE
from tests.support import FIELDS, SchemaTenantFactory, auth

PRODUCTS = "/api/pim/products/"
BULK = "/api/pim/products/bulk/"
BEYOND_BIGINT = 2**63


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(FIELDS)


async def product_count(pim: httpx.AsyncClient, tenant: IssuedKey) -> int:
    response = await pim.get(PRODUCTS, headers=auth(tenant.key))
    count: int = response.json()["count"]
    return count


def assert_located(response: httpx.Response, path: str, message: str | None = None) -> None:
    assert response.status_code == 400, response.text
    first = response.json()["errors"][0]
    assert first["path"] == path
    if message is not None:
        assert first["message"] == message


NUL_IN_CREATE = [
    ({"sku": "A\x00", "name": "x"}, "sku", NUL_MESSAGE),
    ({"sku": "A", "name": "x\x00"}, "name", NUL_MESSAGE),
    ({"sku": "A", "name": "x", "data": {"k\x00ey": 1}}, "data.k\x00ey", f"the key {NUL_MESSAGE}"),
    ({"sku": "A", "name": "x", "data": {"brand": "a\x00"}}, "data.brand", NUL_MESSAGE),
    (
        {"sku": "A", "name": "x", "data": {"extra": ["ok", {"deep": "v\x00"}]}},
        "data.extra[1].deep",
        NUL_MESSAGE,
    ),
]


@pytest.mark.parametrize(("body", "path", "message"), NUL_IN_CREATE)
async def test_nul_anywhere_in_a_new_product_is_a_400_naming_it(
    pim: httpx.AsyncClient, tenant: IssuedKey, body: dict[str, Any], path: str, message: str
) -> None:
    assert_located(await pim.post(PRODUCTS, json=body, headers=auth(tenant.key)), path, message)
    assert await product_count(pim, tenant) == 0


async def test_nul_in_a_patch_is_a_400_and_the_product_stays(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    created = (await pim.post(PRODUCTS, json={"sku": "P", "name": "kept"}, headers=auth(tenant.key))).json()
    url = f"{PRODUCTS}{created['id']}/"
    for body, path in [({"name": "n\x00"}, "name"), ({"data": {"a": {"b\x00": True}}}, "data.a.b\x00")]:
        assert_located(await pim.patch(url, json=body, headers=auth(tenant.key)), path)
    assert (await pim.get(url, headers=auth(tenant.key))).json() == created


@pytest.mark.parametrize(
    ("item", "path"),
    [
        ({"sku": "S\x00", "name": "x"}, "products[1].sku"),
        ({"sku": "S", "name": "\x00"}, "products[1].name"),
        ({"sku": "S", "name": "x", "co\x00lor": "red"}, "products[1].co\x00lor"),
        ({"sku": "S", "name": "x", "extra": {"list": [1, "\x00"]}}, "products[1].extra.list[1]"),
    ],
)
async def test_nul_in_a_bulk_item_is_a_400_naming_it_and_nothing_is_written(
    pim: httpx.AsyncClient, tenant: IssuedKey, item: dict[str, Any], path: str
) -> None:
    body = {"products": [{"sku": "OK", "name": "fine"}, item]}
    assert_located(await pim.post(BULK, json=body, headers=auth(tenant.key)), path, None)
    assert await product_count(pim, tenant) == 0


async def test_nul_in_a_schema_fields_description_is_a_400(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    body = {"fields": [{"name": "brand", "type": "string", "description": "the \x00 brand"}]}
    response = await pim.put("/api/pim/schema/", json=body, headers=auth(tenant.key))
    assert_located(response, "fields[0].description", NUL_MESSAGE)
    schema = (await pim.get("/api/pim/schema/", headers=auth(tenant.key))).json()
    assert [field["name"] for field in schema["fields"]] == [field["name"] for field in FIELDS]


@pytest.mark.parametrize("endpoint", [PRODUCTS, "/api/pim/facets/"])
@pytest.mark.parametrize(
    ("query", "path"), [("q=%00", "q"), ("brand=a%00b", "brand"), ("%00=1", "\x00"), ("tags=%00", "tags")]
)
async def test_nul_in_a_query_parameter_is_a_400_naming_it(
    pim: httpx.AsyncClient, tenant: IssuedKey, endpoint: str, query: str, path: str
) -> None:
    assert_located(await pim.get(f"{endpoint}?{query}", headers=auth(tenant.key)), path, NUL_MESSAGE)


async def test_json_that_postgres_or_json_cannot_hold_is_a_400(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    headers = {**auth(tenant.key), "Content-Type": "application/json"}
    lone_surrogate = '{"sku": "\\ud800", "name": "x"}'
    too_deep = '{"sku": "D", "name": "x", "data": {"a": ' + "[" * 300 + "]" * 300 + "}}"
    for url, body in [
        (PRODUCTS, lone_surrogate),
        (PRODUCTS, too_deep),
        (BULK, '{"products": [' + lone_surrogate + "]}"),
        (BULK, '{"products": [' + too_deep + "]}"),
    ]:
        response = await pim.post(url, content=body, headers=headers)
        assert_located(response, "$")
        assert response.json()["errors"][0]["message"].startswith("the body is not valid JSON")
    assert await product_count(pim, tenant) == 0


@pytest.mark.parametrize("product_id", [0, BEYOND_BIGINT, 10**30])
async def test_an_id_no_bigint_holds_is_a_400_on_every_method(
    pim: httpx.AsyncClient, tenant: IssuedKey, product_id: int
) -> None:
    url = f"{PRODUCTS}{product_id}/"
    for response in [
        await pim.get(url, headers=auth(tenant.key)),
        await pim.patch(url, json={"name": "n"}, headers=auth(tenant.key)),
        await pim.delete(url, headers=auth(tenant.key)),
    ]:
        assert_located(response, "product_id")


async def test_paging_far_beyond_the_catalog(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    assert (await pim.get(f"{PRODUCTS}?page={10**30}", headers=auth(tenant.key))).status_code == 404
    assert_located(await pim.get(f"{PRODUCTS}?page_size={10**30}", headers=auth(tenant.key)), "page_size")
    assert_located(await pim.get(f"{PRODUCTS}?page=0", headers=auth(tenant.key)), "page")


async def test_a_token_for_a_tenant_no_bigint_holds_is_a_401(pim: httpx.AsyncClient) -> None:
    token = issue_token(ServiceSettings(), BEYOND_BIGINT)
    response = await pim.get(PRODUCTS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "tenant_id" in response.json()["detail"]


async def test_an_internal_tenant_id_no_bigint_holds_is_a_400(pim: httpx.AsyncClient) -> None:
    headers = {"X-Internal-Token": ServiceSettings().internal_token}
    assert_located(await pim.get(f"/internal/tenants/{BEYOND_BIGINT}", headers=headers), "tenant_id")


async def test_skus_and_names_are_stored_as_given_or_refused(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    """Never trimmed: a SKU of "X" and 309 spaces was stored as "X" (the document said at most 255)."""
    padded = "X" + " " * 309
    for body, path in [
        ({"sku": padded, "name": "x"}, "sku"),
        ({"sku": " X", "name": "x"}, "sku"),
        ({"sku": "X", "name": "x "}, "name"),
        ({"sku": "X\tY", "name": "x"}, "sku"),
    ]:
        assert_located(await pim.post(PRODUCTS, json=body, headers=auth(tenant.key)), path)
    for item, path in [
        ({"sku": "X ", "name": "x"}, "products[1].sku"),
        ({"sku": "Y", "name": "\ny"}, "products[1].name"),
    ]:
        bulk = {"products": [{"sku": "OK", "name": "fine"}, item]}
        assert_located(await pim.post(BULK, json=bulk, headers=auth(tenant.key)), path)
    assert await product_count(pim, tenant) == 0
    inner = {"sku": "X Y", "name": "Air  Max"}  # inner spaces are text like any other
    stored = (await pim.post(PRODUCTS, json=inner, headers=auth(tenant.key))).json()
    assert (stored["sku"], stored["name"]) == ("X Y", "Air  Max")


async def test_bodies_are_read_strictly_as_their_document_states(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    """A boolean is true or false and a SKU is a string: `0` and `123` were taken as false and "123"."""
    schema = {"fields": [{"name": "brand", "type": "string", "required": 0}]}
    assert_located(
        await pim.put("/api/pim/schema/", json=schema, headers=auth(tenant.key)), "fields[0].required"
    )
    assert_located(await pim.post(PRODUCTS, json={"sku": 123, "name": "x"}, headers=auth(tenant.key)), "sku")
    assert await product_count(pim, tenant) == 0


async def test_a_path_shadowed_by_no_other_route_gets_a_405_with_every_method(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    """`GET /products/bulk/` was read as product id "bulk" (a 400); OPTIONS named only GET."""
    for method, url, allowed in [
        ("GET", BULK, "POST"),
        ("OPTIONS", PRODUCTS, "GET, POST"),
        ("PUT", f"{PRODUCTS}1/", "DELETE, GET, PATCH"),
    ]:
        response = await pim.request(method, url, headers=auth(tenant.key))
        assert (response.status_code, response.headers["allow"]) == (405, allowed), (method, url)
        assert response.json() == {"detail": "Method Not Allowed"}

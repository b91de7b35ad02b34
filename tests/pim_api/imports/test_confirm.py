"""`POST /api/pim/import/{job_id}/confirm/`: the mapping checked against the file and the schema,
each problem located; the schema saved; the job `pending` and queued; only from `mapping`."""

from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis

from pim_api.tenancy.service import IssuedKey
from tests.pim_api.imports.test_upload import uploaded
from tests.support import TenantFactory, auth

CSV = b"Product ID,Title,Brand,Sale Price,Notes\nSHOE-1,Air Max,Nike,129.99,x\nSHOE-2,Pegasus,Nike,99,y\n"
SCHEMA = [
    {"name": "brand", "type": "string", "required": False, "description": "Product brand"},
    {"name": "price", "type": "price", "required": False, "description": ""},
]
MAPPING = {"Product ID": "sku", "Title": "name", "Brand": "brand", "Sale Price": "price"}


@pytest.fixture
async def tenant(make_tenant: TenantFactory) -> IssuedKey:
    return await make_tenant()


async def confirm(
    pim: httpx.AsyncClient, tenant: IssuedKey, job_id: int, body: dict[str, Any]
) -> httpx.Response:
    return await pim.post(f"/api/pim/import/{job_id}/confirm/", json=body, headers=auth(tenant.key))


async def test_confirm_saves_the_schema_and_queues_the_job_as_pending(
    pim: httpx.AsyncClient, tenant: IssuedKey, redis: ArqRedis
) -> None:
    job_id = (await uploaded(pim, tenant, CSV))["job_id"]
    body = {"mapping": MAPPING, "schema": SCHEMA, "default_currency": "EUR", "default_locale": "de_DE"}
    response = await confirm(pim, tenant, job_id, body)
    assert response.status_code == 200, response.text
    assert response.json() == {"job_id": job_id, "status": "pending"}
    schema = (await pim.get("/api/pim/schema/", headers=auth(tenant.key))).json()
    assert schema["fields"] == SCHEMA
    assert (schema["default_currency"], schema["default_locale"]) == ("EUR", "de_DE")
    job = (await pim.get(f"/api/pim/import/{job_id}/", headers=auth(tenant.key))).json()
    assert job["status"] == "pending" and job["confirmed_at"] is not None
    assert job["mapping"] == {**MAPPING, "Notes": None}  # every header: the ones left out skipped
    assert await redis.exists(f"arq:job:import_csv:{job_id}:confirmed")


async def test_a_job_past_mapping_cannot_be_confirmed_again(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    job_id = (await uploaded(pim, tenant, CSV))["job_id"]
    body = {"mapping": MAPPING, "schema": SCHEMA}
    assert (await confirm(pim, tenant, job_id, body)).status_code == 200
    again = await confirm(pim, tenant, job_id, body)
    assert again.status_code == 400
    assert "is pending" in again.json()["detail"]


async def test_another_tenants_job_is_not_found_and_untouched(
    pim: httpx.AsyncClient, tenant: IssuedKey, make_tenant: TenantFactory
) -> None:
    job_id = (await uploaded(pim, tenant, CSV))["job_id"]
    other = await make_tenant()
    response = await confirm(pim, other, job_id, {"mapping": MAPPING, "schema": SCHEMA})
    assert response.status_code == 404
    assert (await confirm(pim, tenant, 10**15, {"mapping": MAPPING, "schema": SCHEMA})).status_code == 404
    job = (await pim.get(f"/api/pim/import/{job_id}/", headers=auth(tenant.key))).json()
    assert job["status"] == "mapping"
    assert (await pim.get("/api/pim/schema/", headers=auth(other.key))).json()["fields"] == []


@pytest.mark.parametrize(
    ("mapping", "schema", "errors"),
    [
        (
            {**MAPPING, "Product ID": None},
            SCHEMA,
            [("mapping", "no header maps to 'sku': one must (rows are upserted by SKU)")],
        ),
        (
            {**MAPPING, "Notes": "sku"},
            SCHEMA,
            [("mapping.Notes", "'sku' already takes the column 'Product ID'; a target takes one column")],
        ),
        (
            {**MAPPING, "Notes": "colour"},
            SCHEMA,
            [("mapping.Notes", "'colour' is neither sku, name nor a field of `schema`")],
        ),
        ({**MAPPING, "Stock": "brand"}, SCHEMA, [("mapping.Stock", "'Stock' is not a header of the file")]),
        (
            {**MAPPING, "Notes": "brand"},
            SCHEMA,
            [("mapping.Notes", "'brand' already takes the column 'Brand'; a target takes one column")],
        ),
        (
            MAPPING,
            [*SCHEMA, SCHEMA[0]],
            [("schema[2].name", "duplicate field name 'brand' (first at schema[0])")],
        ),
        (
            {"Title": "name", "Brand": "brand"},
            [{"name": "price", "type": "price"}],
            [
                ("mapping.Brand", "'brand' is neither sku, name nor a field of `schema`"),
                ("mapping", "no header maps to 'sku': one must (rows are upserted by SKU)"),
            ],
        ),
    ],
)
async def test_each_mapping_and_schema_problem_is_located_and_nothing_is_saved(
    pim: httpx.AsyncClient,
    tenant: IssuedKey,
    mapping: dict[str, str | None],
    schema: list[dict[str, Any]],
    errors: list[tuple[str, str]],
) -> None:
    job_id = (await uploaded(pim, tenant, CSV))["job_id"]
    response = await confirm(pim, tenant, job_id, {"mapping": mapping, "schema": schema})
    assert response.status_code == 400, response.text
    assert [(error["path"], error["message"]) for error in response.json()["errors"]] == errors
    job = (await pim.get(f"/api/pim/import/{job_id}/", headers=auth(tenant.key))).json()
    assert (job["status"], job["mapping"]) == ("mapping", None)
    assert (await pim.get("/api/pim/schema/", headers=auth(tenant.key))).json()["fields"] == []


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"mapping": MAPPING}, "schema"),
        ({"mapping": MAPPING, "schema": [{"name": "Brand", "type": "string"}]}, "schema[0].name"),
        ({"mapping": MAPPING, "schema": SCHEMA, "default_currency": "XYZ"}, "default_currency"),
        ({"mapping": {"Title": 3}, "schema": SCHEMA}, "mapping.Title"),
        ({"mapping": MAPPING, "schema": SCHEMA, "extra": 1}, "extra"),
    ],
)
async def test_a_malformed_body_is_a_located_400(
    pim: httpx.AsyncClient, tenant: IssuedKey, body: dict[str, Any], path: str
) -> None:
    job_id = (await uploaded(pim, tenant, CSV))["job_id"]
    response = await confirm(pim, tenant, job_id, body)
    assert response.status_code == 400, response.text
    assert path in [error["path"] for error in response.json()["errors"]]

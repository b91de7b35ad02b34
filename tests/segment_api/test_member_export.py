"""Exporting a segment's members: every member with the fields asked for, in SKU order, as CSV
(formula cells neutralised) or NDJSON (typed values), streamed from ClickHouse."""

import csv
import io
import json

import httpx
import pytest

from import_worker.context import Context
from pim_api.tenancy.service import IssuedKey
from tests.segment_api.test_computation import SEGMENTS, new_segment, run_now, write
from tests.support import FIELDS, SchemaTenantFactory, auth

PUBLISHED = {
    "logic": "AND",
    "conditions": [
        {
            "type": "product_attribute",
            "property": "published",
            "operator": "eq",
            "value": True,
            "value_type": "boolean",
        }
    ],
}
ALL_FIELDS = "sku,name,brand,price,published,tags,release_date,inventory_count"
CATALOG = [
    {
        "sku": "S1",
        "name": "=cmd|' /C calc'!A0",
        "brand": "Nike",
        "price": "10.50",
        "published": True,
        "tags": ["a", "b"],
        "release_date": "2024-03-05",
        "inventory_count": 7,
    },
    {"sku": "S2", "name": "Plain", "brand": "+SUM(A1)", "published": True, "tags": ["-x", "@y"]},
    {"sku": "S3", "name": "@home", "published": True, "release_date": "0999-12-31", "inventory_count": -2},
    {"sku": "S4", "name": "Hidden", "published": False},
]


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(FIELDS)


@pytest.fixture
async def segment_id(
    segment_api: httpx.AsyncClient, pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> int:
    await write(pim, tenant, worker_context, CATALOG)
    segment_id = await new_segment(segment_api, tenant, name="Published", definition=PUBLISHED)
    await run_now(worker_context, tenant, segment_id)
    return segment_id


async def export(
    segment_api: httpx.AsyncClient, tenant: IssuedKey, segment_id: int, **params: str
) -> httpx.Response:
    return await segment_api.get(
        f"{SEGMENTS}{segment_id}/members/export/", params=params, headers=auth(tenant.key)
    )


async def test_csv_holds_every_member_in_sku_order_with_formula_cells_neutralised(
    segment_api: httpx.AsyncClient, tenant: IssuedKey, segment_id: int
) -> None:
    response = await export(segment_api, tenant, segment_id, fields=ALL_FIELDS)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(response.text))) == [
        ALL_FIELDS.split(","),
        ["S1", "'=cmd|' /C calc'!A0", "Nike", "10.5", "true", "a|b", "2024-03-05", "7"],
        ["S2", "Plain", "'+SUM(A1)", "", "true", "'-x|@y", "", ""],
        ["S3", "'@home", "", "", "true", "", "0999-12-31", "-2"],
    ]
    default = await export(segment_api, tenant, segment_id)
    assert default.text.splitlines() == [
        '"sku","name"',
        '"S1","\'=cmd|\' /C calc\'!A0"',
        '"S2","Plain"',
        '"S3","\'@home"',
    ]


async def test_ndjson_holds_typed_values_and_null_for_what_is_not_set(
    segment_api: httpx.AsyncClient, tenant: IssuedKey, segment_id: int
) -> None:
    response = await export(segment_api, tenant, segment_id, fields=ALL_FIELDS, format="ndjson")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert rows == [
        {
            "sku": "S1",
            "name": "=cmd|' /C calc'!A0",
            "brand": "Nike",
            "price": 10.5,
            "published": True,
            "tags": ["a", "b"],
            "release_date": "2024-03-05",
            "inventory_count": 7,
        },
        {
            "sku": "S2",
            "name": "Plain",
            "brand": "+SUM(A1)",
            "price": None,
            "published": True,
            "tags": ["-x", "@y"],
            "release_date": None,
            "inventory_count": None,
        },
        {
            "sku": "S3",
            "name": "@home",
            "brand": None,
            "price": None,
            "published": True,
            "tags": [],
            "release_date": "0999-12-31",
            "inventory_count": -2,
        },
    ]


async def test_unknown_fields_are_refused_and_a_segment_never_computed_exports_no_member(
    segment_api: httpx.AsyncClient,
    tenant: IssuedKey,
    segment_id: int,
    make_schema_tenant: SchemaTenantFactory,
) -> None:
    for fields, message in [
        ("sku,colour", "unknown field 'colour': name sku, name or the schema's fields"),
        ("sku,sku", "a field is named twice"),
    ]:
        response = await export(segment_api, tenant, segment_id, fields=fields)
        assert response.status_code == 400
        assert response.json()["errors"] == [{"path": "fields", "message": message}]
    fresh = await new_segment(segment_api, tenant, name="Fresh", definition=PUBLISHED)
    assert (await export(segment_api, tenant, fresh, fields="sku,brand")).text == '"sku","brand"\n'
    assert (await export(segment_api, tenant, fresh, format="ndjson")).text == ""
    other = await make_schema_tenant(FIELDS)
    response = await export(segment_api, other, segment_id)
    assert response.status_code == 404

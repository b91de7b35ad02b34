"""Segments: definitions checked against the tenant's schema (asked of pim-api), stored canonical,
scoped by tenant; previews counted on the replica, exactly as segdsl's evaluator counts."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from import_worker.context import Context
from import_worker.relay import relay_outbox
from pim_api.tenancy.service import IssuedKey
from segdsl import evaluate, validate_definition
from segment_api.main import create_app as create_segment_app
from segment_api.settings import SegmentSettings
from tests.support import FIELDS, SchemaTenantFactory, auth

SEGMENTS = "/api/product-segments/"
PREVIEW = "/api/product-segments/preview/"


def condition(prop: str, operator: str, value: Any, value_type: str) -> dict[str, Any]:
    return {
        "type": "product_attribute",
        "property": prop,
        "operator": operator,
        "value": value,
        "value_type": value_type,
    }


RUNNING_UNDER_150 = {
    "logic": "AND",
    "conditions": [
        condition("brand", "eq", "Nike", "string"),
        condition("price", "between", [50, 150], "number"),
        condition("tags", "contains", "running", "array"),
    ],
}
CATALOG = [
    {"sku": "R-1", "name": "Pegasus", "brand": "Nike", "price": "120.00", "tags": ["running", "road"]},
    {"sku": "R-2", "name": "Vaporfly", "brand": "Nike", "price": "250.00", "tags": ["running"]},
    {"sku": "R-3", "name": "Revolution", "brand": "Nike", "price": "60", "tags": "running|budget"},
    {"sku": "R-4", "name": "Ultraboost", "brand": "Adidas", "price": "140", "tags": ["running"]},
    {"sku": "H-1", "name": "Sun Hat", "brand": "Nike", "price": "25", "tags": ["summer"]},
    {"sku": "X-1", "name": "Mystery", "inventory_count": 0},
]


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(FIELDS)


async def create(segment_api: httpx.AsyncClient, tenant: IssuedKey, **body: Any) -> httpx.Response:
    return await segment_api.post(
        SEGMENTS, json={"name": "Runners", "definition": RUNNING_UNDER_150, **body}, headers=auth(tenant.key)
    )


async def test_a_segment_is_created_read_listed_updated_and_deleted(
    segment_api: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    created = await create(segment_api, tenant, description="Road and trail")
    assert created.status_code == 201, created.text
    segment = created.json()
    assert created.headers["location"] == f"{SEGMENTS}{segment['id']}/"
    assert {
        key: segment[key]
        for key in (
            "name",
            "description",
            "is_active",
            "computed_count",
            "last_computed_at",
            "refresh_interval",
        )
    } == {
        "name": "Runners",
        "description": "Road and trail",
        "is_active": False,
        "computed_count": None,
        "last_computed_at": None,
        "refresh_interval": 60,
    }
    url = f"{SEGMENTS}{segment['id']}/"
    assert (await segment_api.get(url, headers=auth(tenant.key))).json() == segment
    second = (await create(segment_api, tenant, name="Second")).json()
    listed = (await segment_api.get(SEGMENTS, headers=auth(tenant.key))).json()
    assert [item["id"] for item in listed] == [segment["id"], second["id"]]

    patch = {
        "is_active": True,
        "refresh_interval": 15,
        "definition": {"logic": "OR", "conditions": [condition("sku", "starts_with", "R-", "string")]},
    }
    updated = (await segment_api.patch(url, json=patch, headers=auth(tenant.key))).json()
    assert (updated["is_active"], updated["refresh_interval"], updated["name"]) == (True, 15, "Runners")
    assert updated["definition"]["logic"] == "OR"
    assert updated["updated_at"] > segment["updated_at"]

    assert (await segment_api.delete(url, headers=auth(tenant.key))).status_code == 204
    assert (await segment_api.get(url, headers=auth(tenant.key))).status_code == 404
    assert (await segment_api.delete(url, headers=auth(tenant.key))).status_code == 404


async def test_another_tenants_segment_is_a_404_and_never_listed(
    segment_api: httpx.AsyncClient, tenant: IssuedKey, make_schema_tenant: SchemaTenantFactory
) -> None:
    segment = (await create(segment_api, tenant)).json()
    other = await make_schema_tenant(FIELDS)
    url = f"{SEGMENTS}{segment['id']}/"
    assert (await segment_api.get(url, headers=auth(other.key))).status_code == 404
    assert (await segment_api.patch(url, json={"name": "mine"}, headers=auth(other.key))).status_code == 404
    assert (await segment_api.delete(url, headers=auth(other.key))).status_code == 404
    assert (await segment_api.get(SEGMENTS, headers=auth(other.key))).json() == []
    assert (await segment_api.get(url, headers=auth(tenant.key))).json()["name"] == "Runners"


@pytest.mark.parametrize(
    ("definition", "errors"),
    [
        (
            {"logic": "AND", "conditions": [condition("colour", "eq", "red", "string")]},
            [
                (
                    "definition.conditions[0].property",
                    "'colour' is neither a schema field nor a built-in property",
                )
            ],
        ),
        (
            {"logic": "AND", "conditions": [condition("price", "eq", "cheap", "string")]},
            [
                (
                    "definition.conditions[0].value_type",
                    "the field is of type price, so value_type must be number",
                )
            ],
        ),
        (
            {"logic": "XOR", "conditions": [{"logic": "OR", "conditions": []}]},
            [
                ("definition.logic", "logic must be AND or OR"),
                ("definition.conditions[0].conditions", "a group needs at least one condition"),
            ],
        ),
    ],
)
async def test_an_invalid_definition_is_a_400_naming_each_problem_and_nothing_is_stored(
    segment_api: httpx.AsyncClient,
    tenant: IssuedKey,
    definition: dict[str, Any],
    errors: list[tuple[str, str]],
) -> None:
    response = await create(segment_api, tenant, definition=definition)
    assert response.status_code == 400
    assert [(error["path"], error["message"]) for error in response.json()["errors"]] == errors
    assert (await segment_api.get(SEGMENTS, headers=auth(tenant.key))).json() == []


async def test_other_fields_are_checked_as_documented(
    segment_api: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    bodies: list[tuple[dict[str, Any], str]] = [
        ({"refresh_interval": 0}, "refresh_interval"),
        ({"name": "Runners "}, "name"),
        ({"is_active": "yes"}, "is_active"),
        ({"color": "red"}, "color"),
    ]
    for body, path in bodies:
        response = await create(segment_api, tenant, **body)
        assert response.status_code == 400
        assert response.json()["errors"][0]["path"] == path


async def test_definitions_are_stored_in_canonical_form(
    segment_api: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    """As segdsl validated them: a date-time compared as its UTC day, a whole number as a number."""
    definition = {
        "logic": "AND",
        "conditions": [
            condition("release_date", "after", "2026-05-03T23:30:00-02:00", "date"),
            condition("inventory_count", "in", [1, 2.5], "number"),
        ],
    }
    stored = (await create(segment_api, tenant, definition=definition)).json()["definition"]
    assert [item["value"] for item in stored["conditions"]] == ["2026-05-04", [1, 2.5]]


async def relayed_catalog(
    pim: httpx.AsyncClient, tenant: IssuedKey, worker_context: Context
) -> list[dict[str, Any]]:
    """The catalog written through pim-api and relayed to the replica; the products as stored."""
    assert (
        await pim.post("/api/pim/products/bulk/", json={"products": CATALOG}, headers=auth(tenant.key))
    ).status_code == 200
    await relay_outbox(worker_context)
    page = await pim.get("/api/pim/products/?page_size=200", headers=auth(tenant.key))
    products: list[dict[str, Any]] = page.json()["results"]
    return products


@pytest.mark.parametrize(
    "definition",
    [
        RUNNING_UNDER_150,
        {
            "logic": "OR",
            "conditions": [
                condition("sku", "starts_with", "h-", "string"),
                condition("inventory_count", "is_set", None, "number"),
            ],
        },
        {
            "logic": "AND",
            "conditions": [
                condition("name", "contains", "o", "string"),
                condition("source", "eq", "api", "string"),
            ],
        },
        {
            "logic": "AND",
            "conditions": [
                condition("created_at", "within_last_days", 1, "date"),
                condition("brand", "neq", "Nike", "string"),
            ],
        },
        {
            "logic": "AND",
            "conditions": [
                condition("ai_readability_score", "lt", 60, "number"),
                condition("updated_at", "after", "2020-01-01", "date"),
            ],
        },
    ],
)
async def test_a_preview_counts_what_the_reference_evaluator_counts(
    segment_api: httpx.AsyncClient,
    pim: httpx.AsyncClient,
    tenant: IssuedKey,
    worker_context: Context,
    definition: dict[str, Any],
) -> None:
    products = await relayed_catalog(pim, tenant, worker_context)
    schema = {field["name"]: field["type"] for field in FIELDS}
    expected = sorted(
        product["sku"]
        for product in products
        if evaluate(validate_definition(definition, schema), product, schema, today=datetime.now(UTC).date())
    )
    assert expected, "each definition here selects some of the catalog"
    response = await segment_api.post(PREVIEW, json=definition, headers=auth(tenant.key))
    assert response.status_code == 200, response.text
    preview = response.json()
    assert (preview["matched_count"], preview["sample_skus"]) == (len(expected), expected[:10])
    assert f"WHERE tenant_id = {tenant.tenant_id}" in preview["sql"]
    assert preview["sql"].startswith("SELECT sku\nFROM ")


async def test_a_preview_of_an_invalid_definition_names_the_problem_at_its_path(
    segment_api: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    definition = {"logic": "AND", "conditions": [condition("price", "gte", "cheap", "number")]}
    response = await segment_api.post(PREVIEW, json=definition, headers=auth(tenant.key))
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "conditions[0].value"


async def test_a_preview_sees_only_the_callers_products(
    segment_api: httpx.AsyncClient,
    pim: httpx.AsyncClient,
    tenant: IssuedKey,
    make_schema_tenant: SchemaTenantFactory,
    worker_context: Context,
) -> None:
    await relayed_catalog(pim, tenant, worker_context)
    other = await make_schema_tenant(FIELDS)
    everything = {"logic": "AND", "conditions": [condition("sku", "is_set", None, "string")]}
    response = await segment_api.post(PREVIEW, json=everything, headers=auth(other.key))
    assert response.json()["matched_count"] == 0


async def test_while_clickhouse_is_down_a_preview_is_a_503_saying_so(
    pim_app: FastAPI, tenant: IssuedKey
) -> None:
    settings = SegmentSettings(clickhouse_url="http://127.0.0.1:1")
    app = create_segment_app(settings, pim_transport=httpx.ASGITransport(app=pim_app))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://segment-api") as client:
            response = await client.post(PREVIEW, json=RUNNING_UNDER_150, headers=auth(tenant.key))
    assert response.status_code == 503
    assert response.json()["detail"].startswith("ClickHouse is unavailable")

"""The public API documents tell the truth, and keep telling it as routes are added: every rule here
holds for every operation, so a new route that breaks one fails here."""

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from pim_api.main import create_app as create_pim_app
from pim_api.products.query import SCORE_FILTERS
from segment_api.main import create_app as create_segment_app
from segops_platform.routing import ServiceRoute

SERVICES: dict[str, tuple[str, Callable[[], FastAPI]]] = {
    "pim": ("/api/pim", create_pim_app),
    "segments": ("/api/product-segments", create_segment_app),
}
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
EITHER_CREDENTIAL: list[dict[str, list[str]]] = [{"BearerAuth": []}, {"ApiKeyAuth": []}]
PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module", params=SERVICES)
def service(request: pytest.FixtureRequest) -> tuple[str, str, FastAPI]:
    prefix, create_app = SERVICES[request.param]
    return request.param, prefix, create_app()


@pytest.fixture(scope="module")
def document(service: tuple[str, str, FastAPI]) -> dict[str, Any]:
    return service[2].openapi()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method.upper(), path, operation


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def strings_a_client_sends(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every string schema in a parameter or request body, and every object's property names."""
    seen: set[str] = set()

    def walk(schema: dict[str, Any], where: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if "$ref" in schema:
            if schema["$ref"] in seen:
                return
            seen.add(schema["$ref"])
        schema = resolve(document, schema)
        # A file's bytes (contentMediaType) are no text: NUL is a byte like another there.
        if schema.get("type") == "string" and not {"enum", "const", "contentMediaType"} & set(schema):
            yield where, schema
        if schema.get("type") == "object" and schema.get("additionalProperties", True) is not False:
            yield f"{where} (property names)", schema.get("propertyNames", {})
        for key in ("anyOf", "oneOf", "allOf"):
            for index, option in enumerate(schema.get(key, [])):
                yield from walk(option, f"{where}.{key}[{index}]")
        for name, child in schema.get("properties", {}).items():
            yield from walk(child, f"{where}.{name}")
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                yield from walk(schema[key], f"{where}.{key}")

    for method, path, operation in operations(document):
        for parameter in operation.get("parameters", []):
            yield from walk(parameter["schema"], f"{method} {path} {parameter['name']}")
        for media in operation.get("requestBody", {}).get("content", {}).values():
            yield from walk(media["schema"], f"{method} {path} body")


def test_each_document_covers_its_public_prefix_only(service: tuple[str, str, FastAPI]) -> None:
    _, prefix, app = service
    document = app.openapi()
    assert document["openapi"].startswith("3.1")
    assert document["paths"]
    assert all(path.startswith(f"{prefix}/") for path in document["paths"])
    assert "ServiceToken" not in document["components"].get("securitySchemes", {})


def test_operation_ids_are_stable_readable_and_unique(
    service: tuple[str, str, FastAPI], document: dict[str, Any]
) -> None:
    name = service[0]
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert re.fullmatch(rf"{name}_[a-z]+(_[a-z]+)*", operation_id), operation_id
    assert all(operation.get("tags") for _, _, operation in operations(document))


def test_no_operation_documents_fastapis_422(document: dict[str, Any]) -> None:
    assert all("422" not in operation["responses"] for _, _, operation in operations(document))
    assert not {"HTTPValidationError", "ValidationError"} & set(document["components"]["schemas"])


def test_every_error_an_operation_answers_is_a_problem(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")) and operation["operationId"].split("_", 1)[1] != "health_ready":
                schema = response["content"]["application/json"]["schema"]
                assert schema == PROBLEM, (method, path, status)


def test_secured_operations_take_either_credential_and_say_401(document: dict[str, Any]) -> None:
    secured = [operation for _, _, operation in operations(document) if "security" in operation]
    if not secured:
        return  # segment-api: health only, so far
    schemes = document["components"]["securitySchemes"]
    assert schemes["ApiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": schemes["ApiKeyAuth"]["description"],
    }
    assert (schemes["BearerAuth"]["scheme"], schemes["BearerAuth"]["bearerFormat"]) == ("bearer", "JWT")
    for method, path, operation in operations(document):
        if "/healthz" in path or "/readyz" in path:
            assert "security" not in operation, path
            continue
        assert operation["security"] == EITHER_CREDENTIAL, (method, path)
        assert {"401", "503"} <= set(operation["responses"]), (method, path)


def test_operations_that_take_input_say_400_and_bodies_say_413(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        if operation.get("parameters") or "requestBody" in operation:
            assert "400" in operation["responses"], (method, path)
        if "requestBody" in operation:
            assert "413" in operation["responses"], (method, path)


def test_bodies_and_answers_are_named_schemas(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        bodies = [media["schema"] for media in operation.get("requestBody", {}).get("content", {}).values()]
        answers = [
            media["schema"]
            for status, response in operation["responses"].items()
            for media in response.get("content", {}).values()
            if status.startswith("2")
        ]
        for schema in bodies + answers:
            assert set(schema) == {"$ref"}, (method, path, schema)


def test_every_string_a_client_sends_is_documented_without_nul(document: dict[str, Any]) -> None:
    """NUL is the text Postgres cannot store: each such string's pattern must refuse it."""
    for where, schema in strings_a_client_sends(document):
        pattern = schema.get("pattern")
        assert pattern is not None, where
        assert re.search(pattern, "a\x00b") is None, where


def test_every_route_reads_json_through_the_service_route(service: tuple[str, str, FastAPI]) -> None:
    """Where invalid JSON and NUL are refused with their place; FastAPI's own route would 500 on them."""
    for route in iter_route_contexts(service[2].routes):
        if isinstance(route.original_route, APIRoute):
            assert isinstance(route.original_route, ServiceRoute), route.path


async def test_the_internal_document_holds_what_the_public_one_leaves_out(pim: httpx.AsyncClient) -> None:
    internal = (await pim.get("/internal/openapi.json")).json()
    assert set(internal["paths"]) == {
        "/healthz",
        "/readyz",
        "/internal/tenants/resolve-api-key",
        "/internal/tenants/{tenant_id}",
        "/internal/tenants/{tenant_id}/field-types",
        "/internal/tenants/{tenant_id}/products/lookup",
    }
    resolve_key = internal["paths"]["/internal/tenants/resolve-api-key"]["post"]
    assert resolve_key["security"] == [{"ServiceToken": []}]
    assert internal["components"]["securitySchemes"]["ServiceToken"]["name"] == "X-Internal-Token"


def test_schema_names_are_readable(document: dict[str, Any]) -> None:
    """Not FastAPI's generated ones (`Body_…`, `…-Input`, `GetFacetsApiPimFacetsGetResponse…`)."""
    for name in document["components"]["schemas"]:
        assert re.fullmatch(r"[A-Z][a-z]+([A-Z][a-z]+)*", name), name
        assert not name.endswith(("Get", "Post", "Input", "Output")), name


def test_the_pim_list_and_facets_document_every_parameter_they_read() -> None:
    document = create_pim_app().openapi()
    parameters = {
        path: [parameter["name"] for parameter in document["paths"][path]["get"]["parameters"]]
        for path in ("/api/pim/products/", "/api/pim/facets/")
    }
    assert parameters == {
        "/api/pim/products/": ["q", "page", "page_size", "filters", *SCORE_FILTERS],
        "/api/pim/facets/": ["q", "counts", "filters", *SCORE_FILTERS],
    }
    filters = document["paths"]["/api/pim/products/"]["get"]["parameters"][3]
    assert (filters["in"], filters["style"], filters["explode"], filters["schema"]["type"]) == (
        "query",
        "form",
        True,
        "object",
    )
    bulk, item = (document["components"]["schemas"][name] for name in ("BulkUpsert", "BulkItem"))
    assert (bulk["additionalProperties"], bulk["properties"]["products"]["maxItems"]) == (False, 10_000)
    assert item["required"] == ["sku"]

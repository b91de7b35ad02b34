"""The API documents of a service: the public one (its routes under the public prefix, as the gateway
serves them) and an internal one (health at the root, `/internal/` routes for other services).

FastAPI documents a 422 with its own error shape for every operation that takes input; our services
answer 400 with a `Problem` instead, so those entries are replaced by what `problems` declares.
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from segops_platform.errors import Problem

Responses = dict[int | str, dict[str, Any]]
INTERNAL_OPENAPI_PATH = "/internal/openapi.json"

_MEANINGS = {
    400: "Invalid input; `errors` locates each problem (JSON path or query parameter)",
    401: "Missing or invalid credentials",
    404: "Not found for this tenant",
    409: "Conflicts with the stored state, or was rolled back by a concurrent write (retry it)",
    413: "The request body is over the size limit",
    414: "The URL is over the gateway's limit (8 KiB)",
    503: "A service this request needs is unavailable; retry shortly (`Retry-After`)",
}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def problems(*statuses: int | tuple[int, str]) -> Responses:
    """`responses=` entries answering a `Problem`; a status alone takes its usual meaning."""
    declared: Responses = {}
    for status in statuses:
        code, meaning = status if isinstance(status, tuple) else (status, _MEANINGS[status])
        declared[code] = {"model": Problem, "description": meaning}
    return declared


def operation_id(service: str) -> Callable[[APIRoute], str]:
    """`<service>_<endpoint function name>`, e.g. `pim_products_list`: stable names for SDKs."""
    return lambda route: f"{service}_{route.name}"


def _document(app: FastAPI, routes: list[RouteContext], title: str) -> dict[str, Any]:
    document = get_openapi(
        title=title,
        version=app.version,
        openapi_version=app.openapi_version,
        description=app.description,
        routes=routes,
        tags=app.openapi_tags,
        separate_input_output_schemas=app.separate_input_output_schemas,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            operation["responses"].pop("422", None)
            _name_raw_body_schema(operation, schemas)
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    return document


def _name_raw_body_schema(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Move a titled inline schema into components: a body documented by `json_body.documented_body`
    (and the models it uses), or an answer that is not JSON (e.g. a CSV export)."""
    bodies = operation.get("requestBody", {}).get("content", {}).values()
    answers = [
        media
        for status, response in operation["responses"].items()
        if status.startswith("2")
        for media in response.get("content", {}).values()
    ]
    for content in [*bodies, *answers]:
        schema = content.get("schema", {})
        if "$ref" in schema or "title" not in schema:
            continue
        schemas.update(schema.pop("$defs", {}))
        schemas[schema["title"]] = schema
        content["schema"] = {"$ref": f"#/components/schemas/{schema['title']}"}


def install_documents(app: FastAPI, api_prefix: str) -> None:
    """The public document at `{api_prefix}/openapi.json` (FastAPI's `openapi_url`), the internal one
    at `/internal/openapi.json`."""

    def routes(public: bool) -> list[RouteContext]:
        return [
            r
            for r in iter_route_contexts(app.routes)
            if (r.path or "").startswith(f"{api_prefix}/") == public
        ]

    def public_document() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(app, routes(public=True), app.title)
        return app.openapi_schema

    internal: dict[str, Any] = {}

    async def internal_document() -> JSONResponse:
        if not internal:
            internal.update(_document(app, routes(public=False), f"{app.title} (internal)"))
        return JSONResponse(internal)

    app.openapi = public_document  # type: ignore[method-assign]
    app.add_api_route(INTERNAL_OPENAPI_PATH, internal_document, include_in_schema=False)

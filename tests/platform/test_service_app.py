"""What `create_service_app` gives every service: request ids, one error format, body limit, health."""

import gc
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import AfterValidator, BaseModel

from segops_platform.app import GC_YOUNG_THRESHOLD, create_service_app, serve
from segops_platform.database import create_engine
from segops_platform.errors import Conflict, json_path
from segops_platform.request_context import current_request_id
from segops_platform.settings import ServiceSettings
from segops_platform.text_rules import NUL_MESSAGE


class Item(BaseModel):
    name: str
    tags: list[int]


def build_app() -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async def failing_check() -> None:
            raise ConnectionRefusedError("port 6390 refused")

        app.state.readiness_checks = {"postgres": lambda: _ok(), "redis": failing_check}
        yield

    app = create_service_app("probe", "probe", lifespan, api_prefix="/api/probe")

    @app.get("/request-id")
    async def request_id() -> dict[str, str | None]:
        return {"request_id": current_request_id()}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/conflict")
    async def conflict() -> None:
        raise Conflict("sku 'A-1' already exists")

    @app.post("/items")
    async def items(item: Item) -> Item:
        return item

    @app.put("/items")
    async def replace_items(item: Item) -> Item:
        return item

    @app.post("/validated")
    async def validated(item: Annotated[Item, AfterValidator(_positive_tags)]) -> Item:
        return item

    @app.get("/database")
    async def database() -> None:
        engine = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/segops")
        try:
            async with engine.connect():
                pass
        finally:
            await engine.dispose()

    return app


def _positive_tags(item: Item) -> Item:
    if any(tag < 0 for tag in item.tags):
        raise ValueError("tags must not be negative")
    return item


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port  # nothing listens there once the socket is closed


async def _ok() -> None:
    return None


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = build_app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
            yield client


async def test_a_callers_request_id_is_kept_and_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/request-id", headers={"X-Request-ID": "abc-123"})
    assert response.json() == {"request_id": "abc-123"}
    assert response.headers["x-request-id"] == "abc-123"


async def test_a_request_id_is_made_when_missing_or_malformed(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"X-Request-ID": "bad id\nwith newline"}, {"X-Request-ID": "x" * 200}):
        response = await client.get("/request-id", headers=headers)
        made = response.json()["request_id"]
        assert len(made) == 32
        assert response.headers["x-request-id"] == made


async def test_unexpected_errors_are_a_json_500_without_internals(client: httpx.AsyncClient) -> None:
    response = await client.get("/boom", headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "req-500"
    assert "secret internals" not in response.text
    assert "X-Request-ID" in response.json()["detail"]


async def test_service_errors_keep_their_status_and_detail(client: httpx.AsyncClient) -> None:
    response = await client.get("/conflict")
    assert response.status_code == 409
    assert response.json() == {"detail": "sku 'A-1' already exists"}


async def test_invalid_bodies_are_a_400_naming_each_json_path(client: httpx.AsyncClient) -> None:
    response = await client.post("/items", json={"tags": [1, "x", 3]})
    assert response.status_code == 400
    body = response.json()
    assert {error["path"] for error in body["errors"]} == {"name", "tags[1]"}
    assert body["detail"].endswith("(and 1 more)")


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        (
            b'{"name": "x", "tags": [1,',
            "$",
            "the body is not valid JSON: EOF while parsing a value at line 1 column 25",
        ),
        (
            b'{"name": "x", "tags": [NaN]}',
            "$",
            "the body is not valid JSON: expected value at line 1 column 24",
        ),
        (
            b'{"name": "\\ud800", "tags": []}',
            "$",
            "the body is not valid JSON: unexpected end of hex escape at line 1 column 17"
            " (a \\ud800-\\udfff escape must be half of a surrogate pair)",
        ),
        (b'{"name": "a\\u0000b", "tags": []}', "name", NUL_MESSAGE),
        (b'{"name": "x", "tags": [], "extra": {"k\\u0000": 1}}', "extra.k\x00", f"the key {NUL_MESSAGE}"),
    ],
)
async def test_bodies_that_are_not_json_or_cannot_be_stored_are_a_400_saying_where(
    client: httpx.AsyncClient, body: bytes, path: str, message: str
) -> None:
    """Every route reads JSON this way; FastAPI's own reading took NUL and lone surrogates (then a 500)."""
    response = await client.post("/items", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"path": path, "message": message}]


async def test_a_validators_own_words_are_the_message(client: httpx.AsyncClient) -> None:
    response = await client.post("/validated", json={"name": "x", "tags": [-1]})
    assert response.json()["errors"] == [{"path": "$", "message": "tags must not be negative"}]


async def test_a_405_names_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    """Starlette named only the first route's methods: `Allow: POST` where PUT works too."""
    for method in ("GET", "DELETE", "OPTIONS"):
        response = await client.request(method, "/items")
        assert (response.status_code, response.headers["allow"]) == (405, "POST, PUT")
        assert response.json() == {"detail": "Method Not Allowed"}


async def test_a_database_out_of_reach_is_a_503_to_retry(client: httpx.AsyncClient) -> None:
    response = await client.get("/database")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json() == {
        "detail": "a service this request needs is unavailable; retry the request shortly"
    }


async def test_unknown_routes_use_the_same_error_format(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


async def test_bodies_over_32_mb_are_refused_with_413(client: httpx.AsyncClient) -> None:
    declared = await client.post("/items", content=b"x", headers={"Content-Length": str(33 * 1024 * 1024)})
    assert declared.status_code == 413

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(33):
            yield b" " * (1024 * 1024)

    streamed = await client.post("/items", content=chunks())
    assert streamed.status_code == 413
    assert streamed.json() == {"detail": "request body exceeds 32 MB"}


async def test_readyz_names_the_dependency_that_is_down(client: httpx.AsyncClient) -> None:
    for path in ("/readyz", "/api/probe/readyz"):
        response = await client.get(path)
        assert response.status_code == 503
        body = response.json()
        assert body["detail"] == "not ready: redis is unreachable"
        assert body["checks"]["postgres"] == "ok"
        assert "port 6390 refused" in body["checks"]["redis"]
    assert (await client.get("/healthz")).json() == {"status": "ok"}


async def test_metrics_count_requests_by_route_template(client: httpx.AsyncClient) -> None:
    await client.get("/conflict")
    metrics = (await client.get("/metrics")).text
    assert (
        'segops_http_requests_total{method="GET",route="/conflict",service="probe",status="409"}' in metrics
    )
    assert (await client.get("/api/probe/metrics")).status_code == 404


@pytest.mark.parametrize(
    ("loc", "path"),
    [(("body", "fields", 0, "name"), "fields[0].name"), (("query", "page"), "page"), (("body",), "$")],
)
def test_json_path(loc: tuple[int | str, ...], path: str) -> None:
    assert json_path(loc) == path


def test_serve_keeps_the_startup_heap_out_of_collections(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def run(*_: object, **__: object) -> None:
        seen.update(frozen=gc.get_freeze_count(), threshold=gc.get_threshold()[0])

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setattr("segops_platform.app.configure_logging", lambda *_: None)  # the suite's own
    threshold = gc.get_threshold()
    try:
        serve("probe", build_app(), ServiceSettings(), 0)
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
    assert seen["threshold"] == GC_YOUNG_THRESHOLD
    assert isinstance(seen["frozen"], int) and seen["frozen"] > 10_000

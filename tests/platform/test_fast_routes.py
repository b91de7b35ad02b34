"""Fast routes: answered before FastAPI's routing, yet with the same request ids, errors and metrics."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from segops_platform.app import create_service_app
from segops_platform.errors import NotFound
from segops_platform.request_context import current_request_id


async def fast_thing(request: Request) -> Response | None:
    thing_id = request.path_params["thing_id"]
    if thing_id == 0:
        raise NotFound("thing 0 not found")
    if thing_id == 500:
        raise RuntimeError("secret internals")
    if thing_id == 503:
        raise ConnectionRefusedError("the database went away")
    if thing_id > 1_000:
        return None  # not served here: the documented route answers
    return JSONResponse({"id": thing_id, "via": "fast", "request_id": current_request_id()})


def build_app() -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    app = create_service_app(
        "fast-probe",
        "fast probe",
        lifespan,
        fast_routes=[Route("/things/{thing_id:int}/", fast_thing, methods=["GET"])],
    )

    @app.get("/things/{thing_id}/")
    async def documented(thing_id: int) -> dict[str, object]:
        return {"id": thing_id, "via": "fastapi"}

    @app.delete("/things/{thing_id}/", status_code=204)
    async def delete(thing_id: int) -> None:
        return None

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = build_app()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
        yield client


async def test_the_fast_route_answers_what_its_converters_match(client: httpx.AsyncClient) -> None:
    response = await client.get("/things/7/", headers={"X-Request-ID": "fast-1"})
    assert response.json() == {"id": 7, "via": "fast", "request_id": "fast-1"}
    assert response.headers["x-request-id"] == "fast-1"


async def test_what_it_does_not_match_or_serve_goes_to_fastapi(client: httpx.AsyncClient) -> None:
    assert (await client.get("/things/-7/")).json() == {"id": -7, "via": "fastapi"}
    assert (await client.get("/things/1001/")).json() == {"id": 1001, "via": "fastapi"}
    assert (await client.delete("/things/7/")).status_code == 204
    invalid = await client.get("/things/seven/")
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0]["path"] == "thing_id"


async def test_errors_keep_the_one_format(client: httpx.AsyncClient) -> None:
    missing = await client.get("/things/0/")
    assert (missing.status_code, missing.json()) == (404, {"detail": "thing 0 not found"})
    crashed = await client.get("/things/500/", headers={"X-Request-ID": "fast-500"})
    assert crashed.status_code == 500
    assert "secret" not in crashed.text
    assert crashed.headers["x-request-id"] == "fast-500"
    unavailable = await client.get("/things/503/")
    assert (unavailable.status_code, unavailable.headers["retry-after"]) == (503, "1")


async def test_metrics_name_the_route_template(client: httpx.AsyncClient) -> None:
    await client.get("/things/0/")
    metrics = (await client.get("/metrics")).text
    assert (
        'segops_http_requests_total{method="GET",route="/things/{thing_id}/",service="fast-probe",status="404"}'
        in metrics
    )

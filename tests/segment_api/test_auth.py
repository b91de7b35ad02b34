"""segment-api authenticates through pim-api (in process here, over its real HTTP routes)."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from pim_api.tenancy.service import TenancyService
from segment_api.main import create_app
from segment_api.settings import SegmentSettings
from segops_platform.auth.dependencies import CurrentTenant
from segops_platform.auth.tokens import issue_token
from tests.support import TenantFactory

WHOAMI = "/test-only/whoami"


def segment_app(pim_transport: httpx.AsyncBaseTransport, **overrides: object) -> FastAPI:
    app = create_app(SegmentSettings(**overrides), pim_transport=pim_transport)  # type: ignore[arg-type]

    # The segment routes come with their own issue; this probe exercises the same dependency.
    @app.get(WHOAMI)
    async def whoami(tenant: CurrentTenant) -> dict[str, int]:
        return {"tenant_id": tenant.id}

    return app


async def client_of(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://segment-api") as client:
            yield client


@pytest.fixture
async def segments(pim_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_of(segment_app(httpx.ASGITransport(app=pim_app))):
        yield client


async def test_api_key_from_pim_identifies_the_tenant(
    segments: httpx.AsyncClient, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    response = await segments.get(WHOAMI, headers={"X-API-Key": tenant.key})
    assert response.status_code == 200, response.text
    assert response.json() == {"tenant_id": tenant.tenant_id}


async def test_jwt_identifies_the_tenant(segments: httpx.AsyncClient, make_tenant: TenantFactory) -> None:
    tenant = await make_tenant()
    token = issue_token(SegmentSettings(), tenant.tenant_id)
    response = await segments.get(WHOAMI, headers={"Authorization": f"Bearer {token}"})
    assert response.json() == {"tenant_id": tenant.tenant_id}


async def test_unknown_revoked_and_missing_credentials_are_a_401(
    segments: httpx.AsyncClient, make_tenant: TenantFactory, pim_app: FastAPI
) -> None:
    tenant = await make_tenant()
    async with pim_app.state.sessionmaker() as session, session.begin():
        await TenancyService(session).revoke_api_key(tenant.tenant_id, tenant.prefix)
    revoked = await segments.get(WHOAMI, headers={"X-API-Key": tenant.key})
    assert revoked.status_code == 401
    assert revoked.json()["detail"] == "unknown or revoked API key"
    assert (await segments.get(WHOAMI)).status_code == 401
    token = issue_token(SegmentSettings(), 987_654_321)
    ghost = await segments.get(WHOAMI, headers={"Authorization": f"Bearer {token}"})
    assert ghost.json()["detail"] == "tenant 987654321 does not exist"


async def test_wrong_service_credential_is_a_503_not_a_401(
    pim_app: FastAPI, make_tenant: TenantFactory
) -> None:
    """If pim-api refuses segment-api itself, callers must not be told their key is bad."""
    tenant = await make_tenant()
    app = segment_app(httpx.ASGITransport(app=pim_app), internal_token="not-the-shared-token")
    async for client in client_of(app):
        response = await client.get(WHOAMI, headers={"X-API-Key": tenant.key})
        assert response.status_code == 503
        assert response.json()["detail"] == "cannot verify credentials: pim-api answered 401"


async def test_unreachable_pim_api_is_a_503(make_tenant: TenantFactory) -> None:
    tenant = await make_tenant()
    app = segment_app(httpx.AsyncHTTPTransport(), pim_api_url="http://127.0.0.1:9")
    async for client in client_of(app):
        response = await client.get(WHOAMI, headers={"X-API-Key": tenant.key})
        assert response.status_code == 503
        assert "pim-api unreachable" in response.json()["detail"]


async def test_request_id_is_passed_on_to_pim_api(pim_app: FastAPI, make_tenant: TenantFactory) -> None:
    seen: list[str | None] = []

    class RecordingTransport(httpx.ASGITransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request.headers.get("X-Request-ID"))
            return await super().handle_async_request(request)

    tenant = await make_tenant()
    async for client in client_of(segment_app(RecordingTransport(app=pim_app))):
        await client.get(WHOAMI, headers={"X-API-Key": tenant.key, "X-Request-ID": "trace-42"})
    assert seen == ["trace-42"]


async def test_readyz_checks_postgres_redis_and_clickhouse(segments: httpx.AsyncClient) -> None:
    response = await segments.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ready",
        "checks": {"postgres": "ok", "redis": "ok", "clickhouse": "ok"},
    }

"""Credentials on the PIM API: every bad one is a 401 with a clear detail, never a 500."""

import httpx
import pytest
from fastapi import FastAPI
from jose import jwt

from pim_api.settings import PimSettings
from pim_api.tenancy.service import TenancyService
from segops_platform.auth.tokens import issue_token
from segops_platform.settings import ServiceSettings
from tests.support import TenantFactory

SCHEMA = "/api/pim/schema/"


async def test_missing_credentials_are_a_401(pim: httpx.AsyncClient) -> None:
    response = await pim.get(SCHEMA)
    assert response.status_code == 401
    assert "missing credentials" in response.json()["detail"]
    assert response.headers["www-authenticate"] == "Bearer"


async def test_api_key_gives_its_tenant_schema(pim: httpx.AsyncClient, make_tenant: TenantFactory) -> None:
    tenant = await make_tenant()
    response = await pim.get(SCHEMA, headers={"X-API-Key": tenant.key})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["fields"] == []
    assert body["default_currency"] == "USD"
    assert body["default_locale"] == "en_US"
    assert set(body) == {"id", "fields", "default_currency", "default_locale", "created_at", "updated_at"}


async def test_jwt_gives_its_tenant_schema(
    pim: httpx.AsyncClient, make_tenant: TenantFactory, pim_settings: PimSettings
) -> None:
    tenant = await make_tenant()
    by_key = (await pim.get(SCHEMA, headers={"X-API-Key": tenant.key})).json()
    token = issue_token(pim_settings, tenant.tenant_id)
    by_token = await pim.get(SCHEMA, headers={"Authorization": f"Bearer {token}"})
    assert by_token.status_code == 200
    assert by_token.json() == by_key


async def test_each_tenant_reads_only_its_own_schema(
    pim: httpx.AsyncClient, make_tenant: TenantFactory
) -> None:
    a, b = await make_tenant(), await make_tenant()
    schema_a = (await pim.get(SCHEMA, headers={"X-API-Key": a.key})).json()
    schema_b = (await pim.get(SCHEMA, headers={"X-API-Key": b.key})).json()
    assert schema_a["id"] != schema_b["id"]


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({"X-API-Key": "sgk_00000000_" + "a" * 43}, "unknown or revoked API key"),
        ({"X-API-Key": "not-a-key"}, "malformed API key"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "Bearer <token>"),
        ({"Authorization": "Bearer"}, "Bearer <token>"),
        ({"Authorization": "Bearer not.a.jwt"}, "bearer token"),
    ],
)
async def test_bad_credentials_are_a_401(
    pim: httpx.AsyncClient, headers: dict[str, str], detail: str
) -> None:
    response = await pim.get(SCHEMA, headers=headers)
    assert response.status_code == 401
    assert detail in response.json()["detail"]


async def test_expired_jwt_is_a_401(
    pim: httpx.AsyncClient, make_tenant: TenantFactory, pim_settings: PimSettings
) -> None:
    tenant = await make_tenant()
    token = issue_token(pim_settings, tenant.tenant_id, ttl_seconds=-1)
    response = await pim.get(SCHEMA, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "bearer token has expired"


async def test_forged_jwt_is_a_401(pim: httpx.AsyncClient, make_tenant: TenantFactory) -> None:
    tenant = await make_tenant()
    forged = issue_token(ServiceSettings(jwt_secret="guessed"), tenant.tenant_id)
    response = await pim.get(SCHEMA, headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert "Signature verification failed" in response.json()["detail"]


async def test_wrong_algorithm_jwt_is_a_401(
    pim: httpx.AsyncClient, make_tenant: TenantFactory, pim_settings: PimSettings
) -> None:
    tenant = await make_tenant()
    token = jwt.encode(
        {"tenant_id": tenant.tenant_id, "exp": 2**31}, pim_settings.jwt_secret, algorithm="HS512"
    )
    response = await pim.get(SCHEMA, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "token algorithm 'HS512' is not accepted"


async def test_jwt_of_a_tenant_that_does_not_exist_is_a_401(
    pim: httpx.AsyncClient, pim_settings: PimSettings
) -> None:
    token = issue_token(pim_settings, 987_654_321)
    response = await pim.get(SCHEMA, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "tenant 987654321 does not exist"


async def test_both_credentials_at_once_are_refused(
    pim: httpx.AsyncClient, make_tenant: TenantFactory, pim_settings: PimSettings
) -> None:
    a, b = await make_tenant(), await make_tenant()
    headers = {"X-API-Key": a.key, "Authorization": f"Bearer {issue_token(pim_settings, b.tenant_id)}"}
    response = await pim.get(SCHEMA, headers=headers)
    assert response.status_code == 401
    assert "not both" in response.json()["detail"]


async def test_revoked_api_key_is_a_401(
    pim: httpx.AsyncClient, make_tenant: TenantFactory, pim_app: FastAPI
) -> None:
    tenant = await make_tenant()
    async with pim_app.state.sessionmaker() as session, session.begin():
        await TenancyService(session).revoke_api_key(tenant.tenant_id, tenant.prefix)
    response = await pim.get(SCHEMA, headers={"X-API-Key": tenant.key})
    assert response.status_code == 401
    assert response.json()["detail"] == "unknown or revoked API key"

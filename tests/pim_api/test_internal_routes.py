"""The routes segment-api uses to resolve credentials need the service credential."""

import httpx

from pim_api.settings import PimSettings
from tests.support import TenantFactory


async def test_internal_routes_refuse_callers_without_the_service_credential(
    pim: httpx.AsyncClient, make_tenant: TenantFactory
) -> None:
    tenant = await make_tenant()
    for headers in ({}, {"X-Internal-Token": "wrong"}, {"X-API-Key": tenant.key}):
        response = await pim.post(
            "/internal/tenants/resolve-api-key", json={"api_key": tenant.key}, headers=headers
        )
        assert response.status_code == 401, headers


async def test_resolve_api_key_and_tenant_lookup(
    pim: httpx.AsyncClient, make_tenant: TenantFactory, pim_settings: PimSettings
) -> None:
    tenant = await make_tenant()
    headers = {"X-Internal-Token": pim_settings.internal_token}
    resolved = await pim.post(
        "/internal/tenants/resolve-api-key", json={"api_key": tenant.key}, headers=headers
    )
    assert resolved.json() == {"tenant_id": tenant.tenant_id}
    unknown = await pim.post("/internal/tenants/resolve-api-key", json={"api_key": "sgk_x"}, headers=headers)
    assert unknown.status_code == 404
    assert (await pim.get(f"/internal/tenants/{tenant.tenant_id}", headers=headers)).status_code == 200
    assert (await pim.get("/internal/tenants/999999999", headers=headers)).status_code == 404

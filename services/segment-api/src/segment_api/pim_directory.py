"""The `TenantDirectory` of segment-api: it asks pim-api, which owns tenants and API keys."""

import httpx

from segops_platform.errors import ServiceUnavailable


class PimTenantDirectory:
    def __init__(self, pim: httpx.AsyncClient) -> None:
        self.pim = pim

    async def tenant_for_api_key(self, key: str) -> int | None:
        response = await self._call("POST", "/internal/tenants/resolve-api-key", {"api_key": key})
        return int(response.json()["tenant_id"]) if response.status_code == 200 else None

    async def tenant_exists(self, tenant_id: int) -> bool:
        response = await self._call("GET", f"/internal/tenants/{tenant_id}")
        return response.status_code == 200

    async def _call(self, method: str, path: str, body: object = None) -> httpx.Response:
        """200 or 404 are answers; anything else means credentials can't be checked now."""
        try:
            response = await self.pim.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(f"cannot verify credentials: pim-api unreachable ({exc})") from exc
        if response.status_code not in (200, 404):
            raise ServiceUnavailable(f"cannot verify credentials: pim-api answered {response.status_code}")
        return response

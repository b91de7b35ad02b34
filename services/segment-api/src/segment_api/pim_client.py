"""What segment-api asks pim-api, which owns tenants, API keys and the product schema: over its
internal routes, with the service credential."""

from collections.abc import Mapping
from typing import Any

import httpx

from segdsl import FieldType
from segops_platform.errors import ServiceUnavailable
from segops_platform.ttl_cache import TtlCache

FIELD_TYPES_CACHE_SECONDS = 5.0


class PimClient:
    """The `TenantDirectory` of segment-api, and each tenant's field types (kept a few seconds: a
    schema change reaches segment definitions that late)."""

    def __init__(self, pim: httpx.AsyncClient) -> None:
        self.pim = pim
        self._field_types = TtlCache[Mapping[str, FieldType]](FIELD_TYPES_CACHE_SECONDS)

    async def tenant_for_api_key(self, key: str) -> int | None:
        response = await self._call(
            "verify credentials", "POST", "/internal/tenants/resolve-api-key", {"api_key": key}
        )
        return int(response.json()["tenant_id"]) if response.status_code == 200 else None

    async def tenant_exists(self, tenant_id: int) -> bool:
        response = await self._call("verify credentials", "GET", f"/internal/tenants/{tenant_id}")
        return response.status_code == 200

    async def field_types(self, tenant_id: int) -> Mapping[str, FieldType]:
        """The tenant's schema fields and their types (none for a tenant pim-api does not know)."""
        key = str(tenant_id)
        cached = self._field_types.get(key)
        if cached is None:
            response = await self._call(
                "read the tenant's schema", "GET", f"/internal/tenants/{tenant_id}/field-types"
            )
            cached = response.json()["fields"] if response.status_code == 200 else {}
            self._field_types.put(key, cached)
        return cached

    async def products(self, tenant_id: int, skus: list[str]) -> dict[str, dict[str, Any]]:
        """Name and data of the products among `skus` (one call), by SKU."""
        if not skus:
            return {}
        path = f"/internal/tenants/{tenant_id}/products/lookup"
        response = await self._call("read products", "POST", path, {"skus": skus})
        found = response.json()["products"] if response.status_code == 200 else []
        return {product["sku"]: product for product in found}

    async def _call(self, purpose: str, method: str, path: str, body: object = None) -> httpx.Response:
        """200 or 404 are answers; anything else means pim-api can't tell now (503)."""
        try:
            response = await self.pim.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(f"cannot {purpose}: pim-api unreachable ({exc})") from exc
        if response.status_code not in (200, 404):
            raise ServiceUnavailable(f"cannot {purpose}: pim-api answered {response.status_code}")
        return response

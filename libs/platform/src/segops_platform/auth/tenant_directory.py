"""Who a credential belongs to: the `TenantDirectory` each service backs, behind a short cache."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from segops_platform.auth.api_keys import api_key_prefix, hash_api_key
from segops_platform.auth.tokens import tenant_from_token
from segops_platform.errors import Unauthorized
from segops_platform.settings import ServiceSettings
from segops_platform.ttl_cache import TtlCache


@dataclass(frozen=True)
class Tenant:
    """The authenticated caller. Repositories take the tenant from here, never from a body."""

    id: int


class TenantDirectory(Protocol):
    async def tenant_for_api_key(self, key: str) -> int | None:
        """The tenant of an active (unrevoked) key, else None."""

    async def tenant_exists(self, tenant_id: int) -> bool: ...


class Authenticator:
    """Turns request credentials into a `Tenant`; a revoked key stops working within the cache TTL."""

    def __init__(
        self,
        settings: ServiceSettings,
        directory: TenantDirectory,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.directory = directory
        self._cache = TtlCache[int](settings.credential_cache_seconds, clock)

    async def authenticate(self, authorization: str | None, api_key: str | None) -> Tenant:
        if authorization and api_key:
            raise Unauthorized("send either Authorization or X-API-Key, not both")
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("Authorization must be 'Bearer <token>'")
            return await self._tenant_from_jwt(token.strip())
        if api_key:
            return await self._tenant_from_api_key(api_key.strip())
        raise Unauthorized("missing credentials: send 'Authorization: Bearer <JWT>' or 'X-API-Key'")

    async def _tenant_from_jwt(self, token: str) -> Tenant:
        tenant_id = tenant_from_token(self.settings, token)
        cache_key = f"tenant:{tenant_id}"
        if self._cache.get(cache_key) is None:
            if not await self.directory.tenant_exists(tenant_id):
                raise Unauthorized(f"tenant {tenant_id} does not exist")
            self._cache.put(cache_key, tenant_id)
        return Tenant(tenant_id)

    async def _tenant_from_api_key(self, key: str) -> Tenant:
        if api_key_prefix(key) is None:
            raise Unauthorized("malformed API key")
        cache_key = f"key:{hash_api_key(key)}"
        tenant_id = self._cache.get(cache_key)
        if tenant_id is None:
            tenant_id = await self.directory.tenant_for_api_key(key)
            if tenant_id is None:
                raise Unauthorized("unknown or revoked API key")
            self._cache.put(cache_key, tenant_id)
        return Tenant(tenant_id)

"""FastAPI dependencies: `CurrentTenant` for tenant-scoped routes, `InternalCaller` for service routes."""

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from segops_platform.auth.tenant_directory import Authenticator, Tenant
from segops_platform.errors import Unauthorized

# Declared for the OpenAPI document (generated SDKs); the raw headers are read below so that a
# malformed Authorization header gets its own message instead of "missing credentials".
# Each scheme is named: FastAPI names both header schemes "APIKeyHeader", so one hid the other.
_bearer = HTTPBearer(
    scheme_name="BearerAuth",
    bearerFormat="JWT",
    auto_error=False,
    description="A JWT carrying the `tenant_id` claim (`segops-admin token --tenant ID`)",
)
_api_key = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKeyAuth",
    auto_error=False,
    description="A tenant API key, `sgk_<prefix>_<secret>` (`segops-admin apikey create`)",
)
INTERNAL_TOKEN_HEADER = "X-Internal-Token"  # noqa: S105  (a header name)
_internal = APIKeyHeader(
    name=INTERNAL_TOKEN_HEADER,
    scheme_name="ServiceToken",
    auto_error=False,
    description="The service credential other SegOps services send (`INTERNAL_TOKEN`)",
)


async def authenticate(request: Request) -> Tenant:
    """The caller's tenant, from a bearer token or an API key; for routes outside FastAPI's DI too."""
    authenticator: Authenticator = request.app.state.authenticator
    return await authenticator.authenticate(
        request.headers.get("authorization"), request.headers.get("x-api-key")
    )


async def current_tenant(
    request: Request,
    _b: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    _k: Annotated[str | None, Depends(_api_key)],
) -> Tenant:
    return await authenticate(request)


async def internal_caller(request: Request, token: Annotated[str | None, Depends(_internal)]) -> None:
    expected: str = request.app.state.settings.internal_token
    if not token or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Unauthorized("internal route: missing or wrong service credential")


CurrentTenant = Annotated[Tenant, Depends(current_tenant)]
InternalCaller = Depends(internal_caller)

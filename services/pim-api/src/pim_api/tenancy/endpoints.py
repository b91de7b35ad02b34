"""Internal routes other services use to resolve credentials (not routed by the gateway)."""

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel

from pim_api.tenancy.service import TenancyService
from segops_platform.auth.dependencies import InternalCaller
from segops_platform.database import MAX_BIGINT, SessionDep
from segops_platform.errors import NotFound
from segops_platform.json_body import RequestBody
from segops_platform.openapi import problems
from segops_platform.routing import ServiceRouter

router = ServiceRouter(
    prefix="/internal/tenants",
    tags=["internal"],
    dependencies=[InternalCaller],
    responses=problems(400, 401, 503),
)


class ApiKeyLookup(RequestBody):
    api_key: str


class TenantRef(BaseModel):
    tenant_id: int


@router.post(
    "/resolve-api-key",
    summary="The tenant of an active API key",
    responses=problems((404, "Unknown or revoked key")),
)
async def tenants_resolve_api_key(body: ApiKeyLookup, session: SessionDep) -> TenantRef:
    """Uncached on purpose: the caller's own cache is the only delay before a revocation bites."""
    tenant_id = await TenancyService(session).tenant_for_api_key(body.api_key)
    if tenant_id is None:
        raise NotFound("unknown or revoked API key")
    return TenantRef(tenant_id=tenant_id)


@router.get(
    "/{tenant_id}",
    summary="Whether a tenant exists",
    responses=problems((404, "No such tenant")),
)
async def tenants_get(tenant_id: Annotated[int, Path(ge=1, le=MAX_BIGINT)], session: SessionDep) -> TenantRef:
    if not await TenancyService(session).tenant_exists(tenant_id):
        raise NotFound(f"tenant {tenant_id} does not exist")
    return TenantRef(tenant_id=tenant_id)

"""Internal routes other services use to resolve credentials (not routed by the gateway)."""

from fastapi import APIRouter
from pydantic import BaseModel

from pim_api.tenancy.service import TenancyService
from segops_platform.auth.dependencies import InternalCaller
from segops_platform.database import SessionDep
from segops_platform.errors import NotFound

router = APIRouter(prefix="/internal/tenants", tags=["internal"], dependencies=[InternalCaller])


class ApiKeyLookup(BaseModel):
    api_key: str


class TenantRef(BaseModel):
    tenant_id: int


@router.post(
    "/resolve-api-key",
    summary="The tenant of an active API key",
    responses={404: {"description": "Unknown or revoked key"}},
)
async def resolve_api_key(body: ApiKeyLookup, session: SessionDep) -> TenantRef:
    """Uncached on purpose: the caller's own cache is the only delay before a revocation bites."""
    tenant_id = await TenancyService(session).tenant_for_api_key(body.api_key)
    if tenant_id is None:
        raise NotFound("unknown or revoked API key")
    return TenantRef(tenant_id=tenant_id)


@router.get(
    "/{tenant_id}",
    summary="Whether a tenant exists",
    responses={404: {"description": "No such tenant"}},
)
async def get_tenant(tenant_id: int, session: SessionDep) -> TenantRef:
    if not await TenancyService(session).tenant_exists(tenant_id):
        raise NotFound(f"tenant {tenant_id} does not exist")
    return TenantRef(tenant_id=tenant_id)
